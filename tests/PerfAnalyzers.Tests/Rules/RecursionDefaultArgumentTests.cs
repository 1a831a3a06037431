using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF004/PERF005 fixes on self-calls that omit an optional argument (Sonarr's <c>WithExistingFolder(dir)</c> for
/// <c>bool exists = true</c>): the parameter is reassigned its default value, as the call passed it. Exact output, Fix
/// All (the verifier), a throwing branch, and a run of the original and the fixed code compared on values, exceptions
/// and the order of side effects.
/// </summary>
public class RecursionDefaultArgumentTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;

        public static class Folders
        {
            public static void Walk(string path, List<string> log, bool exists = true)
            {
                if (path.Length == 0) throw new ArgumentException("empty");
                var cut = path.LastIndexOf('/');
                if (exists && cut > 0)
                {
                    [|Walk(path.Substring(0, cut), log)|];
                }

                log.Add(path + ":" + exists);
            }

            public static void Tail(string path, List<string> log, char separator = '/')
            {
                if (path.Length == 0) throw new ArgumentException("empty");
                log.Add(path + separator);
                var cut = path.LastIndexOf(separator);
                if (cut <= 0) return;
                [|Tail(path.Substring(0, cut), log)|];
            }
        }
        """;

    private const string Fixed4 = """
        using System;
        using System.Collections.Generic;

        public static class Folders
        {
            public static void Walk(string path, List<string> log, bool exists = true)
            {
                var frames = new Stack<(string path, bool exists)>();
                while (true)
                {
                    if (path.Length == 0) throw new ArgumentException("empty");
                    var cut = path.LastIndexOf('/');
                    if (exists && cut > 0)
                    {
                        frames.Push((path, exists));
                        (exists, path) = (true, path.Substring(0, cut));
                        continue;
                    }

                    log.Add(path + ":" + exists);
                    break;
                }

                while (frames.Count > 0)
                {
                    (path, exists) = frames.Pop();
                    log.Add(path + ":" + exists);
                }
            }

            public static void Tail(string path, List<string> log, char separator = '/')
            {
                if (path.Length == 0) throw new ArgumentException("empty");
                log.Add(path + separator);
                var cut = path.LastIndexOf(separator);
                if (cut <= 0) return;
                {|PERF005:Tail(path.Substring(0, cut), log)|};
            }
        }
        """;

    private const string Fixed5 = """
        using System;
        using System.Collections.Generic;

        public static class Folders
        {
            public static void Walk(string path, List<string> log, bool exists = true)
            {
                if (path.Length == 0) throw new ArgumentException("empty");
                var cut = path.LastIndexOf('/');
                if (exists && cut > 0)
                {
                    Walk(path.Substring(0, cut), log);
                }

                log.Add(path + ":" + exists);
            }

            public static void Tail(string path, List<string> log, char separator = '/')
            {
                while (true)
                {
                    if (path.Length == 0) throw new ArgumentException("empty");
                    log.Add(path + separator);
                    var cut = path.LastIndexOf(separator);
                    if (cut <= 0) return;
                    (separator, path) = ('/', path.Substring(0, cut));
                }
            }
        }
        """;

    [Fact]
    public Task PERF004_omitted_optional_argument_is_reassigned_its_default() =>
        new CodeFixTest<PERF004NonTailRecursionAnalyzer, PERF004IntroduceAccumulatorCodeFix>
        {
            TestCode = Source.Replace("[|Tail(path.Substring(0, cut), log)|]", "Tail(path.Substring(0, cut), log)"),
            FixedCode = Fixed4.Replace("{|PERF005:Tail(path.Substring(0, cut), log)|}", "Tail(path.Substring(0, cut), log)"),
        }.RunAsync();

    [Fact]
    public Task PERF005_omitted_optional_argument_is_reassigned_its_default() =>
        new CodeFixTest<PERF005TailRecursionAnalyzer, PERF005ConvertTailRecursionToLoopCodeFix>
        {
            TestCode = Source.Replace("[|Walk(path.Substring(0, cut), log)|]", "Walk(path.Substring(0, cut), log)"),
            FixedCode = Fixed5,
        }.RunAsync();

    [Fact]
    public async Task Original_and_fixed_code_log_the_same_and_throw_the_same()
    {
        var plain = TestCompiler.StripMarkup(Source);
        var (fixedText, applied) = await FixApplier.ApplyEachAsync<PERF004NonTailRecursionAnalyzer, PERF004IntroduceAccumulatorCodeFix>(plain);
        Assert.Equal(1, applied);
        (fixedText, applied) = await FixApplier.ApplyEachAsync<PERF005TailRecursionAnalyzer, PERF005ConvertTailRecursionToLoopCodeFix>(fixedText);
        Assert.Equal(1, applied);
        Assert.DoesNotContain("Walk(path.Substring", fixedText);
        Assert.DoesNotContain("Tail(path.Substring", fixedText);

        var before = TestCompiler.CompileAndLoad(plain);
        var after = TestCompiler.CompileAndLoad(fixedText);
        foreach (var path in new[] { "a", "/a", "a/b/c", "a//b", "/", "x/y/z/w/v", "" })
        {
            foreach (var method in new[] { "Walk", "Tail" })
            {
                foreach (var third in new object[] { true, false, '/', 'b' })
                {
                    if ((method == "Walk") != third is bool)
                    {
                        continue;
                    }

                    Assert.Equal(Run(before, method, path, third), Run(after, method, path, third));
                }
            }
        }

        // Deep input: one frame for the loops.
        var deep = string.Join("/", Enumerable.Repeat("d", 20_000));
        Assert.StartsWith("log 20000:", Run(after, "Walk", deep, true));
    }

    private static string Run(System.Reflection.Assembly assembly, string method, string path, object third)
    {
        var log = new List<string>();
        try
        {
            TestCompiler.Invoke(assembly, "Folders", method, path, log, third);
            return "log " + log.Count + ": " + string.Join(",", log.Take(50));
        }
        catch (Exception exception)
        {
            return exception.GetType().Name + ": " + exception.Message + " after " + string.Join(",", log);
        }
    }
}
