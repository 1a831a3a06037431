using System.Globalization;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF001StringConcatenationInLoopAnalyzer, PerfAnalyzers.CodeFixes.PERF001UseStringBuilderCodeFix>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF001 on a string grown inside a <c>Select</c> selector whose result goes straight into <c>ToList()</c>/<c>ToArray()</c>
/// (a captured accumulator): the selector runs once per element there and then, so it is a loop. Reported, and fixed
/// like a loop (the builder around the statement) where the append's value is not used. A lazy <c>Select</c> (stored,
/// returned, enumerated later) is not reported. Exact output, Fix All, a throwing branch, and a run of the original and
/// the fixed code on nulls and several cultures.
/// </summary>
public class PERF001SelectAccumulatorTests
{
    private const string Source = """
        using System;
        using System.Linq;

        public static class Sample
        {
            public static string Run(string?[] items)
            {
                var log = "";
                var lengths = items.Select(item =>
                {
                    if (item == "!")
                    {
                        throw new InvalidOperationException("bang");
                    }

                    [|log += item + "=" + (item?.Length * 1.5) + ";"|];
                    return item?.Length ?? -1;
                }).ToList();
                return log + "|" + string.Join(",", lengths);
            }
        }
        """;

    private const string Fixed = """
        using System;
        using System.Linq;
        using System.Text;

        public static class Sample
        {
            public static string Run(string?[] items)
            {
                var log = "";
                var logBuilder = new StringBuilder(log);
                var lengths = items.Select(item =>
                {
                    if (item == "!")
                    {
                        throw new InvalidOperationException("bang");
                    }

                    logBuilder.Append(item).Append("=").Append(item?.Length * 1.5).Append(";");
                    return item?.Length ?? -1;
                }).ToList();
                log = logBuilder.ToString();
                return log + "|" + string.Join(",", lengths);
            }
        }
        """;

    [Fact]
    public Task Select_into_ToList_with_a_captured_accumulator_is_fixed() => Verify.VerifyFixAsync(Source, Fixed);

    [Fact]
    public void Original_and_fixed_code_give_the_same_strings()
    {
        var before = TestCompiler.CompileAndLoad(TestCompiler.StripMarkup(Source));
        var after = TestCompiler.CompileAndLoad(Fixed);
        var inputs = new[]
        {
            Array.Empty<string?>(),
            new string?[] { null },
            new string?[] { "a", "", null, "İi", "bb" },
            new string?[] { "a", "!", "b" },
            Enumerable.Range(0, 300).Select(i => i % 7 == 0 ? null : "item" + i).ToArray(),
        };
        var saved = CultureInfo.CurrentCulture;
        try
        {
            foreach (var culture in new[] { "", "de-DE", "fr-FR", "tr-TR" })
            {
                CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
                foreach (var input in inputs)
                {
                    Assert.Equal(Run(before, input), Run(after, input));
                }
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    /// <summary>The selector's value is the append's value: reported, no fix. A lazy Select is not reported at all.</summary>
    [Fact]
    public Task Value_used_gets_no_fix_and_lazy_select_is_not_reported() => Verify.VerifyNoFixAsync("""
        using System.Collections.Generic;
        using System.Linq;

        public static class Sample
        {
            public static string[] Prefixes(string[] items)
            {
                var path = "";
                return items.Select(item => [|path += "/" + item|]).ToArray();
            }

            public static IEnumerable<string> Lazy(string[] items)
            {
                var path = "";
                var query = items.Select(item =>
                {
                    path += "/" + item;
                    return path;
                });
                return query;
            }
        }
        """);

    private static string Run(System.Reflection.Assembly assembly, string?[] input)
    {
        try
        {
            return (string)TestCompiler.Invoke(assembly, "Sample", "Run", new object?[] { input })!;
        }
        catch (Exception exception)
        {
            return exception.GetType().Name + ": " + exception.Message;
        }
    }
}
