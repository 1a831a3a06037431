using PerfAnalyzers.Tests.Verifiers;
using Verify4 = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF004NonTailRecursionAnalyzer, PerfAnalyzers.CodeFixes.PERF004IntroduceAccumulatorCodeFix>;
using Verify5 = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF005TailRecursionAnalyzer, PerfAnalyzers.CodeFixes.PERF005ConvertTailRecursionToLoopCodeFix>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF004/PERF005 conversions where a lambda reads a parameter that the self-call changes (Sonarr's
/// <c>Ensure.That(directoryName, () => directoryName)</c> in <c>CreateFolder</c>): each round gets its own copy
/// (<c>var directoryNameCopy = directoryName;</c>) and the lambdas read it, so a lambda run later still sees the value
/// of its own round. Exact output, Fix All (the verifier), a throwing branch, original and fixed code run and compared
/// (the lambdas are stored and run after the recursion ended). No fix where the parameter is assigned in the body.
/// </summary>
public class RecursionCapturedParameterFixTests
{
    private const string TailSource = """
        using System;
        using System.Collections.Generic;

        public static class Folders
        {
            public static void Walk(string path, List<Func<string>> checks)
            {
                if (path.Contains("!"))
                {
                    throw new ArgumentException("bad path " + path);
                }

                checks.Add(() => "checked " + path);
                var slash = path.LastIndexOf('/');
                if (slash <= 0)
                {
                    return;
                }

                [|Walk(path.Substring(0, slash), checks)|];
            }
        }
        """;

    private const string TailFixed = """
        using System;
        using System.Collections.Generic;

        public static class Folders
        {
            public static void Walk(string path, List<Func<string>> checks)
            {
                while (true)
                {
                    var pathCopy = path;
                    if (path.Contains("!"))
                    {
                        throw new ArgumentException("bad path " + path);
                    }

                    checks.Add(() => "checked " + pathCopy);
                    var slash = path.LastIndexOf('/');
                    if (slash <= 0)
                    {
                        return;
                    }

                    path = path.Substring(0, slash);
                }
            }
        }
        """;

    [Fact]
    public Task Tail_call_with_a_captured_parameter_gets_a_copy_per_round() => Verify5.VerifyFixAsync(TailSource, TailFixed);

    [Fact]
    public void Tail_original_and_fixed_code_give_the_same_results()
    {
        var before = TestCompiler.CompileAndLoad(TestCompiler.StripMarkup(TailSource));
        var after = TestCompiler.CompileAndLoad(TailFixed);
        foreach (var path in new[] { "a", "/a", "/a/b", "/a/b/c/d", "/a/b!/c", "x!/y" })
        {
            Assert.Equal(Run(before, "Walk", path), Run(after, "Walk", path));
        }
    }

    private static string Run(System.Reflection.Assembly assembly, string method, string path)
    {
        var checks = new List<Func<string>>();
        string outcome;
        try
        {
            TestCompiler.Invoke(assembly, "Folders", method, path, checks);
            outcome = "ok";
        }
        catch (Exception exception)
        {
            outcome = exception.GetType().Name + ": " + exception.Message;
        }

        // The lambdas run after the recursion (or the loop) ended.
        return outcome + " | " + string.Join(",", checks.Select(c => c()));
    }

    /// <summary>The parameter is assigned in the body: the copy would not follow it, no fix.</summary>
    [Fact]
    public Task No_fix_when_the_parameter_is_assigned() => Verify5.VerifyNoFixAsync("""
        using System;
        using System.Collections.Generic;

        public static class Folders
        {
            public static void Walk(string path, List<Func<string>> checks)
            {
                checks.Add(() => "checked " + path);
                path = path.Trim();
                var slash = path.LastIndexOf('/');
                if (slash <= 0)
                {
                    return;
                }

                [|Walk(path.Substring(0, slash), checks)|];
            }
        }
        """);
}
