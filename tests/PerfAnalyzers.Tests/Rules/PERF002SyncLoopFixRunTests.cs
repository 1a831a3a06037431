using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// The synchronous-loop form of the PERF002 fix, run: the original and the fixed code give the same results (order,
/// every element attempted, the AggregateException of a blocking join with the same failures), and the fixed code
/// never has more than 16 in flight.
/// </summary>
public class PERF002SyncLoopFixRunTests
{
    /// <summary>Work that records how many run at once and how many were attempted; elements 77, 177, ... fail (shared with the iterator run tests).</summary>
    internal const string Prelude = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        public static class Sample
        {
            private static int s_current;
            private static int s_max;
            private static int s_attempted;

            private static async Task<int> LoadAsync(int id)
            {
                Interlocked.Increment(ref s_attempted);
                var now = Interlocked.Increment(ref s_current);
                int seen;
                while (now > (seen = Volatile.Read(ref s_max)) && Interlocked.CompareExchange(ref s_max, now, seen) != seen)
                {
                }

                await Task.Delay(2);
                Interlocked.Decrement(ref s_current);
                if (id % 100 == 77) throw new InvalidOperationException("element " + id);
                return id * 2;
            }

            private static Task SendAsync(int id) => LoadAsync(id);

            private static string Max() => "|" + s_max;

        """;

    private static async Task<string> AssertSameAndBoundedAsync(string source, int fixes)
    {
        var code = Prelude + source + "\n}\n";
        var (fixedCode, applied) = await FixApplier.ApplyEachAsync<PERF002UnboundedTaskSpawningAnalyzer, PERF002BoundConcurrencyCodeFix>(code);
        Assert.Equal(fixes, applied);
        Assert.Contains("Throttled(() =>", fixedCode, StringComparison.Ordinal);
        var original = Run(code);
        var fixedRun = Run(fixedCode);
        Assert.Equal(original.Result, fixedRun.Result);
        Assert.True(original.Max > 16, "the original should start more than 16 at once: " + original.Max);
        Assert.True(fixedRun.Max <= 16, "the fixed code ran " + fixedRun.Max + " at once");
        return original.Result;
    }

    private static (string Result, int Max) Run(string code)
    {
        var assembly = TestCompiler.CompileAndLoad(code);
        var run = Task.Run(() => (string)TestCompiler.Invoke(assembly, "Sample", "Run")!);
        Assert.True(run.Wait(TimeSpan.FromSeconds(60)), "The code hung:\n" + code);
        var text = run.Result;
        var bar = text.LastIndexOf('|');
        return (text[..bar], int.Parse(text[(bar + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task WaitAll_over_tasks_started_per_element_surfaces_the_same_AggregateException()
    {
        var result = await AssertSameAndBoundedAsync("""
                public static string Run()
                {
                    var ids = Enumerable.Range(0, 300).ToList();
                    var tasks = new List<Task<int>>();
                    foreach (var id in ids)
                    {
                        tasks.Add(LoadAsync(id));
                    }

                    try
                    {
                        Task.WaitAll(tasks.ToArray());
                        return "no failure" + Max();
                    }
                    catch (AggregateException e)
                    {
                        var messages = string.Join(",", e.InnerExceptions.Select(x => x.Message).OrderBy(m => m));
                        var ok = tasks.Where(t => t.Status == TaskStatus.RanToCompletion).Select(t => t.Result).ToList();
                        return messages + ":" + s_attempted + ":" + ok.SequenceEqual(ids.Where(i => i % 100 != 77).Select(i => i * 2)) + Max();
                    }
                }
            """, fixes: 1);
        Assert.Equal("element 177,element 277,element 77:300:True", result);
    }

    [Fact]
    public async Task Fire_and_forget_per_element_still_runs_every_element()
    {
        var result = await AssertSameAndBoundedAsync("""
                private static readonly List<Task> s_dropped = new();

                private static void Publish(List<int> ids)
                {
                    foreach (var id in ids)
                    {
                        try
                        {
                            _ = SendAsync(id).ContinueWith(t => { lock (s_dropped) s_dropped.Add(t); });
                        }
                        catch (Exception)
                        {
                        }
                    }
                }

                public static string Run()
                {
                    Publish(Enumerable.Range(0, 300).ToList());
                    while (true)
                    {
                        lock (s_dropped) if (s_dropped.Count == 300) break;
                        Thread.Sleep(5);
                    }

                    lock (s_dropped)
                    {
                        return s_attempted + ":" + s_dropped.Count(t => t.IsFaulted) + Max();
                    }
                }
            """, fixes: 1);
        Assert.Equal("300:3", result);
    }
}
