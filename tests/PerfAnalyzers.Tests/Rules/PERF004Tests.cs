using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF004NonTailRecursionAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>PERF004: non-tail recursion whose depth grows linearly with the input.</summary>
public class PERF004Tests
{
    [Fact]
    public Task Factorial_expression_bodied() => Verify.VerifyAsync("""
        static class M
        {
            public static long Factorial(int n) => n <= 1 ? 1 : n * {|#0:Factorial(n - 1)|};
        }
        """, Expect.Diagnostic("PERF004").WithLocation(0).WithArguments("Factorial"));

    [Fact]
    public Task Linked_list_sum_on_another_receiver_and_static() => Verify.VerifyAsync("""
        class Node
        {
            public int Value;
            public Node? Next;
            public int Count() => Next is null ? 1 : 1 + [|Next.Count()|];
            public static int Sum(Node? node) => node is null ? 0 : node.Value + [|Sum(node.Next)|];
        }
        """);

    [Fact]
    public Task Result_stored_then_used_and_void_with_work_after() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        static class M
        {
            public static int Depth(int n)
            {
                if (n == 0) return 0;
                var r = [|Depth(n - 1)|];
                return r + 1;
            }

            public static void Countdown(List<int> output, int n)
            {
                if (n == 0) return;
                [|Countdown(output, n - 1)|];
                output.Add(n);
            }
        }
        """);

    [Fact]
    public Task Calls_in_exclusive_branches_count_as_one() => Verify.VerifyAsync("""
        static class M
        {
            public static int CountOdd(int[] a, int i)
            {
                if (i == a.Length) return 0;
                if (a[i] % 2 == 1)
                {
                    return 1 + [|CountOdd(a, i + 1)|];
                }

                return [|CountOdd(a, i + 1)|] * 1;
            }

            public static int Pick(int n, bool b) => n == 0 ? 0 : b ? 1 + [|Pick(n - 1, !b)|] : 2 + [|Pick(n - 1, !b)|];
        }
        """);

    [Fact]
    public Task Several_calls_stepping_by_a_constant() => Verify.VerifyAsync("""
        static class M
        {
            public static long Fib(int n) => n < 2 ? n : [|Fib(n - 1)|] + [|Fib(n - 2)|];
        }
        """);

    [Fact]
    public Task Local_function_generic_and_extension() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        static class M
        {
            public static int Length<T>(this IReadOnlyList<T> list, int i) => i == list.Count ? 0 : 1 + [|list.Length(i + 1)|];

            public static int Outer(string s)
            {
                return Count(0);
                int Count(int i) => i == s.Length ? 0 : (s[i] == ' ' ? 1 : 0) + [|Count(i + 1)|];
            }
        }
        """);

    [Fact]
    public Task Top_level_local_function() => new AnalyzerTest<PERF004NonTailRecursionAnalyzer>
    {
        TestCode = """
            System.Console.WriteLine(Sum(10));
            static int Sum(int n) => n == 0 ? 0 : n + [|Sum(n - 1)|];
            """,
        OutputKind = OutputKind.ConsoleApplication,
    }.RunAsync();

    [Fact]
    public Task Partial_class_across_two_files() => new AnalyzerTest<PERF004NonTailRecursionAnalyzer>
    {
        Sources =
        {
            "partial class P { public int F(int n) => n == 0 ? 0 : 1 + [|F(n - 1)|]; }",
            "partial class P { public int F(string s) => F(s.Length) + 1; }",
        },
    }.RunAsync();

    [Fact]
    public Task Tree_recursion_is_not_reported_by_default() => Verify.VerifyAsync(TreeSource.Replace("[|", "").Replace("|]", ""));

    [Fact]
    public Task Tree_recursion_is_reported_with_the_option() => new AnalyzerTest<PERF004NonTailRecursionAnalyzer>
    {
        TestCode = TreeSource,
        EditorConfig = "perf_analyzers.PERF004.include_tree_recursion = true",
    }.RunAsync();

    [Fact]
    public Task Tree_option_also_read_pack_wide() => new AnalyzerTest<PERF004NonTailRecursionAnalyzer>
    {
        TestCode = TreeSource,
        EditorConfig = "perf_analyzers.include_tree_recursion = true",
    }.RunAsync();

    private const string TreeSource = """
        using System.Collections.Generic;
        class Tree
        {
            public Tree? Left, Right;
            public List<Tree> Children = new();
            public static int Count(Tree? t) => t is null ? 0 : 1 + [|Count(t.Left)|] + [|Count(t.Right)|];
            public int Size()
            {
                var size = 1;
                foreach (var child in Children)
                {
                    size += [|child.Size()|];
                }

                return size;
            }
        }
        """;

    [Fact]
    public Task Halving_recursion_is_not_reported() => Verify.VerifyAsync("""
        static class M
        {
            public static long Power(long x, int n)
            {
                if (n == 0) return 1;
                var half = Power(x, n / 2);
                return n % 2 == 0 ? half * half : half * half * x;
            }

            public static int SumRange(int[] a, int lo, int hi)
            {
                if (lo == hi) return a[lo];
                var mid = (lo + hi) >> 1;
                return SumRange(a, lo, mid) + SumRange(a, mid + 1, hi);
            }

            public static int DigitSum(int n) => n == 0 ? 0 : n % 10 + DigitSum(n / 10);
        }
        """);

    [Fact]
    public Task Look_alikes_are_not_reported() => Verify.VerifyAsync("""
        using System;
        class Base
        {
            public virtual int F(int n) => n;
        }

        class Derived : Base
        {
            public override int F(int n) => n == 0 ? 0 : 1 + base.F(n - 1);
            public int G(int n) => n;
            public int G(long n) => n == 0 ? 0 : 1 + G((int)n - 1);
            public int H(int n)
            {
                Func<int, int>? f = null;
                f = k => k == 0 ? 0 : 1 + f!(k - 1);
                return f(n);
            }

            public static int Even(int n) => n == 0 ? 0 : 1 + Odd(n - 1);
            public static int Odd(int n) => n == 0 ? 0 : 1 + Even(n - 1);
            public static Func<int> Later(int n) => () => n == 0 ? 0 : 1 + Later(n - 1)();
        }
        """);

    [Fact]
    public Task Tail_calls_are_not_PERF004() => Verify.VerifyAsync("""
        static class M
        {
            public static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
            public static void Walk(int i, int n) { if (i < n) Walk(i + 1, n); }
        }
        """);

    [Fact]
    public Task Broken_code_does_not_throw() => new AnalyzerTest<PERF004NonTailRecursionAnalyzer>
    {
        TestCode = """
            static class M
            {
                public static int F(int n) => n == 0 ? 0 : 1 + [|F(n - 1)|]
                public static int G(int n) { return 1 + G(; }
                public static int H(int n) => 1 + H(n - 1, 2);
            }
            """,
        AllowCompilerErrors = true,
    }.RunAsync();
}
