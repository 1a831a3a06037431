using PerfAnalyzers.Tests.Verifiers;
using Verify4 = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF004NonTailRecursionAnalyzer, PerfAnalyzers.CodeFixes.PERF004IntroduceAccumulatorCodeFix>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF004 explicit stack where a lambda reads a parameter the self-call changes (Sonarr's <c>CreateFolder</c>:
/// <c>Ensure.That(directoryName, () => directoryName)</c> before the call; <c>WithExistingFolder</c>: a Moq setup after it). Exact output, Fix All, a throwing branch,
/// original and fixed code run and compared (the stored lambdas run after the recursion ended).
/// </summary>
public class RecursionCapturedParameterStackTests
{
    internal const string Source = """
        using System;
        using System.Collections.Generic;

        public static class Folders
        {
            public static void Create(string directoryName, List<Func<string>> checks, List<string> created)
            {
                checks.Add(() => "checked " + directoryName);
                if (directoryName.Contains("!"))
                {
                    throw new ArgumentException("bad path " + directoryName);
                }

                var slash = directoryName.LastIndexOf('/');
                var parent = slash <= 0 ? "" : directoryName.Substring(0, slash);
                if (parent.Length > 0 && !created.Contains(parent))
                {
                    [|Create(parent, checks, created)|];
                }

                created.Add(directoryName);
            }
        }
        """;

    internal const string Fixed = """
        using System;
        using System.Collections.Generic;

        public static class Folders
        {
            public static void Create(string directoryName, List<Func<string>> checks, List<string> created)
            {
                var frames = new Stack<string>();
                while (true)
                {
                    var directoryNameCopy = directoryName;
                    checks.Add(() => "checked " + directoryNameCopy);
                    if (directoryName.Contains("!"))
                    {
                        throw new ArgumentException("bad path " + directoryName);
                    }

                    var slash = directoryName.LastIndexOf('/');
                    var parent = slash <= 0 ? "" : directoryName.Substring(0, slash);
                    if (parent.Length > 0 && !created.Contains(parent))
                    {
                        frames.Push(directoryName);
                        directoryName = parent;
                        continue;
                    }

                    created.Add(directoryName);
                    break;
                }

                while (frames.Count > 0)
                {
                    directoryName = frames.Pop();
                    created.Add(directoryName);
                }
            }
        }
        """;

    [Fact]
    public Task Explicit_stack_with_a_captured_parameter_gets_a_copy_per_round() => Verify4.VerifyFixAsync(Source, Fixed);

    [Fact]
    public void Original_and_fixed_code_give_the_same_results()
    {
        var before = TestCompiler.CompileAndLoad(TestCompiler.StripMarkup(Source));
        var after = TestCompiler.CompileAndLoad(Fixed);
        foreach (var path in new[] { "a", "/a", "/a/b", "/a/b/c/d", "/a/b!/c", "x!/y", "/a/b/c" })
        {
            Assert.Equal(Run(before, path), Run(after, path));
        }
    }

    internal const string AfterSource = """
        using System;
        using System.Collections.Generic;

        public static class Folders
        {
            public static void Exists(string path, List<Func<string>> setups, bool exists = true)
            {
                if (path.Contains("!"))
                {
                    throw new ArgumentException("bad path " + path);
                }

                var slash = path.LastIndexOf('/');
                if (exists && slash > 0)
                {
                    [|Exists(path.Substring(0, slash), setups)|];
                }

                setups.Add(() => path + " " + exists);
            }
        }
        """;

    internal const string AfterFixed = """
        using System;
        using System.Collections.Generic;

        public static class Folders
        {
            public static void Exists(string path, List<Func<string>> setups, bool exists = true)
            {
                var frames = new Stack<(string pathCopy, bool existsCopy)>();
                while (true)
                {
                    var pathCopy = path;
                    var existsCopy = exists;
                    if (path.Contains("!"))
                    {
                        throw new ArgumentException("bad path " + path);
                    }

                    var slash = path.LastIndexOf('/');
                    if (exists && slash > 0)
                    {
                        frames.Push((pathCopy, existsCopy));
                        (exists, path) = (true, path.Substring(0, slash));
                        continue;
                    }

                    setups.Add(() => pathCopy + " " + existsCopy);
                    break;
                }

                while (frames.Count > 0)
                {
                    var (pathCopy, existsCopy) = frames.Pop();
                    setups.Add(() => pathCopy + " " + existsCopy);
                }
            }
        }
        """;

    /// <summary>
    /// The lambda reads the parameter after the call (Sonarr's <c>WithExistingFolder</c>, a Moq <c>Setup(v =>
    /// v.FolderExists(path))</c> after <c>WithExistingFolder(dir)</c>): the copy goes into the frame and is declared
    /// anew in each round of the unwinding loop.
    /// </summary>
    [Fact]
    public Task Lambda_after_the_call_reads_the_copy_restored_from_the_frame() => Verify4.VerifyFixAsync(AfterSource, AfterFixed);

    [Fact]
    public void After_original_and_fixed_code_give_the_same_results()
    {
        var before = TestCompiler.CompileAndLoad(TestCompiler.StripMarkup(AfterSource));
        var after = TestCompiler.CompileAndLoad(AfterFixed);
        foreach (var path in new[] { "a", "/a", "/a/b", "/a/b/c/d", "/a/b!/c", "x!/y", "/a/b/c" })
        {
            Assert.Equal(RunExists(before, path), RunExists(after, path));
        }
    }

    private static string RunExists(System.Reflection.Assembly assembly, string path)
    {
        var setups = new List<Func<string>>();
        string outcome;
        try
        {
            TestCompiler.Invoke(assembly, "Folders", "Exists", path, setups, true);
            outcome = "ok";
        }
        catch (Exception exception)
        {
            outcome = exception.GetType().Name + ": " + exception.Message;
        }

        return outcome + " | " + string.Join(",", setups.Select(c => c()));
    }

    private static string Run(System.Reflection.Assembly assembly, string path)
    {
        var checks = new List<Func<string>>();
        var created = new List<string> { "/a" };
        string outcome;
        try
        {
            TestCompiler.Invoke(assembly, "Folders", "Create", path, checks, created);
            outcome = "ok";
        }
        catch (Exception exception)
        {
            outcome = exception.GetType().Name + ": " + exception.Message;
        }

        return outcome + " | " + string.Join(",", checks.Select(c => c())) + " | " + string.Join(",", created);
    }
}
