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
        var code = PERF002SyncLoopFixRunTests.Prelude + source + "\n}\n";
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
                    var ids = Enumerable.Range(0, 300).Where(i => i % 100 != 77).ToList();
                    IEnumerable<Task<int>> Loads()
                    {
                        foreach (var id in ids) yield return LoadAsync(id);
                    }

                    var results = await Task.WhenAll(Loads());
                    return results.Length + ":" + s_attempted + ":" + results.SequenceEqual(ids.Select(i => i * 2)) + Max();
                }
            """, fixes: 1);
        Assert.Equal("297:297:True", result);
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
                        foreach (var id in group) yield return SendAsync(id + first - first);
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
                        // (Which failure await throws first depends on timing, in the original too: compare them all.)
                        var all = string.Join(",", joined.Exception!.InnerExceptions.Select(x => x.Message).OrderBy(m => m));
                        return e.GetType().Name + ":" + all + ":" + s_attempted + Max();
                    }
                }
            """, fixes: 1);
        Assert.Equal("InvalidOperationException:element 177,element 277,element 77:300", result);
    }
}
