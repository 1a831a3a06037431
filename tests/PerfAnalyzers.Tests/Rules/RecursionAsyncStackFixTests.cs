using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF004NonTailRecursionAnalyzer, PerfAnalyzers.CodeFixes.PERF004IntroduceAccumulatorCodeFix>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF004 "Convert to a loop with an explicit stack" in async methods (issue #17): an awaited self-call whose value is
/// used (a paged fetch that merges the rest, <c>1 + await Depth(..)</c>, an <c>async Task</c> walker with work after the
/// call). Exact output and Fix All (the verifier), a throwing branch, the original and fixed code run and compared on
/// values, exceptions and the order of side effects, and the cases that get no fix.
/// </summary>
public class RecursionAsyncStackFixTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public static class Pages
        {
            public static async Task<List<int>> FetchAll(Dictionary<string, (int[] Items, string? Next)> site, string url, List<string> log)
            {
                await Task.Yield();
                if (!site.TryGetValue(url, out var page))
                {
                    throw new KeyNotFoundException("no page " + url);
                }

                log.Add("get " + url);
                var items = new List<int>(page.Items);
                if (page.Next is null)
                {
                    return items;
                }

                var rest = await [|FetchAll(site, page.Next, log)|];
                log.Add("merge " + url);
                items.AddRange(rest);
                return items;
            }

            public static async Task<int> Depth(Dictionary<string, (int[] Items, string? Next)> site, string? url)
            {
                if (url is null)
                {
                    return 0;
                }

                await Task.Yield();
                return site.TryGetValue(url, out var page) ? 1 + await [|Depth(site, page.Next)|] : throw new KeyNotFoundException(url);
            }

            public static async Task Crawl(Dictionary<string, (int[] Items, string? Next)> site, string? url, List<string> log)
            {
                if (url is null)
                {
                    return;
                }

                await Task.Delay(0).ConfigureAwait(false);
                var page = site[url];
                log.Add("down " + url);
                await [|Crawl(site, page.Next, log)|].ConfigureAwait(false);
                log.Add("up " + url + " " + page.Items.Length);
            }
        }
        """;

    private const string Fixed = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public static class Pages
        {
            public static async Task<List<int>> FetchAll(Dictionary<string, (int[] Items, string? Next)> site, string url, List<string> log)
            {
                var frames = new Stack<(string url, List<int> items)>();
                List<int> result;
                while (true)
                {
                    await Task.Yield();
                    if (!site.TryGetValue(url, out var page))
                    {
                        throw new KeyNotFoundException("no page " + url);
                    }

                    log.Add("get " + url);
                    var items = new List<int>(page.Items);
                    if (page.Next is null)
                    {
                        result = items;
                        break;
                    }

                    frames.Push((url, items));
                    url = page.Next;
                }

                while (frames.Count > 0)
                {
                    var frame = frames.Pop();
                    url = frame.url;
                    var items = frame.items;
                    var rest = result;
                    log.Add("merge " + url);
                    items.AddRange(rest);
                    result = items;
                }

                return result;
            }

            public static async Task<int> Depth(Dictionary<string, (int[] Items, string? Next)> site, string? url)
            {
                var pending = 0;
                int result;
                while (true)
                {
                    if (url is null)
                    {
                        result = 0;
                        break;
                    }

                    await Task.Yield();
                    if (site.TryGetValue(url, out var page))
                    {
                        pending++;
                        url = page.Next;
                        continue;
                    }

                    throw new KeyNotFoundException(url);
                }

                while (pending > 0)
                {
                    pending--;
                    result = 1 + result;
                }

                return result;
            }

            public static async Task Crawl(Dictionary<string, (int[] Items, string? Next)> site, string? url, List<string> log)
            {
                var frames = new Stack<(string url, (int[] Items, string? Next) page)>();
                while (true)
                {
                    if (url is null)
                    {
                        break;
                    }

                    await Task.Delay(0).ConfigureAwait(false);
                    var page = site[url];
                    log.Add("down " + url);
                    frames.Push((url, page));
                    url = page.Next;
                }

                while (frames.Count > 0)
                {
                    var frame = frames.Pop();
                    url = frame.url;
                    var page = frame.page;
                    log.Add("up " + url + " " + page.Items.Length);
                }
            }
        }
        """;

    [Fact]
    public Task Awaited_calls_whose_value_is_used_get_the_explicit_stack() => Verify.VerifyFixAsync(Source, Fixed);

    [Fact]
    public async Task Original_and_fixed_code_give_the_same_results()
    {
        var before = TestCompiler.CompileAndLoad(TestCompiler.StripMarkup(Source));
        var after = TestCompiler.CompileAndLoad(Fixed);
        foreach (var (pages, start) in Sites())
        {
            Assert.Equal(await RunAsync(before, "FetchAll", pages, start), await RunAsync(after, "FetchAll", pages, start));
            Assert.Equal(await RunAsync(before, "Depth", pages, start), await RunAsync(after, "Depth", pages, start));
            Assert.Equal(await RunAsync(before, "Crawl", pages, start), await RunAsync(after, "Crawl", pages, start));
        }

        // Deep: 100,000 pages, where the recursion would hold 100,000 pending frames.
        var (deep, first) = Chain(100_000, missingAt: -1);
        Assert.StartsWith("value items 99999: ", await RunAsync(after, "FetchAll", deep, first));
        Assert.Equal("value 100000 log 0: ", await RunAsync(after, "Depth", deep, first));
        Assert.StartsWith("value  log 200000", await RunAsync(after, "Crawl", deep, first));
    }

    /// <summary>No fix where the rest of a frame would resume differently, or where a deeper call's AsyncLocal would leak to its caller.</summary>
    [Theory]
    [InlineData("await Task.Yield();", "1 + await [|Count(n - 1)|].ConfigureAwait(false)")]
    [InlineData("await Task.Delay(0).ConfigureAwait(false);", "1 + await [|Count(n - 1)|]")]
    [InlineData("Current.Value = n;", "1 + await [|Count(n - 1)|]")]
    public Task No_fix_for_mixed_resumption_or_an_async_local(string before, string returned) => Verify.VerifyNoFixAsync($$"""
        using System.Threading;
        using System.Threading.Tasks;

        public static class Counter
        {
            public static readonly AsyncLocal<int> Current = new();

            public static async Task<int> Count(int n)
            {
                {{before}}
                if (n <= 0)
                {
                    return 0;
                }

                return {{returned}};
            }
        }
        """);

    /// <summary>A self-call whose task is kept and awaited later is not awaited where it is made: no fix.</summary>
    [Fact]
    public Task No_fix_for_a_call_awaited_later() => Verify.VerifyNoFixAsync("""
        using System.Threading.Tasks;

        public static class Counter
        {
            public static async Task<int> Count(int n)
            {
                if (n <= 0)
                {
                    return 0;
                }

                var rest = [|Count(n - 1)|];
                await Task.Yield();
                return 1 + await rest;
            }
        }
        """);

    private static IEnumerable<(Dictionary<string, (int[] Items, string? Next)> Pages, string Start)> Sites()
    {
        foreach (var length in new[] { 1, 2, 5, 40 })
        {
            yield return Chain(length, missingAt: -1);
            yield return Chain(length, missingAt: length - 1);
            yield return Chain(length, missingAt: 0);
        }
    }

    /// <summary>Pages p0 → p1 → ...; the page at <paramref name="missingAt"/> is linked to but missing (the throwing branch).</summary>
    private static (Dictionary<string, (int[] Items, string? Next)>, string) Chain(int length, int missingAt)
    {
        var pages = new Dictionary<string, (int[] Items, string? Next)>();
        for (var i = 0; i < length; i++)
        {
            if (i != missingAt)
            {
                pages["p" + i] = (new[] { i, i * 10 }.Take(i % 3).ToArray(), i + 1 < length ? "p" + (i + 1) : null);
            }
        }

        return (pages, "p0");
    }

    private static async Task<string> RunAsync(System.Reflection.Assembly assembly, string method, Dictionary<string, (int[] Items, string? Next)> pages, string start)
    {
        var log = new List<string>();
        try
        {
            object?[] arguments = method == "Depth" ? [pages, start] : [pages, start, log];
            var task = (Task)TestCompiler.Invoke(assembly, "Pages", method, arguments)!;
            await task;
            var value = task.GetType().GetProperty("Result")?.GetValue(task);
            var text = method == "Crawl" ? "" : value is List<int> items ? "items " + items.Count + ": " + string.Join(",", items.Take(50)) : value?.ToString();
            return "value " + text + " log " + log.Count + ": " + string.Join(";", log.Take(100));
        }
        catch (Exception exception)
        {
            return exception.GetType().Name + ": " + exception.Message + " log " + string.Join(";", log);
        }
    }
}
