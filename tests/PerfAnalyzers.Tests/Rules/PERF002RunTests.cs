using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>The PERF002 fixes, run: the fixed code gives the same results as the original with at most N operations in flight.</summary>
public class PERF002RunTests
{
    private const string Prefix = """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    // Each operation records how many run at once; the delay keeps them overlapping.
    private const string Tracking = """
            private static int s_inFlight;
            private static int s_max;
            private static readonly ConcurrentBag<int> s_sent = new();

            private static async Task<string> LoadAsync(int id)
            {
                Enter();
                await Task.Delay(2);
                Interlocked.Decrement(ref s_inFlight);
                return "v" + id * id;
            }

            private static async Task SendAsync(int id)
            {
                Enter();
                await Task.Delay(2);
                s_sent.Add(id);
                Interlocked.Decrement(ref s_inFlight);
            }

            private static void Enter()
            {
                var now = Interlocked.Increment(ref s_inFlight);
                int seen;
                while (now > (seen = Volatile.Read(ref s_max)) && Interlocked.CompareExchange(ref s_max, now, seen) != seen)
                {
                }
            }

        """;

    private const string Original = Prefix + "public static class Sample\n{\n" + Tracking + """
            public static async Task<string> RunAsync()
            {
                var ids = Enumerable.Range(0, 300).ToList();
                var results = await Task.WhenAll([|ids.Select(LoadAsync)|]);
                await Task.WhenAll([|ids.Select(async id => await SendAsync(id))|]);
                return string.Join(",", results) + "|" + string.Join(",", s_sent.Order()) + "|" + s_max;
            }
        }

        """;

    private const string FixedWithResults = Prefix + "public static class Sample\n{\n" + Tracking + """
            public static async Task<string> RunAsync()
            {
                var ids = Enumerable.Range(0, 300).ToList();
                var results = await BoundedParallel.SelectAsync(ids, LoadAsync, maxConcurrency: 4);
                await Task.WhenAll([|ids.Select(async id => await SendAsync(id))|]);
                return string.Join(",", results) + "|" + string.Join(",", s_sent.Order()) + "|" + s_max;
            }
        }

        """;

    private const string FixedBoth = Prefix + "public static class Sample\n{\n" + Tracking + """
            public static async Task<string> RunAsync()
            {
                var ids = Enumerable.Range(0, 300).ToList();
                var results = await BoundedParallel.SelectAsync(ids, LoadAsync, maxConcurrency: 4);
                await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (id, cancellationToken) => await SendAsync(id));
                return string.Join(",", results) + "|" + string.Join(",", s_sent.Order()) + "|" + s_max;
            }
        }

        """;

    private static string WithRuntimeUsing(string code) => code.Replace(
        "using System.Threading.Tasks;\n",
        "using System.Threading.Tasks;\nusing PerfAnalyzers.Runtime.Concurrency;\n",
        StringComparison.Ordinal);

    [Fact]
    public async Task The_fixes_produce_this_code()
    {
        // Both fix kinds, applied one key at a time, give exactly the code that the next test runs.
        await new CodeFixTest<PERF002UnboundedTaskSpawningAnalyzer, PERF002BoundConcurrencyCodeFix>
        {
            TestCode = Original,
            FixedCode = WithRuntimeUsing(FixedWithResults),
            EditorConfig = "perf_analyzers.default_max_concurrency = 4",
            CodeActionEquivalenceKey = PERF002BoundConcurrencyCodeFix.BoundedSelectKey,
        }.RunAsync();
        await new CodeFixTest<PERF002UnboundedTaskSpawningAnalyzer, PERF002BoundConcurrencyCodeFix>
        {
            TestCode = WithRuntimeUsing(FixedWithResults),
            FixedCode = WithRuntimeUsing(FixedBoth),
            EditorConfig = "perf_analyzers.default_max_concurrency = 4",
            CodeActionEquivalenceKey = PERF002BoundConcurrencyCodeFix.ParallelForEachKey,
        }.RunAsync();
    }

    [Fact]
    public async Task Fixed_code_gives_the_same_results_with_at_most_N_in_flight()
    {
        var original = await RunAsync(TestCompiler.StripMarkup(Original));
        var fixedRun = await RunAsync(WithRuntimeUsing(FixedBoth));

        var (originalResults, originalMax) = Split(original);
        var (fixedResults, fixedMax) = Split(fixedRun);
        var expected = string.Join(",", Enumerable.Range(0, 300).Select(i => "v" + i * i)) + "|" + string.Join(",", Enumerable.Range(0, 300));
        Assert.Equal(expected, originalResults);
        Assert.Equal(expected, fixedResults);
        Assert.True(originalMax > 4, $"the original runs {originalMax} at once: unbounded");
        Assert.InRange(fixedMax, 1, 4);
    }

    private static async Task<string> RunAsync(string source)
    {
        var assembly = TestCompiler.CompileAndLoad(source);
        var task = (Task<string>)TestCompiler.Invoke(assembly, "Sample", "RunAsync")!;
        return await task;
    }

    private static (string Results, int Max) Split(string output)
    {
        var last = output.LastIndexOf('|');
        return (output[..last], int.Parse(output[(last + 1)..]));
    }
}
