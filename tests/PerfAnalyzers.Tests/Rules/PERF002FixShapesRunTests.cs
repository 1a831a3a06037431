using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// The SemaphoreSlim forms of the PERF002 fix, run: the original and the fixed code give the same results (counts,
/// order, exceptions), and the fixed code never has more than the limit (16) in flight where the original had more.
/// </summary>
public class PERF002FixShapesRunTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    /// <summary>Work that records how many run at once.</summary>
    private const string Probe = """
            private static int s_current;
            private static int s_max;

            private static async Task<int> LoadAsync(int id)
            {
                var now = Interlocked.Increment(ref s_current);
                int seen;
                while (now > (seen = Volatile.Read(ref s_max)) && Interlocked.CompareExchange(ref s_max, now, seen) != seen)
                {
                }

                await Task.Delay(2);
                Interlocked.Decrement(ref s_current);
                return id * 2;
            }

            private static async Task SendAsync(int id) => await LoadAsync(id);

            private static string Max() => "|" + s_max;

        """;

    private static async Task<(string Original, int OriginalMax, string Fixed, int FixedMax, int Applied)> RunBothAsync(string source)
    {
        var code = Usings + "public static class Sample\n{\n" + Probe + source + "\n}\n";
        var (fixedCode, applied) = await FixApplier.ApplyEachAsync<PERF002UnboundedTaskSpawningAnalyzer, PERF002BoundConcurrencyCodeFix>(code);
        Assert.DoesNotContain("Parallel.", fixedCode, StringComparison.Ordinal);
        var original = await RunAsync(code);
        var fixedRun = await RunAsync(fixedCode);
        return (original.Result, original.Max, fixedRun.Result, fixedRun.Max, applied);
    }

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

    private static void AssertBounded(string original, int originalMax, string fixedResult, int fixedMax, int applied, int fixes)
    {
        Assert.Equal(fixes, applied);
        Assert.Equal(original, fixedResult);
        Assert.True(originalMax > 16, "the original should start more than 16 at once: " + originalMax);
        Assert.True(fixedMax <= 16, "the fixed code ran " + fixedMax + " at once");
    }

    [Fact]
    public async Task Select_through_a_local_and_ToList_keeps_results_in_order()
    {
        var (original, originalMax, fixedResult, fixedMax, applied) = await RunBothAsync("""
                public static async Task<string> RunAsync()
                {
                    var ids = Enumerable.Range(0, 300).ToList();
                    var tasks = ids.Select(LoadAsync).ToList();
                    var results = await Task.WhenAll(tasks);
                    return results.Length + ":" + string.Join(",", results.Take(5)) + ":" + results.SequenceEqual(ids.Select(i => i * 2)) + Max();
                }
            """);
        Assert.Equal("300:0,2,4,6,8:True", original);
        AssertBounded(original, originalMax, fixedResult, fixedMax, applied, fixes: 1);
    }

    [Fact]
    public async Task Indexed_Select_with_a_block_lambda_keeps_indices_and_order()
    {
        var (original, originalMax, fixedResult, fixedMax, applied) = await RunBothAsync("""
                public static async Task<string> RunAsync()
                {
                    var ids = Enumerable.Range(100, 300).ToList();
                    var results = await Task.WhenAll(ids.Select((id, i) =>
                    {
                        if (i % 2 == 0) return LoadAsync(i);
                        return LoadAsync(-i);
                    }));
                    return string.Join(",", results.Take(4)) + ":" + results.Sum() + Max();
                }
            """);
        Assert.Equal("0,-2,4,-6:-300", original);
        AssertBounded(original, originalMax, fixedResult, fixedMax, applied, fixes: 1);
    }

    [Fact]
    public async Task A_loop_with_statements_before_the_Add_keeps_order_and_results()
    {
        var (original, originalMax, fixedResult, fixedMax, applied) = await RunBothAsync("""
                public static async Task<string> RunAsync()
                {
                    var ids = Enumerable.Range(0, 300).ToList();
                    var seen = new List<int>();
                    var tasks = new List<Task<int>>();
                    foreach (var id in ids)
                    {
                        seen.Add(id);
                        tasks.Add(LoadAsync(id));
                    }

                    var results = await Task.WhenAll(tasks);
                    return seen.Count + ":" + seen.SequenceEqual(ids) + ":" + results.SequenceEqual(ids.Select(i => i * 2)) + Max();
                }
            """);
        Assert.Equal("300:True:True", original);
        AssertBounded(original, originalMax, fixedResult, fixedMax, applied, fixes: 1);
    }

    [Fact]
    public async Task Fire_and_forget_per_element_still_runs_every_element_bounded()
    {
        var (original, originalMax, fixedResult, fixedMax, applied) = await RunBothAsync("""
                private static int s_done;

                private static async Task CountAsync(int id)
                {
                    await SendAsync(id);
                    Interlocked.Increment(ref s_done);
                }

                public static async Task<string> RunAsync()
                {
                    foreach (var id in Enumerable.Range(0, 300))
                    {
                        _ = CountAsync(id);
                    }

                    var deadline = DateTime.UtcNow.AddSeconds(30);
                    while (Volatile.Read(ref s_done) < 300 && DateTime.UtcNow < deadline)
                    {
                        await Task.Delay(5);
                    }

                    return s_done + Max();
                }
            """);
        Assert.Equal("300", original);
        AssertBounded(original, originalMax, fixedResult, fixedMax, applied, fixes: 1);
    }

    [Fact]
    public async Task Failures_are_all_attempted_and_surface_as_before()
    {
        var (original, originalMax, fixedResult, fixedMax, applied) = await RunBothAsync("""
                private static int s_attempts;

                private static async Task FailOnOddAsync(int id)
                {
                    Interlocked.Increment(ref s_attempts);
                    await SendAsync(id);
                    if (id % 2 == 1)
                    {
                        throw new InvalidOperationException("odd " + id);
                    }
                }

                public static async Task<string> RunAsync()
                {
                    var whenAll = Task.WhenAll(Enumerable.Range(0, 300).Select(id => FailOnOddAsync(id)));
                    try
                    {
                        await whenAll;
                        return "no exception" + Max();
                    }
                    catch (InvalidOperationException ex)
                    {
                        var failed = whenAll.Exception!.InnerExceptions.Select(e => int.Parse(e.Message.Substring(4))).OrderBy(i => i);
                        return s_attempts + ":" + ex.GetType().Name + ":" + whenAll.Exception.InnerExceptions.Count + ":" + failed.Sum() + Max();
                    }
                }
            """);
        Assert.Equal("300:InvalidOperationException:150:22500", original);
        AssertBounded(original, originalMax, fixedResult, fixedMax, applied, fixes: 1);
    }

    [Fact]
    public async Task WaitAll_in_a_synchronous_method_keeps_blocking_and_completes()
    {
        var (original, originalMax, fixedResult, fixedMax, applied) = await RunBothAsync("""
                private static string Sync()
                {
                    var tasks = Enumerable.Range(0, 300).Select(LoadAsync).ToArray();
                    Task.WaitAll(tasks);
                    return tasks.Sum(t => t.Result).ToString();
                }

                public static Task<string> RunAsync() => Task.Run(() => Sync() + Max());
            """);
        Assert.Equal("89700", original);
        AssertBounded(original, originalMax, fixedResult, fixedMax, applied, fixes: 1);
    }

    [Fact]
    public async Task Task_Run_per_element_with_a_join_keeps_its_results()
    {
        var (original, originalMax, fixedResult, fixedMax, applied) = await RunBothAsync("""
                public static async Task<string> RunAsync()
                {
                    var tasks = new Task<int>[300];
                    for (var i = 0; i < tasks.Length; i++)
                    {
                        var id = i;
                        tasks[i] = Task.Run(() => LoadAsync(id));
                    }

                    var results = await Task.WhenAll(tasks);
                    return results.Sum() + Max();
                }
            """);
        Assert.Equal("89700", original);
        AssertBounded(original, originalMax, fixedResult, fixedMax, applied, fixes: 1);
    }
}
