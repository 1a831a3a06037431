using Microsoft.CodeAnalysis;
using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF004NonTailRecursionAnalyzer, PerfAnalyzers.CodeFixes.PERF004IntroduceAccumulatorCodeFix>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>PERF004 fix: "Introduce an accumulator and convert to a loop".</summary>
public class PERF004FixTests
{
    [Fact]
    public Task Factorial() => Verify.VerifyFixAsync("""
        static class M
        {
            public static long Factorial(int n) => n <= 1 ? 1 : n * [|Factorial(n - 1)|];
        }
        """, """
        static class M
        {
            public static long Factorial(int n)
            {
                var acc = 1L;
                while (true)
                {
                    if (n <= 1)
                    {
                        return acc;
                    }

                    (acc, n) = (acc * n, n - 1);
                }
            }
        }
        """);

    [Fact]
    public Task Linked_list_sum_with_call_first_and_base_case_value() => Verify.VerifyFixAsync("""
        class Node
        {
            public int Value;
            public Node? Next;

            public static int Sum(Node? node, int extra)
            {
                if (node is null)
                {
                    return extra * 2;
                }

                return node.Value + [|Sum(node.Next, extra)|];
            }

            public static int Count(Node? node, int k) => node is null ? 0 : [|Count(node.Next, k)|] + k;
        }
        """, """
        class Node
        {
            public int Value;
            public Node? Next;

            public static int Sum(Node? node, int extra)
            {
                var acc = 0;
                while (true)
                {
                    if (node is null)
                    {
                        return acc + extra * 2;
                    }

                    (acc, node) = (acc + node.Value, node.Next);
                }
            }

            public static int Count(Node? node, int k)
            {
                var acc = 0;
                while (true)
                {
                    if (node is null)
                    {
                        return acc;
                    }

                    (acc, node) = (acc + k, node.Next);
                }
            }
        }
        """);

    [Fact]
    public Task Mixed_tail_and_accumulated_calls_and_name_clash() => Verify.VerifyFixAsync("""
        static class M
        {
            public static int CountOdd(int[] a, int i, int acc)
            {
                if (i == a.Length) return acc;
                if (a[i] % 2 == 1)
                {
                    return 1 + [|CountOdd(a, i + 1, acc)|];
                }

                return CountOdd(a, i + 1, acc);
            }
        }
        """, """
        static class M
        {
            public static int CountOdd(int[] a, int i, int acc)
            {
                var acc2 = 0;
                while (true)
                {
                    if (i == a.Length) return acc2 + acc;
                    if (a[i] % 2 == 1)
                    {
                        (acc2, i) = (acc2 + 1, i + 1);
                        continue;
                    }

                    i = i + 1;
                }
            }
        }
        """);

    [Fact]
    public Task Bitwise_and_on_uint_starts_from_all_ones() => Verify.VerifyFixAsync("""
        static class M
        {
            public static uint AndAll(uint[] a, int i) => i == a.Length ? uint.MaxValue : a[i] & [|AndAll(a, i + 1)|];
            public static long XorAll(long[] a, int i) => i == a.Length ? 0 : a[i] ^ [|XorAll(a, i + 1)|];
        }
        """, """
        static class M
        {
            public static uint AndAll(uint[] a, int i)
            {
                var acc = uint.MaxValue;
                while (true)
                {
                    if (i == a.Length)
                    {
                        return acc & uint.MaxValue;
                    }

                    (acc, i) = (acc & a[i], i + 1);
                }
            }
            public static long XorAll(long[] a, int i)
            {
                var acc = 0L;
                while (true)
                {
                    if (i == a.Length)
                    {
                        return acc;
                    }

                    (acc, i) = (acc ^ a[i], i + 1);
                }
            }
        }
        """);

    [Fact]
    public Task Boolean_and_returns_early() => Verify.VerifyFixAsync("""
        static class M
        {
            public static bool AllPositive(int[] a, int i) => i == a.Length || a[i] > 0 && [|AllPositive(a, i + 1)|];
            public static bool AnyZero(int[] a, int i)
            {
                if (i == a.Length) return false;
                return a[i] == 0 || [|AnyZero(a, i + 1)|];
            }
        }
        """, """
        static class M
        {
            public static bool AllPositive(int[] a, int i)
            {
                while (true)
                {
                    if (i == a.Length)
                    {
                        return true;
                    }

                    if (a[i] <= 0)
                    {
                        return false;
                    }

                    i = i + 1;
                }
            }
            public static bool AnyZero(int[] a, int i)
            {
                while (true)
                {
                    if (i == a.Length) return false;
                    if (a[i] == 0)
                    {
                        return true;
                    }

                    i = i + 1;
                }
            }
        }
        """);

    [Fact]
    public Task Local_function_in_top_level_statements() => new CodeFixTest<PERF004NonTailRecursionAnalyzer, PERF004IntroduceAccumulatorCodeFix>
    {
        TestCode = """
            System.Console.WriteLine(Sum(10));
            static int Sum(int n) => n == 0 ? 0 : n + [|Sum(n - 1)|];
            """,
        FixedCode = """
            System.Console.WriteLine(Sum(10));
            static int Sum(int n)
            {
                var acc = 0;
                while (true)
                {
                    if (n == 0)
                    {
                        return acc;
                    }

                    (acc, n) = (acc + n, n - 1);
                }
            }
            """,
        OutputKind = OutputKind.ConsoleApplication,
    }.RunAsync();

    [Fact]
    public Task Fix_all_in_two_files() => new CodeFixTest<PERF004NonTailRecursionAnalyzer, PERF004IntroduceAccumulatorCodeFix>
    {
        Sources =
        {
            "static class A { public static int Sum(int n) => n == 0 ? 0 : n + [|Sum(n - 1)|]; public static int Product(int n) => n == 0 ? 1 : n * [|Product(n - 1)|]; }",
            "static class B { public static ulong Bits(ulong[] a, int i) => i == a.Length ? 0 : a[i] | [|Bits(a, i + 1)|]; }",
        },
        FixedSources =
        {
            """
            static class A { public static int Sum(int n)
                {
                    var acc = 0;
                    while (true)
                    {
                        if (n == 0)
                        {
                            return acc;
                        }

                        (acc, n) = (acc + n, n - 1);
                    }
                }
                public static int Product(int n)
                {
                    var acc = 1;
                    while (true)
                    {
                        if (n == 0)
                        {
                            return acc;
                        }

                        (acc, n) = (acc * n, n - 1);
                    }
                }
            }
            """,
            """
            static class B { public static ulong Bits(ulong[] a, int i)
                {
                    var acc = 0UL;
                    while (true)
                    {
                        if (i == a.Length)
                        {
                            return acc;
                        }

                        (acc, i) = (acc | a[i], i + 1);
                    }
                }
            }
            """,
        },
    }.RunAsync();

    [Fact]
    public Task Another_receiver_becomes_a_local() => Verify.VerifyFixAsync("""
        class Node
        {
            public int Value;
            public Node? Next;
            public int Count() => Next is null ? 1 : 1 + [|Next.Count()|];
            public int Sum() => Value + (Next == null ? 0 : [|Next.Sum()|]);
        }
        """, """
        class Node
        {
            public int Value;
            public Node? Next;
            public int Count()
            {
                var self = this;
                var acc = 0;
                while (true)
                {
                    if (self.Next is null)
                    {
                        return acc + 1;
                    }

                    (acc, self) = (acc + 1, self.Next);
                }
            }
            public int Sum() => Value + (Next == null ? 0 : [|Next.Sum()|]);
        }
        """);

    [Fact]
    public Task Property_read_before_the_call() => Verify.VerifyFixAsync("""
        sealed class Item
        {
            public long Cents { get; init; }
            public Item? Next { get; init; }
            public static long Sum(Item? item) => item is null ? 0 : item.Cents + [|Sum(item.Next)|];
        }
        """, """
        sealed class Item
        {
            public long Cents { get; init; }
            public Item? Next { get; init; }
            public static long Sum(Item? item)
            {
                var acc = 0L;
                while (true)
                {
                    if (item is null)
                    {
                        return acc;
                    }

                    (acc, item) = (acc + item.Cents, item.Next);
                }
            }
        }
        """);

    [Fact]
    public Task Fix_all_converts_a_generic_method_and_its_nested_local_function() => new CodeFixTest<PERF004NonTailRecursionAnalyzer, PERF004IntroduceAccumulatorCodeFix>
    {
        TestCode = """
            static class M
            {
                public static int Count<T>(T[] items, T value, int i)
                {
                    if (i == items.Length) return Spaces(0);
                    return (items[i] is null ? 1 : 0) + [|Count(items, value, i + 1)|];

                    int Spaces(int k) => k == items.Length ? 0 : 1 + [|Spaces(k + 1)|];
                }
            }
            """,
        FixedCode = """
            static class M
            {
                public static int Count<T>(T[] items, T value, int i)
                {
                    var acc = 0;
                    while (true)
                    {
                        if (i == items.Length) return acc + Spaces(0);
                        (acc, i) = (acc + (items[i] is null ? 1 : 0), i + 1);
                        int Spaces(int k)
                        {
                            var acc = 0;
                            while (true)
                            {
                                if (k == items.Length)
                                {
                                    return acc;
                                }

                                (acc, k) = (acc + 1, k + 1);
                            }
                        }
                    }
                }
            }
            """,
        // Fix All converts the local function first, so the outer accumulator avoids its name.
        BatchFixedCode = """
            static class M
            {
                public static int Count<T>(T[] items, T value, int i)
                {
                    var acc2 = 0;
                    while (true)
                    {
                        if (i == items.Length) return acc2 + Spaces(0);
                        (acc2, i) = (acc2 + (items[i] is null ? 1 : 0), i + 1);
                        int Spaces(int k)
                        {
                            var acc = 0;
                            while (true)
                            {
                                if (k == items.Length)
                                {
                                    return acc;
                                }

                                (acc, k) = (acc + 1, k + 1);
                            }
                        }
                    }
                }
            }
            """,
    }.RunAsync();

    // async methods get the explicit stack: RecursionAsyncStackFixTests (which also has the async shapes that get no fix).

    [Fact]
    public Task No_fix_for_other_shapes() => Verify.VerifyNoFixAsync("""
        using System.Collections.Generic;
        class Node
        {
            // Two calls on one path: not linear (the explicit stack needs at most one self-call per path).
            public static long Fib(int n) => n < 2 ? n : [|Fib(n - 1)|] + [|Fib(n - 2)|];

            // Evaluated before the call, it changes a local the rest reads: the frame could not keep both values.
            public static int Bump(int n, int k) => n == 0 ? k : k++ + [|Bump(n - 1, k)|] + k;

            // The call is in the right operand of && outside a return: whether it runs is decided in the middle of a statement.
            public static int Flag(int n)
            {
                if (n == 0) return 0;
                var ok = n > 3 && [|Flag(n - 1)|] > 0;
                return ok ? 1 : 2;
            }
        }
        """);
}
