using System.Globalization;
using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// The fixes of <see cref="PERF001FixShapesTests"/>'s shapes, run: the original and the fixed code (exact text and Fix
/// All checked first) are compiled and executed on the same inputs — empty, one element, nulls, empty strings, 300
/// elements — under several current cultures (invariant, de-DE with a decimal comma, fr-FR with a narrow no-break space
/// as group separator, tr-TR), and must return the same strings.
/// </summary>
public class PERF001FixShapesRunTests
{
    private static readonly string[] Cultures = { "", "de-DE", "fr-FR", "tr-TR" };

    private static readonly object?[][] Inputs =
    {
        new object?[] { Array.Empty<string?>() },
        new object?[] { new string?[] { "a" } },
        new object?[] { new string?[] { null } },
        new object?[] { new string?[] { "alpha", "", null, "GO", "delta;", "x", null, "GO", "İi" } },
        new object?[] { new string?[] { "one", "two", "GO", "three;", "four", "five", "six;", "seven", "eight", "nine" } },
        new object?[] { Enumerable.Range(0, 300).Select(i => i % 7 == 0 ? null : i % 11 == 0 ? "GO" : "item" + i + (i % 5 == 0 ? ";" : "")).ToArray() },
    };

    private static async Task AssertSameResultsAsync(string original, string fixedCode, string method)
    {
        await new CodeFixTest<PERF001StringConcatenationInLoopAnalyzer, PERF001UseStringBuilderCodeFix>
        {
            TestCode = original,
            FixedCode = fixedCode,
        }.RunAsync();

        var before = TestCompiler.CompileAndLoad(TestCompiler.StripMarkup(original));
        var after = TestCompiler.CompileAndLoad(TestCompiler.StripMarkup(fixedCode));
        var saved = CultureInfo.CurrentCulture;
        try
        {
            foreach (var culture in Cultures)
            {
                CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
                foreach (var input in Inputs)
                {
                    var expected = TestCompiler.Invoke(before, "Sample", method, input);
                    var actual = TestCompiler.Invoke(after, "Sample", method, input);
                    Assert.Equal(expected, actual);
                }
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public Task Wraps_prefixes_and_non_string_prefixes() => AssertSameResultsAsync("""
        #nullable enable
        using System.Collections.Generic;

        public static class Sample
        {
            public static string Build(string?[] items)
            {
                var s = "(seed)";
                var i = 0;
                foreach (var item in items)
                {
                    double d = i * 1.5;
                    object? boxed = i % 3 == 0 ? null : d;
                    int? maybe = i % 2 == 0 ? null : i;
                    [|s = "<" + item + s + ">" + d|];
                    s = $"[{d:N1}|{s}|{item}]";
                    s = d + s;
                    s = boxed + s;
                    s = maybe + s;
                    s = (char)('a' + i % 26) + s;
                    s = string.Concat(item, "/", s);
                    s = i + "." + d + s;
                    s += item;
                    i++;
                }
                return s;
            }
        }
        """, """
        #nullable enable
        using System.Collections.Generic;
        using System.Text;

        public static class Sample
        {
            public static string Build(string?[] items)
            {
                var s = "(seed)";
                var i = 0;
                var sBuilder = new StringBuilder(s);
                var sPrefixes = new Stack<string>();
                foreach (var item in items)
                {
                    double d = i * 1.5;
                    object? boxed = i % 3 == 0 ? null : d;
                    int? maybe = i % 2 == 0 ? null : i;
                    sPrefixes.Push("<" + item);
                    sBuilder.Append(">").Append(d);
                    sPrefixes.Push($"[{d:N1}|");
                    sBuilder.Append($"|{item}]");
                    sPrefixes.Push(d.ToString());
                    sPrefixes.Push(boxed?.ToString());
                    sPrefixes.Push(maybe?.ToString());
                    sPrefixes.Push(((char)('a' + i % 26)).ToString());
                    sPrefixes.Push(item + "/");
                    sPrefixes.Push(i + "." + d);
                    sBuilder.Append(item);
                    i++;
                }
                s = string.Concat(sPrefixes) + sBuilder.ToString();
                return s;
            }
        }
        """, "Build");

    [Fact]
    public Task String_Format_appends_and_prepends_with_and_without_a_provider() => AssertSameResultsAsync("""
        #nullable enable
        using System.Globalization;

        public static class Sample
        {
            public static string Build(string?[] items)
            {
                var s = "";
                var t = "";
                var i = 0;
                foreach (var item in items)
                {
                    var d = i * 1234.5678;
                    object? boxed = i % 3 == 0 ? null : d;
                    [|s = string.Format("{0}{1}={2,10:N2}; {{{1}}} {3}", s, item, d, boxed)|];
                    s = string.Format(CultureInfo.InvariantCulture, "{0}[{1:F1}]", s, d);
                    s = string.Format("{0}|", s);
                    [|t = string.Format("{1:0.00}/{0}", t, d)|];
                    t = string.Format(CultureInfo.GetCultureInfo("de-DE"), "{1}{0}", t, d);
                    t = string.Format("{0}{1}", d, t);
                    i++;
                }
                return s + "#" + t;
            }
        }
        """, """
        #nullable enable
        using System.Collections.Generic;
        using System.Globalization;
        using System.Text;

        public static class Sample
        {
            public static string Build(string?[] items)
            {
                var s = "";
                var t = "";
                var i = 0;
                var sBuilder = new StringBuilder(s);
                var tPrefixes = new Stack<string>();
                foreach (var item in items)
                {
                    var d = i * 1234.5678;
                    object? boxed = i % 3 == 0 ? null : d;
                    sBuilder.AppendFormat("{0}={1,10:N2}; {{{0}}} {2}", item, d, boxed);
                    sBuilder.AppendFormat(CultureInfo.InvariantCulture, "[{0:F1}]", d);
                    sBuilder.Append("|");
                    tPrefixes.Push(string.Format("{0:0.00}/", d));
                    tPrefixes.Push(string.Format(CultureInfo.GetCultureInfo("de-DE"), "{0}", d));
                    tPrefixes.Push(string.Format("{0}", d));
                    i++;
                }
                t = string.Concat(tPrefixes) + t;
                s = sBuilder.ToString();
                return s + "#" + t;
            }
        }
        """, "Build");

    [Fact]
    public Task Reads_and_resets_in_the_loop() => AssertSameResultsAsync("""
        #nullable enable
        using System.Collections.Generic;

        public static class Sample
        {
            public static string Build(string?[] lines)
            {
                var result = new List<string>();
                var command = "";
                foreach (var line in lines)
                {
                    if (line == "GO")
                    {
                        if (command.Length > 0)
                        {
                            result.Add(command);
                            command = string.Empty;
                        }
                    }
                    else if (line is null || !line.EndsWith(";"))
                    {
                        [|command += line + "\n"|];
                    }
                    else
                    {
                        command += line;
                        result.Add(command.Trim() + command.Length);
                        command = "-- next";
                    }
                }
                return string.Join("|", result) + "#" + command + "#" + Join(lines, "x");
            }

            public static string Names(string?[] tokens) => Join(tokens, "x");

            private static string Join(string?[] tokens, string path)
            {
                var displayName = string.Empty;
                foreach (var token in tokens)
                {
                    if (displayName.Length > 0)
                    {
                        [|displayName += " » "|];
                    }

                    displayName += token ?? string.Empty;
                }

                path = "";
                for (var i = 0; i < tokens.Length; i++)
                {
                    [|path += (i > 0 ? "/" : string.Empty) + tokens[i]|];
                }

                return displayName + "#" + path;
            }
        }
        """, """
        #nullable enable
        using System.Collections.Generic;
        using System.Text;

        public static class Sample
        {
            public static string Build(string?[] lines)
            {
                var result = new List<string>();
                var command = "";
                var commandBuilder = new StringBuilder(command);
                foreach (var line in lines)
                {
                    if (line == "GO")
                    {
                        if (commandBuilder.Length > 0)
                        {
                            result.Add(commandBuilder.ToString());
                            commandBuilder.Clear();
                        }
                    }
                    else if (line is null || !line.EndsWith(";"))
                    {
                        commandBuilder.Append(line).Append("\n");
                    }
                    else
                    {
                        commandBuilder.Append(line);
                        result.Add(commandBuilder.ToString().Trim() + commandBuilder.Length);
                        commandBuilder.Clear().Append("-- next");
                    }
                }
                command = commandBuilder.ToString();
                return string.Join("|", result) + "#" + command + "#" + Join(lines, "x");
            }

            public static string Names(string?[] tokens) => Join(tokens, "x");

            private static string Join(string?[] tokens, string path)
            {
                var displayName = string.Empty;
                var displayNameBuilder = new StringBuilder(displayName);
                foreach (var token in tokens)
                {
                    if (displayNameBuilder.Length > 0)
                    {
                        displayNameBuilder.Append(" » ");
                    }

                    displayNameBuilder.Append(token ?? string.Empty);
                }
                displayName = displayNameBuilder.ToString();

                path = "";
                var pathBuilder = new StringBuilder(path);
                for (var i = 0; i < tokens.Length; i++)
                {
                    pathBuilder.Append(i > 0 ? "/" : string.Empty).Append(tokens[i]);
                }
                path = pathBuilder.ToString();

                return displayName + "#" + path;
            }
        }
        """, "Build");

    [Fact]
    public Task Names_with_a_parameter_and_a_length_guard() => AssertSameResultsAsync("""
        #nullable enable
        public static class Sample
        {
            public static string Names(string?[] tokens) => Join(tokens, "x");

            private static string Join(string?[] tokens, string path)
            {
                path = path.Trim();
                for (var i = 0; i < tokens.Length; i++)
                {
                    if (path.Length > 3)
                    {
                        [|path += ","|];
                    }

                    path = path + i + 1 + tokens[i];
                }

                return path;
            }
        }
        """, """
        #nullable enable
        using System.Text;

        public static class Sample
        {
            public static string Names(string?[] tokens) => Join(tokens, "x");

            private static string Join(string?[] tokens, string path)
            {
                path = path.Trim();
                var pathBuilder = new StringBuilder(path);
                for (var i = 0; i < tokens.Length; i++)
                {
                    if (pathBuilder.Length > 3)
                    {
                        pathBuilder.Append(",");
                    }

                    pathBuilder.Append(i).Append(1).Append(tokens[i]);
                }
                path = pathBuilder.ToString();

                return path;
            }
        }
        """, "Names");
}
