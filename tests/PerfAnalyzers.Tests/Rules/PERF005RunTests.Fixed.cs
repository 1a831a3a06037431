namespace PerfAnalyzers.Tests.Rules;

public partial class PERF005RunTests
{
    /// <summary>
    /// What the PERF005 fix makes of <see cref="Source"/>, one diagnostic at a time and by Fix All: checked by the testing
    /// library (<see cref="RecursionFixRunner.VerifyAsync"/>), then compiled and run against the original. When the fix
    /// changes on purpose, replace this text with the fix's new output (the failure shows the diff) and review it.
    /// </summary>
    private const string FixedSource = """
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

            public Node LastNode()
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

            public void CollectPositive(List<int> output)
            {
                var self = this;
                while (true)
                {
                    if (self.Value > 0)
                    {
                        output.Add(self.Value);
                    }

                    if (self.Next != null)
                    {
                        self = self.Next;
                        continue;
                    }

                    return;
                }
            }
        }

        public static class R
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

            public static long Factorial(int n, long acc)
            {
                while (true)
                {
                    if (n <= 1)
                    {
                        return acc;
                    }

                    (n, acc) = (n - 1, acc * n);
                }
            }

            public static long SumList(Node? node, long acc)
            {
                while (true)
                {
                    if (node is null)
                    {
                        return acc;
                    }

                    (acc, node) = (acc + node.Value, node.Next);
                }
            }

            public static int IndexOf(string s, char c, int i)
            {
                while (true)
                {
                    if (i == s.Length)
                    {
                        return -1;
                    }

                    if (s[i] == c)
                    {
                        return i;
                    }

                    i = i + 1;
                }
            }

            public static long MaxFrom(int[] a, int i, long best)
            {
                while (true)
                {
                    if (i == a.Length) return best;
                    if (a[i] > best)
                    {
                        (i, best) = (i + 1, a[i]);
                        continue;
                    }

                    i = i + 1;
                }
            }

            public static void CollectEven(List<int> output, int[] a, int i)
            {
                while (true)
                {
                    if (i >= a.Length)
                    {
                        return;
                    }

                    if (a[i] % 2 == 0)
                    {
                        output.Add(a[i]);
                    }

                    i = i + 1;
                }
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
}
