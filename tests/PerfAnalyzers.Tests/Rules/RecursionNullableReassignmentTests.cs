using System.Reflection;
using Microsoft.CodeAnalysis;
using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify5 = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF005TailRecursionAnalyzer, PerfAnalyzers.CodeFixes.PERF005ConvertTailRecursionToLoopCodeFix>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF004/PERF005 fixes in nullable code: the compiler's nullable analysis reads a tuple assignment element by element,
/// so <c>(node, acc) = (node.Next, acc + node.Value)</c> warns (CS8602) although every value is evaluated first. The fix
/// orders the elements so that no value reads a target assigned before it, where the values have no side effects, and
/// is not offered where a warning would stay. The fixed code must compile with no warning the original did not have.
/// </summary>
public class RecursionNullableReassignmentTests
{
    private const string NodeType = """
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
        """;

    private const string TailSource = """
        using System;

        public static class Lists
        {
            public static int Sum(Node? node, int acc)
            {
                if (node is null)
                {
                    return acc;
                }

                if (node.Value < 0)
                {
                    throw new ArgumentException("negative");
                }

                return [|Sum(node.Next, acc + node.Value)|];
            }

            public static int Weighted(Node? node, int weight, int acc) =>
                node is null ? acc : node.Value < 0 ? throw new ArgumentException("negative") : [|Weighted(node.Next, weight + 1, acc + node.Value * weight)|];
        }
        """;

    private const string TailFixed = """
        using System;

        public static class Lists
        {
            public static int Sum(Node? node, int acc)
            {
                while (true)
                {
                    if (node is null)
                    {
                        return acc;
                    }

                    if (node.Value < 0)
                    {
                        throw new ArgumentException("negative");
                    }

                    (acc, node) = (acc + node.Value, node.Next);
                }
            }

            public static int Weighted(Node? node, int weight, int acc)
            {
                while (true)
                {
                    if (node is null)
                    {
                        return acc;
                    }

                    if (node.Value < 0)
                    {
                        throw new ArgumentException("negative");
                    }

                    (acc, node, weight) = (acc + node.Value * weight, node.Next, weight + 1);
                }
            }
        }
        """;

    [Fact]
    public Task PERF005_reassignment_is_ordered_so_that_nullable_analysis_does_not_warn() =>
        new CodeFixTest<PERF005TailRecursionAnalyzer, PERF005ConvertTailRecursionToLoopCodeFix>
        {
            Sources = { TailSource, NodeType },
            FixedSources = { TailFixed, NodeType },
        }.RunAsync();

    [Fact]
    public void PERF005_fixed_code_has_no_new_warning()
    {
        Assert.Empty(Warnings(TestCompiler.StripMarkup(TailSource)));
        Assert.Empty(Warnings(TailFixed));
    }

    [Fact]
    public void PERF005_fixed_code_gives_the_same_results_and_exceptions()
    {
        var original = TestCompiler.CompileAndLoad(new[] { TestCompiler.StripMarkup(TailSource), NodeType });
        var fixedAssembly = TestCompiler.CompileAndLoad(new[] { TailFixed, NodeType });
        foreach (var count in new[] { 0, 1, 2, 7, 100 })
        {
            foreach (var negativeAt in new[] { -1, 0, count / 2, count - 1 })
            {
                foreach (var method in new[] { "Sum", "Weighted" })
                {
                    var arguments = method == "Sum"
                        ? new Func<Assembly, object?[]>(a => new[] { Build(a, count, negativeAt), (object)3 })
                        : a => new[] { Build(a, count, negativeAt), (object)2, (object)5 };
                    Assert.Equal(Run(original, method, arguments(original)), Run(fixedAssembly, method, arguments(fixedAssembly)));
                }
            }
        }

        // Deep input: the loop needs one frame.
        var expected = 0;
        for (var i = 0; i < 1_000_000; i++)
        {
            expected += i * 7 % 11;
        }

        Assert.Equal("value " + expected, Run(fixedAssembly, "Sum", new[] { Build(fixedAssembly, 1_000_000, -1), (object)0 }));
    }

    /// <summary>A swap between two nullable parameters cannot be ordered: the warning would stay, so no fix.</summary>
    [Fact]
    public Task PERF005_no_fix_where_no_order_avoids_the_warning() => Verify5.VerifyNoFixAsync("""
        public sealed class Pair
        {
            public Pair? Left;
            public Pair? Right;
            public int Value;
        }

        public static class Walk
        {
            public static int Zig(Pair? a, Pair? b, int n)
            {
                if (a is null || b is null || n <= 0)
                {
                    return n;
                }

                return [|Zig(b.Left, a.Right, n - a.Value - b.Value)|];
            }
        }
        """);

    /// <summary>A value with a call is not reordered (the calls would run in another order); the warning stays, so no fix.</summary>
    [Fact]
    public Task PERF005_no_reorder_of_values_with_calls() => Verify5.VerifyNoFixAsync("""
        public sealed class Node
        {
            public int Value;
            public Node? Next;
            public Node? Step() => Next;
        }

        public static class Walk
        {
            public static int Sum(Node? node, int acc)
            {
                if (node is null)
                {
                    return acc;
                }

                return [|Sum(node.Step(), acc + node.Value)|];
            }
        }
        """);

    private static object? Build(Assembly assembly, int count, int negativeAt) =>
        TestCompiler.Invoke(assembly, "Node", "Build", count, negativeAt);

    private static string Run(Assembly assembly, string method, object?[] arguments)
    {
        try
        {
            return "value " + TestCompiler.Invoke(assembly, "Lists", method, arguments);
        }
        catch (Exception exception)
        {
            return exception.GetType().Name + ": " + exception.Message;
        }
    }

    private static List<string> Warnings(string source) =>
        TestCompiler.CreateCompilation(new[] { source, NodeType })
            .GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Warning && d.Id != "CS0649")
            .Select(d => d.ToString())
            .ToList();
}
