using PerfAnalyzers.Tests.Verifiers;
using Verify5 = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF005TailRecursionAnalyzer, PerfAnalyzers.CodeFixes.PERF005ConvertTailRecursionToLoopCodeFix>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF005 "Convert tail recursion to a loop" for <c>return await (c ? x : F(..));</c> in an async method (bitwarden's
/// <c>return await (_childMatcher == null ? _mockedResponse.RespondToAsync(request) : ...)</c>): the awaited
/// conditional is split into <c>if (c) { return await x; }</c> and the awaited tail call, which then becomes the
/// reassignment. Exact output, Fix All (the verifier), a throwing branch, a run of original and fixed code, and no fix
/// where the branches' types differ from the conditional's (awaiting each branch could change what is awaited).
/// </summary>
public class RecursionAwaitedConditionalFixTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public static class Walker
        {
            public static async Task<string> Find(int n, List<int> log)
            {
                log.Add(n);
                await Task.Yield();
                return await (n <= 0 ? Task.FromResult("done " + log.Count) : [|Find(n - 1, log)|]);
            }

            public static async Task<int> Checked(int n, List<int> log)
            {
                log.Add(n);
                await Task.Yield();
                return await (n < 0 ? throw new ArgumentOutOfRangeException(nameof(n), "negative") : n == 0 ? Task.FromResult(log.Count) : [|Checked(n - 2, log)|]);
            }
        }
        """;

    private const string Fixed = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public static class Walker
        {
            public static async Task<string> Find(int n, List<int> log)
            {
                while (true)
                {
                    log.Add(n);
                    await Task.Yield();
                    if (n <= 0)
                    {
                        return await Task.FromResult("done " + log.Count);
                    }

                    n = n - 1;
                }
            }

            public static async Task<int> Checked(int n, List<int> log)
            {
                while (true)
                {
                    log.Add(n);
                    await Task.Yield();
                    if (n < 0)
                    {
                        throw new ArgumentOutOfRangeException(nameof(n), "negative");
                    }

                    if (n == 0)
                    {
                        return await Task.FromResult(log.Count);
                    }

                    n = n - 2;
                }
            }
        }
        """;

    [Fact]
    public Task Awaited_conditional_tail_calls_become_reassignments() => Verify5.VerifyFixAsync(Source, Fixed);

    [Fact]
    public async Task Original_and_fixed_code_give_the_same_results()
    {
        var before = TestCompiler.CompileAndLoad(TestCompiler.StripMarkup(Source));
        var after = TestCompiler.CompileAndLoad(Fixed);
        foreach (var n in new[] { -1, 0, 1, 2, 5, 6, 7, 50 })
        {
            Assert.Equal(await RunAsync(before, "Find", n), await RunAsync(after, "Find", n));
            Assert.Equal(await RunAsync(before, "Checked", n), await RunAsync(after, "Checked", n));
        }

        // Deep: 100,000 levels in one frame.
        Assert.Equal("value done 100001 log 100001", await RunAsync(after, "Find", 100_000));
    }

    /// <summary>A branch typed <c>Task&lt;object&gt;</c> under a conditional typed otherwise: no split, no fix.</summary>
    [Fact]
    public Task No_fix_when_a_branch_type_differs() => Verify5.VerifyNoFixAsync("""
        using System.Threading.Tasks;

        public static class Walker
        {
            public static async Task<object?> Find(int n)
            {
                await Task.Yield();
                return await (n <= 0 ? null : [|Find(n - 1)|]);
            }
        }
        """);

    private static async Task<string> RunAsync(System.Reflection.Assembly assembly, string method, int n)
    {
        var log = new List<int>();
        try
        {
            var task = (Task)TestCompiler.Invoke(assembly, "Walker", method, n, log)!;
            await task;
            var value = task.GetType().GetProperty("Result")!.GetValue(task);
            return "value " + value + " log " + log.Count;
        }
        catch (Exception exception)
        {
            return exception.GetType().Name + ": " + exception.Message + " log " + string.Join(",", log);
        }
    }
}
