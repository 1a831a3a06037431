using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF001 fixes, run: the verifier proves the fix produces the fixed text exactly; here the original and the fixed
/// code are compiled and executed on the same inputs, and must return the same strings.
/// </summary>
public class PERF001RunTests
{
    private static readonly object?[][] Inputs =
    {
        new object?[] { Array.Empty<string>() },
        new object?[] { new[] { "a" } },
        new object?[] { new[] { "alpha", "", "gamma", "delta", "x" } },
        new object?[] { new[] { "one", "two", "stop", "three", "four", "five", "six", "seven", "eight", "nine" } },
        new object?[] { Enumerable.Range(0, 300).Select(i => "item" + i).ToArray() },
    };

    /// <summary>Checks the fix (exact text, Fix All), then runs original and fixed code on every input (default <see cref="Inputs"/>).</summary>
    internal static async Task AssertSameResultsAsync(string original, string fixedCode, string method, object?[][]? inputs = null)
    {
        await new CodeFixTest<PERF001StringConcatenationInLoopAnalyzer, PERF001UseStringBuilderCodeFix>
        {
            TestCode = original,
            FixedCode = fixedCode,
        }.RunAsync();

        var before = TestCompiler.CompileAndLoad(TestCompiler.StripMarkup(original));
        var after = TestCompiler.CompileAndLoad(TestCompiler.StripMarkup(fixedCode));
        foreach (var input in inputs ?? Inputs)
        {
            var expected = TestCompiler.Invoke(before, "Sample", method, input);
            var actual = TestCompiler.Invoke(after, "Sample", method, input);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public Task Mixed_value_types_chains_interpolation_and_Concat() => AssertSameResultsAsync("""
        using System.Collections.Generic;

        public static class Sample
        {
            public static string Build(string[] items)
            {
                var s = "start:";
                var i = 0;
                foreach (var item in items)
                {
                    object? boxed = i % 3 == 0 ? null : (object)i;
                    int? maybe = i % 2 == 0 ? null : i;
                    [|s += item + ',' + i + ',' + (i * 0.5) + ',' + (i % 2 == 0) + ',' + boxed + ',' + maybe + ';'|];
                    s += 1 + 2 + "|";
                    s = s + 1 + 2;
                    s = $"{s}[{i:D3}]";
                    s = string.Concat(s, item, "<", (string?)null, ">");
                    s += item.Length > 3 ? item.Substring(0, 3) : null;
                    i++;
                }
                return s;
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Text;

        public static class Sample
        {
            public static string Build(string[] items)
            {
                var s = "start:";
                var i = 0;
                var sBuilder = new StringBuilder(s);
                foreach (var item in items)
                {
                    object? boxed = i % 3 == 0 ? null : (object)i;
                    int? maybe = i % 2 == 0 ? null : i;
                    sBuilder.Append(item).Append(',').Append(i).Append(',').Append(i * 0.5).Append(',').Append(i % 2 == 0).Append(',').Append(boxed).Append(',').Append(maybe).Append(';');
                    sBuilder.Append(1 + 2).Append("|");
                    sBuilder.Append(1).Append(2);
                    sBuilder.Append($"[{i:D3}]");
                    sBuilder.Append(item).Append("<").Append((string?)null).Append(">");
                    sBuilder.Append(item.Length > 3 ? item.Substring(0, 3) : null);
                    i++;
                }
                s = sBuilder.ToString();
                return s;
            }
        }
        """, "Build");

    [Fact]
    public Task Nested_loops_break_continue_and_ForEach() => AssertSameResultsAsync("""
        using System.Collections.Generic;

        public static class Sample
        {
            public static string Build(string[] items)
            {
                var report = "";
                var list = new List<string>(items);
                foreach (var item in items)
                {
                    if (item.Length == 0) continue;
                    if (item == "stop") break;
                    for (var k = 0; k < item.Length; k++)
                    {
                        if (k == 2) continue;
                        [|report += item[k]|];
                    }
                    report += "\n";
                }
                list.ForEach(x => [|report += x.ToUpperInvariant()|]);
                var j = 0;
                do
                {
                    [|report = report + j + "."|];
                    j++;
                } while (j < items.Length);
                return report;
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Text;

        public static class Sample
        {
            public static string Build(string[] items)
            {
                var report = "";
                var list = new List<string>(items);
                var reportBuilder = new StringBuilder(report);
                foreach (var item in items)
                {
                    if (item.Length == 0) continue;
                    if (item == "stop") break;
                    for (var k = 0; k < item.Length; k++)
                    {
                        if (k == 2) continue;
                        reportBuilder.Append(item[k]);
                    }
                    reportBuilder.Append("\n");
                }
                report = reportBuilder.ToString();
                var reportBuilder2 = new StringBuilder(report);
                list.ForEach(x => reportBuilder2.Append(x.ToUpperInvariant()));
                report = reportBuilder2.ToString();
                var j = 0;
                var reportBuilder3 = new StringBuilder(report);
                do
                {
                    reportBuilder3.Append(j).Append(".");
                    j++;
                } while (j < items.Length);
                report = reportBuilder3.ToString();
                return report;
            }
        }
        """, "Build");

    [Fact]
    public Task Aggregate_and_its_string_Join_replacement_agree_on_non_empty_input()
    {
        const string original = """
            using System.Linq;

            public static class Sample
            {
                public static string Join(string[] items) => items.Aggregate((a, b) => a + ", " + b);
            }
            """;
        const string fixedCode = """
            using System.Linq;

            public static class Sample
            {
                public static string Join(string[] items) => string.Join(", ", items);
            }
            """;
        var before = TestCompiler.CompileAndLoad(original);
        var after = TestCompiler.CompileAndLoad(fixedCode);
        foreach (var input in Inputs.Skip(1))
        {
            Assert.Equal(TestCompiler.Invoke(before, "Sample", "Join", input), TestCompiler.Invoke(after, "Sample", "Join", input));
        }

        // The documented difference: Aggregate without a seed throws on an empty sequence, string.Join returns "".
        Assert.Throws<InvalidOperationException>(() => TestCompiler.Invoke(before, "Sample", "Join", new object[] { Array.Empty<string>() }));
        Assert.Equal("", TestCompiler.Invoke(after, "Sample", "Join", new object[] { Array.Empty<string>() }));
        return CodeFixVerifier<PERF001StringConcatenationInLoopAnalyzer, PERF001UseStringBuilderCodeFix>.VerifyFixAsync(
            original.Replace("items.Aggregate((a, b) => a + \", \" + b)", "items.[|Aggregate((a, b) => a + \", \" + b)|]"),
            fixedCode);
    }
}
