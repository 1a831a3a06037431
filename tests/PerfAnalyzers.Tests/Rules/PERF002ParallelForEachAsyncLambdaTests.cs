using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF002, <c>Parallel.ForEach</c> with an async lambda (an async void per element): reported, and in code that can
/// await fixed to <c>await Parallel.ForEachAsync</c> with the caller's options or a limit and the caller's token.
/// </summary>
public class PERF002ParallelForEachAsyncLambdaTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    private const string Members = """
            Task SendAsync(int x, CancellationToken ct = default) => Task.CompletedTask;
            void Work(int x) { }

        """;

    private static CodeFixTest<PERF002UnboundedTaskSpawningAnalyzer, PERF002BoundConcurrencyCodeFix> Test(string body, string fixedBody) =>
        new()
        {
            TestCode = Usings + "class C\n{\n" + Members + body + "\n}\n",
            FixedCode = Usings + "class C\n{\n" + Members + fixedBody + "\n}\n",
            References = TestReferences.WithoutRuntime(),
        };

    [Fact]
    public Task Async_lambdas_are_reported_and_plain_ones_are_not() =>
        AnalyzerVerifier<PERF002UnboundedTaskSpawningAnalyzer>.VerifyAsync(Usings + """
            class C
            {
                Task SendAsync(int x) => Task.CompletedTask;
                void Work(int x) { }

                void M(List<int> ids, ParallelOptions options)
                {
                    {|#0:Parallel.ForEach(ids, async id => await SendAsync(id))|};
                    {|#1:Parallel.ForEach(ids, options, async (int id) => { await SendAsync(id); })|};
                    Parallel.ForEach(ids, id => Work(id));
                    Parallel.ForEach(ids, options, id => SendAsync(id).Wait());
                    Parallel.For(0, ids.Count, i => Work(i));
                }
            }
            """,
            Expect.Diagnostic("PERF002").WithLocation(0).WithArguments("Parallel.ForEach with an async lambda"),
            Expect.Diagnostic("PERF002").WithLocation(1).WithArguments("Parallel.ForEach with an async lambda"));

    [Fact]
    public Task The_caller_token_flows_into_new_options_with_a_limit() =>
        Test(
            """
                async Task M(List<int> ids, CancellationToken ct)
                {
                    [|Parallel.ForEach(ids, async id => await SendAsync(id, ct))|];
                }
            """,
            """
                async Task M(List<int> ids, CancellationToken ct)
                {
                    await Parallel.ForEachAsync(
                        ids,
                        new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
                        async (id, ct) => await SendAsync(id, ct));
                }
            """).RunAsync();

    [Fact]
    public Task The_caller_options_are_kept_and_an_unused_token_is_a_discard() =>
        Test(
            """
                async Task M(List<int> ids, ParallelOptions options)
                {
                    [|Parallel.ForEach(ids, options, async (int id) =>
                    {
                        await SendAsync(id);
                    })|];

                    [|Parallel.ForEach(ids, async id =>
                    {
                        _ = id;
                        await SendAsync(id);
                    })|];
                }
            """,
            """
                async Task M(List<int> ids, ParallelOptions options)
                {
                    await Parallel.ForEachAsync(ids, options, async (int id, CancellationToken _) =>
                    {
                        await SendAsync(id);
                    });

                    await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, cancellationToken) =>
                    {
                        _ = id;
                        await SendAsync(id);
                    });
                }
            """).RunAsync();

    [Fact]
    public Task No_fix_where_the_caller_cannot_await() =>
        CodeFixVerifier<PERF002UnboundedTaskSpawningAnalyzer, PERF002BoundConcurrencyCodeFix>.VerifyNoFixAsync(Usings + """
            class C
            {
                readonly object _gate = new();
                Task SendAsync(int x) => Task.CompletedTask;

                void Sync(List<int> ids)
                {
                    {|#0:Parallel.ForEach(ids, async id => await SendAsync(id))|};
                }

                async Task Locked(List<int> ids)
                {
                    await Task.Yield();
                    lock (_gate)
                    {
                        {|#1:Parallel.ForEach(ids, async id => await SendAsync(id))|};
                    }
                }
            }
            """,
            Expect.Diagnostic("PERF002").WithLocation(0).WithArguments("Parallel.ForEach with an async lambda"),
            Expect.Diagnostic("PERF002").WithLocation(1).WithArguments("Parallel.ForEach with an async lambda"));

    private const string Prelude = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        public static class Sample
        {
            private static int s_current;
            private static int s_max;
            private static int s_done;
            private static readonly List<int> s_seen = new();

            private static async Task SendAsync(int id)
            {
                var now = Interlocked.Increment(ref s_current);
                int seen;
                while (now > (seen = Volatile.Read(ref s_max)) && Interlocked.CompareExchange(ref s_max, now, seen) != seen)
                {
                }

                await Task.Delay(2);
                Interlocked.Decrement(ref s_current);
                if (id == -77) throw new InvalidOperationException("element 77");
                lock (s_seen) s_seen.Add(id);
                Interlocked.Increment(ref s_done);
            }

        """;

    private static async Task<(string Result, int Max)> RunAsync(string code)
    {
        var assembly = TestCompiler.CompileAndLoad(code);
        var run = (Task<string>)TestCompiler.Invoke(assembly, "Sample", "RunAsync")!;
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.True(finished == run, "The code hung:\n" + code);
        var text = await run;
        var bar = text.LastIndexOf('|');
        return (text[..bar], int.Parse(text[(bar + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Run_every_element_is_processed_as_before_now_joined_bounded_and_a_failure_surfaces()
    {
        const string source = """
                public static async Task<string> RunAsync(int failing)
                {
                    var ids = Enumerable.Range(0, 300).Select(i => i == 77 ? failing : i).ToList();
                    try
                    {
                        Parallel.ForEach(ids, async id => await SendAsync(id));
                    }
                    catch (InvalidOperationException e)
                    {
                        return e.Message + ":" + s_done + "|" + s_max;
                    }

                    // The original returns before the work ends: wait for it (the fixed code has already awaited it).
                    var waited = 0;
                    while (Volatile.Read(ref s_done) < 300 && waited++ < 3000) await Task.Delay(5);
                    lock (s_seen) return s_done + ":" + s_seen.OrderBy(x => x).SequenceEqual(Enumerable.Range(0, 300)) + "|" + s_max;
                }

                public static Task<string> RunAsync() => RunAsync(77);
                public static Task<string> RunFailingAsync() => RunAsync(-77);
            }
            """;
        var code = Prelude + source;
        var (fixedCode, applied) = await FixApplier.ApplyEachAsync<PERF002UnboundedTaskSpawningAnalyzer, PERF002BoundConcurrencyCodeFix>(code);
        Assert.Equal(1, applied);
        Assert.Contains("await Parallel.ForEachAsync(", fixedCode, StringComparison.Ordinal);
        Assert.Contains("new ParallelOptions { MaxDegreeOfParallelism = 16 }", fixedCode, StringComparison.Ordinal);

        var original = await RunAsync(code);
        var fixedRun = await RunAsync(fixedCode);
        Assert.Equal("300:True", original.Result);
        Assert.Equal(original.Result, fixedRun.Result);
        Assert.True(original.Max > 16, "the original should start more than 16 at once: " + original.Max);
        Assert.True(fixedRun.Max <= 16, "the fixed code ran " + fixedRun.Max + " at once");

        // A failing element: the original throws it on the thread pool from an async void (it would end the process,
        // so it is not run here); the fixed code surfaces it to the caller.
        var assembly = TestCompiler.CompileAndLoad(fixedCode);
        var failing = await (Task<string>)TestCompiler.Invoke(assembly, "Sample", "RunFailingAsync")!;
        Assert.StartsWith("element 77:", failing, StringComparison.Ordinal);
    }
}
