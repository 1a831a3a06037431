using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify5 = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF005TailRecursionAnalyzer, PerfAnalyzers.CodeFixes.PERF005ConvertTailRecursionToLoopCodeFix>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF005 "Convert tail recursion to a loop" in async methods (btcpayserver's
/// <c>return await GetCheckoutModel(invoiceId, originalPaymentMethodId, ..);</c>, Sonarr's
/// <c>return await DownloadFromWebUrl(..);</c>): an awaited tail self-call becomes the reassignment. Exact output, Fix All
/// (the verifier), a throwing branch, and a run of the original and the fixed code compared on values, exceptions and
/// side effects. Methods with a non-tail awaited self-call get the explicit stack (<see cref="RecursionAsyncStackFixTests"/>).
/// </summary>
public class RecursionAsyncTailFixTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public static class Checkout
        {
            public static async Task<string?> Model(string id, string? method, List<string> excluded, HashSet<string> active)
            {
                if (id.Length == 0)
                {
                    throw new ArgumentException("empty id");
                }

                await Task.Yield();
                if (method is null)
                {
                    return null;
                }

                if (!active.Contains(method))
                {
                    excluded.Add(method);
                    return await [|Model(id, method.Length > 3 ? null : method + "x", excluded, active)|];
                }

                return id + ":" + method;
            }

            public static async Task Drain(Queue<int> queue, List<int> log, int depth)
            {
                if (queue.Count == 0)
                {
                    return;
                }

                var item = queue.Dequeue();
                if (item < 0)
                {
                    throw new InvalidOperationException("negative " + item);
                }

                log.Add(item + depth);
                await Task.Yield();
                await [|Drain(queue, log, depth + 1)|];
            }
        }
        """;

    private const string Fixed = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public static class Checkout
        {
            public static async Task<string?> Model(string id, string? method, List<string> excluded, HashSet<string> active)
            {
                while (true)
                {
                    if (id.Length == 0)
                    {
                        throw new ArgumentException("empty id");
                    }

                    await Task.Yield();
                    if (method is null)
                    {
                        return null;
                    }

                    if (!active.Contains(method))
                    {
                        excluded.Add(method);
                        method = method.Length > 3 ? null : method + "x";
                        continue;
                    }

                    return id + ":" + method;
                }
            }

            public static async Task Drain(Queue<int> queue, List<int> log, int depth)
            {
                while (true)
                {
                    if (queue.Count == 0)
                    {
                        return;
                    }

                    var item = queue.Dequeue();
                    if (item < 0)
                    {
                        throw new InvalidOperationException("negative " + item);
                    }

                    log.Add(item + depth);
                    await Task.Yield();
                    depth = depth + 1;
                }
            }
        }
        """;

    [Fact]
    public Task Awaited_tail_calls_become_reassignments() => Verify5.VerifyFixAsync(Source, Fixed);

    [Fact]
    public async Task Original_and_fixed_code_give_the_same_results()
    {
        var before = TestCompiler.CompileAndLoad(TestCompiler.StripMarkup(Source));
        var after = TestCompiler.CompileAndLoad(Fixed);
        foreach (var id in new[] { "", "a" })
        {
            foreach (var method in new[] { null, "m", "mx", "mxx", "mxxx" })
            {
                foreach (var active in new[] { new string[0], new[] { "mx" }, new[] { "m", "mxxx" } })
                {
                    Assert.Equal(
                        await ModelAsync(before, id, method, active),
                        await ModelAsync(after, id, method, active));
                }
            }
        }

        foreach (var items in new[] { new int[0], new[] { 1 }, new[] { 1, 2, -3, 4 }, Enumerable.Range(0, 100).ToArray() })
        {
            Assert.Equal(await DrainAsync(before, items), await DrainAsync(after, items));
        }

        // Deep: 100,000 items in one frame.
        Assert.Equal("log 100000", await DrainAsync(after, Enumerable.Range(0, 100_000).ToArray()));
    }

    private static async Task<string> ModelAsync(System.Reflection.Assembly assembly, string id, string? method, string[] active)
    {
        var excluded = new List<string>();
        try
        {
            var task = (Task<string?>)TestCompiler.Invoke(assembly, "Checkout", "Model", id, method, excluded, new HashSet<string>(active))!;
            return "value " + await task + " excluded " + string.Join(",", excluded);
        }
        catch (Exception exception)
        {
            return exception.GetType().Name + ": " + exception.Message + " excluded " + string.Join(",", excluded);
        }
    }

    private static async Task<string> DrainAsync(System.Reflection.Assembly assembly, int[] items)
    {
        var log = new List<int>();
        try
        {
            await (Task)TestCompiler.Invoke(assembly, "Checkout", "Drain", new Queue<int>(items), log, 0)!;
            return "log " + log.Count + (log.Count <= 100 ? ": " + string.Join(",", log) : "");
        }
        catch (Exception exception)
        {
            return exception.GetType().Name + ": " + exception.Message + " after " + string.Join(",", log);
        }
    }
}
