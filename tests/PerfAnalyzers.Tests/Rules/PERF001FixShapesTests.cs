using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using Verify = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF001StringConcatenationInLoopAnalyzer, PerfAnalyzers.CodeFixes.PERF001UseStringBuilderCodeFix>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF001 "Use StringBuilder" on the shapes that had no fix before (issue #17, part 1): wraps (a push and an append),
/// prefixes that are not strings, <c>string.Concat</c> prepends of several values, <c>string.Format</c> accumulations
/// (<c>AppendFormat</c>), by-value parameters, reads and resets of the string inside the loop (turned into reads of the
/// builder), and a split append inside a try with catch. Exact output and Fix All through the testing library; the run
/// tests are in <see cref="PERF001FixShapesRunTests"/>.
/// </summary>
public class PERF001FixShapesTests
{
    // ---------------------------------------------------------------- wraps

    [Fact]
    public Task Wrap_pushes_the_prefix_and_appends_the_suffix() => Verify.VerifyFixAsync("""
        class C
        {
            string M(string[] items)
            {
                var s = "x";
                foreach (var item in items)
                {
                    [|s = "<" + item + s + ">"|];
                }
                return s;
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Text;

        class C
        {
            string M(string[] items)
            {
                var s = "x";
                var sBuilder = new StringBuilder(s);
                var sPrefixes = new Stack<string>();
                foreach (var item in items)
                {
                    sPrefixes.Push("<" + item);
                    sBuilder.Append(">");
                }
                s = string.Concat(sPrefixes) + sBuilder.ToString();
                return s;
            }
        }
        """);

    [Fact]
    public Task Interpolated_wrap_in_an_embedded_statement_becomes_a_block() => Verify.VerifyFixAsync("""
        using System.Collections.Generic;

        class C
        {
            string M(List<int> items)
            {
                var s = "";
                foreach (var item in items) [|s = $"[{item}:{s}]"|];
                return s;
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Text;

        class C
        {
            string M(List<int> items)
            {
                var s = "";
                var sBuilder = new StringBuilder(s);
                var sPrefixes = new Stack<string>();
                foreach (var item in items) { sPrefixes.Push($"[{item}:"); sBuilder.Append($"]"); }
                s = string.Concat(sPrefixes) + sBuilder.ToString();
                return s;
            }
        }
        """);

    [Fact]
    public Task Wrap_in_a_ForEach_lambda_gets_a_block_body() => Verify.VerifyFixAsync("""
        using System.Collections.Generic;

        class C
        {
            string M(List<string> items)
            {
                var s = "";
                items.ForEach(item => [|s = string.Concat("(", s, ")", item)|]);
                return s;
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Text;

        class C
        {
            string M(List<string> items)
            {
                var s = "";
                var sBuilder = new StringBuilder(s);
                var sPrefixes = new Stack<string>();
                items.ForEach(item => { sPrefixes.Push("("); sBuilder.Append(")").Append(item); });
                s = string.Concat(sPrefixes) + sBuilder.ToString();
                return s;
            }
        }
        """);

    // ---------------------------------------------------------------- prefixes that are not one string

    [Fact]
    public Task Non_string_prefixes_are_pushed_as_their_ToString() => Verify.VerifyFixAsync("""
        class C
        {
            string M(string[] items, char c, int n, object o, int? maybe)
            {
                var a = "";
                foreach (var item in items) [|a = c + a|];
                var b = "";
                foreach (var item in items) [|b = n * 2 + b|];
                var d = "";
                foreach (var item in items) [|d = o + d|];
                var e = "";
                foreach (var item in items) [|e = maybe + e|];
                var f = "";
                foreach (var item in items) [|f = string.Concat(item, "/", f)|];
                var g = "";
                foreach (var item in items) [|g = n + "." + c + g|];
                return a + b + d + e + f + g;
            }
        }
        """, """
        using System.Collections.Generic;

        class C
        {
            string M(string[] items, char c, int n, object o, int? maybe)
            {
                var a = "";
                var aPrefixes = new Stack<string>();
                foreach (var item in items) aPrefixes.Push(c.ToString());
                a = string.Concat(aPrefixes) + a;
                var b = "";
                var bPrefixes = new Stack<string>();
                foreach (var item in items) bPrefixes.Push((n * 2).ToString());
                b = string.Concat(bPrefixes) + b;
                var d = "";
                var dPrefixes = new Stack<string>();
                foreach (var item in items) dPrefixes.Push(o?.ToString());
                d = string.Concat(dPrefixes) + d;
                var e = "";
                var ePrefixes = new Stack<string>();
                foreach (var item in items) ePrefixes.Push(maybe?.ToString());
                e = string.Concat(ePrefixes) + e;
                var f = "";
                var fPrefixes = new Stack<string>();
                foreach (var item in items) fPrefixes.Push(item + "/");
                f = string.Concat(fPrefixes) + f;
                var g = "";
                var gPrefixes = new Stack<string>();
                foreach (var item in items) gPrefixes.Push(n + "." + c);
                g = string.Concat(gPrefixes) + g;
                return a + b + d + e + f + g;
            }
        }
        """);

    // ---------------------------------------------------------------- string.Format

    [Fact]
    public Task String_Format_append_becomes_AppendFormat_with_the_indices_renumbered() => Verify.VerifyFixAsync("""
        using System.Globalization;

        class C
        {
            string M(string[] items, double[] values)
            {
                var s = "";
                for (var i = 0; i < items.Length; i++)
                {
                    [|s = string.Format("{0}{1}={2,6:N2}; {{{1}}}", s, items[i], values[i])|];
                    s = string.Format(CultureInfo.InvariantCulture, "{0}[{1:F1}]", s, values[i]);
                    s = string.Format("{0}|", s);
                }
                return s;
            }
        }
        """, """
        using System.Globalization;
        using System.Text;

        class C
        {
            string M(string[] items, double[] values)
            {
                var s = "";
                var sBuilder = new StringBuilder(s);
                for (var i = 0; i < items.Length; i++)
                {
                    sBuilder.AppendFormat("{0}={1,6:N2}; {{{0}}}", items[i], values[i]);
                    sBuilder.AppendFormat(CultureInfo.InvariantCulture, "[{0:F1}]", values[i]);
                    sBuilder.Append("|");
                }
                s = sBuilder.ToString();
                return s;
            }
        }
        """);

    [Fact]
    public Task String_Format_append_and_prepend() => Verify.VerifyFixAsync("""
        class C
        {
            string M(string[] items)
            {
                var s = "";
                foreach (var item in items)
                {
                    [|s = string.Format("{0}, {1}", s, item.Trim())|];
                }
                var t = "";
                foreach (var item in items)
                {
                    [|t = string.Format("{0}/{1}", item.Trim(), t)|];
                }
                return s + t;
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Text;

        class C
        {
            string M(string[] items)
            {
                var s = "";
                var sBuilder = new StringBuilder(s);
                foreach (var item in items)
                {
                    sBuilder.AppendFormat(", {0}", item.Trim());
                }
                s = sBuilder.ToString();
                var t = "";
                var tPrefixes = new Stack<string>();
                foreach (var item in items)
                {
                    tPrefixes.Push(string.Format("{0}/", item.Trim()));
                }
                t = string.Concat(tPrefixes) + t;
                return s + t;
            }
        }
        """);

    [Fact]
    public Task No_fix_for_String_Format_shapes_that_do_not_split() => Verify.VerifyNoFixAsync("""
        class C
        {
            string M(string[] items, object[] args)
            {
                var a = "";
                foreach (var item in items) [|a = string.Format("{0,5}{1}", a, item)|];
                var b = "";
                foreach (var item in items) [|b = string.Format("{0}{0}{1}", b, item)|];
                var c = "";
                foreach (var item in items) [|c = string.Format("<{1}{0}{1}>", c, item.Trim())|];
                var d = "";
                foreach (var item in items) [|d = string.Format("{0}{1}", d, args)|];
                return a + b + c + d;
            }
        }
        """);

    // ---------------------------------------------------------------- parameters

    [Fact]
    public Task A_by_value_parameter_assigned_a_non_null_value_before_the_loop() => Verify.VerifyFixAsync("""
        #nullable enable
        class C
        {
            string M(string[] items, string path, string? label)
            {
                path = path ?? "";
                foreach (var item in items)
                {
                    [|path += "/" + item|];
                }
                label = "";
                foreach (var item in items)
                {
                    [|label += item|];
                }
                return path + label;
            }
        }
        """, """
        #nullable enable
        using System.Text;

        class C
        {
            string M(string[] items, string path, string? label)
            {
                path = path ?? "";
                var pathBuilder = new StringBuilder(path);
                foreach (var item in items)
                {
                    pathBuilder.Append("/").Append(item);
                }
                path = pathBuilder.ToString();
                label = "";
                var labelBuilder = new StringBuilder(label);
                foreach (var item in items)
                {
                    labelBuilder.Append(item);
                }
                label = labelBuilder.ToString();
                return path + label;
            }
        }
        """);

    [Fact]
    public Task No_fix_for_parameters_that_may_be_null_ref_parameters_and_captured_parameters() => Verify.VerifyNoFixAsync("""
        #nullable enable
        using System;
        class C
        {
            string M(string[] items, string? a, ref string b, string c, string d, string e)
            {
                // string? a: fixed since issue #17 (PERF001NullStartFixTests.String_that_may_be_null_without_null_tests).
                foreach (var item in items) [|b += item|];
                Func<int> f = () => c.Length;
                foreach (var item in items) [|c += item|];
                // Declared non-nullable, but a caller in an oblivious context may pass null: no fix.
                foreach (var item in items) [|d += item|];
                e = "";
                if (items.Length > 3) e = a;
                foreach (var item in items) [|e += item|];
                return a + b + c + d + e + f();
            }
        }
        """);

    // ---------------------------------------------------------------- reads and resets in the loop

    [Fact]
    public Task Reads_in_the_loop_read_the_builder_and_resets_clear_it() => Verify.VerifyFixAsync("""
        using System.Collections.Generic;

        class C
        {
            List<string> M(string[] lines)
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
                    else if (!line.EndsWith(";"))
                    {
                        [|command += line + "\n"|];
                    }
                    else
                    {
                        command += line;
                        result.Add(command.Trim());
                        command = "-- next";
                    }
                }
                return result;
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Text;

        class C
        {
            List<string> M(string[] lines)
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
                    else if (!line.EndsWith(";"))
                    {
                        commandBuilder.Append(line).Append("\n");
                    }
                    else
                    {
                        commandBuilder.Append(line);
                        result.Add(commandBuilder.ToString().Trim());
                        commandBuilder.Clear().Append("-- next");
                    }
                }
                command = commandBuilder.ToString();
                return result;
            }
        }
        """);

    [Fact]
    public Task Separator_guarded_by_the_length_reads_the_builder_length() => Verify.VerifyFixAsync("""
        class C
        {
            string M(string[] tokens)
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

                return displayName;
            }
        }
        """, """
        using System.Text;

        class C
        {
            string M(string[] tokens)
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

                return displayName;
            }
        }
        """);

    [Fact]
    public Task No_fix_for_reads_inside_an_append_resets_that_read_the_string_or_reads_with_prepends() => Verify.VerifyNoFixAsync("""
        class C
        {
            string M(string[] items, string? maybe)
            {
                var a = "";
                foreach (var item in items) [|a += a.Length > 0 ? "," + item : item|];
                var b = "";
                foreach (var item in items) { [|b += item|]; b = b.Trim(); }
                var c = "";
                foreach (var item in items) { [|c = item + c|]; if (c.Length > 9) break; }
                var d = "";
                foreach (var item in items) { [|d += item|]; d = maybe; }
                return a + b + c + d;
            }
        }
        """);

    [Fact]
    public Task A_lambda_created_after_the_loop_may_capture_the_string() => Verify.VerifyFixAsync("""
        using System;
        using System.Collections.Generic;

        class C
        {
            Dictionary<string, Func<string>> M(string[] items)
            {
                var details = string.Empty;
                foreach (var item in items)
                {
                    [|details += item + ";"|];
                }
                return new Dictionary<string, Func<string>> { ["DETAILS"] = () => details };
            }
        }
        """, """
        using System;
        using System.Collections.Generic;
        using System.Text;

        class C
        {
            Dictionary<string, Func<string>> M(string[] items)
            {
                var details = string.Empty;
                var detailsBuilder = new StringBuilder(details);
                foreach (var item in items)
                {
                    detailsBuilder.Append(item).Append(";");
                }
                details = detailsBuilder.ToString();
                return new Dictionary<string, Func<string>> { ["DETAILS"] = () => details };
            }
        }
        """);

    [Fact]
    public Task No_fix_when_a_lambda_created_after_the_loop_can_run_during_a_later_iteration() => Verify.VerifyNoFixAsync("""
        using System;
        using System.Collections.Generic;

        class C
        {
            string M(string[][] groups, List<Func<string>> seen)
            {
                var s = "";
                foreach (var group in groups)
                {
                    foreach (var item in group)
                    {
                        [|s += item|];
                        foreach (var f in seen) Console.WriteLine(f());
                    }
                    seen.Add(() => s);
                }
                Action log = () => Console.WriteLine(s);
                return s;
            }
        }
        """);

    // ---------------------------------------------------------------- Aggregate with an interpolated string

    [Fact]
    public Task Interpolated_Aggregate_becomes_string_Join_or_Concat() => new Verifiers.CodeFixTest<PERF001StringConcatenationInLoopAnalyzer, PERF001UseStringBuilderCodeFix>
    {
        TestCode = """
            using System.Collections.Generic;
            using System.Linq;

            class C
            {
                // bitwarden UserLicense: .Select(p => $"{p.Name}:{...}").Aggregate((c, n) => $"{c}|{n}")
                string A(IEnumerable<string> props) => props.[|Aggregate((c, n) => $"{c}|{n}")|];
                string B(IEnumerable<string> props) => props.[|Aggregate((c, n) => $"{c}{n}")|];
                string D(IEnumerable<string> props, string sep) => props.[|Aggregate((c, n) => $"{c}{sep}{n}")|];
                string E(IEnumerable<string> props) => props.[|Aggregate((c, n) => $"{c}{{\"{n}")|];
            }
            """,
        FixedCode = """
            using System.Collections.Generic;
            using System.Linq;

            class C
            {
                // bitwarden UserLicense: .Select(p => $"{p.Name}:{...}").Aggregate((c, n) => $"{c}|{n}")
                string A(IEnumerable<string> props) => string.Join("|", props);
                string B(IEnumerable<string> props) => string.Concat(props);
                string D(IEnumerable<string> props, string sep) => string.Join(sep, props);
                string E(IEnumerable<string> props) => string.Join("{\"", props);
            }
            """,
    }.RunAsync();

    [Fact]
    public Task No_fix_for_an_interpolated_Aggregate_with_formats_or_other_operands() => Verify.VerifyNoFixAsync("""
        using System.Collections.Generic;
        using System.Linq;

        class C
        {
            string A(IEnumerable<string> props) => props.[|Aggregate((c, n) => $"{c}|{n,5}")|];
            string B(IEnumerable<string> props) => props.[|Aggregate((c, n) => $"{n}|{c}")|];
            string D(IEnumerable<string> props) => props.[|Aggregate((c, n) => $"[{c}|{n}]")|];
        }
        """);

    [Fact]
    public Task A_probe_loop_through_a_parameter_is_not_reported() => Verifiers.AnalyzerVerifier<PERF001StringConcatenationInLoopAnalyzer>.VerifyAsync("""
        using System.IO;

        class C
        {
            // jellyfin RecordingsManager.EnsureFileUnique: the condition reads the path the body derives from the name.
            string M(string path, string parent, string name)
            {
                var index = 1;
                while (File.Exists(path))
                {
                    name += " - " + index;
                    path = Path.Combine(parent, name);
                    index++;
                }
                return path;
            }
        }
        """);

    // ---------------------------------------------------------------- try with catch

    [Fact]
    public Task A_split_append_in_a_try_with_catch_appends_one_concatenation() => Verify.VerifyFixAsync("""
        using System;
        using System.Linq;

        class C
        {
            string M(string[] names, Func<string, object> value)
            {
                var output = "";
                foreach (var name in names)
                {
                    try
                    {
                        [|output = output + name + ": " + value(name).ToString() + ";"|];
                        output = output + name.Length + 1 + names.Count() + ";";
                    }
                    catch (Exception)
                    {
                        output = output + name + ": " + 42 + ";";
                    }
                }
                return output;
            }
        }
        """, """
        using System;
        using System.Linq;
        using System.Text;

        class C
        {
            string M(string[] names, Func<string, object> value)
            {
                var output = "";
                var outputBuilder = new StringBuilder(output);
                foreach (var name in names)
                {
                    try
                    {
                        outputBuilder.Append(name + ": " + value(name).ToString() + ";");
                        outputBuilder.Append(string.Concat(name.Length, 1, names.Count(), ";"));
                    }
                    catch (Exception)
                    {
                        outputBuilder.Append(name).Append(": ").Append(42).Append(";");
                    }
                }
                output = outputBuilder.ToString();
                return output;
            }
        }
        """);
}
