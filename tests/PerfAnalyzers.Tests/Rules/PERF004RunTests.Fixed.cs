namespace PerfAnalyzers.Tests.Rules;

public partial class PERF004RunTests
{
    /// <summary>
    /// What the PERF004 fix makes of <see cref="Source"/>, one diagnostic at a time and by Fix All: checked by the testing
    /// library (<see cref="RecursionFixRunner.VerifyAsync"/>), then compiled and run against the original. When the fix
    /// changes on purpose, replace this text with the fix's new output (the failure shows the diff) and review it.
    /// </summary>
    private const string FixedSource = """
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

            public int Length()
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
        }

        public static class R
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

            public static int WrappingProduct(int n)
            {
                var acc = 1;
                while (true)
                {
                    if (n == 0)
                    {
                        return acc;
                    }

                    (acc, n) = (acc * (n | 1), n - 1);
                }
            }

            public static int Sum(Node? node)
            {
                var acc = 0;
                while (true)
                {
                    if (node is null)
                    {
                        return acc;
                    }

                    (acc, node) = (acc + node.Value, node.Next);
                }
            }

            public static int CountWithBonus(Node? node, int bonus)
            {
                var acc = 0;
                while (true)
                {
                    if (node is null)
                    {
                        return acc + bonus;
                    }

                    (acc, node) = (acc + 1, node.Next);
                }
            }

            public static int CountChar(string s, char c, int i)
            {
                var acc = 0;
                while (true)
                {
                    if (i == s.Length)
                    {
                        return acc;
                    }

                    (acc, i) = (acc + (s[i] == c ? 1 : 0), i + 1);
                }
            }

            public static long SumArray(int[] a, int i)
            {
                var acc = 0L;
                while (true)
                {
                    if (i == a.Length)
                    {
                        return acc;
                    }

                    (acc, i) = (acc + a[i], i + 1);
                }
            }

            public static uint XorFrom(uint[] a, int i)
            {
                var acc = 0u;
                while (true)
                {
                    if (i >= a.Length)
                    {
                        return acc ^ 0x5A5Au;
                    }

                    (acc, i) = (acc ^ a[i], i + 1);
                }
            }

            public static int CountOdd(int[] a, int i)
            {
                var acc = 0;
                while (true)
                {
                    if (i == a.Length) return acc;
                    if (a[i] % 2 != 0)
                    {
                        (acc, i) = (acc + 1, i + 1);
                        continue;
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

            public static bool AllBelow(int[] a, int i, int limit)
            {
                while (true)
                {
                    if (i == a.Length) return true;
                    if (a[i] >= limit)
                    {
                        return false;
                    }

                    i = i + 1;
                }
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
}
