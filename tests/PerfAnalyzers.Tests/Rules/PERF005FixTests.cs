using Microsoft.CodeAnalysis;
using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF005TailRecursionAnalyzer, PerfAnalyzers.CodeFixes.PERF005ConvertTailRecursionToLoopCodeFix>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>PERF005 fix: "Convert tail recursion to a loop".</summary>
public class PERF005FixTests
{
    [Fact]
    public Task Gcd_uses_a_simultaneous_assignment() => Verify.VerifyFixAsync("""
        static class M
        {
            public static int Gcd(int a, int b) => b == 0 ? a : [|Gcd(b, a % b)|];
        }
        """, """
        static class M
        {
            public static int Gcd(int a, int b)
            {
                while (true)
                {
                    if (b == 0)
                    {
                        return a;
                    }

                    (a, b) = (b, a % b);
                }
            }
        }
        """);

    [Fact]
    public Task Block_body_with_several_tail_calls_and_unchanged_parameters() => Verify.VerifyFixAsync("""
        static class M
        {
            // Index of the last positive element.
            public static int LastPositive(int[] a, int i, int found)
            {
                if (i == a.Length)
                {
                    return found;
                }

                if (a[i] > 0)
                    return [|LastPositive(a, i + 1, i)|];
                return [|LastPositive(a, i + 1, found)|];
            }
        }
        """, """
        static class M
        {
            // Index of the last positive element.
            public static int LastPositive(int[] a, int i, int found)
            {
                while (true)
                {
                    if (i == a.Length)
                    {
                        return found;
                    }

                    if (a[i] > 0)
                    {
                        (i, found) = (i + 1, i);
                        continue;
                    }

                    i = i + 1;
                }
            }
        }
        """);

    [Fact]
    public Task Void_walker_gets_a_return_where_the_end_was_reachable() => Verify.VerifyFixAsync("""
        using System.Collections.Generic;
        static class M
        {
            public static void Walk(List<int> output, int i, int n)
            {
                if (i < n)
                {
                    output.Add(i);
                    [|Walk(output, i + 1, n)|];
                    return;
                }
            }
        }
        """, """
        using System.Collections.Generic;
        static class M
        {
            public static void Walk(List<int> output, int i, int n)
            {
                while (true)
                {
                    if (i < n)
                    {
                        output.Add(i);
                        i = i + 1;
                        continue;
                    }

                    return;
                }
            }
        }
        """);

    [Fact]
    public Task Void_walker_ending_with_the_call() => Verify.VerifyFixAsync("""
        using System.Collections.Generic;
        static class M
        {
            public static void Walk(List<int> output, int i, int n)
            {
                if (i >= n) return;
                output.Add(i);
                [|Walk(output, i + 1, n)|];
            }
        }
        """, """
        using System.Collections.Generic;
        static class M
        {
            public static void Walk(List<int> output, int i, int n)
            {
                while (true)
                {
                    if (i >= n) return;
                    output.Add(i);
                    i = i + 1;
                }
            }
        }
        """);

    [Fact]
    public Task Named_arguments_and_this_receiver_and_generics() => Verify.VerifyFixAsync("""
        class C
        {
            private int _calls;
            public T Pick<T>(T x, T y, int n) => n == 0 ? x : [|this.Pick<T>(y: x, x: y, n: n - 1)|];
            public int Count(int n, int acc)
            {
                _calls++;
                return n == 0 ? acc : [|Count(acc: acc + 1, n: n - 1)|];
            }
        }
        """, """
        class C
        {
            private int _calls;
            public T Pick<T>(T x, T y, int n)
            {
                while (true)
                {
                    if (n == 0)
                    {
                        return x;
                    }

                    (y, x, n) = (x, y, n - 1);
                }
            }
            public int Count(int n, int acc)
            {
                while (true)
                {
                    _calls++;
                    if (n == 0)
                    {
                        return acc;
                    }

                    (acc, n) = (acc + 1, n - 1);
                }
            }
        }
        """);

    [Fact]
    public Task Local_function_in_top_level_statements() => new CodeFixTest<PERF005TailRecursionAnalyzer, PERF005ConvertTailRecursionToLoopCodeFix>
    {
        TestCode = """
            System.Console.WriteLine(Count(10, 0));
            static int Count(int n, int acc) => n == 0 ? acc : [|Count(n - 1, acc + 1)|];
            """,
        FixedCode = """
            System.Console.WriteLine(Count(10, 0));
            static int Count(int n, int acc)
            {
                while (true)
                {
                    if (n == 0)
                    {
                        return acc;
                    }

                    (n, acc) = (n - 1, acc + 1);
                }
            }
            """,
        OutputKind = OutputKind.ConsoleApplication,
    }.RunAsync();

    [Fact]
    public Task Fix_all_converts_nested_local_function_and_several_methods_in_several_files() => new CodeFixTest<PERF005TailRecursionAnalyzer, PERF005ConvertTailRecursionToLoopCodeFix>
    {
        Sources =
        {
            """
            static class A
            {
                public static int Length(string s, int start)
                {
                    if (start > s.Length) return [|Length(s, start - 1)|];
                    return Loop(start);
                    int Loop(int i) => i == s.Length ? i : [|Loop(i + 1)|];
                }
            }
            """,
            """
            static class B
            {
                public static long Sum(int n, long acc) => n == 0 ? acc : [|Sum(n - 1, acc + n)|];
            }
            """,
        },
        FixedSources =
        {
            """
            static class A
            {
                public static int Length(string s, int start)
                {
                    while (true)
                    {
                        if (start > s.Length)
                        {
                            start = start - 1;
                            continue;
                        }

                        return Loop(start);
                        int Loop(int i)
                        {
                            while (true)
                            {
                                if (i == s.Length)
                                {
                                    return i;
                                }

                                i = i + 1;
                            }
                        }
                    }
                }
            }
            """,
            """
            static class B
            {
                public static long Sum(int n, long acc)
                {
                    while (true)
                    {
                        if (n == 0)
                        {
                            return acc;
                        }

                        (n, acc) = (n - 1, acc + n);
                    }
                }
            }
            """,
        },
    }.RunAsync();

    [Fact]
    public Task Another_receiver_becomes_a_local() => Verify.VerifyFixAsync("""
        using System.Collections.Generic;
        sealed class Node
        {
            public int Value;
            public Node? Next;
            public Node Last() => Next is null ? this : [|Next.Last()|];
            public void Collect(List<int> output)
            {
                output.Add(this.Value + Value);
                if (Next != null)
                {
                    [|Next.Collect(output)|];
                }
            }
        }
        """, """
        using System.Collections.Generic;
        sealed class Node
        {
            public int Value;
            public Node? Next;
            public Node Last()
            {
                var self = this;
                while (true)
                {
                    if (self.Next is null)
                    {
                        return self;
                    }

                    self = self.Next;
                }
            }
            public void Collect(List<int> output)
            {
                var self = this;
                while (true)
                {
                    output.Add(self.Value + self.Value);
                    if (self.Next != null)
                    {
                        self = self.Next;
                        continue;
                    }

                    return;
                }
            }
        }
        """);

    [Fact]
    public Task Extension_method_receiver_is_reassigned() => Verify.VerifyFixAsync("""
        static class M
        {
            public static int Skip(this string s, int n) => n == 0 || s.Length == 0 ? s.Length : [|s.Substring(1).Skip(n - 1)|];
        }
        """, """
        static class M
        {
            public static int Skip(this string s, int n)
            {
                while (true)
                {
                    if (n == 0 || s.Length == 0)
                    {
                        return s.Length;
                    }

                    (s, n) = (s.Substring(1), n - 1);
                }
            }
        }
        """);

    [Fact]
    public Task No_fix_for_another_receiver_that_may_be_null_is_virtual_or_a_struct() => Verify.VerifyNoFixAsync("""
        class Node
        {
            public Node? Next;
            public Node? Other;
            public Node? Maybe() => Next is null ? this : [|Other!.Maybe()|];
            public virtual Node Last() => Next is null ? this : [|Next.Last()|];
            public Node Captured(System.Func<Node, Node> f) => Next is null ? f(this) : [|Next.Captured(n => n.Other ?? this)|];
        }

        struct Counter
        {
            public int N;
            public int Down(Counter[] all) => N == 0 ? 0 : [|all[N - 1].Down(all)|];
        }
        """);

    /// <summary>A lambda that reads a changed parameter now reads a per-round copy (was: no fix).</summary>
    [Fact]
    public Task A_captured_parameter_gets_a_copy_per_round() => Verify.VerifyFixAsync("""
        using System;
        using System.Collections.Generic;
        static class M
        {
            public static void Schedule(List<Func<int>> work, int n)
            {
                if (n == 0) return;
                work.Add(() => n);
                [|Schedule(work, n - 1)|];
            }
        }
        """, """
        using System;
        using System.Collections.Generic;
        static class M
        {
            public static void Schedule(List<Func<int>> work, int n)
            {
                while (true)
                {
                    var nCopy = n;
                    if (n == 0) return;
                    work.Add(() => nCopy);
                    n = n - 1;
                }
            }
        }
        """);

    /// <summary>A local function that reads the changed parameter: no copy, no fix.</summary>
    [Fact]
    public Task No_fix_when_a_parameter_is_captured_by_a_local_function() => Verify.VerifyNoFixAsync("""
        using System;
        using System.Collections.Generic;
        static class M
        {
            public static void Schedule(List<Func<int>> work, int n)
            {
                if (n == 0) return;
                int Get() => n;
                work.Add(Get);
                [|Schedule(work, n - 1)|];
            }
        }
        """);

    [Fact]
    public Task No_fix_for_params() => Verify.VerifyNoFixAsync("""
        static class M
        {
            public static int P(int n, params int[] rest) => n == 0 ? rest.Length : [|P(n - 1, rest)|];
        }
        """);

    [Fact]
    public Task Async_tail_call_is_converted() => Verify.VerifyFixAsync("""
        using System.Threading.Tasks;
        static class M
        {
            public static async Task<int> CountAsync(int n)
            {
                await Task.Yield();
                return n == 0 ? 0 : await [|CountAsync(n - 1)|];
            }
        }
        """, """
        using System.Threading.Tasks;
        static class M
        {
            public static async Task<int> CountAsync(int n)
            {
                while (true)
                {
                    await Task.Yield();
                    if (n == 0)
                    {
                        return 0;
                    }

                    n = n - 1;
                }
            }
        }
        """);

    [Fact]
    public Task No_fix_inside_try_using_lock_or_a_loop() => Verify.VerifyNoFixAsync("""
        using System;
        static class M
        {
            static readonly object Gate = new();
            public static int T(int n) { try { return n == 0 ? 0 : [|T(n - 1)|]; } catch (InvalidOperationException) { return -1; } }
            public static int U(IDisposable d, int n) { using (d) { return n == 0 ? 0 : [|U(d, n - 1)|]; } }
            public static int L(int n) { lock (Gate) { return n == 0 ? 0 : [|L(n - 1)|]; } }
            public static int W(int[] a, int n)
            {
                foreach (var x in a)
                {
                    if (x == n) return [|W(a, n - 1)|];
                }

                return n;
            }
        }
        """);

    // A using declaration of the body no longer blocks the fix (issue #17): each round's resource is held to the end and
    // disposed innermost first, as the recursion did; see RecursionUsingResourceFixTests.

    [Fact]
    public Task A_non_tail_self_call_too_gets_the_explicit_stack() => Verify.VerifyFixAsync("""
        using System;
        static class M
        {
            public static int F(int n, bool tail) => n < 0 ? throw new ArgumentOutOfRangeException(nameof(n)) : n == 0 ? 0 : tail ? [|F(n - 1, tail)|] : 1 + F(n - 1, true);
        }
        """, """
        using System;
        static class M
        {
            public static int F(int n, bool tail)
            {
                var pending = 0;
                int result;
                while (true)
                {
                    if (n < 0)
                    {
                        throw new ArgumentOutOfRangeException(nameof(n));
                    }

                    if (n == 0)
                    {
                        result = 0;
                        break;
                    }

                    if (tail)
                    {
                        n = n - 1;
                        continue;
                    }

                    pending++;
                    (n, tail) = (n - 1, true);
                }

                while (pending > 0)
                {
                    pending--;
                    result = 1 + result;
                }

                return result;
            }
        }
        """);
}
