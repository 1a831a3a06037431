using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify4 = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF004NonTailRecursionAnalyzer, PerfAnalyzers.CodeFixes.PERF004IntroduceAccumulatorCodeFix>;
using Verify5 = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF005TailRecursionAnalyzer, PerfAnalyzers.CodeFixes.PERF005ConvertTailRecursionToLoopCodeFix>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>PERF004/PERF005 fixes on methods with a throwing branch: `throw` expressions become `throw` statements.</summary>
public class RecursionThrowTests
{
    [Fact]
    public Task PERF004_throw_expression_branch_becomes_a_throw_statement() => Verify4.VerifyFixAsync("""
        using System;

        static class M
        {
            public static long Factorial(int n) => n < 0 ? throw new ArgumentOutOfRangeException(nameof(n)) : n <= 1 ? 1 : n * [|Factorial(n - 1)|];

            public static int Sum(int[] a, int i)
            {
                if (i > a.Length)
                {
                    return i > a.Length + 1 ? throw new ArgumentException("past the end") : -1;
                }

                return i == a.Length ? 0 : a[i] + [|Sum(a, i + 1)|];
            }
        }
        """, """
        using System;

        static class M
        {
            public static long Factorial(int n)
            {
                var acc = 1L;
                while (true)
                {
                    if (n < 0)
                    {
                        throw new ArgumentOutOfRangeException(nameof(n));
                    }

                    if (n <= 1)
                    {
                        return acc;
                    }

                    (acc, n) = (acc * n, n - 1);
                }
            }

            public static int Sum(int[] a, int i)
            {
                var acc = 0;
                while (true)
                {
                    if (i > a.Length)
                    {
                        if (i > a.Length + 1)
                        {
                            throw new ArgumentException("past the end");
                        }

                        return acc + -1;
                    }

                    if (i == a.Length)
                    {
                        return acc;
                    }

                    (acc, i) = (acc + a[i], i + 1);
                }
            }
        }
        """);

    [Fact]
    public Task PERF005_throw_expression_branch_becomes_a_throw_statement() => Verify5.VerifyFixAsync("""
        using System;

        static class M
        {
            public static int Gcd(int a, int b) => a < 0 || b < 0 ? throw new ArgumentException("negative") : b == 0 ? a : [|Gcd(b, a % b)|];
        }
        """, """
        using System;

        static class M
        {
            public static int Gcd(int a, int b)
            {
                while (true)
                {
                    if (a < 0 || b < 0)
                    {
                        throw new ArgumentException("negative");
                    }

                    if (b == 0)
                    {
                        return a;
                    }

                    (a, b) = (b, a % b);
                }
            }
        }
        """);

    private const string Source = """
        using System;

        public static class R
        {
            public static long Factorial(int n) => n < 0 ? throw new ArgumentOutOfRangeException(nameof(n)) : n <= 1 ? 1 : n * Factorial(n - 1);

            public static int SumUntilNegative(int[] a, int i) =>
                i == a.Length ? 0 : a[i] < 0 ? throw new InvalidOperationException("negative at " + i) : a[i] + SumUntilNegative(a, i + 1);

            public static int Gcd(int a, int b) => a < 0 || b < 0 ? throw new ArgumentException("negative") : b == 0 ? a : Gcd(b, a % b);

            public static string Run()
            {
                var results = new System.Collections.Generic.List<string>();
                foreach (var n in new[] { -3, 0, 1, 5, 12 })
                {
                    results.Add(Try(() => Factorial(n).ToString()));
                }

                results.Add(Try(() => SumUntilNegative(new[] { 1, 2, 3 }, 0).ToString()));
                results.Add(Try(() => SumUntilNegative(new[] { 1, -2, 3 }, 0).ToString()));
                results.Add(Try(() => Gcd(84, 36).ToString()));
                results.Add(Try(() => Gcd(84, -36).ToString()));
                return string.Join("|", results);
            }

            private static string Try(Func<string> f)
            {
                try
                {
                    return f();
                }
                catch (Exception e)
                {
                    return e.GetType().Name + ":" + e.Message;
                }
            }
        }
        """;

    [Fact]
    public async Task Fixed_code_throws_the_same_exceptions_and_gives_the_same_results()
    {
        var (afterPerf004, perf004Fixes) = await FixApplier.ApplyEachAsync<PERF004NonTailRecursionAnalyzer, PERF004IntroduceAccumulatorCodeFix>(Source);
        var (afterBoth, perf005Fixes) = await FixApplier.ApplyEachAsync<PERF005TailRecursionAnalyzer, PERF005ConvertTailRecursionToLoopCodeFix>(afterPerf004);
        Assert.Equal(2, perf004Fixes);
        Assert.Equal(1, perf005Fixes);
        Assert.DoesNotContain("=> n < 0", afterBoth, StringComparison.Ordinal);

        var original = (string)TestCompiler.Invoke(TestCompiler.CompileAndLoad(Source), "R", "Run")!;
        var fixedResult = (string)TestCompiler.Invoke(TestCompiler.CompileAndLoad(afterBoth), "R", "Run")!;
        Assert.Contains("ArgumentOutOfRangeException", original, StringComparison.Ordinal);
        Assert.Contains("negative at 1", original, StringComparison.Ordinal);
        Assert.Equal(original, fixedResult);
    }
}
