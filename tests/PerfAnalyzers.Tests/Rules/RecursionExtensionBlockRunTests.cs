using System.Reflection;
using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// Proof by running for the PERF004 and PERF005 fixes on C# 14 extension block members: the original and the fixed code
/// (checked by the testing library to be exactly what the fix makes, one diagnostic at a time and by Fix All) are
/// compiled at test time and give the same results, side effects in the same order and the same values from lambdas
/// run after the recursion ended; then the fixed code runs at a depth that would overflow the recursive one.
/// </summary>
public partial class RecursionExtensionBlockRunTests
{
    private const string Source4 = """
        using System;
        using System.Collections.Generic;

        public sealed class Node<T>
        {
            public T Value = default!;
            public Node<T>? Next;
        }

        public static class NodeExtensions
        {
            extension<T>(Node<T> node)
            {
                public int Length() => node.Next is null ? 1 : 1 + node.Next.Length();

                public long Weigh(Func<T, long> weight, List<string> log)
                {
                    log.Add("down " + node.Value);
                    if (node.Next is null)
                    {
                        return weight(node.Value);
                    }

                    var rest = node.Next.Weigh(weight, log);
                    log.Add("up " + node.Value);
                    return rest * 31 + weight(node.Value);
                }
            }

            extension(string s)
            {
                public int CountOf(char c) => s.Length == 0 ? 0 : (s[0] == c ? 1 : 0) + s.Substring(1).CountOf(c);
            }
        }

        public static class R
        {
            public static Node<int> Build(int count)
            {
                var head = new Node<int> { Value = count * 7 % 11 - 5 };
                for (var i = count - 1; i > 0; i--)
                {
                    head = new Node<int> { Value = i * 7 % 11 - 5, Next = head };
                }

                return head;
            }

            public static int LengthOf(int count) => Build(count).Length();

            public static string WeighOf(int count)
            {
                var log = new List<string>();
                var total = Build(count).Weigh(v => v * 3L + 1, log);
                return total + ":" + log.Count + ":" + string.Join(",", log.GetRange(0, Math.Min(6, log.Count))) + ":" + string.Join(",", log.GetRange(Math.Max(0, log.Count - 6), Math.Min(6, log.Count)));
            }

            public static int CountIn(string text, char c) => text.CountOf(c);
        }
        """;

    private const string Source5 = """
        using System;
        using System.Collections.Generic;

        public sealed class Node<T>
        {
            public T Value = default!;
            public Node<T>? Next;
        }

        public static class NodeExtensions
        {
            extension<T>(Node<T> node)
            {
                public T LastValue() => node.Next is null ? node.Value : node.Next.LastValue();

                public void CollectEvery(int k, List<T> output, int i)
                {
                    if (i % k == 0)
                    {
                        output.Add(node.Value);
                    }

                    if (node.Next != null)
                    {
                        node.Next.CollectEvery(k, output, i + 1);
                    }
                }

                public List<Func<T>> Getters(List<Func<T>> output)
                {
                    output.Add(() => node.Value);
                    return node.Next is null ? output : node.Next.Getters(output);
                }
            }

            extension(string s)
            {
                public int Skip(int n) => n == 0 || s.Length == 0 ? s.Length : s.Substring(1).Skip(n - 1);
            }
        }

        public static class R
        {
            public static Node<int> Build(int count)
            {
                var head = new Node<int> { Value = count * 7 % 11 - 5 };
                for (var i = count - 1; i > 0; i--)
                {
                    head = new Node<int> { Value = i * 7 % 11 - 5, Next = head };
                }

                return head;
            }

            public static int LastOf(int count) => Build(count).LastValue();

            public static string EveryOf(int count, int k)
            {
                var output = new List<int>();
                Build(count).CollectEvery(k, output, 0);
                return output.Count + ":" + string.Join(",", output.GetRange(0, Math.Min(5, output.Count)));
            }

            public static string GettersOf(int count)
            {
                var getters = Build(count).Getters(new List<Func<int>>());
                var sum = 0L;
                foreach (var getter in getters)
                {
                    sum = sum * 3 + getter();
                }

                return getters.Count + ":" + sum;
            }

            public static int SkipIn(string text, int n) => text.Skip(n);
        }
        """;

    private static readonly Lazy<Task<(Assembly Original, Assembly Fixed)>> Compiled4 = new(async () =>
    {
        await RecursionFixRunner.VerifyAsync<PERF004NonTailRecursionAnalyzer, PERF004IntroduceAccumulatorCodeFix>(Source4, FixedSource4, expectedDiagnostics: 3);
        return (TestCompiler.CompileAndLoad(Source4), TestCompiler.CompileAndLoad(FixedSource4));
    });

    private static readonly Lazy<Task<(Assembly Original, Assembly Fixed)>> Compiled5 = new(async () =>
    {
        await RecursionFixRunner.VerifyAsync<PERF005TailRecursionAnalyzer, PERF005ConvertTailRecursionToLoopCodeFix>(Source5, FixedSource5, expectedDiagnostics: 4);
        return (TestCompiler.CompileAndLoad(Source5), TestCompiler.CompileAndLoad(FixedSource5));
    });

    private static void AssertSame(Assembly original, Assembly fixedAssembly, string method, params object[] arguments) =>
        Assert.Equal(TestCompiler.Invoke(original, "R", method, arguments), TestCompiler.Invoke(fixedAssembly, "R", method, arguments));

    private static int ValueAt(int i) => i * 7 % 11 - 5;

    [Fact]
    public async Task PERF004_accumulator_on_a_generic_receiver_same_results_then_deep()
    {
        var (original, fixedAssembly) = await Compiled4.Value;
        for (var n = 1; n <= 300; n++)
        {
            AssertSame(original, fixedAssembly, "LengthOf", n);
        }

        Assert.Equal(1_000_000, TestCompiler.Invoke(fixedAssembly, "R", "LengthOf", 1_000_000));
    }

    [Fact]
    public async Task PERF004_explicit_stack_same_results_and_log_order_then_deep()
    {
        var (original, fixedAssembly) = await Compiled4.Value;
        for (var n = 1; n <= 300; n++)
        {
            AssertSame(original, fixedAssembly, "WeighOf", n);
        }

        var total = 0L;
        for (var i = 200_000; i >= 1; i--)
        {
            total = i == 200_000 ? ValueAt(i) * 3L + 1 : total * 31 + ValueAt(i) * 3L + 1;
        }

        var deep = (string)TestCompiler.Invoke(fixedAssembly, "R", "WeighOf", 200_000)!;
        var firstDown = string.Join(",", Enumerable.Range(1, 6).Select(i => "down " + ValueAt(i)));
        var lastUp = string.Join(",", Enumerable.Range(1, 6).Reverse().Select(i => "up " + ValueAt(i)));
        Assert.Equal(total + ":399999:" + firstDown + ":" + lastUp, deep);
    }

    [Fact]
    public async Task PERF004_string_receiver_same_results()
    {
        var (original, fixedAssembly) = await Compiled4.Value;
        foreach (var text in new[] { "", "a", "banana", "aaaa", "xyz", new string('a', 500) + "b" })
        {
            foreach (var c in new[] { 'a', 'b', 'z' })
            {
                AssertSame(original, fixedAssembly, "CountIn", text, c);
            }
        }
    }

    [Fact]
    public async Task PERF005_last_value_and_void_walker_same_results_then_deep()
    {
        var (original, fixedAssembly) = await Compiled5.Value;
        for (var n = 1; n <= 300; n++)
        {
            AssertSame(original, fixedAssembly, "LastOf", n);
            AssertSame(original, fixedAssembly, "EveryOf", n, 1 + n % 7);
        }

        Assert.Equal(ValueAt(1_000_000), TestCompiler.Invoke(fixedAssembly, "R", "LastOf", 1_000_000));
        Assert.Equal("333334:" + string.Join(",", new[] { 1, 4, 7, 10, 13 }.Select(ValueAt)), TestCompiler.Invoke(fixedAssembly, "R", "EveryOf", 1_000_000, 3));
    }

    [Fact]
    public async Task PERF005_lambdas_read_their_own_receiver_then_deep()
    {
        var (original, fixedAssembly) = await Compiled5.Value;
        for (var n = 1; n <= 300; n++)
        {
            AssertSame(original, fixedAssembly, "GettersOf", n);
        }

        var sum = 0L;
        for (var i = 1; i <= 1_000_000; i++)
        {
            sum = sum * 3 + ValueAt(i);
        }

        Assert.Equal("1000000:" + sum, TestCompiler.Invoke(fixedAssembly, "R", "GettersOf", 1_000_000));
    }

    [Fact]
    public async Task PERF005_string_receiver_same_results()
    {
        var (original, fixedAssembly) = await Compiled5.Value;
        foreach (var text in new[] { "", "a", "banana", new string('q', 300) })
        {
            for (var n = 0; n <= 8; n++)
            {
                AssertSame(original, fixedAssembly, "SkipIn", text, n);
            }
        }
    }
}
