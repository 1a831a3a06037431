namespace PerfAnalyzers.Tests.Rules;

public partial class RecursionExtensionBlockRunTests
{
    /// <summary>
    /// What the PERF004 fix makes of <see cref="Source4"/>, one diagnostic at a time and by Fix All (checked by
    /// <see cref="RecursionFixRunner.VerifyAsync"/>). When the fix changes on purpose, replace the text with its new output
    /// (the failure shows the diff) and review it.
    /// </summary>
    private const string FixedSource4 = """
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
                public int Length()
                {
                    var acc = 0;
                    while (true)
                    {
                        if (node.Next is null)
                        {
                            return acc + 1;
                        }

                        (acc, node) = (acc + 1, node.Next);
                    }
                }

                public long Weigh(Func<T, long> weight, List<string> log)
                {
                    var frames = new Stack<Node<T>>();
                    long result;
                    while (true)
                    {
                        log.Add("down " + node.Value);
                        if (node.Next is null)
                        {
                            result = weight(node.Value);
                            break;
                        }

                        frames.Push(node);
                        node = node.Next;
                    }

                    while (frames.Count > 0)
                    {
                        node = frames.Pop();
                        var rest = result;
                        log.Add("up " + node.Value);
                        result = rest * 31 + weight(node.Value);
                    }

                    return result;
                }
            }

            extension(string s)
            {
                public int CountOf(char c)
                {
                    var acc = 0;
                    while (true)
                    {
                        if (s.Length == 0)
                        {
                            return acc;
                        }

                        (acc, s) = (acc + (s[0] == c ? 1 : 0), s.Substring(1));
                    }
                }
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

    /// <summary>What the PERF005 fix makes of <see cref="Source5"/> (as <see cref="FixedSource4"/>).</summary>
    private const string FixedSource5 = """
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
                public T LastValue()
                {
                    while (true)
                    {
                        if (node.Next is null)
                        {
                            return node.Value;
                        }

                        node = node.Next;
                    }
                }

                public void CollectEvery(int k, List<T> output, int i)
                {
                    while (true)
                    {
                        if (i % k == 0)
                        {
                            output.Add(node.Value);
                        }

                        if (node.Next != null)
                        {
                            (node, i) = (node.Next, i + 1);
                            continue;
                        }

                        return;
                    }
                }

                public List<Func<T>> Getters(List<Func<T>> output)
                {
                    while (true)
                    {
                        var nodeCopy = node;
                        output.Add(() => nodeCopy.Value);
                        if (node.Next is null)
                        {
                            return output;
                        }

                        node = node.Next;
                    }
                }
            }

            extension(string s)
            {
                public int Skip(int n)
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
}
