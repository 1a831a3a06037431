using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF005TailRecursionAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>PERF005: tail recursion, reported because C# does not guarantee tail calls.</summary>
public class PERF005Tests
{
    [Fact]
    public Task Gcd_expression_bodied() => Verify.VerifyAsync("""
        static class M
        {
            public static int Gcd(int a, int b) => b == 0 ? a : {|#0:Gcd(b, a % b)|};
        }
        """, Expect.Diagnostic("PERF005").WithLocation(0).WithArguments("Gcd"));

    [Fact]
    public Task Return_statement_and_if_branches() => Verify.VerifyAsync("""
        static class M
        {
            public static int Last(int[] a, int i, int found)
            {
                if (i == a.Length)
                {
                    return found;
                }

                if (a[i] > 0)
                    return [|Last(a, i + 1, i)|];
                return [|Last(a, i + 1, found)|];
            }
        }
        """);

    [Fact]
    public Task Void_walker_last_statement() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        static class M
        {
            public static void Walk(List<int> output, int i, int n)
            {
                if (i >= n) return;
                output.Add(i);
                [|Walk(output, i + 1, n)|];
            }

            public static void WalkThenReturn(List<int> output, int i, int n)
            {
                if (i < n)
                {
                    output.Add(i);
                    [|WalkThenReturn(output, i + 1, n)|];
                    return;
                }
            }
        }
        """);

    [Fact]
    public Task Instance_method_on_another_receiver() => Verify.VerifyAsync("""
        class Node
        {
            public Node? Next;
            public int Value;
            public Node Last() => Next is null ? this : [|Next.Last()|];
            public Node Last2() => Next is null ? this : [|this.Last2()|];
        }
        """);

    [Fact]
    public Task Local_function_and_top_level_statements() => new AnalyzerTest<PERF005TailRecursionAnalyzer>
    {
        TestCode = """
            System.Console.WriteLine(Count(10, 0));
            static int Count(int n, int acc) => n == 0 ? acc : [|Count(n - 1, acc + 1)|];
            """,
        OutputKind = OutputKind.ConsoleApplication,
    }.RunAsync();

    [Fact]
    public Task Local_function_inside_method() => Verify.VerifyAsync("""
        static class M
        {
            public static int Length(string s)
            {
                return Loop(0);
                int Loop(int i) => i == s.Length ? i : [|Loop(i + 1)|];
            }
        }
        """);

    [Fact]
    public Task Generic_and_extension_methods() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        static class M
        {
            public static T Last<T>(this IReadOnlyList<T> list, int i) => i == list.Count - 1 ? list[i] : [|list.Last(i + 1)|];
            public static T Find<T>(T[] items, int i, T fallback) => i == items.Length ? fallback : [|Find(items, i + 1, fallback)|];
        }
        """);

    [Fact]
    public Task Switch_expression_arm_and_async() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        static class M
        {
            public static int Collatz(long n, int steps) => n switch
            {
                1 => steps,
                _ when n % 2 == 0 => [|Collatz(n - 1, steps + 1)|],
                _ => [|Collatz(3 * n + 1, steps + 1)|],
            };

            public static async Task<int> CountAsync(int n)
            {
                await Task.Yield();
                return n == 0 ? 0 : await [|CountAsync(n - 1)|];
            }
        }
        """);

    [Fact]
    public Task Right_of_coalesce_is_tail_position() => Verify.VerifyAsync("""
        class Node
        {
            public Node? Next;
            public string? Name;
            public static string Find(Node n) => n.Name ?? (n.Next is null ? "" : [|Find(n.Next)|]);
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
            // Calls the base implementation, not itself.
            public override int F(int n) => n == 0 ? 0 : base.F(n - 1);

            // An overload with the same name is a different method.
            public int G(int n) => n;
            public int G(long n) => n == 0 ? 0 : G((int)n - 1);

            // Recursion through a delegate.
            public int H(int n)
            {
                Func<int, int>? f = null;
                f = k => k == 0 ? 0 : f!(k - 1);
                return f(n);
            }

            // Mutual recursion.
            public static bool IsEven(int n) => n == 0 || IsOdd(n - 1);
            public static bool IsOdd(int n) => n != 0 && IsEven(n - 1);

            // A lambda inside the method calls the method: it runs later, not nested.
            public static Func<int> Later(int n) => () => n == 0 ? 0 : Later(n - 1)();
        }
        """);

    [Fact]
    public Task Halving_recursion_is_not_reported() => Verify.VerifyAsync("""
        static class M
        {
            public static int Search(int[] a, int value, int lo, int hi)
            {
                if (lo > hi) return -1;
                int mid = lo + (hi - lo) / 2;
                if (a[mid] == value) return mid;
                return a[mid] < value ? Search(a, value, mid + 1, hi) : Search(a, value, lo, mid - 1);
            }

            public static int Digits(int n, int count) => n < 10 ? count + 1 : Digits(n / 10, count + 1);
            public static int Bits(uint n, int count) => n == 0 ? count : Bits(n >> 1, count + 1);
        }
        """);

    [Fact]
    public Task Tree_recursion_is_not_reported() => Verify.VerifyAsync("""
        class Tree
        {
            public Tree? Left, Right;
            public static void Visit(Tree? t, System.Collections.Generic.List<Tree> seen)
            {
                if (t is null) return;
                seen.Add(t);
                Visit(t.Left, seen);
                Visit(t.Right, seen);
            }
        }
        """);

    [Fact]
    public Task Non_tail_calls_are_not_PERF005() => Verify.VerifyAsync("""
        static class M
        {
            public static int Factorial(int n) => n <= 1 ? 1 : n * Factorial(n - 1);
            public static void Countdown(int n)
            {
                if (n == 0) return;
                Countdown(n - 1);
                System.Console.WriteLine(n);
            }
        }
        """);

    [Fact]
    public Task Iterators_are_not_recursion() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        static class M
        {
            public static IEnumerable<int> Count(int n)
            {
                if (n == 0) yield break;
                yield return n;
                foreach (var x in Count(n - 1)) yield return x;
            }
        }
        """);

    [Fact]
    public Task Partial_class_across_two_files() => new AnalyzerTest<PERF005TailRecursionAnalyzer>
    {
        Sources =
        {
            "partial class P { public int F(int n) => n == 0 ? 0 : [|F(n - 1)|]; }",
            "partial class P { public int F(long n) => (int)n; public int G(int n) => F((long)n); }",
        },
    }.RunAsync();

    [Fact]
    public Task Broken_code_does_not_throw() => new AnalyzerTest<PERF005TailRecursionAnalyzer>
    {
        TestCode = """
            static class M
            {
                public static int F(int n) => n == 0 ? 0 : [|F(n - 1)|]
                public static int G(int n) { return G(; }
                public static int H(int n) => H(n - 1, 2);
            }
            """,
        AllowCompilerErrors = true,
    }.RunAsync();

    [Fact]
    public Task Severity_none_silences_it() => new AnalyzerTest<PERF005TailRecursionAnalyzer>
    {
        TestCode = "static class M { public static int F(int n) => n == 0 ? 0 : F(n - 1); }",
        EditorConfig = "dotnet_diagnostic.PERF005.severity = none",
    }.RunAsync();
}
