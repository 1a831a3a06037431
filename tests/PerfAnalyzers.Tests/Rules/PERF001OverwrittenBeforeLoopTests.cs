using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF001StringConcatenationInLoopAnalyzer, PerfAnalyzers.CodeFixes.PERF001UseStringBuilderCodeFix>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF001 "Use StringBuilder" where the string was assigned a value that may be null earlier in its scope, but a later
/// statement of the same block resets it to a non-null string before the loop (smartstore's
/// <c>MediaService.CreateFolderAsync</c>: <c>path = NormalizePath(path); ..; path = string.Empty; for (..) path += ..</c>):
/// the maybe-null value never reaches the loop. Exact output, Fix All (the verifier), a conditional reset that gets no
/// fix, and a run of the original and the fixed code (a throwing branch included).
/// </summary>
public class PERF001OverwrittenBeforeLoopTests
{
    private const string Source = """
        #nullable disable
        using System;
        using System.Collections.Generic;

        public static class Folders
        {
            public static string Normalize(string path) => path?.Trim('/');

            public static List<string> Create(string path, HashSet<string> existing)
            {
                path = Normalize(path);
                if (path == null)
                {
                    throw new ArgumentNullException(nameof(path));
                }

                var names = path.Split('/');
                var created = new List<string>();
                path = string.Empty;
                for (int i = 0; i < names.Length; i++)
                {
                    [|path += (i > 0 ? "/" : string.Empty) + names[i]|];
                    if (!existing.Contains(path))
                    {
                        if (i == 0)
                        {
                            throw new NotSupportedException("top level " + path);
                        }

                        created.Add(path);
                    }
                }

                return created;
            }
        }
        """;

    private const string Fixed = """
        #nullable disable
        using System;
        using System.Collections.Generic;
        using System.Text;

        public static class Folders
        {
            public static string Normalize(string path) => path?.Trim('/');

            public static List<string> Create(string path, HashSet<string> existing)
            {
                path = Normalize(path);
                if (path == null)
                {
                    throw new ArgumentNullException(nameof(path));
                }

                var names = path.Split('/');
                var created = new List<string>();
                path = string.Empty;
                var pathBuilder = new StringBuilder(path);
                for (int i = 0; i < names.Length; i++)
                {
                    pathBuilder.Append(i > 0 ? "/" : string.Empty).Append(names[i]);
                    if (!existing.Contains(pathBuilder.ToString()))
                    {
                        if (i == 0)
                        {
                            throw new NotSupportedException("top level " + pathBuilder.ToString());
                        }

                        created.Add(pathBuilder.ToString());
                    }
                }
                path = pathBuilder.ToString();

                return created;
            }
        }
        """;

    [Fact]
    public Task A_maybe_null_value_overwritten_before_the_loop_does_not_block_the_fix() => Verify.VerifyFixAsync(Source, Fixed);

    [Fact]
    public Task A_reset_that_may_not_run_blocks_the_fix() => Verify.VerifyNoFixAsync("""
        #nullable disable
        using System;
        using System.Collections.Generic;

        public static class Folders
        {
            public static string Normalize(string path) => path?.Trim('/');

            public static List<string> Create(string path, HashSet<string> existing)
            {
                path = Normalize(path);
                if (path == null)
                {
                    throw new ArgumentNullException(nameof(path));
                }

                var names = path.Split('/');
                var created = new List<string>();
                if (names.Length > 1)
                {
                    path = string.Empty;
                }

                for (int i = 0; i < names.Length; i++)
                {
                    [|path += (i > 0 ? "/" : string.Empty) + names[i]|];
                    if (!existing.Contains(path))
                    {
                        if (i == 0)
                        {
                            throw new NotSupportedException("top level " + path);
                        }

                        created.Add(path);
                    }
                }

                return created;
            }
        }
        """);

    [Fact]
    public void Original_and_fixed_code_give_the_same_results()
    {
        var before = TestCompiler.CompileAndLoad(TestCompiler.StripMarkup(Source));
        var after = TestCompiler.CompileAndLoad(Fixed);
        foreach (var path in new[] { null, "", "/", "a", "/a/b/", "a/b/c", "x/b", "a/b/c/d/e" })
        {
            foreach (var existing in new[] { new string[0], new[] { "a" }, new[] { "a", "a/b" }, new[] { "a", "a/b/c" } })
            {
                Assert.Equal(Run(before, path, existing), Run(after, path, existing));
            }
        }
    }

    private static string Run(System.Reflection.Assembly assembly, string? path, string[] existing)
    {
        try
        {
            var created = (List<string>)TestCompiler.Invoke(assembly, "Folders", "Create", path, new HashSet<string>(existing))!;
            return "created " + string.Join(";", created);
        }
        catch (Exception exception)
        {
            return exception.GetType().Name + ": " + exception.Message;
        }
    }
}
