using System.Reflection;
using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// Proof by running for the PERF004 fix: the original and the fixed code are compiled at test time, give the same
/// results on many inputs (including wrap-around overflow), and the fixed code then runs at depth 1,000,000.
/// </summary>
public partial class PERF004RunTests
{
    private const string Source = """
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

            public int Length() => Next is null ? 1 : 1 + Next.Length();
        }

        public static class R
        {
            public static long Factorial(int n) => n <= 1 ? 1 : n * Factorial(n - 1);

            public static int WrappingProduct(int n) => n == 0 ? 1 : (n | 1) * WrappingProduct(n - 1);

            public static int Sum(Node? node)
            {
                if (node is null)
                {
                    return 0;
                }

                return node.Value + Sum(node.Next);
            }

            public static int CountWithBonus(Node? node, int bonus) => node is null ? bonus : CountWithBonus(node.Next, bonus) + 1;

            public static int CountChar(string s, char c, int i) => i == s.Length ? 0 : (s[i] == c ? 1 : 0) + CountChar(s, c, i + 1);

            public static long SumArray(int[] a, int i) => i == a.Length ? 0 : a[i] + SumArray(a, i + 1);

            public static uint XorFrom(uint[] a, int i) => i >= a.Length ? 0x5A5Au : a[i] ^ XorFrom(a, i + 1);

            public static int CountOdd(int[] a, int i)
            {
                if (i == a.Length) return 0;
                if (a[i] % 2 != 0)
                {
                    return 1 + CountOdd(a, i + 1);
                }

                return CountOdd(a, i + 1);
            }

            public static bool AnyZero(int[] a, int i)
            {
                if (i == a.Length) return false;
                return a[i] == 0 || AnyZero(a, i + 1);
            }

            public static bool AllBelow(int[] a, int i, int limit)
            {
                if (i == a.Length) return true;
                return a[i] < limit && AllBelow(a, i + 1, limit);
            }

            // Entry points the test calls; not recursive, so the fix leaves them alone.
            public static int SumOf(int count) => Sum(Node.Build(count));

            public static int CountOf(int count, int bonus) => CountWithBonus(Node.Build(count), bonus);

            public static int LengthOf(int count) => Node.Build(count)!.Length();

            public static int CountCharIn(int length) => CountChar(Text(length), 'e', 0);

            public static long SumArrayOf(int count) => SumArray(Numbers(count), 0);

            public static uint XorOf(int count)
            {
                var numbers = Numbers(count);
                var a = new uint[count];
                for (var i = 0; i < count; i++) a[i] = (uint)numbers[i] * 2654435761u;
                return XorFrom(a, 0);
            }

            public static int CountOddOf(int count) => CountOdd(Numbers(count), 0);

            public static bool AnyZeroOf(int count, int zeroAt)
            {
                var a = Numbers(count);
                for (var i = 0; i < a.Length; i++) if (a[i] == 0) a[i] = 1;
                if (zeroAt >= 0 && zeroAt < count) a[zeroAt] = 0;
                return AnyZero(a, 0);
            }

            public static bool AllBelowOf(int count, int limit) => AllBelow(Numbers(count), 0, limit);

            private static string Text(int length)
            {
                var chars = new char[length];
                for (var i = 0; i < length; i++) chars[i] = "the quick brown fox jumps over the lazy dog"[i % 43];
                return new string(chars);
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

    private static readonly Lazy<Task<(Assembly Original, Assembly Fixed)>> Compiled = new(async () =>
    {
        await RecursionFixRunner.VerifyAsync<PERF004NonTailRecursionAnalyzer, PERF004IntroduceAccumulatorCodeFix>(Source, FixedSource, expectedDiagnostics: 11);
        var fixedText = FixedSource;
        Assert.Contains("(acc, n) = (acc * n, n - 1);", fixedText);
        return (TestCompiler.CompileAndLoad(Source), TestCompiler.CompileAndLoad(fixedText));
    });

    private static void AssertSame(Assembly original, Assembly fixedAssembly, string method, params object[] arguments) =>
        Assert.Equal(TestCompiler.Invoke(original, "R", method, arguments), TestCompiler.Invoke(fixedAssembly, "R", method, arguments));

    private static object? Deep(Assembly fixedAssembly, string method, params object[] arguments) => TestCompiler.Invoke(fixedAssembly, "R", method, arguments);

    [Fact]
    public async Task Factorial_same_results_including_overflow_then_deep()
    {
        var (original, fixedAssembly) = await Compiled.Value;
        for (var n = -3; n <= 70; n++)
        {
            AssertSame(original, fixedAssembly, "Factorial", n);
        }

        // WrappingProduct's base case is 0: negative input would recurse forever in the original.
        for (var n = 0; n <= 300; n++)
        {
            AssertSame(original, fixedAssembly, "WrappingProduct", n);
        }

        Assert.IsType<long>(Deep(fixedAssembly, "Factorial", 1_000_000));
        Assert.IsType<int>(Deep(fixedAssembly, "WrappingProduct", 1_000_000));
    }

    [Fact]
    public async Task Linked_list_sum_same_results_then_deep()
    {
        var (original, fixedAssembly) = await Compiled.Value;
        for (var n = 0; n <= 300; n++)
        {
            AssertSame(original, fixedAssembly, "SumOf", n);
            AssertSame(original, fixedAssembly, "CountOf", n, n % 5 - 2);
            if (n > 0)
            {
                AssertSame(original, fixedAssembly, "LengthOf", n);
            }
        }

        Assert.Equal(1_000_000, Deep(fixedAssembly, "LengthOf", 1_000_000));

        var expected = 0;
        for (var i = 1; i <= 1_000_000; i++)
        {
            expected += i * 7 % 11 - 5;
        }

        Assert.Equal(expected, Deep(fixedAssembly, "SumOf", 1_000_000));
        Assert.Equal(1_000_003, Deep(fixedAssembly, "CountOf", 1_000_000, 3));
    }

    [Fact]
    public async Task String_index_walk_same_results_then_deep()
    {
        var (original, fixedAssembly) = await Compiled.Value;
        for (var length = 0; length <= 400; length += 3)
        {
            AssertSame(original, fixedAssembly, "CountCharIn", length);
        }

        // "e" occurs 3 times in the 43-character pangram.
        Assert.Equal(1_000_000 / 43 * 3 + 3, Deep(fixedAssembly, "CountCharIn", 1_000_000));
    }

    [Fact]
    public async Task Array_walks_same_results_then_deep()
    {
        var (original, fixedAssembly) = await Compiled.Value;
        for (var n = 0; n <= 300; n++)
        {
            AssertSame(original, fixedAssembly, "SumArrayOf", n);
            AssertSame(original, fixedAssembly, "XorOf", n);
            AssertSame(original, fixedAssembly, "CountOddOf", n);
            AssertSame(original, fixedAssembly, "AnyZeroOf", n, n / 2);
            AssertSame(original, fixedAssembly, "AnyZeroOf", n, -1);
            AssertSame(original, fixedAssembly, "AllBelowOf", n, 499);
            AssertSame(original, fixedAssembly, "AllBelowOf", n, 500);
        }

        Assert.IsType<long>(Deep(fixedAssembly, "SumArrayOf", 1_000_000));
        Assert.IsType<uint>(Deep(fixedAssembly, "XorOf", 1_000_000));
        Assert.IsType<int>(Deep(fixedAssembly, "CountOddOf", 1_000_000));
        Assert.Equal(false, Deep(fixedAssembly, "AnyZeroOf", 1_000_000, -1));
        Assert.Equal(true, Deep(fixedAssembly, "AnyZeroOf", 1_000_000, 999_999));
        Assert.Equal(true, Deep(fixedAssembly, "AllBelowOf", 1_000_000, 500));
    }
}
