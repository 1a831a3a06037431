using Microsoft.CodeAnalysis.Diagnostics;
using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF004 explicit stack and PERF005 loop (issue #17, smartstore's <c>BuildTreePath</c> with
/// <c>using var _ = CultureHelper.UseInvariant();</c>, and a retry that holds a lease per attempt): a body with
/// <c>using</c> declarations. Each frame's resources are held on a stack of their own and disposed innermost first: the
/// deeper frame's at the start of each round of the unwinding loop, the rest in a <c>finally</c> in which each
/// <c>Dispose</c> has its own <c>try</c> (nested <c>using</c> semantics: a throwing <c>Dispose</c> lets the outer ones run,
/// and the last exception thrown leaves). Exact output with Fix All (two methods, one with a three-resource frame), a
/// resource that fails to open, a <c>Dispose</c> that throws, an exception thrown in the body, original and fixed code
/// run and compared on results, exceptions and the open/close log, then 100,000 deep; and the look-alikes that keep no fix.
/// </summary>
public class RecursionUsingResourceFixTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;

        public sealed class Scope : IDisposable
        {
            public static readonly List<string> Log = new();
            public static int FailOpenAt = -1;
            public static int FailCloseAt = -1;
            public static int ThrowAt = -1;
            private readonly int _id;

            private Scope(int id)
            {
                _id = id;
                Log.Add("open " + id);
            }

            public static Scope Enter(int id)
            {
                if (id == FailOpenAt)
                {
                    throw new InvalidOperationException("open " + id);
                }

                return new Scope(id);
            }

            public void Dispose()
            {
                Log.Add("close " + _id);
                if (_id == FailCloseAt)
                {
                    throw new InvalidOperationException("close " + _id);
                }
            }
        }

        public sealed class Node
        {
            public int Id { get; set; }
            public Node? Parent { get; set; }
        }

        public static class R
        {
            public static string TreePath(Node node)
            {
                using var _ = Scope.Enter(node.Id);
                var own = node.Id + "/";
                Scope.Log.Add("at " + node.Id);
                if (node.Parent == null)
                {
                    return "/" + own;
                }

                return TreePath(node.Parent) + own;
            }

            public static string TreePath2(Node node)
            {
                using var outer = Scope.Enter(node.Id);
                using Scope inner = Scope.Enter(1000 + node.Id), last = Scope.Enter(2000 + node.Id);
                if (node.Id == Scope.ThrowAt)
                {
                    throw new ArgumentException("at " + node.Id);
                }

                if (node.Parent is null)
                {
                    return "/";
                }

                var path = TreePath2(node.Parent);
                Scope.Log.Add("back " + node.Id);
                return path + node.Id + "/";
            }

            public static int Attempt(int attemptsLeft, int succeedAt)
            {
                using var lease = Scope.Enter(attemptsLeft);
                Scope.Log.Add("try " + attemptsLeft);
                if (attemptsLeft == Scope.ThrowAt)
                {
                    throw new ArgumentException("attempt " + attemptsLeft);
                }

                if (attemptsLeft != succeedAt && attemptsLeft > 0)
                {
                    return Attempt(attemptsLeft - 1, succeedAt);
                }

                return attemptsLeft * 10;
            }

            public static Node Chain(int length)
            {
                var node = new Node { Id = 0 };
                for (var i = 1; i < length; i++)
                {
                    node = new Node { Id = i, Parent = node };
                }

                return node;
            }

            public static string Run(int which, int length, int failOpenAt, int failCloseAt, int throwAt)
            {
                Scope.Log.Clear();
                Scope.FailOpenAt = failOpenAt;
                Scope.FailCloseAt = failCloseAt;
                Scope.ThrowAt = throwAt;
                string value;
                try
                {
                    value = which switch
                    {
                        0 => TreePath(Chain(length)),
                        1 => TreePath2(Chain(length)),
                        _ => Attempt(length, length / 2).ToString(),
                    };
                }
                catch (Exception e)
                {
                    value = e.GetType().Name + ": " + e.Message;
                }

                return value + " | " + string.Join(",", Scope.Log);
            }
        }
        """;

    private const string FixedStack = """
        using System;
        using System.Collections.Generic;
        using System.Runtime.ExceptionServices;

        public sealed class Scope : IDisposable
        {
            public static readonly List<string> Log = new();
            public static int FailOpenAt = -1;
            public static int FailCloseAt = -1;
            public static int ThrowAt = -1;
            private readonly int _id;

            private Scope(int id)
            {
                _id = id;
                Log.Add("open " + id);
            }

            public static Scope Enter(int id)
            {
                if (id == FailOpenAt)
                {
                    throw new InvalidOperationException("open " + id);
                }

                return new Scope(id);
            }

            public void Dispose()
            {
                Log.Add("close " + _id);
                if (_id == FailCloseAt)
                {
                    throw new InvalidOperationException("close " + _id);
                }
            }
        }

        public sealed class Node
        {
            public int Id { get; set; }
            public Node? Parent { get; set; }
        }

        public static class R
        {
            public static string TreePath(Node node)
            {
                var frames = new Stack<string>();
                string result;
                var resources = new Stack<IDisposable?>();
                try
                {
                    while (true)
                    {
                        var _ = Scope.Enter(node.Id);
                        resources.Push(_);
                        var own = node.Id + "/";
                        Scope.Log.Add("at " + node.Id);
                        if (node.Parent == null)
                        {
                            result = "/" + own;
                            break;
                        }

                        frames.Push(own);
                        node = node.Parent;
                    }

                    while (frames.Count > 0)
                    {
                        resources.Pop()?.Dispose();
                        var own = frames.Pop();
                        result = result + own;
                    }
                }
                finally
                {
                    ExceptionDispatchInfo? failure = null;
                    while (resources.Count > 0)
                    {
                        try
                        {
                            resources.Pop()?.Dispose();
                        }
                        catch (Exception exception)
                        {
                            failure = ExceptionDispatchInfo.Capture(exception);
                        }
                    }

                    failure?.Throw();
                }

                return result;
            }

            public static string TreePath2(Node node)
            {
                var frames = new Stack<Node>();
                string result;
                var resources = new Stack<IDisposable?>();
                try
                {
                    while (true)
                    {
                        var outer = Scope.Enter(node.Id);
                        resources.Push(outer);
                        Scope inner = Scope.Enter(1000 + node.Id);
                        resources.Push(inner);
                        Scope last = Scope.Enter(2000 + node.Id);
                        resources.Push(last);
                        if (node.Id == Scope.ThrowAt)
                        {
                            throw new ArgumentException("at " + node.Id);
                        }

                        if (node.Parent is null)
                        {
                            result = "/";
                            break;
                        }

                        frames.Push(node);
                        node = node.Parent;
                    }

                    while (frames.Count > 0)
                    {
                        resources.Pop()?.Dispose();
                        resources.Pop()?.Dispose();
                        resources.Pop()?.Dispose();
                        node = frames.Pop();
                        var path = result;
                        Scope.Log.Add("back " + node.Id);
                        result = path + node.Id + "/";
                    }
                }
                finally
                {
                    ExceptionDispatchInfo? failure = null;
                    while (resources.Count > 0)
                    {
                        try
                        {
                            resources.Pop()?.Dispose();
                        }
                        catch (Exception exception)
                        {
                            failure = ExceptionDispatchInfo.Capture(exception);
                        }
                    }

                    failure?.Throw();
                }

                return result;
            }

            public static int Attempt(int attemptsLeft, int succeedAt)
            {
                using var lease = Scope.Enter(attemptsLeft);
                Scope.Log.Add("try " + attemptsLeft);
                if (attemptsLeft == Scope.ThrowAt)
                {
                    throw new ArgumentException("attempt " + attemptsLeft);
                }

                if (attemptsLeft != succeedAt && attemptsLeft > 0)
                {
                    return Attempt(attemptsLeft - 1, succeedAt);
                }

                return attemptsLeft * 10;
            }

            public static Node Chain(int length)
            {
                var node = new Node { Id = 0 };
                for (var i = 1; i < length; i++)
                {
                    node = new Node { Id = i, Parent = node };
                }

                return node;
            }

            public static string Run(int which, int length, int failOpenAt, int failCloseAt, int throwAt)
            {
                Scope.Log.Clear();
                Scope.FailOpenAt = failOpenAt;
                Scope.FailCloseAt = failCloseAt;
                Scope.ThrowAt = throwAt;
                string value;
                try
                {
                    value = which switch
                    {
                        0 => TreePath(Chain(length)),
                        1 => TreePath2(Chain(length)),
                        _ => Attempt(length, length / 2).ToString(),
                    };
                }
                catch (Exception e)
                {
                    value = e.GetType().Name + ": " + e.Message;
                }

                return value + " | " + string.Join(",", Scope.Log);
            }
        }
        """;

    private const string FixedBoth = """
        using System;
        using System.Collections.Generic;
        using System.Runtime.ExceptionServices;

        public sealed class Scope : IDisposable
        {
            public static readonly List<string> Log = new();
            public static int FailOpenAt = -1;
            public static int FailCloseAt = -1;
            public static int ThrowAt = -1;
            private readonly int _id;

            private Scope(int id)
            {
                _id = id;
                Log.Add("open " + id);
            }

            public static Scope Enter(int id)
            {
                if (id == FailOpenAt)
                {
                    throw new InvalidOperationException("open " + id);
                }

                return new Scope(id);
            }

            public void Dispose()
            {
                Log.Add("close " + _id);
                if (_id == FailCloseAt)
                {
                    throw new InvalidOperationException("close " + _id);
                }
            }
        }

        public sealed class Node
        {
            public int Id { get; set; }
            public Node? Parent { get; set; }
        }

        public static class R
        {
            public static string TreePath(Node node)
            {
                var frames = new Stack<string>();
                string result;
                var resources = new Stack<IDisposable?>();
                try
                {
                    while (true)
                    {
                        var _ = Scope.Enter(node.Id);
                        resources.Push(_);
                        var own = node.Id + "/";
                        Scope.Log.Add("at " + node.Id);
                        if (node.Parent == null)
                        {
                            result = "/" + own;
                            break;
                        }

                        frames.Push(own);
                        node = node.Parent;
                    }

                    while (frames.Count > 0)
                    {
                        resources.Pop()?.Dispose();
                        var own = frames.Pop();
                        result = result + own;
                    }
                }
                finally
                {
                    ExceptionDispatchInfo? failure = null;
                    while (resources.Count > 0)
                    {
                        try
                        {
                            resources.Pop()?.Dispose();
                        }
                        catch (Exception exception)
                        {
                            failure = ExceptionDispatchInfo.Capture(exception);
                        }
                    }

                    failure?.Throw();
                }

                return result;
            }

            public static string TreePath2(Node node)
            {
                var frames = new Stack<Node>();
                string result;
                var resources = new Stack<IDisposable?>();
                try
                {
                    while (true)
                    {
                        var outer = Scope.Enter(node.Id);
                        resources.Push(outer);
                        Scope inner = Scope.Enter(1000 + node.Id);
                        resources.Push(inner);
                        Scope last = Scope.Enter(2000 + node.Id);
                        resources.Push(last);
                        if (node.Id == Scope.ThrowAt)
                        {
                            throw new ArgumentException("at " + node.Id);
                        }

                        if (node.Parent is null)
                        {
                            result = "/";
                            break;
                        }

                        frames.Push(node);
                        node = node.Parent;
                    }

                    while (frames.Count > 0)
                    {
                        resources.Pop()?.Dispose();
                        resources.Pop()?.Dispose();
                        resources.Pop()?.Dispose();
                        node = frames.Pop();
                        var path = result;
                        Scope.Log.Add("back " + node.Id);
                        result = path + node.Id + "/";
                    }
                }
                finally
                {
                    ExceptionDispatchInfo? failure = null;
                    while (resources.Count > 0)
                    {
                        try
                        {
                            resources.Pop()?.Dispose();
                        }
                        catch (Exception exception)
                        {
                            failure = ExceptionDispatchInfo.Capture(exception);
                        }
                    }

                    failure?.Throw();
                }

                return result;
            }

            public static int Attempt(int attemptsLeft, int succeedAt)
            {
                var resources = new Stack<IDisposable?>();
                try
                {
                    while (true)
                    {
                        var lease = Scope.Enter(attemptsLeft);
                        resources.Push(lease);
                        Scope.Log.Add("try " + attemptsLeft);
                        if (attemptsLeft == Scope.ThrowAt)
                        {
                            throw new ArgumentException("attempt " + attemptsLeft);
                        }

                        if (attemptsLeft != succeedAt && attemptsLeft > 0)
                        {
                            attemptsLeft = attemptsLeft - 1;
                            continue;
                        }

                        return attemptsLeft * 10;
                    }
                }
                finally
                {
                    ExceptionDispatchInfo? failure = null;
                    while (resources.Count > 0)
                    {
                        try
                        {
                            resources.Pop()?.Dispose();
                        }
                        catch (Exception exception)
                        {
                            failure = ExceptionDispatchInfo.Capture(exception);
                        }
                    }

                    failure?.Throw();
                }
            }

            public static Node Chain(int length)
            {
                var node = new Node { Id = 0 };
                for (var i = 1; i < length; i++)
                {
                    node = new Node { Id = i, Parent = node };
                }

                return node;
            }

            public static string Run(int which, int length, int failOpenAt, int failCloseAt, int throwAt)
            {
                Scope.Log.Clear();
                Scope.FailOpenAt = failOpenAt;
                Scope.FailCloseAt = failCloseAt;
                Scope.ThrowAt = throwAt;
                string value;
                try
                {
                    value = which switch
                    {
                        0 => TreePath(Chain(length)),
                        1 => TreePath2(Chain(length)),
                        _ => Attempt(length, length / 2).ToString(),
                    };
                }
                catch (Exception e)
                {
                    value = e.GetType().Name + ": " + e.Message;
                }

                return value + " | " + string.Join(",", Scope.Log);
            }
        }
        """;

    private const string LookAlikes = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public struct Lease : IDisposable { public void Dispose() { } }

        public sealed class Wrapper
        {
            public int Value;
            public static implicit operator Wrapper(int value) => new Wrapper { Value = value };
        }

        public sealed class Node
        {
            public int Id { get; set; }
            public Node? Next { get; set; }
        }

        public static class R
        {
            public static string Nested(Node node, bool scoped)
            {
                if (scoped)
                {
                    using var scope = new System.IO.MemoryStream();
                    scope.WriteByte(1);
                }

                return node.Next is null ? "" : Nested(node.Next, scoped) + node.Id;
            }

            public static string StructLease(Node node)
            {
                using var lease = new Lease();
                return node.Next is null ? "" : StructLease(node.Next) + node.Id;
            }

            public static string ReturnFirst(Node node)
            {
                if (node.Id < 0)
                {
                    return "";
                }

                using var stream = new System.IO.MemoryStream();
                return node.Next is null ? "" : ReturnFirst(node.Next) + node.Id;
            }

            public static async Task<string> AwaitUsing(Node node)
            {
                await using var stream = new System.IO.MemoryStream();
                return node.Next is null ? "" : await AwaitUsing(node.Next) + node.Id;
            }
        }
        """;

    [Fact]
    public Task Explicit_stack_holds_each_frames_resources_exact_output_and_fix_all() =>
        RecursionFixRunner.VerifyAsync<PERF004NonTailRecursionAnalyzer, PERF004IntroduceAccumulatorCodeFix>(Source, FixedStack, expectedDiagnostics: 2);

    [Fact]
    public Task Tail_loop_holds_every_rounds_resources_to_the_end_exact_output() =>
        RecursionFixRunner.VerifyAsync<PERF005TailRecursionAnalyzer, PERF005ConvertTailRecursionToLoopCodeFix>(FixedStack, FixedBoth, expectedDiagnostics: 1);

    [Fact]
    public void Original_and_fixed_code_open_and_close_in_the_same_order_and_throw_the_same()
    {
        var original = TestCompiler.CompileAndLoad(Source);
        var converted = TestCompiler.CompileAndLoad(FixedBoth);
        var checkedRuns = 0;
        for (var which = 0; which <= 2; which++)
        {
            for (var length = 1; length <= 6; length++)
            {
                // -1: nothing fails; otherwise the id of the scope that fails to open / to close, or where the body throws.
                var ids = new List<int> { -1 };
                for (var id = 0; id <= length; id++)
                {
                    ids.AddRange(new[] { id, 1000 + id, 2000 + id });
                }

                foreach (var failOpen in ids)
                {
                    foreach (var failClose in ids)
                    {
                        foreach (var throwAt in new[] { -1, 0, length / 2, length - 1 })
                        {
                            var expected = TestCompiler.Invoke(original, "R", "Run", which, length, failOpen, failClose, throwAt);
                            var actual = TestCompiler.Invoke(converted, "R", "Run", which, length, failOpen, failClose, throwAt);
                            Assert.Equal(expected, actual);
                            checkedRuns++;
                        }
                    }
                }
            }
        }

        Assert.True(checkedRuns > 1000);
        var deep = (string)TestCompiler.Invoke(converted, "R", "Run", 0, 100_000, -1, -1, -1)!;
        Assert.StartsWith("/0/1/2/", deep, StringComparison.Ordinal);
        Assert.EndsWith("close 99998,close 99999", deep, StringComparison.Ordinal);
        Assert.StartsWith("500000 |", (string)TestCompiler.Invoke(converted, "R", "Run", 2, 100_000, -1, -1, -1)!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Look_alikes_keep_no_fix()
    {
        // A using in a nested block (disposed before the call), a struct resource (a copy on the stack would be
        // disposed, not the original), a return before the using (frames would hold different numbers of resources),
        // await using (disposed asynchronously).
        var reported = await TestCompiler.CreateCompilation([LookAlikes])
            .WithAnalyzers([new PERF004NonTailRecursionAnalyzer()])
            .GetAnalyzerDiagnosticsAsync();
        Assert.Equal(4, reported.Length);
        var (text, applied) = await FixApplier.ApplyEachAsync<PERF004NonTailRecursionAnalyzer, PERF004IntroduceAccumulatorCodeFix>(LookAlikes);
        Assert.Equal(0, applied);
        Assert.Equal(LookAlikes, text);
    }
}
