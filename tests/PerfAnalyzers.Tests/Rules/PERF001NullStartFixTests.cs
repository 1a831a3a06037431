using System.Globalization;
using Microsoft.CodeAnalysis;
using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF001StringConcatenationInLoopAnalyzer, PerfAnalyzers.CodeFixes.PERF001UseStringBuilderCodeFix>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF001 "Use StringBuilder" for a string that may be null when the loop starts and is tested for null in the loop
/// (btcpayserver's <c>string? message = null; ... if (message is null) message = "Payouts scheduled:"; message += ..</c>):
/// the builder is null exactly when the string is. Exact output, Fix All (the verifier), no new compiler warning, and a
/// run of the original and the fixed code on nulls, empty input and several cultures.
/// </summary>
public class PERF001NullStartFixTests
{
    private const string Source = """
        #nullable enable
        using System;
        using System.Collections.Generic;

        public static class Sample
        {
            public static string Report(string?[] items)
            {
                string? message = null;
                string? errorMessage = null;
                foreach (var item in items)
                {
                    if (item is not null && item.Length > 0)
                    {
                        if (message is null)
                        {
                            message = "Done:";
                        }

                        [|message += $" {item} at {item.Length * 1.5}"|];
                    }
                    else
                    {
                        if (errorMessage == null)
                        {
                            errorMessage = "Failed:";
                        }

                        switch (item)
                        {
                            case null:
                                [|errorMessage += " null"|];
                                break;
                            default:
                                errorMessage += " empty";
                                break;
                        }
                    }
                }

                if (message is not null && errorMessage is not null)
                {
                    message += " / " + errorMessage;
                }

                return (message ?? "<null>") + "|" + (errorMessage ?? "<null>");
            }

            public static string Tail(string?[] items)
            {
                string? tail = null;
                for (var i = 0; i < items.Length; i++)
                {
                    if (items[i] == "GO")
                    {
                        tail = null;
                        continue;
                    }

                    [|tail += items[i] + ";"|];
                }

                return tail ?? "<null>";
            }
        }
        """;

    private const string Fixed = """
        #nullable enable
        using System;
        using System.Collections.Generic;
        using System.Text;

        public static class Sample
        {
            public static string Report(string?[] items)
            {
                string? message = null;
                string? errorMessage = null;
                StringBuilder? messageBuilder = null;
                StringBuilder? errorMessageBuilder = null;
                foreach (var item in items)
                {
                    if (item is not null && item.Length > 0)
                    {
                        if (messageBuilder is null)
                        {
                            messageBuilder = new StringBuilder("Done:");
                        }

                        messageBuilder.Append($" {item} at {item.Length * 1.5}");
                    }
                    else
                    {
                        if (errorMessageBuilder == null)
                        {
                            errorMessageBuilder = new StringBuilder("Failed:");
                        }

                        switch (item)
                        {
                            case null:
                                errorMessageBuilder.Append(" null");
                                break;
                            default:
                                errorMessageBuilder.Append(" empty");
                                break;
                        }
                    }
                }
                errorMessage = errorMessageBuilder?.ToString();
                message = messageBuilder?.ToString();

                if (message is not null && errorMessage is not null)
                {
                    message += " / " + errorMessage;
                }

                return (message ?? "<null>") + "|" + (errorMessage ?? "<null>");
            }

            public static string Tail(string?[] items)
            {
                string? tail = null;
                StringBuilder? tailBuilder = null;
                for (var i = 0; i < items.Length; i++)
                {
                    if (items[i] == "GO")
                    {
                        tailBuilder = null;
                        continue;
                    }

                    (tailBuilder ??= new StringBuilder()).Append(items[i]).Append(";");
                }
                tail = tailBuilder?.ToString();

                return tail ?? "<null>";
            }
        }
        """;

    [Fact]
    public Task Null_start_with_null_tests_and_resets() => Verify.VerifyFixAsync(Source, Fixed);

    [Fact]
    public void Fixed_code_has_no_new_warning()
    {
        Assert.Empty(Warnings(TestCompiler.StripMarkup(Source)));
        Assert.Empty(Warnings(Fixed));
    }

    [Fact]
    public void Original_and_fixed_code_give_the_same_strings()
    {
        var before = TestCompiler.CompileAndLoad(TestCompiler.StripMarkup(Source));
        var after = TestCompiler.CompileAndLoad(Fixed);
        var inputs = new[]
        {
            Array.Empty<string?>(),
            new string?[] { null },
            new string?[] { "" },
            new string?[] { "a" },
            new string?[] { "alpha", "", null, "GO", "delta", null, "GO", "İi" },
            new string?[] { "GO" },
            Enumerable.Range(0, 300).Select(i => i % 7 == 0 ? null : i % 11 == 0 ? "GO" : i % 13 == 0 ? "" : "item" + i).ToArray(),
        };
        var saved = CultureInfo.CurrentCulture;
        try
        {
            foreach (var culture in new[] { "", "de-DE", "fr-FR", "tr-TR" })
            {
                CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
                foreach (var input in inputs)
                {
                    foreach (var method in new[] { "Report", "Tail" })
                    {
                        Assert.Equal(TestCompiler.Invoke(before, "Sample", method, new object?[] { input }), TestCompiler.Invoke(after, "Sample", method, new object?[] { input }));
                    }
                }
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    /// <summary>Other reads of a string that may be null (here <c>message.Length</c> behind a null test) keep the diagnostic with no fix.</summary>
    [Fact]
    public Task No_fix_for_other_reads_of_a_null_start_string() => Verify.VerifyNoFixAsync("""
        #nullable enable
        public static class Sample
        {
            public static string? Report(string[] items)
            {
                string? message = null;
                foreach (var item in items)
                {
                    if (message is not null && message.Length > 100)
                    {
                        break;
                    }

                    [|message += item|];
                }

                return message;
            }
        }
        """);

    /// <summary>A prepend to a string that may be null keeps the diagnostic with no fix.</summary>
    [Fact]
    public Task No_fix_for_prepends_to_a_null_start_string() => Verify.VerifyNoFixAsync("""
        #nullable enable
        public static class Sample
        {
            public static string? Report(string[] items, string? path)
            {
                foreach (var item in items)
                {
                    [|path = item + "/" + path|];
                }

                return path;
            }
        }
        """);

    /// <summary>A parameter that may be null: the builder is made from it when it is not null, and appends create it when it is.</summary>
    [Fact]
    public Task Parameter_that_may_be_null() => Verify.VerifyFixAsync("""
        #nullable enable
        public static class Sample
        {
            public static string? Join(string[] items, string? text)
            {
                foreach (var item in items)
                {
                    if (item.Length == 0)
                    {
                        throw new System.ArgumentException("empty item");
                    }

                    [|text += item|];
                }

                return text;
            }
        }
        """, """
        #nullable enable
        using System.Text;

        public static class Sample
        {
            public static string? Join(string[] items, string? text)
            {
                var textBuilder = text is null ? null : new StringBuilder(text);
                foreach (var item in items)
                {
                    if (item.Length == 0)
                    {
                        throw new System.ArgumentException("empty item");
                    }

                    (textBuilder ??= new StringBuilder()).Append(item);
                }
                text = textBuilder?.ToString();

                return text;
            }
        }
        """);

    /// <summary>
    /// A <c>string?</c> parameter appended to with no null test: fixed the same way. A parameter declared non-nullable
    /// (a caller in an oblivious context may still pass null) keeps the diagnostic with no fix: <c>d = dBuilder?.ToString()</c>
    /// would warn.
    /// </summary>
    [Fact]
    public Task String_that_may_be_null_without_null_tests() => Verify.VerifyFixAsync("""
        #nullable enable
        class C
        {
            string M(string[] items, string? a, string d)
            {
                foreach (var item in items) [|a += item|];
                foreach (var item in items) [|d += item|];
                return a + d;
            }
        }
        """, """
        #nullable enable
        using System.Text;

        class C
        {
            string M(string[] items, string? a, string d)
            {
                var aBuilder = a is null ? null : new StringBuilder(a);
                foreach (var item in items) (aBuilder ??= new StringBuilder()).Append(item);
                a = aBuilder?.ToString();
                foreach (var item in items) [|d += item|];
                return a + d;
            }
        }
        """);

    private static List<string> Warnings(string source) =>
        TestCompiler.CreateCompilation(new[] { source })
            .GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Warning)
            .Select(d => d.ToString())
            .ToList();
}
