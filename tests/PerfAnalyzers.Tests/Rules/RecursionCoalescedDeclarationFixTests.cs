using Microsoft.CodeAnalysis;
using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify4 = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF004NonTailRecursionAnalyzer, PerfAnalyzers.CodeFixes.PERF004IntroduceAccumulatorCodeFix>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF004 fix (issue #17, smartstore's <c>ITreeNode.BuildTreePath</c>): a self-call in the right operand of <c>??</c>
/// in a local declaration, <c>var parentPath = parentNode.TreePath ?? parentNode.BuildTreePath();</c>, is first split
/// into <c>var parentPath = parentNode.TreePath; if (parentPath is null) { parentPath = parentNode.BuildTreePath(); }</c>
/// (the left operand evaluated once, the call only when it is null), which the explicit stack converts. Exact output
/// and Fix All for a classic extension method and an extension block member, the no-fix look-alikes, and the original
/// and fixed code run and compared.
/// </summary>
public class RecursionCoalescedDeclarationFixTests
{
    private static DiagnosticResult Info4(int location) => Expect.Diagnostic("PERF004").WithLocation(location).WithSeverity(DiagnosticSeverity.Info);

    [Fact]
    public Task Coalesced_declaration_becomes_an_if_then_the_explicit_stack() => Verify4.VerifyFixAsync("""
        public interface ITreeNode
        {
            int Id { get; }
            string? TreePath { get; }
            ITreeNode? GetParentNode();
        }

        public sealed class TreeNode : ITreeNode
        {
            public int Id { get; set; }
            public string? TreePath { get; set; }
            public TreeNode? Parent;
            public ITreeNode? GetParentNode() => Parent;
        }

        public static class TreeExtensions
        {
            public static string BuildTreePath(this ITreeNode node)
            {
                if (node.GetParentNode() is not ITreeNode parentNode) return "/" + node.Id + "/";
                var parentPath = parentNode.TreePath ?? {|#0:parentNode.BuildTreePath()|};
                return parentPath + node.Id + "/";
            }

            extension(ITreeNode node)
            {
                public string BuildTreePath2()
                {
                    if (node.GetParentNode() is not ITreeNode parentNode)
                    {
                        return "/" + node.Id + "/";
                    }

                    var parentPath = parentNode.TreePath ?? {|#1:parentNode.BuildTreePath2()|};
                    return parentPath + node.Id + "/";
                }
            }
        }

        """, """
        using System.Collections.Generic;

        public interface ITreeNode
        {
            int Id { get; }
            string? TreePath { get; }
            ITreeNode? GetParentNode();
        }

        public sealed class TreeNode : ITreeNode
        {
            public int Id { get; set; }
            public string? TreePath { get; set; }
            public TreeNode? Parent;
            public ITreeNode? GetParentNode() => Parent;
        }

        public static class TreeExtensions
        {
            public static string BuildTreePath(this ITreeNode node)
            {
                var frames = new Stack<(string? parentPath, ITreeNode node)>();
                string result;
                while (true)
                {
                    if (node.GetParentNode() is not ITreeNode parentNode)
                    {
                        result = "/" + node.Id + "/";
                        break;
                    }

                    var parentPath = parentNode.TreePath;
                    if (parentPath is null)
                    {
                        frames.Push((parentPath, node));
                        node = parentNode;
                        continue;
                    }

                    result = parentPath + node.Id + "/";
                    break;
                }

                while (frames.Count > 0)
                {
                    var frame = frames.Pop();
                    var parentPath = frame.parentPath;
                    node = frame.node;
                    parentPath = result;
                    result = parentPath + node.Id + "/";
                }

                return result;
            }

            extension(ITreeNode node)
            {
                public string BuildTreePath2()
                {
                    var frames = new Stack<(string? parentPath, ITreeNode node)>();
                    string result;
                    while (true)
                    {
                        if (node.GetParentNode() is not ITreeNode parentNode)
                        {
                            result = "/" + node.Id + "/";
                            break;
                        }

                        var parentPath = parentNode.TreePath;
                        if (parentPath is null)
                        {
                            frames.Push((parentPath, node));
                            node = parentNode;
                            continue;
                        }

                        result = parentPath + node.Id + "/";
                        break;
                    }

                    while (frames.Count > 0)
                    {
                        var frame = frames.Pop();
                        var parentPath = frame.parentPath;
                        node = frame.node;
                        parentPath = result;
                        result = parentPath + node.Id + "/";
                    }

                    return result;
                }
            }
        }

        """, Info4(0), Info4(1));

    [Fact]
    public Task No_fix_when_the_left_operand_has_another_type() => Verify4.VerifyNoFixAsync("""
        using System;
        public interface ITreeNode
        {
            int Id { get; }
            int? CachedLevel { get; }
            string? TreePath { get; }
            ITreeNode? GetParentNode();
        }

        public sealed class InvariantCulture : IDisposable
        {
            public void Dispose() { }
        }

        public static class TreeExtensions
        {
            extension(ITreeNode node)
            {
                // int? ?? int is an int: the local cannot hold the left operand first.
                public int Level()
                {
                    if (node.GetParentNode() is not ITreeNode parentNode) return 0;
                    var level = parentNode.CachedLevel ?? {|#0:parentNode.Level()|};
                    return level + 1;
                }
            }
        }
        """, Info4(0));

    // smartstore's BuildTreePath with `using var _ = ..;` in the body gets the explicit stack now, each frame's resource
    // held until that frame returns (issue #17): RecursionUsingResourceFixTests.

    private const string Source = """
        public interface ITreeNode
        {
            int Id { get; }
            string? TreePath { get; }
            ITreeNode? GetParentNode();
        }

        public sealed class TreeNode : ITreeNode
        {
            public int Id { get; set; }
            public string? TreePath { get; set; }
            public TreeNode? Parent;
            public ITreeNode? GetParentNode() => Parent;
        }

        public static class TreeExtensions
        {
            public static string BuildTreePath(this ITreeNode node)
            {
                if (node.GetParentNode() is not ITreeNode parentNode) return "/" + node.Id + "/";
                var parentPath = parentNode.TreePath ?? parentNode.BuildTreePath();
                return parentPath + node.Id + "/";
            }

            extension(ITreeNode node)
            {
                public string BuildTreePath2()
                {
                    if (node.GetParentNode() is not ITreeNode parentNode)
                    {
                        return "/" + node.Id + "/";
                    }

                    var parentPath = parentNode.TreePath ?? parentNode.BuildTreePath2();
                    return parentPath + node.Id + "/";
                }
            }
        }

        public static class R
        {
            public static TreeNode Build(int depth, int cacheEvery)
            {
                var node = new TreeNode { Id = 1 };
                var path = new System.Text.StringBuilder("/1/");
                for (var i = 2; i <= depth; i++)
                {
                    path.Append(i).Append('/');
                    node = new TreeNode { Id = i, Parent = node };
                    if (cacheEvery > 0 && i % cacheEvery == 0)
                    {
                        node.TreePath = path.ToString();
                    }
                }

                return node;
            }

            public static string PathOf(int depth, int cacheEvery) => Build(depth, cacheEvery).BuildTreePath();

            public static string Path2Of(int depth, int cacheEvery) => Build(depth, cacheEvery).BuildTreePath2();
        }
        """;

    /// <summary>What the fix makes of <see cref="Source"/> (checked by <see cref="RecursionFixRunner.VerifyAsync"/>; replace and review when the fix changes on purpose).</summary>
    private const string FixedSource = """
        using System.Collections.Generic;

        public interface ITreeNode
        {
            int Id { get; }
            string? TreePath { get; }
            ITreeNode? GetParentNode();
        }

        public sealed class TreeNode : ITreeNode
        {
            public int Id { get; set; }
            public string? TreePath { get; set; }
            public TreeNode? Parent;
            public ITreeNode? GetParentNode() => Parent;
        }

        public static class TreeExtensions
        {
            public static string BuildTreePath(this ITreeNode node)
            {
                var frames = new Stack<(string? parentPath, ITreeNode node)>();
                string result;
                while (true)
                {
                    if (node.GetParentNode() is not ITreeNode parentNode)
                    {
                        result = "/" + node.Id + "/";
                        break;
                    }

                    var parentPath = parentNode.TreePath;
                    if (parentPath is null)
                    {
                        frames.Push((parentPath, node));
                        node = parentNode;
                        continue;
                    }

                    result = parentPath + node.Id + "/";
                    break;
                }

                while (frames.Count > 0)
                {
                    var frame = frames.Pop();
                    var parentPath = frame.parentPath;
                    node = frame.node;
                    parentPath = result;
                    result = parentPath + node.Id + "/";
                }

                return result;
            }

            extension(ITreeNode node)
            {
                public string BuildTreePath2()
                {
                    var frames = new Stack<(string? parentPath, ITreeNode node)>();
                    string result;
                    while (true)
                    {
                        if (node.GetParentNode() is not ITreeNode parentNode)
                        {
                            result = "/" + node.Id + "/";
                            break;
                        }

                        var parentPath = parentNode.TreePath;
                        if (parentPath is null)
                        {
                            frames.Push((parentPath, node));
                            node = parentNode;
                            continue;
                        }

                        result = parentPath + node.Id + "/";
                        break;
                    }

                    while (frames.Count > 0)
                    {
                        var frame = frames.Pop();
                        var parentPath = frame.parentPath;
                        node = frame.node;
                        parentPath = result;
                        result = parentPath + node.Id + "/";
                    }

                    return result;
                }
            }
        }

        public static class R
        {
            public static TreeNode Build(int depth, int cacheEvery)
            {
                var node = new TreeNode { Id = 1 };
                var path = new System.Text.StringBuilder("/1/");
                for (var i = 2; i <= depth; i++)
                {
                    path.Append(i).Append('/');
                    node = new TreeNode { Id = i, Parent = node };
                    if (cacheEvery > 0 && i % cacheEvery == 0)
                    {
                        node.TreePath = path.ToString();
                    }
                }

                return node;
            }

            public static string PathOf(int depth, int cacheEvery) => Build(depth, cacheEvery).BuildTreePath();

            public static string Path2Of(int depth, int cacheEvery) => Build(depth, cacheEvery).BuildTreePath2();
        }
        """;

    [Fact]
    public async Task Original_and_fixed_code_give_the_same_paths_then_deep()
    {
        await RecursionFixRunner.VerifyAsync<PERF004NonTailRecursionAnalyzer, PERF004IntroduceAccumulatorCodeFix>(Source, FixedSource, expectedDiagnostics: 2);
        var original = TestCompiler.CompileAndLoad(Source);
        var fixedAssembly = TestCompiler.CompileAndLoad(FixedSource);
        foreach (var method in new[] { "PathOf", "Path2Of" })
        {
            for (var depth = 1; depth <= 60; depth++)
            {
                for (var cacheEvery = 0; cacheEvery <= 7; cacheEvery++)
                {
                    Assert.Equal(TestCompiler.Invoke(original, "R", method, depth, cacheEvery), TestCompiler.Invoke(fixedAssembly, "R", method, depth, cacheEvery));
                }
            }

            var expected = "/" + string.Join("/", Enumerable.Range(1, 10_000)) + "/";
            Assert.Equal(expected, TestCompiler.Invoke(fixedAssembly, "R", method, 10_000, 0));
        }
    }
}
