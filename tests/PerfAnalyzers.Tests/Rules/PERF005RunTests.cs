using System.Reflection;
using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// Proof by running for the PERF005 fix: the original and the fixed code are compiled at test time, give the same
/// results on many inputs, and the fixed code then runs at a depth (1,000,000) that would overflow the recursive one.
/// </summary>
public partial class PERF005RunTests
{
    private const string Source = """
        using System.Collections.Generic;

        public sealed class Node
        {
            public int Value;
            public Node? Next;

            public static Node? Build(int count)
            {
                Node? head = null;
                for (var i = count; i > 0; i--)
                {
                    head = new Node { Value = i * 7 % 11 - 5, Next = head };
                }

                return head;
            }

            public Node LastNode() => Next is null ? this : Next.LastNode();

            public void CollectPositive(List<int> output)
            {
                if (Value > 0)
                {
                    output.Add(Value);
                }

                if (Next != null)
                {
                    Next.CollectPositive(output);
                }
            }
        }

        public static class R
        {
            public static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

            public static long Factorial(int n, long acc) => n <= 1 ? acc : Factorial(n - 1, acc * n);

            public static long SumList(Node? node, long acc) => node is null ? acc : SumList(node.Next, acc + node.Value);

            public static int IndexOf(string s, char c, int i)
            {
                if (i == s.Length)
                {
                    return -1;
                }

                return s[i] == c ? i : IndexOf(s, c, i + 1);
            }

            public static long MaxFrom(int[] a, int i, long best)
            {
                if (i == a.Length) return best;
                if (a[i] > best)
                    return MaxFrom(a, i + 1, a[i]);
                return MaxFrom(a, i + 1, best);
            }

            public static void CollectEven(List<int> output, int[] a, int i)
            {
                if (i >= a.Length)
                {
                    return;
                }

                if (a[i] % 2 == 0)
                {
                    output.Add(a[i]);
                }

                CollectEven(output, a, i + 1);
            }

            // Entry points the test calls; not recursive, so the fix leaves them alone.
            public static long SumListOf(int count) => SumList(Node.Build(count), 0);

            public static int LastOf(int count) => Node.Build(count)!.LastNode().Value;

            public static int PositiveOf(int count)
            {
                var output = new List<int>();
                Node.Build(count)?.CollectPositive(output);
                return output.Count * 1000 + (output.Count > 0 ? output[output.Count - 1] : 0);
            }

            public static int IndexOfIn(int length, int at) => IndexOf(new string('a', length) + "b" + new string('a', at), 'b', 0);

            public static long MaxOf(int count) => MaxFrom(Numbers(count), 0, long.MinValue);

            public static string EvenOf(int count)
            {
                var output = new List<int>();
                CollectEven(output, Numbers(count), 0);
                return output.Count + ":" + string.Join(",", output.GetRange(0, System.Math.Min(5, output.Count)));
            }

            private static int[] Numbers(int count)
            {
                var a = new int[count];
                for (var i = 0; i < count; i++)
                {
                    a[i] = (i * 7919) % 1000 - 500;
                }

                return a;
            }
        }
        """;

    private static readonly Lazy<Task<(Assembly Original, Assembly Fixed, string FixedText)>> Compiled = new(async () =>
    {
        await RecursionFixRunner.VerifyAsync<PERF005TailRecursionAnalyzer, PERF005ConvertTailRecursionToLoopCodeFix>(Source, FixedSource, expectedDiagnostics: 9);
        var fixedText = FixedSource;
        return (TestCompiler.CompileAndLoad(Source), TestCompiler.CompileAndLoad(fixedText), fixedText);
    });

    private static async Task<(Assembly Original, Assembly Fixed)> AssembliesAsync()
    {
        var (original, fixedAssembly, fixedText) = await Compiled.Value;
        Assert.DoesNotContain("Gcd(b", fixedText);
        return (original, fixedAssembly);
    }

    private static void AssertSame(Assembly original, Assembly fixedAssembly, string method, params object[] arguments) =>
        Assert.Equal(TestCompiler.Invoke(original, "R", method, arguments), TestCompiler.Invoke(fixedAssembly, "R", method, arguments));

    [Fact]
    public async Task Gcd_same_results()
    {
        var (original, fixedAssembly) = await AssembliesAsync();
        for (var a = -30; a <= 60; a++)
        {
            for (var b = -30; b <= 60; b++)
            {
                AssertSame(original, fixedAssembly, "Gcd", a, b);
            }
        }

        AssertSame(original, fixedAssembly, "Gcd", 1134903170, 1836311903);
    }

    [Fact]
    public async Task Factorial_same_results_then_deep()
    {
        var (original, fixedAssembly) = await AssembliesAsync();
        for (var n = -3; n <= 40; n++)
        {
            AssertSame(original, fixedAssembly, "Factorial", n, 1L);
        }

        // One million steps (the value wraps around; the point is that it completes).
        Assert.IsType<long>(TestCompiler.Invoke(fixedAssembly, "R", "Factorial", 1_000_000, 1L));
    }

    [Fact]
    public async Task Linked_list_sum_same_results_then_deep()
    {
        var (original, fixedAssembly) = await AssembliesAsync();
        for (var n = 0; n <= 300; n++)
        {
            AssertSame(original, fixedAssembly, "SumListOf", n);
        }

        var expected = 0L;
        for (var i = 1; i <= 1_000_000; i++)
        {
            expected += i * 7 % 11 - 5;
        }

        Assert.Equal(expected, TestCompiler.Invoke(fixedAssembly, "R", "SumListOf", 1_000_000));
    }

    [Fact]
    public async Task Instance_methods_on_the_next_node_same_results_then_deep()
    {
        var (original, fixedAssembly) = await AssembliesAsync();
        for (var n = 1; n <= 300; n++)
        {
            AssertSame(original, fixedAssembly, "LastOf", n);
            AssertSame(original, fixedAssembly, "PositiveOf", n - 1);
        }

        Assert.Equal(1_000_000 * 7 % 11 - 5, TestCompiler.Invoke(fixedAssembly, "R", "LastOf", 1_000_000));
        var positives = 0;
        var last = 0;
        for (var i = 1; i <= 1_000_000; i++)
        {
            var value = i * 7 % 11 - 5;
            if (value > 0)
            {
                positives++;
                last = value;
            }
        }

        Assert.Equal(positives * 1000 + last, TestCompiler.Invoke(fixedAssembly, "R", "PositiveOf", 1_000_000));
    }

    [Fact]
    public async Task String_index_walk_same_results_then_deep()
    {
        var (original, fixedAssembly) = await AssembliesAsync();
        for (var length = 0; length <= 200; length += 7)
        {
            for (var at = 0; at <= 20; at += 5)
            {
                AssertSame(original, fixedAssembly, "IndexOfIn", length, at);
            }
        }

        Assert.Equal(1_000_000, TestCompiler.Invoke(fixedAssembly, "R", "IndexOfIn", 1_000_000, 3));
    }

    [Fact]
    public async Task Array_walk_same_results_then_deep()
    {
        var (original, fixedAssembly) = await AssembliesAsync();
        for (var n = 0; n <= 300; n++)
        {
            AssertSame(original, fixedAssembly, "MaxOf", n);
        }

        Assert.Equal(499L, TestCompiler.Invoke(fixedAssembly, "R", "MaxOf", 1_000_000));
    }

    [Fact]
    public async Task Void_walker_same_results_then_deep()
    {
        var (original, fixedAssembly) = await AssembliesAsync();
        for (var n = 0; n <= 300; n++)
        {
            AssertSame(original, fixedAssembly, "EvenOf", n);
        }

        var deep = (string)TestCompiler.Invoke(fixedAssembly, "R", "EvenOf", 1_000_000)!;
        Assert.StartsWith("500000:", deep);
    }
}
