using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// The iterator form of the PERF002 fix, run: the original and the fixed code give the same results (order, every
/// element attempted, the failure surfaced the same way), and the fixed code never has more than 16 in flight.
/// </summary>
public class PERF002IteratorFixRunTests
{
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
                if (id == 77) throw new InvalidOperationException("element 77");
                return id * 2;
            }

            private static async Task SendAsync(int id) => await LoadAsync(id);

            private static string Max() => "|" + s_max;

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

    private static async Task<string> AssertSameAndBoundedAsync(string source, int fixes)
    {
        var code = Prelude + source + "\n}\n";
        var (fixedCode, applied) = await FixApplier.ApplyEachAsync<PERF002UnboundedTaskSpawningAnalyzer, PERF002BoundConcurrencyCodeFix>(code);
        Assert.Equal(fixes, applied);
        Assert.Contains("Throttled(() =>", fixedCode, StringComparison.Ordinal);
        var original = await RunAsync(code);
        var fixedRun = await RunAsync(fixedCode);
        Assert.Equal(original.Result, fixedRun.Result);
        Assert.True(original.Max > 16, "the original should start more than 16 at once: " + original.Max);
        Assert.True(fixedRun.Max <= 16, "the fixed code ran " + fixedRun.Max + " at once");
        return original.Result;
    }

    [Fact]
    public async Task A_local_iterator_of_results_keeps_them_in_source_order()
    {
        var result = await AssertSameAndBoundedAsync("""
                public static async Task<string> RunAsync()
                {
                    var ids = Enumerable.Range(100, 300).ToList();
                    IEnumerable<Task<int>> Loads()
                    {
                        foreach (var id in ids) yield return LoadAsync(id);
                    }

                    var results = await Task.WhenAll(Loads());
                    return results.Length + ":" + s_attempted + ":" + results.SequenceEqual(ids.Select(i => i * 2)) + Max();
                }
            """, fixes: 1);
        Assert.Equal("300:300:True", result);
    }

    [Fact]
    public async Task A_method_iterator_without_results_joined_with_WhenAll_runs_every_element()
    {
        var result = await AssertSameAndBoundedAsync("""
                private static IEnumerable<Task> Sends(List<List<int>> groups)
                {
                    foreach (var group in groups)
                    {
                        var first = group[0];
                        foreach (var id in group) yield return SendAsync(id == 77 ? 77 : id + first - first);
                    }
                }

                public static async Task<string> RunAsync()
                {
                    var groups = Enumerable.Range(0, 10).Select(g => Enumerable.Range(g * 30, 30).ToList()).ToList();
                    var joined = Task.WhenAll(Sends(groups));
                    try
                    {
                        await joined;
                        return "no failure" + Max();
                    }
                    catch (InvalidOperationException e)
                    {
                        return e.Message + ":" + s_attempted + ":" + joined.Exception!.InnerExceptions.Count + Max();
                    }
                }
            """, fixes: 1);
        Assert.Equal("element 77:300:1", result);
    }
}
