using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF002UnboundedTaskSpawningAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

public class PERF002Tests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    [Fact]
    public Task Spawns_in_loops_are_reported() =>
        Verify.VerifyAsync(Usings + """
            class C
            {
                void Work(int x) { }
                async Task M(List<int> items, IAsyncEnumerable<int> stream, Queue<int> queue)
                {
                    foreach (var x in items) {|#0:Task.Run(() => Work(x))|};
                    for (var i = 0; i < items.Count; i++) [|Task.Factory.StartNew(() => Work(i))|];
                    while (queue.Count > 0) { var x = queue.Dequeue(); [|ThreadPool.QueueUserWorkItem(_ => Work(x))|]; }
                    do { [|new Thread(() => Work(1)).Start()|]; } while (queue.Count > 0);
                    await foreach (var x in stream) { _ = [|Task.Run(() => Work(x))|]; }
                    items.ForEach(x => [|Task.Run(() => Work(x))|]);
                }
            }
            """,
            Expect.Diagnostic("PERF002").WithLocation(0).WithArguments("Task.Run"));

    [Fact]
    public Task Tasks_collected_in_a_loop_are_reported() =>
        Verify.VerifyAsync(Usings + """
            class C
            {
                Task SendAsync(int x) => Task.CompletedTask;
                ValueTask<int> LoadAsync(int x) => new(x);
                async Task M(int[] items)
                {
                    var tasks = new List<Task>();
                    foreach (var x in items) tasks.Add({|#0:SendAsync(x)|});
                    await Task.WhenAll(tasks);

                    var spawned = new List<Task>();
                    foreach (var x in items) spawned.Add([|Task.Run(() => SendAsync(x))|]);
                    await Task.WhenAll(spawned);

                    var array = new Task[items.Length];
                    for (var i = 0; i < items.Length; i++) array[i] = [|SendAsync(items[i])|];
                    await Task.WhenAll(array);

                    var loads = new Dictionary<int, ValueTask<int>>();
                    foreach (var x in items) loads[x] = [|LoadAsync(x)|];

                    foreach (var x in items) _ = [|SendAsync(x)|];
                }
            }
            """,
            Expect.Diagnostic("PERF002").WithLocation(0).WithArguments("'SendAsync'"));

    [Fact]
    public Task WhenAll_over_Select_is_reported() =>
        Verify.VerifyAsync(Usings + """
            class C
            {
                Task<int> LoadAsync(int x) => Task.FromResult(x);
                async Task M(IEnumerable<int> ids)
                {
                    await Task.WhenAll({|#0:ids.Select(async id => await LoadAsync(id))|});
                    var results = await Task.WhenAll([|ids.Select(LoadAsync)|]);
                    var first = await Task.WhenAny([|ids.Select(id => LoadAsync(id))|]);
                    Task.WaitAll([|ids.Select(id => Task.Run(() => id))|].ToArray());
                    var list = [|ids.Select(async id => await LoadAsync(id))|].ToList();
                    var indexed = await Task.WhenAll([|ids.Select((id, i) => LoadAsync(id + i))|]);
                }
            }
            """,
            Expect.Diagnostic("PERF002").WithLocation(0).WithArguments("Select"));

    [Fact]
    public Task Awaited_or_waited_in_the_iteration_is_not_reported() =>
        Verify.VerifyAsync(Usings + """
            class C
            {
                Task SendAsync(int x) => Task.CompletedTask;
                async Task M(List<int> items)
                {
                    foreach (var x in items) await Task.Run(() => SendAsync(x));
                    foreach (var x in items) await Task.Run(() => x).ConfigureAwait(false);
                    foreach (var x in items) Task.Run(() => x).Wait();
                    foreach (var x in items) Task.Run(() => x).GetAwaiter().GetResult();
                    foreach (var x in items) { var r = Task.Run(() => x).Result; }
                    foreach (var x in items)
                    {
                        var t = Task.Run(() => x);
                        Console.WriteLine(x);
                        await t;
                    }

                    foreach (var x in items) await Task.WhenAll(Task.Run(() => x), Task.Run(() => x + 1));
                    foreach (var x in items) await SendAsync(x);
                    foreach (var x in items)
                    {
                        var local = new List<Task>();
                        local.Add(SendAsync(x));
                        local.Add(SendAsync(x + 1));
                        await Task.WhenAll(local);
                    }
                }
            }
            """);

    [Fact]
    public Task Bounded_shapes_are_not_reported() =>
        Verify.VerifyAsync(Usings + """
            class C
            {
                Task SendAsync(int x) => Task.CompletedTask;
                async Task M(List<int> items, SemaphoreSlim gate, CancellationToken ct)
                {
                    // A semaphore awaited in the iteration or in the lambda.
                    var tasks = new List<Task>();
                    foreach (var x in items)
                    {
                        await gate.WaitAsync(ct);
                        tasks.Add(Task.Run(async () => { try { await SendAsync(x); } finally { gate.Release(); } }));
                    }

                    await Task.WhenAll(items.Select(async x =>
                    {
                        await gate.WaitAsync(ct);
                        try { await SendAsync(x); } finally { gate.Release(); }
                    }));

                    // Parallel.ForEachAsync with a limit.
                    await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (x, token) => await SendAsync(x));

                    // Constant counts at or below the threshold (8).
                    for (var i = 0; i < 4; i++) tasks.Add(Task.Run(() => SendAsync(i)));
                    foreach (var x in new[] { 1, 2, 3 }) tasks.Add(SendAsync(x));
                    await Task.WhenAll(new[] { 1, 2 }.Select(SendAsync));
                    await Task.WhenAll(Enumerable.Range(0, 8).Select(SendAsync));

                    // One worker per core.
                    for (var i = 0; i < Environment.ProcessorCount; i++) tasks.Add(Task.Run(() => SendAsync(i)));
                    await Task.WhenAll(Enumerable.Range(0, Environment.ProcessorCount).Select(i => Task.Run(() => SendAsync(i))));

                    // Chunks, each awaited before the next.
                    foreach (var chunk in items.Chunk(10)) await Task.WhenAll(chunk.Select(SendAsync));
                    foreach (var chunk in items.Chunk(10))
                    {
                        var batch = new List<Task>();
                        foreach (var x in chunk) batch.Add(SendAsync(x));
                        await Task.WhenAll(batch);
                    }

                    // A single spawn outside any loop; a Select not fed to WhenAll; a non-task Select.
                    await Task.Run(() => SendAsync(1));
                    _ = Task.Run(() => SendAsync(2));
                    var lazy = items.Select(SendAsync);
                    var names = items.Select(x => x.ToString()).ToList();
                }
            }
            """);

    [Fact]
    public Task Threshold_comes_from_editorconfig() =>
        new AnalyzerTest<PERF002UnboundedTaskSpawningAnalyzer>
        {
            TestCode = Usings + """
                class C
                {
                    Task SendAsync(int x) => Task.CompletedTask;
                    async Task M(List<Task> tasks)
                    {
                        for (var i = 0; i < 4; i++) tasks.Add([|SendAsync(i)|]);
                        for (var i = 0; i < 2; i++) tasks.Add(SendAsync(i));
                        await Task.WhenAll([|new[] { 1, 2, 3 }.Select(SendAsync)|]);
                    }
                }
                """,
            EditorConfig = "perf_analyzers.PERF002.max_constant_iterations = 2",
        }.RunAsync();

    [Fact]
    public Task Look_alikes_are_not_reported() =>
        Verify.VerifyAsync(Usings + """
            static class Task2 { public static Task Run(Action a) => Task.CompletedTask; }
            class Runner { public void Run(Action a) { } }
            class C
            {
                int Compute(int x) => x;
                void M(List<int> items, Runner runner)
                {
                    foreach (var x in items) Task2.Run(() => Compute(x));
                    foreach (var x in items) runner.Run(() => Compute(x));
                    var list = new List<int>();
                    foreach (var x in items) list.Add(Compute(x));
                    // A task created in a lambda that is not applied per element.
                    foreach (var x in items) { Func<Task> later = () => Task.Run(() => Compute(x)); }
                }
            }
            """);

    [Fact]
    public Task Top_level_statements_local_functions_and_generics() =>
        new AnalyzerTest<PERF002UnboundedTaskSpawningAnalyzer>
        {
            TestCode = Usings + """
                var ids = args.Select(int.Parse).ToList();
                var all = await Task.WhenAll([|ids.Select(id => FetchAsync(id))|]);
                await Run(ids);
                Console.WriteLine(all.Length);

                static Task<T> FetchAsync<T>(T id) => Task.FromResult(id);

                static async Task Run<T>(IEnumerable<T> items)
                {
                    var pending = new List<Task<T>>();
                    foreach (var item in items) pending.Add([|FetchAsync(item)|]);
                    await Task.WhenAll(pending);
                }
                """,
            OutputKind = OutputKind.ConsoleApplication,
        }.RunAsync();

    [Fact]
    public Task Partial_class_across_two_files() =>
        new AnalyzerTest<PERF002UnboundedTaskSpawningAnalyzer>
        {
            Sources =
            {
                Usings + "partial class C { List<Task> _tasks = new(); Task SendAsync(int x) => Task.CompletedTask; }",
                Usings + "partial class C { void M(int[] xs) { foreach (var x in xs) _tasks.Add([|SendAsync(x)|]); } }",
            },
        }.RunAsync();

    [Fact]
    public Task Broken_code_does_not_crash_the_analyzer() =>
        new AnalyzerTest<PERF002UnboundedTaskSpawningAnalyzer>
        {
            TestCode = Usings + """
                class C
                {
                    async Task M(List<int> items)
                    {
                        foreach (var x in items) Task.Run(() => Missing(x);
                        await Task.WhenAll(items.Select(async x => await Nope(x)));
                        for (;;) _ = Task.Run(
                        await Task.WhenAll(items.Select());
                    }
                }
                """,
            AllowCompilerErrors = true,
        }.RunAsync();
}
