using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF002 shapes that had no fix: every Select form gets a SemaphoreSlim around each element (results, order and
/// exceptions as before), and a task started per iteration of a loop in async code gets a slot awaited in the
/// iteration (the task is stored, joined or dropped as before). Exact output, Fix All, and the fixed code compiles.
/// </summary>
public class PERF002FixShapesTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    private const string Members = """
            Task SendAsync(int x) => Task.CompletedTask;
            Task<string> LoadAsync(int x) => Task.FromResult(x.ToString());
            ValueTask PingAsync(int x) => default;
            void Work(int x) { }

        """;

    private static CodeFixTest<PERF002UnboundedTaskSpawningAnalyzer, PERF002BoundConcurrencyCodeFix> Test(string body, string fixedBody, string? key = null) =>
        new()
        {
            TestCode = Usings + "class C\n{\n" + Members + body + "\n}\n",
            FixedCode = Usings + "class C\n{\n" + Members + fixedBody + "\n}\n",
            CodeActionEquivalenceKey = key,
            References = TestReferences.WithoutRuntime(),
        };

    [Fact]
    public Task Awaited_WhenAll_of_tasks_with_results_without_the_runtime() =>
        Test(
            """
                async Task<int> M(IEnumerable<int> ids)
                {
                    var texts = await Task.WhenAll([|ids.Select(id => LoadAsync(id))|]);
                    return texts.Length;
                }
            """,
            """
                async Task<int> M(IEnumerable<int> ids)
                {
                    var throttle = new SemaphoreSlim(16);
                    var texts = await Task.WhenAll(ids.Select(async id =>
                    {
                        await throttle.WaitAsync();
                        try
                        {
                            return await LoadAsync(id);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                    return texts.Length;
                }
            """,
            PERF002ThrottledSelector.Key).RunAsync();

    [Fact]
    public Task A_returned_WhenAll_in_an_expression_bodied_method_gets_a_block_body() =>
        Test(
            """
                Task M(IEnumerable<int> ids) => Task.WhenAll([|ids.Select(id => SendAsync(id))|]);
            """,
            """
                Task M(IEnumerable<int> ids)
                {
                    var throttle = new SemaphoreSlim(16);
                    return Task.WhenAll(ids.Select(async id =>
                    {
                        await throttle.WaitAsync();
                        try
                        {
                            await SendAsync(id);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                }
            """,
            PERF002ThrottledSelector.Key).RunAsync();

    [Fact]
    public Task Tasks_held_in_a_local_and_materialised_keep_their_consumers() =>
        Test(
            """
                async Task<int> M(List<int> ids)
                {
                    var tasks = [|ids.Select(LoadAsync)|].ToList();
                    // other work
                    var texts = await Task.WhenAll(tasks);
                    var lazy = [|ids.Select(id => SendAsync(id))|];
                    await Task.WhenAll(lazy);
                    return texts.Length;
                }
            """,
            """
                async Task<int> M(List<int> ids)
                {
                    var throttle = new SemaphoreSlim(16);
                    var tasks = ids.Select(async item =>
                    {
                        await throttle.WaitAsync();
                        try
                        {
                            return await LoadAsync(item);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }).ToList();
                    // other work
                    var texts = await Task.WhenAll(tasks);
                    var throttle2 = new SemaphoreSlim(16);
                    var lazy = ids.Select(async id =>
                    {
                        await throttle2.WaitAsync();
                        try
                        {
                            await SendAsync(id);
                        }
                        finally
                        {
                            throttle2.Release();
                        }
                    });
                    await Task.WhenAll(lazy);
                    return texts.Length;
                }
            """).RunAsync();

    [Fact]
    public Task Indexed_Select_with_a_block_bodied_lambda_awaits_each_return() =>
        Test(
            """
                async Task M(List<int> ids)
                {
                    await Task.WhenAll([|ids.Select((id, i) =>
                    {
                        if (i > 3) return SendAsync(id);
                        Work(i);
                        return SendAsync(id + i);
                    })|]);
                }
            """,
            """
                async Task M(List<int> ids)
                {
                    var throttle = new SemaphoreSlim(16);
                    await Task.WhenAll(ids.Select(async (id, i) =>
                    {
                        await throttle.WaitAsync();
                        try
                        {
                            if (i > 3)
                            {
                                await SendAsync(id);
                                return;
                            }
                            Work(i);
                            await SendAsync(id + i);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                }
            """,
            PERF002ThrottledSelector.Key).RunAsync();

    [Fact]
    public Task WaitAll_frees_slots_without_the_blocked_context() =>
        Test(
            """
                void M(List<int> ids)
                {
                    Task.WaitAll([|ids.Select(LoadAsync)|].ToArray());
                }
            """,
            """
                void M(List<int> ids)
                {
                    var throttle = new SemaphoreSlim(16);
                    Task.WaitAll(ids.Select(async item =>
                    {
                        await throttle.WaitAsync().ConfigureAwait(false);
                        try
                        {
                            return await LoadAsync(item).ConfigureAwait(false);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }).ToArray());
                }
            """,
            PERF002ThrottledSelector.Key).RunAsync();

    [Fact]
    public Task AddRange_and_an_async_block_lambda() =>
        Test(
            """
                async Task M(List<int> ids, List<Task> tasks)
                {
                    tasks.AddRange([|ids.Select(async id =>
                    {
                        Work(id);
                        await SendAsync(id);
                    })|]);
                    await Task.WhenAll(tasks);
                }
            """,
            """
                async Task M(List<int> ids, List<Task> tasks)
                {
                    var throttle = new SemaphoreSlim(16);
                    tasks.AddRange(ids.Select(async id =>
                    {
                        await throttle.WaitAsync();
                        try
                        {
                            Work(id);
                            await SendAsync(id);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                    await Task.WhenAll(tasks);
                }
            """,
            PERF002ThrottledSelector.Key).RunAsync();

    [Fact]
    public Task A_loop_with_other_statements_before_the_Add_waits_for_a_slot() =>
        Test(
            """
                async Task<int> M(List<int> ids)
                {
                    var tasks = new List<Task<string>>();
                    foreach (var id in ids)
                    {
                        Console.WriteLine(id);
                        tasks.Add([|LoadAsync(id)|]);
                    }

                    var texts = await Task.WhenAll(tasks);
                    return texts.Length;
                }
            """,
            """
                async Task<int> M(List<int> ids)
                {
                    var tasks = new List<Task<string>>();
                    var throttle = new SemaphoreSlim(16);
                    foreach (var id in ids)
                    {
                        Console.WriteLine(id);
                        await throttle.WaitAsync();
                        var task = LoadAsync(id);
                        _ = task.ContinueWith(_ => throttle.Release(), TaskScheduler.Default);
                        tasks.Add(task);
                    }

                    var texts = await Task.WhenAll(tasks);
                    return texts.Length;
                }
            """,
            PERF002LoopSlot.Key).RunAsync();

    [Fact]
    public Task Array_slots_locals_and_Task_Run_in_loops() =>
        Test(
            """
                async Task M(List<int> ids)
                {
                    var slots = new Task[ids.Count];
                    for (var i = 0; i < ids.Count; i++)
                        slots[i] = [|SendAsync(ids[i])|];
                    await Task.WhenAll(slots);

                    var running = new List<Task>();
                    foreach (var id in ids)
                    {
                        var t = [|Task.Run(() => Work(id))|];
                        running.Add(t);
                    }

                    await Task.WhenAll(running);
                }
            """,
            """
                async Task M(List<int> ids)
                {
                    var slots = new Task[ids.Count];
                    var throttle = new SemaphoreSlim(16);
                    for (var i = 0; i < ids.Count; i++)
                    {
                        await throttle.WaitAsync();
                        var task = SendAsync(ids[i]);
                        _ = task.ContinueWith(_ => throttle.Release(), TaskScheduler.Default);
                        slots[i] = task;
                    }
                    await Task.WhenAll(slots);

                    var running = new List<Task>();
                    var throttle2 = new SemaphoreSlim(Environment.ProcessorCount);
                    foreach (var id in ids)
                    {
                        await throttle2.WaitAsync();
                        var t = Task.Run(() => Work(id));
                        _ = t.ContinueWith(_ => throttle2.Release(), TaskScheduler.Default);
                        running.Add(t);
                    }

                    await Task.WhenAll(running);
                }
            """).RunAsync();

    [Fact]
    public Task Fire_and_forget_stays_fire_and_forget_but_bounded() =>
        Test(
            """
                async Task M(List<int> ids)
                {
                    foreach (var id in ids)
                    {
                        _ = [|SendAsync(id)|];
                    }

                    await Task.Yield();
                }
            """,
            """
                async Task M(List<int> ids)
                {
                    var throttle = new SemaphoreSlim(16);
                    foreach (var id in ids)
                    {
                        await throttle.WaitAsync();
                        _ = SendAsync(id).ContinueWith(_ => throttle.Release(), TaskScheduler.Default);
                    }

                    await Task.Yield();
                }
            """,
            PERF002LoopSlot.Key).RunAsync();

    [Fact]
    public Task Top_level_loops_and_async_local_functions() =>
        new CodeFixTest<PERF002UnboundedTaskSpawningAnalyzer, PERF002BoundConcurrencyCodeFix>
        {
            OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication,
            References = TestReferences.WithoutRuntime(),
            TestCode = Usings + """
                var ids = Enumerable.Range(0, args.Length * 100).ToList();
                var tasks = new List<Task>();
                foreach (var id in ids)
                {
                    tasks.Add([|SendAsync(id)|]);
                    Console.WriteLine(id);
                }

                await Task.WhenAll(tasks);
                await LoadAll(ids);

                async Task<string[]> LoadAll(List<int> keys) => await Task.WhenAll([|keys.Select(k => LoadAsync(k))|]);

                static Task SendAsync(int x) => Task.CompletedTask;
                static Task<string> LoadAsync(int x) => Task.FromResult(x.ToString());

                """,
            FixedCode = Usings + """
                var ids = Enumerable.Range(0, args.Length * 100).ToList();
                var tasks = new List<Task>();
                var throttle = new SemaphoreSlim(16);
                foreach (var id in ids)
                {
                    await throttle.WaitAsync();
                    var task = SendAsync(id);
                    _ = task.ContinueWith(_ => throttle.Release(), TaskScheduler.Default);
                    tasks.Add(task);
                    Console.WriteLine(id);
                }

                await Task.WhenAll(tasks);
                await LoadAll(ids);

                async Task<string[]> LoadAll(List<int> keys)
                {
                    var throttle2 = new SemaphoreSlim(16);
                    return await Task.WhenAll(keys.Select(async k =>
                    {
                        await throttle2.WaitAsync();
                        try
                        {
                            return await LoadAsync(k);
                        }
                        finally
                        {
                            throttle2.Release();
                        }
                    }));
                }

                static Task SendAsync(int x) => Task.CompletedTask;
                static Task<string> LoadAsync(int x) => Task.FromResult(x.ToString());

                """,
            // Fix All names both semaphores from the original code: the local function's shadows the top-level one
            // (legal since C# 8); one fix at a time sees the first and picks throttle2.
            BatchFixedCode = Usings + """
                var ids = Enumerable.Range(0, args.Length * 100).ToList();
                var tasks = new List<Task>();
                var throttle = new SemaphoreSlim(16);
                foreach (var id in ids)
                {
                    await throttle.WaitAsync();
                    var task = SendAsync(id);
                    _ = task.ContinueWith(_ => throttle.Release(), TaskScheduler.Default);
                    tasks.Add(task);
                    Console.WriteLine(id);
                }

                await Task.WhenAll(tasks);
                await LoadAll(ids);

                async Task<string[]> LoadAll(List<int> keys)
                {
                    var throttle = new SemaphoreSlim(16);
                    return await Task.WhenAll(keys.Select(async k =>
                    {
                        await throttle.WaitAsync();
                        try
                        {
                            return await LoadAsync(k);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                }

                static Task SendAsync(int x) => Task.CompletedTask;
                static Task<string> LoadAsync(int x) => Task.FromResult(x.ToString());

                """,
        }.RunAsync();

    [Fact]
    public Task Shapes_that_cannot_be_bounded_safely_get_no_fix()
    {
        const string code = """
                private int _started;
                private readonly object _gate = new();

                void Sync(List<int> ids, List<Task> tasks)
                {
                    // (A task stored per element in a synchronous method now gets a fix: PERF002SyncLoopFixTests;
                    // a thread or work item per element too: PERF002ThreadFixTests.)
                    // An async lambda queued per element (async void): the slot would be freed at its first await.
                    foreach (var id in ids) [|ThreadPool.QueueUserWorkItem(async _ => await SendAsync(id))|];
                }

                async Task Async(List<int> ids, List<Task> tasks, List<ValueTask> pings, Dictionary<int, Task> byId)
                {
                    // (StartNew of an async lambda in async code now gets a fix: PERF002ThreadFixTests.)
                    // ValueTask has no ContinueWith.
                    foreach (var id in ids) pings.Add([|PingAsync(id)|]);
                    // The key is computed after the task would start.
                    foreach (var id in ids) byId[Key(id)] = [|SendAsync(id)|];
                    // The per-element code before the first await writes a field: bounded, it would race.
                    await Task.WhenAll([|ids.Select(async id => { _started++; await SendAsync(id); })|]);
                    // (A List.ForEach lambda starting tasks now goes through Throttled: PERF002ThreadFixTests.)
                    // Inside a lock, await is not allowed.
                    lock (_gate)
                    {
                        foreach (var id in ids) tasks.Add([|SendAsync(id)|]);
                    }

                    await Task.WhenAll(tasks);
                }

                int Key(int id) => id;

                // A lambda with an expression body: no statement to declare the semaphore in.
                Func<List<int>, Task> F => ids => Task.WhenAll([|ids.Select(SendAsync)|]);
            """;
        return Test(code, code).RunAsync();
    }
}
