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

    [Fact]
    public Task Shapes_without_a_behaviour_preserving_fix_get_none() =>
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

    [Fact]
    public Task Loops_that_are_not_exactly_the_canonical_shape_get_no_fix()
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
            FixedCode = Usings + "class C\n{\n" + Members + code,
        }.RunAsync();
    }
}
