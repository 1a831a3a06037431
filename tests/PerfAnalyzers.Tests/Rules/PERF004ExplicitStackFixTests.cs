using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF004NonTailRecursionAnalyzer, PerfAnalyzers.CodeFixes.PERF004IntroduceAccumulatorCodeFix>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF004 "Convert to a loop with an explicit stack" (issue #17): linear recursion whatever the combination step.
/// Exact output and Fix All (document, project, solution) through the testing library, which also checks that the
/// fixed code compiles; each test has a throwing branch. The run tests (<see cref="RecursionStackRunTests"/>) execute
/// the original and the fixed code and compare results, exceptions and side effects.
/// </summary>
public class PERF004ExplicitStackFixTests
{
    /// <summary>String building: nothing to keep (a counter of pending frames), or the parameter the rest reads (<c>s[i]</c> after the call).</summary>
    [Fact]
    public Task String_building_keeps_a_counter_or_the_values_the_rest_reads() => Verify.VerifyFixAsync("""
        using System;

        static class Text
        {
            public static string Paren(int n) => n < 0 ? throw new ArgumentOutOfRangeException(nameof(n)) : n == 0 ? "" : "(" + [|Paren(n - 1)|] + ")";

            public static string Reverse(string s, int i)
            {
                if (i > s.Length)
                {
                    throw new ArgumentException("past the end", nameof(i));
                }

                return i == s.Length ? "" : [|Reverse(s, i + 1)|] + s[i];
            }
        }
        """, """
        using System;
        using System.Collections.Generic;

        static class Text
        {
            public static string Paren(int n)
            {
                var pending = 0;
                string result;
                while (true)
                {
                    if (n < 0)
                    {
                        throw new ArgumentOutOfRangeException(nameof(n));
                    }

                    if (n == 0)
                    {
                        result = "";
                        break;
                    }

                    pending++;
                    n = n - 1;
                }

                while (pending > 0)
                {
                    pending--;
                    result = "(" + result + ")";
                }

                return result;
            }

            public static string Reverse(string s, int i)
            {
                var frames = new Stack<int>();
                string result;
                while (true)
                {
                    if (i > s.Length)
                    {
                        throw new ArgumentException("past the end", nameof(i));
                    }

                    if (i == s.Length)
                    {
                        result = "";
                        break;
                    }

                    frames.Push(i);
                    i = i + 1;
                }

                while (frames.Count > 0)
                {
                    i = frames.Pop();
                    result = result + s[i];
                }

                return result;
            }
        }
        """);

    /// <summary>A void walker with work before and after the call, and <c>list.Add</c> after the call: the work after runs in reverse order, a throw stays where it was.</summary>
    [Fact]
    public Task Work_after_the_call_runs_when_unwinding_in_reverse_order() => Verify.VerifyFixAsync("""
        using System;
        using System.Collections.Generic;

        sealed class Node
        {
            public int Value;
            public Node? Next;
        }

        static class Walks
        {
            public static void Visit(Node? node, List<string> log)
            {
                if (node == null)
                {
                    log.Add("end");
                    return;
                }

                log.Add("in " + node.Value);
                if (node.Value < 0)
                {
                    throw new InvalidOperationException("negative " + node.Value);
                }

                [|Visit(node.Next, log)|];
                log.Add("out " + node.Value);
            }

            public static List<int> ToList(Node? node)
            {
                if (node is null)
                {
                    return new List<int>();
                }

                var list = [|ToList(node.Next)|];
                if (node.Value < 0)
                {
                    throw new InvalidOperationException("negative");
                }

                list.Add(node.Value);
                return list;
            }
        }
        """, """
        using System;
        using System.Collections.Generic;

        sealed class Node
        {
            public int Value;
            public Node? Next;
        }

        static class Walks
        {
            public static void Visit(Node? node, List<string> log)
            {
                var frames = new Stack<Node>();
                while (true)
                {
                    if (node == null)
                    {
                        log.Add("end");
                        break;
                    }

                    log.Add("in " + node.Value);
                    if (node.Value < 0)
                    {
                        throw new InvalidOperationException("negative " + node.Value);
                    }

                    frames.Push(node);
                    node = node.Next;
                }

                while (frames.Count > 0)
                {
                    node = frames.Pop();
                    log.Add("out " + node.Value);
                }
            }

            public static List<int> ToList(Node? node)
            {
                var frames = new Stack<Node>();
                List<int> result;
                while (true)
                {
                    if (node is null)
                    {
                        result = new List<int>();
                        break;
                    }

                    frames.Push(node);
                    node = node.Next;
                }

                while (frames.Count > 0)
                {
                    node = frames.Pop();
                    var list = result;
                    if (node.Value < 0)
                    {
                        throw new InvalidOperationException("negative");
                    }

                    list.Add(node.Value);
                    result = list;
                }

                return result;
            }
        }
        """);

    /// <summary>Where an accumulator would change the result (rounding, checked overflow, <c>-</c>), the operand evaluated before the call goes into the frame and the operator applies when unwinding, in the same order.</summary>
    [Fact]
    public Task Floating_point_checked_and_non_commutative_operators_keep_their_operands() => Verify.VerifyFixAsync("""
        using System;

        static class Numbers
        {
            public static double Sum(double[] a, int i) => i == a.Length ? 0 : a[i] + [|Sum(a, i + 1)|];

            public static int Alternate(int[] a, int i) => i == a.Length ? 0 : a[i] - [|Alternate(a, i + 1)|];

            public static int Checked(int[] a, int i) => i == a.Length ? 0 : checked(a[i] * 2 + [|Checked(a, i + 1)|]);

            public static int Max(int[] a, int i) => i == a.Length ? throw new ArgumentException("empty") : i == a.Length - 1 ? a[i] : Math.Max(a[i], [|Max(a, i + 1)|]);
        }
        """, """
        using System;
        using System.Collections.Generic;

        static class Numbers
        {
            public static double Sum(double[] a, int i)
            {
                var frames = new Stack<double>();
                double result;
                while (true)
                {
                    if (i == a.Length)
                    {
                        result = 0;
                        break;
                    }

                    var value = a[i];
                    frames.Push(value);
                    i = i + 1;
                }

                while (frames.Count > 0)
                {
                    var value = frames.Pop();
                    result = value + result;
                }

                return result;
            }

            public static int Alternate(int[] a, int i)
            {
                var frames = new Stack<int>();
                int result;
                while (true)
                {
                    if (i == a.Length)
                    {
                        result = 0;
                        break;
                    }

                    var value = a[i];
                    frames.Push(value);
                    i = i + 1;
                }

                while (frames.Count > 0)
                {
                    var value = frames.Pop();
                    result = value - result;
                }

                return result;
            }

            public static int Checked(int[] a, int i)
            {
                var frames = new Stack<int>();
                int result;
                while (true)
                {
                    if (i == a.Length)
                    {
                        result = 0;
                        break;
                    }

                    var value = checked(a[i] * 2);
                    frames.Push(value);
                    i = i + 1;
                }

                while (frames.Count > 0)
                {
                    var value = frames.Pop();
                    result = checked(value + result);
                }

                return result;
            }

            public static int Max(int[] a, int i)
            {
                var frames = new Stack<int>();
                int result;
                while (true)
                {
                    if (i == a.Length)
                    {
                        throw new ArgumentException("empty");
                    }

                    if (i == a.Length - 1)
                    {
                        result = a[i];
                        break;
                    }

                    var value = a[i];
                    frames.Push(value);
                    i = i + 1;
                }

                while (frames.Count > 0)
                {
                    var value = frames.Pop();
                    result = Math.Max(value, result);
                }

                return result;
            }
        }
        """);

    /// <summary>Early returns end the descent; two call sites push their number with the locals their rest reads.</summary>
    [Fact]
    public Task Several_parameters_early_returns_and_several_call_sites() => Verify.VerifyFixAsync("""
        using System;

        static class Find
        {
            public static int IndexOf(int[] a, int value, int i)
            {
                if (i == a.Length)
                {
                    return -1;
                }

                if (a[i] == value)
                {
                    return i;
                }

                if (a[i] < 0)
                {
                    throw new ArgumentException("negative at " + i);
                }

                var rest = [|IndexOf(a, value, i + 1)|];
                return rest < 0 ? -1 : rest;
            }

            public static string Label(int n)
            {
                if (n <= 0)
                {
                    return "";
                }

                var label = "n" + n;
                if (n % 2 == 0)
                {
                    var inner = [|Label(n - 1)|];
                    return "[" + inner + label + "]";
                }

                if (n % 7 == 0)
                {
                    throw new InvalidOperationException(label);
                }

                return [|Label(n - 2)|] + "|" + label;
            }
        }
        """, """
        using System;
        using System.Collections.Generic;

        static class Find
        {
            public static int IndexOf(int[] a, int value, int i)
            {
                var pending = 0;
                int result;
                while (true)
                {
                    if (i == a.Length)
                    {
                        result = -1;
                        break;
                    }

                    if (a[i] == value)
                    {
                        result = i;
                        break;
                    }

                    if (a[i] < 0)
                    {
                        throw new ArgumentException("negative at " + i);
                    }

                    pending++;
                    i = i + 1;
                }

                while (pending > 0)
                {
                    pending--;
                    var rest = result;
                    result = rest < 0 ? -1 : rest;
                }

                return result;
            }

            public static string Label(int n)
            {
                var frames = new Stack<(int site, string label)>();
                string result;
                while (true)
                {
                    if (n <= 0)
                    {
                        result = "";
                        break;
                    }

                    var label = "n" + n;
                    if (n % 2 == 0)
                    {
                        frames.Push((0, label));
                        n = n - 1;
                        continue;
                    }

                    if (n % 7 == 0)
                    {
                        throw new InvalidOperationException(label);
                    }

                    frames.Push((1, label));
                    n = n - 2;
                }

                while (frames.Count > 0)
                {
                    var frame = frames.Pop();
                    if (frame.site == 0)
                    {
                        var label = frame.label;
                        var inner = result;
                        result = "[" + inner + label + "]";
                    }
                    else
                    {
                        var label = frame.label;
                        result = result + "|" + label;
                    }
                }

                return result;
            }
        }
        """);

    /// <summary>An instance method called on another object: <c>this</c> becomes a local, kept in the frame.</summary>
    [Fact]
    public Task A_call_on_another_receiver_keeps_this_in_the_frame() => Verify.VerifyFixAsync("""
        using System;

        public class Folder
        {
            public Folder? Outer;
            public string Name = "";

            public string Path() => Outer is null ? Name : [|Outer.Path()|] + "/" + (Name.Length == 0 ? throw new InvalidOperationException("no name") : Name);
        }
        """, """
        using System;
        using System.Collections.Generic;

        public class Folder
        {
            public Folder? Outer;
            public string Name = "";

            public string Path()
            {
                var self = this;
                var frames = new Stack<Folder>();
                string result;
                while (true)
                {
                    if (self.Outer is null)
                    {
                        result = self.Name;
                        break;
                    }

                    frames.Push(self);
                    self = self.Outer;
                }

                while (frames.Count > 0)
                {
                    self = frames.Pop();
                    result = result + "/" + (self.Name.Length == 0 ? throw new InvalidOperationException("no name") : self.Name);
                }

                return result;
            }
        }
        """);

    /// <summary>Short-circuit shapes: <c>e &amp;&amp; F(..)</c> and <c>e || F(..)</c> in a return become an early return, and the call a tail call.</summary>
    [Fact]
    public Task Short_circuit_shapes_become_loops() => Verify.VerifyFixAsync("""
        using System;

        sealed class Node
        {
            public int Value;
            public Node? Next;
        }

        static class Search
        {
            public static bool Contains(Node? n, int v) => n != null && (n.Value == v || [|Contains(n.Next, v)|]);

            public static bool Any(int[] a, int i, bool all) => i > a.Length ? throw new ArgumentException("i") : i < a.Length && (all || a[i] > 0 && [|Any(a, i + 1, all)|]);

            public static bool IsNumeric(Type t) => t.IsPrimitive || (Nullable.GetUnderlyingType(t) is { } u && [|IsNumeric(u)|]);
        }
        """, """
        using System;

        sealed class Node
        {
            public int Value;
            public Node? Next;
        }

        static class Search
        {
            public static bool Contains(Node? n, int v)
            {
                while (true)
                {
                    if (n == null)
                    {
                        return false;
                    }

                    if (n.Value == v)
                    {
                        return true;
                    }

                    n = n.Next;
                }
            }

            public static bool Any(int[] a, int i, bool all)
            {
                while (true)
                {
                    if (i > a.Length)
                    {
                        throw new ArgumentException("i");
                    }

                    if (i >= a.Length)
                    {
                        return false;
                    }

                    if (all)
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

            public static bool IsNumeric(Type t)
            {
                while (true)
                {
                    if (t.IsPrimitive)
                    {
                        return true;
                    }

                    if (!(Nullable.GetUnderlyingType(t) is { } u))
                    {
                        return false;
                    }

                    t = u;
                }
            }
        }
        """);

    [Fact]
    public Task Local_function_in_top_level_statements() => new CodeFixTest<PERF004NonTailRecursionAnalyzer, PERF004IntroduceAccumulatorCodeFix>
    {
        OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication,
        TestCode = """
            using System;

            Console.WriteLine(Digits(12345));

            static string Digits(int n) => n < 0 ? throw new ArgumentOutOfRangeException(nameof(n)) : n < 10 ? n.ToString() : [|Digits(n - 1)|] + ",";
            """,
        FixedCode = """
            using System;

            Console.WriteLine(Digits(12345));

            static string Digits(int n)
            {
                var pending = 0;
                string result;
                while (true)
                {
                    if (n < 0)
                    {
                        throw new ArgumentOutOfRangeException(nameof(n));
                    }

                    if (n < 10)
                    {
                        result = n.ToString();
                        break;
                    }

                    pending++;
                    n = n - 1;
                }

                while (pending > 0)
                {
                    pending--;
                    result = result + ",";
                }

                return result;
            }
            """,
    }.RunAsync();

    [Fact]
    public Task Fix_all_in_two_files() => new CodeFixTest<PERF004NonTailRecursionAnalyzer, PERF004IntroduceAccumulatorCodeFix>
    {
        Sources =
        {
            """
            using System;
            static class A
            {
                public static string Join(string[] a, int i) => i == a.Length ? "" : a[i] == null ? throw new ArgumentNullException(nameof(a)) : a[i] + ";" + [|Join(a, i + 1)|];
            }
            """,
            """
            static class B
            {
                public static int Minus(int n) => n == 0 ? 0 : n - [|Minus(n - 1)|];
            }
            """,
        },
        FixedSources =
        {
            """
            using System;
            using System.Collections.Generic;
            static class A
            {
                public static string Join(string[] a, int i)
                {
                    var frames = new Stack<string>();
                    string result;
                    while (true)
                    {
                        if (i == a.Length)
                        {
                            result = "";
                            break;
                        }

                        if (a[i] == null)
                        {
                            throw new ArgumentNullException(nameof(a));
                        }

                        var value = a[i] + ";";
                        frames.Push(value);
                        i = i + 1;
                    }

                    while (frames.Count > 0)
                    {
                        var value = frames.Pop();
                        result = value + result;
                    }

                    return result;
                }
            }
            """,
            """
            using System.Collections.Generic;

            static class B
            {
                public static int Minus(int n)
                {
                    var frames = new Stack<int>();
                    int result;
                    while (true)
                    {
                        if (n == 0)
                        {
                            result = 0;
                            break;
                        }

                        frames.Push(n);
                        n = n - 1;
                    }

                    while (frames.Count > 0)
                    {
                        n = frames.Pop();
                        result = n - result;
                    }

                    return result;
                }
            }
            """,
        },
    }.RunAsync();

    [Fact]
    public Task No_fix_where_the_order_could_change() => Verify.VerifyNoFixAsync("""
        using System;
        using System.Collections.Generic;
        class C
        {
            private int _calls;

            // A compound assignment to a field reads the field before the call: deeper calls change it.
            public int Field(int n)
            {
                if (n == 0) throw new InvalidOperationException();
                if (n == 1) return 0;
                _calls += [|Field(n - 1)|];
                return _calls;
            }

            // An object formatted before the call in an interpolated string: its text could change after.
            public static string Format(object o, int n) => n == 0 ? throw new ArgumentException() : n == 1 ? "" : $"{o}{[|Format(o, n - 1)|]}";

            // A local captured by a lambda: the frame would copy what the lambda shares.
            public static int Captured(List<Func<int>> work, int n)
            {
                if (n < 0) throw new ArgumentOutOfRangeException(nameof(n));
                var k = n * 2;
                work.Add(() => k);
                if (n == 0) return 0;
                return k + [|Captured(work, n - 1)|] * 3;
            }

            // The call inside try: the handler would not cover the rest.
            public static int Guarded(int n)
            {
                try
                {
                    return n == 0 ? 0 : 1 + [|Guarded(n - 1)|] * 2;
                }
                catch (InvalidOperationException)
                {
                    throw new ArgumentException();
                }
            }
        }
        """);
}
