using System.Reflection;
using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// Proof by running for the shapes added for issue #17: the PERF004 explicit stack and short-circuit loops, and the
/// PERF005 switch-expression, <c>??</c>, <c>is</c>-pattern and local-function loops. The fixes are applied one
/// diagnostic at a time (<see cref="FixApplier"/>, which also checks that the result compiles); the original and the
/// fixed code run on many inputs and must give the same value, or the same exception (type and message) after the
/// same side effects in the same order. The original runs only at bounded depth; the fixed code then runs at a depth
/// of 1,000,000, which overflows the original's stack.
/// </summary>
public class RecursionStackRunTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Linq;

        public sealed class Node
        {
            public int Value;
            public Node? Next;

            public static Node? Build(int count, int negativeAt = -1)
            {
                Node? head = null;
                for (var i = count - 1; i >= 0; i--)
                {
                    head = new Node { Value = i == negativeAt ? -1 - i : i * 7 % 11, Next = head };
                }

                return head;
            }
        }

        public sealed class Folder
        {
            public Folder? Outer;
            public string Name = "";

            public string Path() => Outer is null ? Name : Outer.Path() + "/" + (Name.Length == 0 ? throw new InvalidOperationException("no name") : Name);
        }

        public sealed class Wrapper
        {
            public object? Inner;
        }

        public sealed class Chain
        {
            public Chain? Next;
            public int Value;

            public int Last() => Next switch
            {
                null => Value < 0 ? throw new InvalidOperationException("negative last") : Value,
                var n => n.Last(),
            };
        }

        public static class R
        {
            // PERF004, explicit stack.
            public static string Paren(int n) => n < 0 ? throw new ArgumentOutOfRangeException(nameof(n)) : n == 0 ? "" : "(" + Paren(n - 1) + ")";

            public static string Reverse(string s, int i) => i > s.Length ? throw new ArgumentException("past the end") : i == s.Length ? "" : Reverse(s, i + 1) + s[i];

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

                Visit(node.Next, log);
                log.Add("out " + node.Value);
            }

            public static List<int> ToList(Node? node, List<string> log)
            {
                if (node is null)
                {
                    return new List<int>();
                }

                var list = ToList(node.Next, log);
                log.Add("add " + node.Value);
                if (node.Value < 0)
                {
                    throw new InvalidOperationException("negative after " + list.Count);
                }

                list.Add(node.Value);
                return list;
            }

            public static IEnumerable<int> Prepend(Node? node) => node is null ? Enumerable.Empty<int>() : Prepend(node.Next).Prepend(node.Value);

            public static double SumD(double[] a, int i) => i == a.Length ? 0 : a[i] + SumD(a, i + 1);

            public static int Alternate(int[] a, int i) => i == a.Length ? 0 : a[i] - Alternate(a, i + 1);

            public static int Checked(int[] a, int i) => i == a.Length ? 0 : checked(a[i] * 2 + Checked(a, i + 1));

            public static int Max(int[] a, int i) => i == a.Length ? throw new ArgumentException("empty") : i == a.Length - 1 ? a[i] : Math.Max(a[i], Max(a, i + 1));

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

                var rest = IndexOf(a, value, i + 1);
                return rest < 0 ? -1 : rest;
            }

            public static string Label(int n, List<string> log)
            {
                if (n <= 0)
                {
                    return "";
                }

                var label = "n" + n;
                log.Add("down " + label);
                if (n % 2 == 0)
                {
                    var inner = Label(n - 1, log);
                    log.Add("up " + label);
                    return "[" + inner + label + "]";
                }

                if (n % 97 == 0)
                {
                    throw new InvalidOperationException(label);
                }

                return Label(n - 2, log) + "|" + label;
            }

            // PERF004, short circuit.
            public static bool Contains(Node? n, int v) => n != null && (n.Value == v || Contains(n.Next, v));

            public static bool Any(int[] a, int i, bool all) => i > a.Length ? throw new ArgumentException("i") : i < a.Length && (all || a[i] > 0 && Any(a, i + 1, all));

            // PERF005.
            public static int SumSwitch(Node? n, int acc) => n switch
            {
                null => acc,
                { Value: < 0 } => throw new ArgumentException("negative"),
                { Value: var v } when v > 8 => SumSwitch(n.Next, acc + 100),
                _ => SumSwitch(n.Next, acc + n.Value),
            };

            public static int Cached(Node n, int? cached) => cached ?? (n.Value < 0 ? throw new ArgumentException("negative") : n.Next is null ? n.Value : Cached(n.Next, null));

            public static object? Unwrap(object? o) => o is Wrapper { Inner: var inner } ? inner is null ? throw new ArgumentNullException(nameof(o)) : Unwrap(inner) : o;

            public static string Describe(object? o) => o switch
            {
                Wrapper w => Describe(w.Inner),
                null => "null",
                string s when s.Length == 0 => throw new ArgumentException("empty"),
                _ => o.GetType().Name,
            };

            public static int Triangle(int k)
            {
                return Loop(0, 0);

                int Loop(int i, int acc) => i < 0 ? throw new InvalidOperationException() : i > k ? acc : Loop(i + 1, acc + i);
            }

            // Entry points: the value, or the exception, with the log.
            public static string Run(string name, int n, int special)
            {
                var log = new List<string>();
                try
                {
                    return Call(name, n, special, log) + " | " + string.Join(",", log);
                }
                catch (Exception e)
                {
                    return e.GetType().Name + ": " + e.Message + " | " + string.Join(",", log);
                }
            }

            private static string Call(string name, int n, int special, List<string> log)
            {
                var numbers = Enumerable.Range(0, n).Select(i => i == special ? -5 : i * 37 % 19 - 3).ToArray();
                switch (name)
                {
                    case "Paren": return Paren(n - special).Length.ToString();
                    case "Reverse": return Reverse(new string('a', n) + "xyz", special).Length.ToString();
                    case "Visit": Visit(Node.Build(n, special), log); return "done";
                    case "ToList": return ToList(Node.Build(n, special), log).Sum().ToString();
                    case "Prepend": return Prepend(Node.Build(n, special)).Sum().ToString();
                    case "SumD": return SumD(numbers.Select(x => x / 3.0).ToArray(), 0).ToString("R");
                    case "Alternate": return Alternate(numbers, 0).ToString();
                    case "Checked": return Checked(numbers.Select(x => x == -5 ? int.MaxValue : x).ToArray(), 0).ToString();
                    case "Max": return Max(numbers, 0).ToString();
                    case "IndexOf": return IndexOf(numbers, 15, 0).ToString();
                    case "Label": return Label(n, log).Length.ToString();
                    case "Contains": return Contains(Node.Build(n, special), 10).ToString();
                    case "Any": return Any(numbers, special < 0 ? 0 : special, n % 2 == 0).ToString();
                    case "SumSwitch": return SumSwitch(Node.Build(n, special), 0).ToString();
                    case "Cached": return Cached(Node.Build(n + 1, special)!, special == 3 ? 42 : null).ToString();
                    case "Unwrap": return Unwrap(Nest(n, special == 2 ? null : "core")) as string ?? "null";
                    case "Describe": return Describe(Nest(n, special == 2 ? "" : special == 3 ? null : 12));
                    case "Triangle": return Triangle(n).ToString();
                    case "Path": return Chain(n, special).Path().Length.ToString();
                    case "Last": return LastChain(n, special).Last().ToString();
                    default: throw new NotSupportedException(name);
                }
            }

            private static object? Nest(int depth, object? core)
            {
                var o = core;
                for (var i = 0; i < depth; i++)
                {
                    o = new Wrapper { Inner = o };
                }

                return o;
            }

            private static Folder Chain(int depth, int unnamed)
            {
                var folder = new Folder { Name = "root" };
                for (var i = 1; i <= depth; i++)
                {
                    folder = new Folder { Outer = folder, Name = i == unnamed ? "" : "f" + i % 10 };
                }

                return folder;
            }

            private static Chain LastChain(int depth, int special)
            {
                var head = new Chain { Value = special == 1 ? -1 : 7 };
                for (var i = 0; i < depth; i++)
                {
                    head = new Chain { Next = head, Value = i };
                }

                return head;
            }
        }
        """;

    private static readonly string[] Names =
    [
        "Paren", "Reverse", "Visit", "ToList", "Prepend", "SumD", "Alternate", "Checked", "Max", "IndexOf", "Label",
        "Contains", "Any", "SumSwitch", "Cached", "Unwrap", "Describe", "Triangle", "Path", "Last",
    ];

    private static readonly Lazy<Task<(Assembly Original, Assembly Fixed, string FixedText)>> Compiled = new(async () =>
    {
        var (after4, applied4) = await FixApplier.ApplyEachAsync<PERF004NonTailRecursionAnalyzer, PERF004IntroduceAccumulatorCodeFix>(Source);
        var (after5, applied5) = await FixApplier.ApplyEachAsync<PERF005TailRecursionAnalyzer, PERF005ConvertTailRecursionToLoopCodeFix>(after4);
        // One application per method (Label's two call sites are converted together); Path and Last are instance methods.
        Assert.Equal(14, applied4);
        Assert.True(applied5 >= 5, "PERF005 fixes applied: " + applied5);
        return (TestCompiler.CompileAndLoad(Source), TestCompiler.CompileAndLoad(after5), after5);
    });

    private static string Run(Assembly assembly, string name, int n, int special) => (string)TestCompiler.Invoke(assembly, "R", "Run", name, n, special)!;

    [Fact]
    public async Task Every_method_was_converted()
    {
        var (_, _, fixedText) = await Compiled.Value;
        foreach (var name in new[] { "Paren(n - 1)", "Reverse(s, i + 1)", "Visit(node.Next, log)", "ToList(node.Next, log)", "Alternate(a, i + 1)", "Label(n - 1, log)", "SumSwitch(n.Next", "Outer.Path()", "n.Last()" })
        {
            Assert.DoesNotContain(name, fixedText);
        }
    }

    [Fact]
    public async Task Same_values_exceptions_and_side_effects_at_bounded_depth()
    {
        var (original, fixedAssembly, _) = await Compiled.Value;
        foreach (var name in Names)
        {
            for (var n = 0; n <= 120; n += n < 12 ? 1 : 9)
            {
                foreach (var special in new[] { -1, 0, 1, 2, 3, n / 2, n - 1, n, n + 2 })
                {
                    var expected = Run(original, name, n, special);
                    Assert.Equal(expected, Run(fixedAssembly, name, n, special));
                }
            }
        }

        // Label throws at n = 97 on the way down, after logging the frames above it.
        Assert.StartsWith("InvalidOperationException: n97 |", Run(original, "Label", 98, -1));
        Assert.Equal(Run(original, "Label", 98, -1), Run(fixedAssembly, "Label", 98, -1));
    }

    [Fact]
    public async Task The_fixed_code_runs_at_a_depth_that_overflows_the_original()
    {
        var (_, fixedAssembly, _) = await Compiled.Value;
        const int Deep = 1_000_000;
        var visited = Run(fixedAssembly, "Visit", Deep, -1);
        Assert.StartsWith("done | in 0,in 7,", visited);
        Assert.EndsWith(",out 7,out 0", visited);
        var failed = Run(fixedAssembly, "Visit", Deep, 500_000);
        Assert.StartsWith("InvalidOperationException: negative -500001 | in 0,", failed);
        Assert.DoesNotContain("out", failed);
        foreach (var name in new[] { "ToList", "Prepend", "SumD", "Alternate", "Max", "Contains", "SumSwitch", "Cached", "Unwrap", "Describe", "Triangle", "Last" })
        {
            Assert.DoesNotContain("Exception", Run(fixedAssembly, name, Deep, -1).Split('|')[0]);
        }

        Assert.StartsWith("OverflowException", Run(fixedAssembly, "Checked", Deep, 10));

        // Building a string one frame at a time is quadratic in the original too: a smaller, still overflowing depth.
        const int DeepText = 30_000;
        Assert.Equal((2 * DeepText).ToString() + " | ", Run(fixedAssembly, "Paren", DeepText, 0));
        Assert.Equal((DeepText + 3).ToString() + " | ", Run(fixedAssembly, "Reverse", DeepText, 0));
        Assert.DoesNotContain("Exception", Run(fixedAssembly, "Path", DeepText, -1));
        var label = Run(fixedAssembly, "Label", DeepText, -1);
        Assert.StartsWith("InvalidOperationException: n", label);
        Assert.DoesNotContain("up ", label);
    }
}
