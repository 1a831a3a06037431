using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

public class PERF002FixTests
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
            void Work(int x) { }

        """;

    private static CodeFixTest<PERF002UnboundedTaskSpawningAnalyzer, PERF002BoundConcurrencyCodeFix> Test(string body, string fixedBody, string key, string usings = Usings, string fixedUsings = Usings) =>
        new()
        {
            TestCode = usings + "class C\n{\n" + Members + body + "\n}\n",
            FixedCode = fixedUsings + "class C\n{\n" + Members + fixedBody + "\n}\n",
            CodeActionEquivalenceKey = key,
        };

    [Fact]
    public Task Async_lambda_without_result_becomes_Parallel_ForEachAsync() =>
        Test(
            """
                async Task M(IEnumerable<int> ids)
                {
                    await Task.WhenAll([|ids.Select(async id =>
                    {
                        await SendAsync(id);
                        Console.WriteLine(id);
                    })|]);
                    await Task.WhenAll([|ids.Select(async (int id) => await SendAsync(id))|]).ConfigureAwait(false);
                }
            """,
            """
                async Task M(IEnumerable<int> ids)
                {
                    await Parallel.ForEachAsync(
                        ids,
                        new ParallelOptions { MaxDegreeOfParallelism = 16 },
                        async (id, cancellationToken) =>
                    {
                        await SendAsync(id);
                        Console.WriteLine(id);
                    });
                    await Parallel.ForEachAsync(
                        ids,
                        new ParallelOptions { MaxDegreeOfParallelism = 16 },
                        async (int id, CancellationToken cancellationToken) => await SendAsync(id)).ConfigureAwait(false);
                }
            """,
            PERF002BoundConcurrencyCodeFix.ParallelForEachKey).RunAsync();

    [Fact]
    public Task Method_groups_and_plain_lambdas_are_wrapped_in_ValueTask() =>
        Test(
            """
                async Task M(List<int> ids, int item)
                {
                    await Task.WhenAll([|ids.Select(SendAsync)|]);
                    await Task.WhenAll([|ids.Select(id => SendAsync(id + item))|]);
                }
            """,
            """
                async Task M(List<int> ids, int item)
                {
                    await Parallel.ForEachAsync(
                        ids,
                        new ParallelOptions { MaxDegreeOfParallelism = 16 },
                        (item1, cancellationToken) => new ValueTask(SendAsync(item1)));
                    await Parallel.ForEachAsync(
                        ids,
                        new ParallelOptions { MaxDegreeOfParallelism = 16 },
                        (id, cancellationToken) => new ValueTask(SendAsync(id + item)));
                }
            """,
            PERF002BoundConcurrencyCodeFix.ParallelForEachKey).RunAsync();

    [Fact]
    public Task Cpu_bound_Task_Run_uses_the_processor_count_and_token_names_do_not_clash() =>
        Test(
            """
                async Task M(int[] ids, CancellationToken cancellationToken)
                {
                    await Task.WhenAll([|ids.Select(id => Task.Run(() => Work(id), cancellationToken))|]);
                }
            """,
            """
                async Task M(int[] ids, CancellationToken cancellationToken)
                {
                    await Parallel.ForEachAsync(
                        ids,
                        new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
                        (id, cancellationToken) => new ValueTask(Task.Run(() => Work(id), cancellationToken)));
                }
            """,
            PERF002BoundConcurrencyCodeFix.ParallelForEachKey).RunAsync();

    [Fact]
    public Task Used_results_become_BoundedParallel_SelectAsync_and_the_using_is_added() =>
        Test(
            """
                async Task<string[]> M(IEnumerable<int> ids)
                {
                    var results = await Task.WhenAll([|ids.Select(LoadAsync)|]);
                    Console.WriteLine(results.Length);
                    return await Task.WhenAll([|ids.Select(async id => (await LoadAsync(id)).ToUpperInvariant())|]);
                }
            """,
            """
                async Task<string[]> M(IEnumerable<int> ids)
                {
                    var results = await BoundedParallel.SelectAsync(ids, LoadAsync, maxConcurrency: 16);
                    Console.WriteLine(results.Length);
                    return await BoundedParallel.SelectAsync(
                        ids,
                        async id => (await LoadAsync(id)).ToUpperInvariant(),
                        maxConcurrency: 16);
                }
            """,
            PERF002BoundConcurrencyCodeFix.BoundedSelectKey,
            fixedUsings: Usings.TrimEnd('\n') + "\nusing PerfAnalyzers.Runtime.Concurrency;\n").RunAsync();

    [Fact]
    public Task Max_concurrency_comes_from_editorconfig()
    {
        var test = Test(
            """
                async Task M(IEnumerable<int> ids) => await Task.WhenAll([|ids.Select(id => Task.Run(() => Work(id)))|]);
            """,
            """
                async Task M(IEnumerable<int> ids) => await Parallel.ForEachAsync(
                    ids,
                    new ParallelOptions { MaxDegreeOfParallelism = 4 },
                    (id, cancellationToken) => new ValueTask(Task.Run(() => Work(id))));
            """,
            PERF002BoundConcurrencyCodeFix.ParallelForEachKey);
        test.EditorConfig = "perf_analyzers.default_max_concurrency = 4";
        return test.RunAsync();
    }

    [Fact]
    public Task No_BoundedParallel_fix_without_the_runtime_reference()
    {
        const string code = """
                async Task<string[]> M(IEnumerable<int> ids) => await Task.WhenAll([|ids.Select(LoadAsync)|]);
            """;
        var test = Test(code, code, PERF002BoundConcurrencyCodeFix.BoundedSelectKey);
        test.References = TestReferences.WithoutRuntime();
        return test.RunAsync();
    }

    // Changed with the SemaphoreSlim forms: these shapes had no fix; each now gets one (see PERF002FixShapesTests).
    [Fact]
    public Task Shapes_without_a_ForEachAsync_or_BoundedParallel_form_get_a_SemaphoreSlim() =>
        new CodeFixTest<PERF002UnboundedTaskSpawningAnalyzer, PERF002BoundConcurrencyCodeFix>
        {
            TestCode = Usings + "class C\n{\n" + Members + """
                    async Task M(List<int> ids, List<Task> tasks)
                    {
                        var first = await Task.WhenAny([|ids.Select(SendAsync)|]);
                        var list = [|ids.Select(SendAsync)|].ToList();
                        var indexed = await Task.WhenAll([|ids.Select((id, i) => LoadAsync(id + i))|]);
                        var pending = Task.WhenAll([|ids.Select(SendAsync)|]);
                        await Task.WhenAll([|ids.Select(id => { Work(id); return SendAsync(id); })|]);
                        foreach (var id in ids) tasks.Add([|SendAsync(id)|]);
                        foreach (var id in ids) _ = [|Task.Run(() => Work(id))|];
                        await pending;
                    }
                }

                """,
            FixedCode = Usings + "class C\n{\n" + Members + """
                    async Task M(List<int> ids, List<Task> tasks)
                    {
                        var throttle = new SemaphoreSlim(16);
                        var first = await Task.WhenAny(ids.Select(async item =>
                        {
                            await throttle.WaitAsync();
                            try
                            {
                                await SendAsync(item);
                            }
                            finally
                            {
                                throttle.Release();
                            }
                        }));
                        var throttle2 = new SemaphoreSlim(16);
                        var list = ids.Select(async item =>
                        {
                            await throttle2.WaitAsync();
                            try
                            {
                                await SendAsync(item);
                            }
                            finally
                            {
                                throttle2.Release();
                            }
                        }).ToList();
                        var throttle3 = new SemaphoreSlim(16);
                        var indexed = await Task.WhenAll(ids.Select(async (id, i) =>
                        {
                            await throttle3.WaitAsync();
                            try
                            {
                                return await LoadAsync(id + i);
                            }
                            finally
                            {
                                throttle3.Release();
                            }
                        }));
                        var throttle4 = new SemaphoreSlim(16);
                        var pending = Task.WhenAll(ids.Select(async item =>
                        {
                            await throttle4.WaitAsync();
                            try
                            {
                                await SendAsync(item);
                            }
                            finally
                            {
                                throttle4.Release();
                            }
                        }));
                        var throttle5 = new SemaphoreSlim(16);
                        await Task.WhenAll(ids.Select(async id =>
                        {
                            await throttle5.WaitAsync();
                            try
                            {
                                Work(id);
                                await SendAsync(id);
                            }
                            finally
                            {
                                throttle5.Release();
                            }
                        }));
                        var throttle6 = new SemaphoreSlim(16);
                        foreach (var id in ids)
                        {
                            await throttle6.WaitAsync();
                            var task = SendAsync(id);
                            _ = task.ContinueWith(_ => throttle6.Release(), TaskScheduler.Default);
                            tasks.Add(task);
                        }
                        var throttle7 = new SemaphoreSlim(Environment.ProcessorCount);
                        foreach (var id in ids)
                        {
                            await throttle7.WaitAsync();
                            _ = Task.Run(() => Work(id)).ContinueWith(_ => throttle7.Release(), TaskScheduler.Default);
                        }
                        await pending;
                    }
                }

                """,
        }.RunAsync();
}

public class PERF002LoopFixTests
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
            void Work(int x) { }

        """;

    [Fact]
    public Task Canonical_loop_without_results_becomes_Parallel_ForEachAsync() =>
        new CodeFixTest<PERF002UnboundedTaskSpawningAnalyzer, PERF002BoundConcurrencyCodeFix>
        {
            TestCode = Usings + "class C\n{\n" + Members + """
                    async Task M(List<int> ids)
                    {
                        Console.WriteLine("start");
                        // Send them all.
                        var tasks = new List<Task>();
                        foreach (var id in ids)
                        {
                            tasks.Add([|SendAsync(id)|]);
                        }

                        await Task.WhenAll(tasks);
                        var cpu = new List<Task>();
                        foreach (var id in ids) cpu.Add([|Task.Run(() => Work(id))|]);
                        await Task.WhenAll(cpu).ConfigureAwait(false);
                    }
                }

                """,
            FixedCode = Usings + "class C\n{\n" + Members + """
                    async Task M(List<int> ids)
                    {
                        Console.WriteLine("start");
                        // Send them all.
                        await Parallel.ForEachAsync(
                            ids,
                            new ParallelOptions { MaxDegreeOfParallelism = 16 },
                            (id, cancellationToken) => new ValueTask(SendAsync(id)));
                        await Parallel.ForEachAsync(
                            ids,
                            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                            (id, cancellationToken) => new ValueTask(Task.Run(() => Work(id)))).ConfigureAwait(false);
                    }
                }

                """,
            CodeActionEquivalenceKey = PERF002BoundConcurrencyCodeFix.ParallelForEachKey,
        }.RunAsync();

    [Fact]
    public Task Canonical_loop_with_results_becomes_BoundedParallel_SelectAsync() =>
        new CodeFixTest<PERF002UnboundedTaskSpawningAnalyzer, PERF002BoundConcurrencyCodeFix>
        {
            TestCode = Usings + "class C\n{\n" + Members + """
                    async Task<string[]> M(IEnumerable<int> ids)
                    {
                        var pending = new List<Task<string>>();
                        foreach (var id in ids) pending.Add([|LoadAsync(id * 2)|]);
                        var results = await Task.WhenAll(pending);
                        return results;
                    }
                }

                """,
            FixedCode = Usings.TrimEnd('\n') + "\nusing PerfAnalyzers.Runtime.Concurrency;\n" + "class C\n{\n" + Members + """
                    async Task<string[]> M(IEnumerable<int> ids)
                    {
                        var results = await BoundedParallel.SelectAsync(ids, id => LoadAsync(id * 2), maxConcurrency: 16);
                        return results;
                    }
                }

                """,
            CodeActionEquivalenceKey = PERF002BoundConcurrencyCodeFix.BoundedSelectKey,
        }.RunAsync();

    // Changed with the SemaphoreSlim forms: these loops had no fix; in async code each now awaits a slot per iteration.
    [Fact]
    public Task Loops_that_are_not_exactly_the_canonical_shape_await_a_slot()
    {
        const string code = """
                async Task M(List<int> ids, List<Task> field)
                {
                    var a = new List<Task>();
                    foreach (var id in ids) a.Add([|SendAsync(id)|]);
                    Console.WriteLine(a.Count);
                    await Task.WhenAll(a);

                    var b = new List<Task>();
                    foreach (var id in ids) { Work(id); b.Add([|SendAsync(id)|]); }
                    await Task.WhenAll(b);

                    var c = new List<Task>();
                    foreach (int id in ids) c.Add([|SendAsync(id)|]);
                    await Task.WhenAll(c);

                    foreach (var id in ids) field.Add([|SendAsync(id)|]);
                    await Task.WhenAll(field);

                    var d = new List<Task>();
                    foreach (var id in ids) d.Add([|SendAsync(id)|]);
                    await Task.WhenAny(d);
                }
            }

            """;
        return new CodeFixTest<PERF002UnboundedTaskSpawningAnalyzer, PERF002BoundConcurrencyCodeFix>
        {
            TestCode = Usings + "class C\n{\n" + Members + code,
            FixedCode = Usings + "class C\n{\n" + Members + """
                    async Task M(List<int> ids, List<Task> field)
                    {
                        var a = new List<Task>();
                        var throttle = new SemaphoreSlim(16);
                        foreach (var id in ids)
                        {
                            await throttle.WaitAsync();
                            var task = SendAsync(id);
                            _ = task.ContinueWith(_ => throttle.Release(), TaskScheduler.Default);
                            a.Add(task);
                        }
                        Console.WriteLine(a.Count);
                        await Task.WhenAll(a);

                        var b = new List<Task>();
                        var throttle2 = new SemaphoreSlim(16);
                        foreach (var id in ids) { Work(id); await throttle2.WaitAsync();
                            var task2 = SendAsync(id);
                            _ = task2.ContinueWith(_ => throttle2.Release(), TaskScheduler.Default);
                            b.Add(task2);
                        }
                        await Task.WhenAll(b);

                        var c = new List<Task>();
                        var throttle3 = new SemaphoreSlim(16);
                        foreach (int id in ids)
                        {
                            await throttle3.WaitAsync();
                            var task3 = SendAsync(id);
                            _ = task3.ContinueWith(_ => throttle3.Release(), TaskScheduler.Default);
                            c.Add(task3);
                        }
                        await Task.WhenAll(c);

                        var throttle4 = new SemaphoreSlim(16);
                        foreach (var id in ids)
                        {
                            await throttle4.WaitAsync();
                            var task4 = SendAsync(id);
                            _ = task4.ContinueWith(_ => throttle4.Release(), TaskScheduler.Default);
                            field.Add(task4);
                        }
                        await Task.WhenAll(field);

                        var d = new List<Task>();
                        var throttle5 = new SemaphoreSlim(16);
                        foreach (var id in ids)
                        {
                            await throttle5.WaitAsync();
                            var task5 = SendAsync(id);
                            _ = task5.ContinueWith(_ => throttle5.Release(), TaskScheduler.Default);
                            d.Add(task5);
                        }
                        await Task.WhenAny(d);
                    }
                }

                """,
        }.RunAsync();
    }
}
