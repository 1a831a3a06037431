using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF005TailRecursionAnalyzer, PerfAnalyzers.CodeFixes.PERF005ConvertTailRecursionToLoopCodeFix>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF005 "Convert tail recursion to a loop" on the shapes added for issue #17: tail calls through switch expressions,
/// <c>??</c> and <c>is</c> patterns, in local functions and expression-bodied members. Exact output and Fix All
/// (document, project, solution); each test has a throwing branch. <see cref="RecursionStackRunTests"/> runs them.
/// </summary>
public class PERF005FixShapesTests
{
    /// <summary>Tail calls in the arms of an exhaustive switch expression (a switch statement, guards and a throwing arm kept) and on the right of <c>??</c>.</summary>
    [Fact]
    public Task Switch_expression_arms_and_coalesce() => Verify.VerifyFixAsync("""
        using System;

        sealed class Node
        {
            public int Value;
            public Node? Next;
        }

        static class Lists
        {
            public static int Sum(Node? n, int acc) => n switch
            {
                null => acc,
                { Value: < 0 } => throw new ArgumentException("negative"),
                { Value: var v } when v > 100 => [|Sum(n.Next, acc + 100)|],
                _ => [|Sum(n.Next, acc + n.Value)|],
            };

            public static int Cached(Node n, int? cached) => cached ?? (n.Value < 0 ? throw new ArgumentException("negative") : n.Next is null ? n.Value : [|Cached(n.Next, null)|]);
        }
        """, """
        using System;

        sealed class Node
        {
            public int Value;
            public Node? Next;
        }

        static class Lists
        {
            public static int Sum(Node? n, int acc)
            {
                while (true)
                {
                    switch (n)
                    {
                        case null:
                            return acc;
                        case { Value: < 0 }:
                            throw new ArgumentException("negative");
                        case { Value: var v } when v > 100:
                            (n, acc) = (n.Next, acc + 100);
                            continue;
                        default:
                            (acc, n) = (acc + n.Value, n.Next);
                            continue;
                    }
                }
            }

            public static int Cached(Node n, int? cached)
            {
                while (true)
                {
                    if (cached is { } value)
                    {
                        return value;
                    }

                    if (n.Value < 0)
                    {
                        throw new ArgumentException("negative");
                    }

                    if (n.Next is null)
                    {
                        return n.Value;
                    }

                    (n, cached) = (n.Next, null);
                }
            }
        }
        """);

    /// <summary>Tail calls under <c>is</c> patterns: the pattern variables are declared by the same patterns in the loop.</summary>
    [Fact]
    public Task Is_patterns_in_conditions_and_arms() => Verify.VerifyFixAsync("""
        using System;

        sealed class Wrapper
        {
            public object? Inner;
        }

        static class Unwrapping
        {
            public static object? Unwrap(object? o) => o is Wrapper { Inner: var inner } ? inner is null ? throw new ArgumentNullException(nameof(o)) : [|Unwrap(inner)|] : o;

            public static string Describe(object? o) => o switch
            {
                Wrapper w => [|Describe(w.Inner)|],
                null => "null",
                string s when s.Length == 0 => throw new ArgumentException("empty"),
                _ => o.GetType().Name,
            };
        }
        """, """
        using System;

        sealed class Wrapper
        {
            public object? Inner;
        }

        static class Unwrapping
        {
            public static object? Unwrap(object? o)
            {
                while (true)
                {
                    if (o is Wrapper { Inner: var inner })
                    {
                        if (inner is null)
                        {
                            throw new ArgumentNullException(nameof(o));
                        }

                        o = inner;
                        continue;
                    }

                    return o;
                }
            }

            public static string Describe(object? o)
            {
                while (true)
                {
                    switch (o)
                    {
                        case Wrapper w:
                            o = w.Inner;
                            continue;
                        case null:
                            return "null";
                        case string s when s.Length == 0:
                            throw new ArgumentException("empty");
                        default:
                            return o.GetType().Name;
                    }
                }
            }
        }
        """);

    /// <summary>Expression-bodied and block-bodied local functions that capture locals of their method, and an expression-bodied member whose tail call goes through a switch expression on another receiver.</summary>
    [Fact]
    public Task Local_functions_and_expression_bodied_members() => Verify.VerifyFixAsync("""
        using System;

        static class Local
        {
            public static int Triangle(int k)
            {
                return Loop(0, 0);

                int Loop(int i, int acc) => i < 0 ? throw new InvalidOperationException() : i > k ? acc : [|Loop(i + 1, acc + i)|];
            }

            public static int Count(string s)
            {
                var total = 0;
                Walk(0);
                return total;

                void Walk(int i)
                {
                    if (i > s.Length) throw new ArgumentOutOfRangeException(nameof(i));
                    if (i == s.Length) return;
                    if (s[i] == ',') total++;
                    [|Walk(i + 1)|];
                }
            }
        }

        public class Chain
        {
            public Chain? Next;
            public int Value;

            public int Last() => Next switch
            {
                null => Value < 0 ? throw new InvalidOperationException() : Value,
                var n => [|n.Last()|],
            };
        }
        """, """
        using System;

        static class Local
        {
            public static int Triangle(int k)
            {
                return Loop(0, 0);

                int Loop(int i, int acc)
                {
                    while (true)
                    {
                        if (i < 0)
                        {
                            throw new InvalidOperationException();
                        }

                        if (i > k)
                        {
                            return acc;
                        }

                        (i, acc) = (i + 1, acc + i);
                    }
                }
            }

            public static int Count(string s)
            {
                var total = 0;
                Walk(0);
                return total;

                void Walk(int i)
                {
                    while (true)
                    {
                        if (i > s.Length) throw new ArgumentOutOfRangeException(nameof(i));
                        if (i == s.Length) return;
                        if (s[i] == ',') total++;
                        i = i + 1;
                    }
                }
            }
        }

        public class Chain
        {
            public Chain? Next;
            public int Value;

            public int Last()
            {
                var self = this;
                while (true)
                {
                    switch (self.Next)
                    {
                        case null:
                            return self.Value < 0 ? throw new InvalidOperationException() : self.Value;
                        case var n:
                            self = n;
                            continue;
                    }
                }
            }
        }
        """);

    [Fact]
    public Task No_fix_for_a_switch_expression_that_is_not_exhaustive() => Verify.VerifyNoFixAsync("""
        using System;

        enum Color { Red, Green }

        static class M
        {
            // Without a discard arm the switch expression throws for other values; a switch statement would fall through.
            public static int Steps(Color c, int n) => n < 0 ? throw new ArgumentException() : c switch
            {
                Color.Red => n == 0 ? 0 : [|Steps(Color.Green, n - 1)|],
                Color.Green => Steps(Color.Red, n),
            };
        }
        """);
}
