using Microsoft.CodeAnalysis;
using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF001StringConcatenationInLoopAnalyzer, PerfAnalyzers.CodeFixes.PERF001UseStringBuilderCodeFix>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>PERF001 code fixes: exact output, Fix All in every scope, and the cases where no fix is offered.</summary>
public class PERF001FixTests
{
    // ---------------------------------------------------------------- Use StringBuilder: forms

    [Fact]
    public Task Compound_add_becomes_append_and_using_is_added() => Verify.VerifyFixAsync("""
        using System.Collections.Generic;

        class C
        {
            string M(List<string> items)
            {
                var s = "";
                foreach (var item in items)
                {
                    [|s += item|];
                }
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
                foreach (var item in items)
                {
                    sBuilder.Append(item);
                }
                s = sBuilder.ToString();
                return s;
            }
        }
        """);

    [Fact]
    public Task Chain_of_string_concatenations_is_split() => Verify.VerifyFixAsync("""
        using System.Text;

        class C
        {
            string M(string[] items, int n)
            {
                var s = "";
                for (var i = 0; i < n; i++)
                {
                    [|s += items[i] + ": " + i + "\n"|];
                }
                return s;
            }
        }
        """, """
        using System.Text;

        class C
        {
            string M(string[] items, int n)
            {
                var s = "";
                var sBuilder = new StringBuilder(s);
                for (var i = 0; i < n; i++)
                {
                    sBuilder.Append(items[i]).Append(": ").Append(i).Append("\n");
                }
                s = sBuilder.ToString();
                return s;
            }
        }
        """);

    [Fact]
    public Task Numeric_addition_inside_the_chain_stays_together() => Verify.VerifyFixAsync("""
        using System.Text;

        class C
        {
            string M(int[] xs)
            {
                var s = "";
                foreach (var x in xs)
                {
                    [|s += 1 + 2 + "s"|];
                    s += x + 1;
                    s = s + 1 + 2;
                    s += "a" + "b";
                }
                return s;
            }
        }
        """, """
        using System.Text;

        class C
        {
            string M(int[] xs)
            {
                var s = "";
                var sBuilder = new StringBuilder(s);
                foreach (var x in xs)
                {
                    sBuilder.Append(1 + 2).Append("s");
                    sBuilder.Append(x + 1);
                    sBuilder.Append(1).Append(2);
                    sBuilder.Append("a" + "b");
                }
                s = sBuilder.ToString();
                return s;
            }
        }
        """);

    [Fact]
    public Task Self_concatenation_interpolation_and_Concat_forms() => Verify.VerifyFixAsync("""
        using System.Text;

        class C
        {
            string M(string[] items)
            {
                var s = "";
                foreach (var item in items)
                {
                    [|s = s + item + ", "|];
                    s = $"{s}{item}, ";
                    s = string.Concat(s, item);
                    s = string.Concat(s, item, ", ", "x", "y");
                    s += $"[{item}]";
                }
                return s;
            }
        }
        """, """
        using System.Text;

        class C
        {
            string M(string[] items)
            {
                var s = "";
                var sBuilder = new StringBuilder(s);
                foreach (var item in items)
                {
                    sBuilder.Append(item).Append(", ");
                    sBuilder.Append($"{item}, ");
                    sBuilder.Append(item);
                    sBuilder.Append(item).Append(", ").Append("x").Append("y");
                    sBuilder.Append($"[{item}]");
                }
                s = sBuilder.ToString();
                return s;
            }
        }
        """);

    [Fact]
    public Task While_and_do_loops() => Verify.VerifyFixAsync("""
        using System.Text;

        class C
        {
            string M(System.IO.TextReader reader)
            {
                var text = string.Empty;
                string? line;
                while ((line = reader.ReadLine()) != null)
                {
                    [|text += line|];
                }
                return text;
            }
        }
        """, """
        using System.Text;

        class C
        {
            string M(System.IO.TextReader reader)
            {
                var text = string.Empty;
                string? line;
                var textBuilder = new StringBuilder(text);
                while ((line = reader.ReadLine()) != null)
                {
                    textBuilder.Append(line);
                }
                text = textBuilder.ToString();
                return text;
            }
        }
        """);

    [Fact]
    public Task Nested_loops_share_one_builder_around_the_outer_loop() => Verify.VerifyFixAsync("""
        using System.Text;

        class C
        {
            string M(string[][] rows)
            {
                var csv = "";
                foreach (var row in rows)
                {
                    foreach (var cell in row)
                    {
                        [|csv += cell + ","|];
                    }
                    csv += "\n";
                }
                return csv;
            }
        }
        """, """
        using System.Text;

        class C
        {
            string M(string[][] rows)
            {
                var csv = "";
                var csvBuilder = new StringBuilder(csv);
                foreach (var row in rows)
                {
                    foreach (var cell in row)
                    {
                        csvBuilder.Append(cell).Append(",");
                    }
                    csvBuilder.Append("\n");
                }
                csv = csvBuilder.ToString();
                return csv;
            }
        }
        """);

    [Fact]
    public Task List_ForEach_lambda() => Verify.VerifyFixAsync("""
        using System.Collections.Generic;
        using System.Text;

        class C
        {
            string M(List<string> items)
            {
                var s = "";
                items.ForEach(item => [|s += item|]);
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
                items.ForEach(item => sBuilder.Append(item));
                s = sBuilder.ToString();
                return s;
            }
        }
        """);

    [Fact]
    public Task Builder_name_does_not_collide() => Verify.VerifyFixAsync("""
        using System.Text;

        class C
        {
            private int sBuilder2 = 0;

            string M(string[] items)
            {
                var s = "";
                var sBuilder = 1;
                foreach (var item in items)
                {
                    [|s += item|];
                }
                return s + sBuilder + sBuilder2;
            }
        }
        """, """
        using System.Text;

        class C
        {
            private int sBuilder2 = 0;

            string M(string[] items)
            {
                var s = "";
                var sBuilder = 1;
                var sBuilder3 = new StringBuilder(s);
                foreach (var item in items)
                {
                    sBuilder3.Append(item);
                }
                s = sBuilder3.ToString();
                return s + sBuilder + sBuilder2;
            }
        }
        """);

    [Fact]
    public Task Using_is_inserted_in_order_and_after_a_file_header() => Verify.VerifyFixAsync("""
        // Copyright header.
        using System;
        using System.Collections.Generic;
        using Microsoft.Extensions.Caching.Memory;

        class C
        {
            string M(List<string> items, IMemoryCache cache)
            {
                var s = "";
                foreach (var item in items) [|s += item|];
                return s;
            }
        }
        """, """
        // Copyright header.
        using System;
        using System.Collections.Generic;
        using System.Text;
        using Microsoft.Extensions.Caching.Memory;

        class C
        {
            string M(List<string> items, IMemoryCache cache)
            {
                var s = "";
                var sBuilder = new StringBuilder(s);
                foreach (var item in items) sBuilder.Append(item);
                s = sBuilder.ToString();
                return s;
            }
        }
        """);

    [Fact]
    public Task Using_is_added_to_a_file_without_usings() => Verify.VerifyFixAsync("""
        namespace N;

        class C
        {
            string M(string[] items)
            {
                var s = "";
                foreach (var item in items) [|s += item|];
                return s;
            }
        }
        """, """
        using System.Text;

        namespace N;

        class C
        {
            string M(string[] items)
            {
                var s = "";
                var sBuilder = new StringBuilder(s);
                foreach (var item in items) sBuilder.Append(item);
                s = sBuilder.ToString();
                return s;
            }
        }
        """);

    [Fact]
    public Task A_user_type_named_StringBuilder_forces_the_qualified_name() => Verify.VerifyFixAsync("""
        class StringBuilder { }

        class C
        {
            string M(string[] items)
            {
                var s = "";
                foreach (var item in items) [|s += item|];
                return s;
            }
        }
        """, """
        class StringBuilder { }

        class C
        {
            string M(string[] items)
            {
                var s = "";
                var sBuilder = new global::System.Text.StringBuilder(s);
                foreach (var item in items) sBuilder.Append(item);
                s = sBuilder.ToString();
                return s;
            }
        }
        """);

    [Fact]
    public Task Top_level_statements() => new CodeFixTest<PERF001StringConcatenationInLoopAnalyzer, PERF001UseStringBuilderCodeFix>
    {
        TestCode = """
            var s = "";
            foreach (var arg in args)
            {
                [|s += arg + " "|];
            }
            System.Console.WriteLine(s);
            """,
        FixedCode = """
            using System.Text;

            var s = "";
            var sBuilder = new StringBuilder(s);
            foreach (var arg in args)
            {
                sBuilder.Append(arg).Append(" ");
            }
            s = sBuilder.ToString();
            System.Console.WriteLine(s);
            """,
        OutputKind = OutputKind.ConsoleApplication,
    }.RunAsync();

    [Fact]
    public Task Infinite_loop_left_by_return_gets_no_write_back() => Verify.VerifyFixAsync("""
        using System.Text;

        class C
        {
            int M(string[] items)
            {
                var s = "";
                var i = 0;
                while (true)
                {
                    if (i == items.Length) return i;
                    [|s += items[i++]|];
                }
            }
        }
        """, """
        using System.Text;

        class C
        {
            int M(string[] items)
            {
                var s = "";
                var i = 0;
                var sBuilder = new StringBuilder(s);
                while (true)
                {
                    if (i == items.Length) return i;
                    sBuilder.Append(items[i++]);
                }
            }
        }
        """);

    [Fact]
    public Task Switch_section_labeled_loop_and_late_initialisation() => Verify.VerifyFixAsync("""
        using System.Text;

        class C
        {
            string M(int mode, string[] items)
            {
                string s;
                s = "";
                switch (mode)
                {
                    case 1:
                        foreach (var item in items) [|s += item|];
                        break;
                }
                outer:
                for (var i = 0; i < items.Length; i++) [|s += i|];
                return s;
            }
        }
        """, """
        using System.Text;

        class C
        {
            string M(int mode, string[] items)
            {
                string s;
                s = "";
                switch (mode)
                {
                    case 1:
                        var sBuilder = new StringBuilder(s);
                        foreach (var item in items) sBuilder.Append(item);
                        s = sBuilder.ToString();
                        break;
                }
                var sBuilder2 = new StringBuilder(s);
                outer:
                for (var i = 0; i < items.Length; i++) sBuilder2.Append(i);
                s = sBuilder2.ToString();
                return s;
            }
        }
        """);

    [Fact]
    public Task Async_generic_local_function_and_keyword_named_local() => Verify.VerifyFixAsync("""
        using System.Collections.Generic;
        using System.Text;
        using System.Threading.Tasks;

        class C
        {
            async Task<string> M<T>(IEnumerable<Task<T>> tasks)
            {
                var @string = "";
                foreach (var task in tasks)
                {
                    [|@string += await task|];
                }
                return @string + Local();

                string Local()
                {
                    var text = "";
                    foreach (var task in tasks) [|text += task.Id|];
                    return text;
                }
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Text;
        using System.Threading.Tasks;

        class C
        {
            async Task<string> M<T>(IEnumerable<Task<T>> tasks)
            {
                var @string = "";
                var stringBuilder = new StringBuilder(@string);
                foreach (var task in tasks)
                {
                    stringBuilder.Append(await task);
                }
                @string = stringBuilder.ToString();
                return @string + Local();

                string Local()
                {
                    var text = "";
                    var textBuilder = new StringBuilder(text);
                    foreach (var task in tasks) textBuilder.Append(task.Id);
                    text = textBuilder.ToString();
                    return text;
                }
            }
        }
        """);

    [Fact]
    public Task Partial_class_across_two_files() => new CodeFixTest<PERF001StringConcatenationInLoopAnalyzer, PERF001UseStringBuilderCodeFix>
    {
        Sources =
        {
            "partial class C { string _name = \"\"; }",
            """
            partial class C
            {
                string M(string[] items)
                {
                    var s = _name;
                    foreach (var item in items) [|s += item|];
                    return s;
                }
            }
            """,
        },
        FixedSources =
        {
            "partial class C { string _name = \"\"; }",
            """
            using System.Text;

            partial class C
            {
                string M(string[] items)
                {
                    var s = _name;
                    var sBuilder = new StringBuilder(s);
                    foreach (var item in items) sBuilder.Append(item);
                    s = sBuilder.ToString();
                    return s;
                }
            }
            """,
        },
    }.RunAsync();

    [Fact]
    public Task Inside_a_try_with_catch_in_the_loop_appends_are_not_split() => Verify.VerifyFixAsync("""
        using System;
        using System.Text;

        class C
        {
            string M(string[] items, Func<string, string> f)
            {
                var s = "";
                foreach (var item in items)
                {
                    try
                    {
                        [|s += item + f(item)|];
                    }
                    catch (FormatException)
                    {
                    }
                }
                return s;
            }
        }
        """, """
        using System;
        using System.Text;

        class C
        {
            string M(string[] items, Func<string, string> f)
            {
                var s = "";
                var sBuilder = new StringBuilder(s);
                foreach (var item in items)
                {
                    try
                    {
                        sBuilder.Append(item + f(item));
                    }
                    catch (FormatException)
                    {
                    }
                }
                s = sBuilder.ToString();
                return s;
            }
        }
        """);

    [Fact]
    public Task Builder_inside_an_outer_loop_for_a_string_declared_there() => Verify.VerifyFixAsync("""
        using System.Collections.Generic;
        using System.Text;

        class C
        {
            IEnumerable<string> Lines(string[][] rows)
            {
                foreach (var row in rows)
                {
                    var line = "";
                    foreach (var cell in row)
                    {
                        [|line = $@"{line}{cell}\t"|];
                    }
                    yield return line;
                }
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Text;

        class C
        {
            IEnumerable<string> Lines(string[][] rows)
            {
                foreach (var row in rows)
                {
                    var line = "";
                    var lineBuilder = new StringBuilder(line);
                    foreach (var cell in row)
                    {
                        lineBuilder.Append($@"{cell}\t");
                    }
                    line = lineBuilder.ToString();
                    yield return line;
                }
            }
        }
        """);

    [Fact]
    public Task Await_foreach_with_crlf_line_endings_and_tabs() => Verify.VerifyFixAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class C
        {
        	async Task<string> M(IAsyncEnumerable<string> items)
        	{
        		var s = "";
        		await foreach (var item in items)
        		{
        			[|s += item|];
        		}
        		return s;
        	}
        }
        """.ReplaceLineEndings("\r\n"), """
        using System.Collections.Generic;
        using System.Text;
        using System.Threading.Tasks;

        class C
        {
        	async Task<string> M(IAsyncEnumerable<string> items)
        	{
        		var s = "";
        		var sBuilder = new StringBuilder(s);
        		await foreach (var item in items)
        		{
        			sBuilder.Append(item);
        		}
        		s = sBuilder.ToString();
        		return s;
        	}
        }
        """.ReplaceLineEndings("\r\n"));

    // ---------------------------------------------------------------- Fix All

    [Fact]
    public Task Fix_all_in_document_project_and_solution() => new CodeFixTest<PERF001StringConcatenationInLoopAnalyzer, PERF001UseStringBuilderCodeFix>
    {
        Sources =
        {
            """
            class A
            {
                string M(string[] items)
                {
                    var s = "";
                    foreach (var item in items) [|s += item|];
                    foreach (var item in items) [|s += item.ToUpperInvariant()|];
                    var t = "";
                    foreach (var item in items) { [|t += item|]; [|s += "-"|]; }
                    return s + t;
                }
            }
            """,
            """
            using System.Text;

            class B
            {
                string M(string[] items)
                {
                    var s = "";
                    foreach (var item in items) [|s = s + item|];
                    return s;
                }
            }
            """,
        },
        FixedSources =
        {
            """
            using System.Text;

            class A
            {
                string M(string[] items)
                {
                    var s = "";
                    var sBuilder = new StringBuilder(s);
                    foreach (var item in items) sBuilder.Append(item);
                    s = sBuilder.ToString();
                    var sBuilder2 = new StringBuilder(s);
                    foreach (var item in items) sBuilder2.Append(item.ToUpperInvariant());
                    s = sBuilder2.ToString();
                    var t = "";
                    var tBuilder = new StringBuilder(t);
                    var sBuilder3 = new StringBuilder(s);
                    foreach (var item in items) { tBuilder.Append(item); sBuilder3.Append("-"); }
                    s = sBuilder3.ToString();
                    t = tBuilder.ToString();
                    return s + t;
                }
            }
            """,
            """
            using System.Text;

            class B
            {
                string M(string[] items)
                {
                    var s = "";
                    var sBuilder = new StringBuilder(s);
                    foreach (var item in items) sBuilder.Append(item);
                    s = sBuilder.ToString();
                    return s;
                }
            }
            """,
        },
        OtherProjectSources =
        {
            """
            class D
            {
                string M(System.Collections.Generic.List<int> ids)
                {
                    var s = "";
                    ids.ForEach(id => [|s += id + ";"|]);
                    return s;
                }
            }
            """,
        },
        OtherProjectFixedSources =
        {
            """
            using System.Text;

            class D
            {
                string M(System.Collections.Generic.List<int> ids)
                {
                    var s = "";
                    var sBuilder = new StringBuilder(s);
                    ids.ForEach(id => sBuilder.Append(id).Append(";"));
                    s = sBuilder.ToString();
                    return s;
                }
            }
            """,
        },
    }.RunAsync();

    [Fact]
    public Task Fix_all_started_from_one_kind_fixes_both_kinds() => new CodeFixTest<PERF001StringConcatenationInLoopAnalyzer, PERF001UseStringBuilderCodeFix>
    {
        TestCode = """
            using System.Linq;
            using System.Text;

            class C
            {
                string M(string[] items)
                {
                    var s = "";
                    foreach (var item in items) [|s += item|];
                    return s + items.[|Aggregate((a, b) => a + "," + b)|];
                }
            }
            """,
        FixedCode = """
            using System.Linq;
            using System.Text;

            class C
            {
                string M(string[] items)
                {
                    var s = "";
                    var sBuilder = new StringBuilder(s);
                    foreach (var item in items) sBuilder.Append(item);
                    s = sBuilder.ToString();
                    return s + string.Join(",", items);
                }
            }
            """,
    }.RunAsync();

    // ---------------------------------------------------------------- no fix

    [Fact]
    public Task No_fix_when_the_loop_reads_the_string() => Verify.VerifyNoFixAsync("""
        class C
        {
            string M(string[] items)
            {
                var s = "";
                foreach (var item in items)
                {
                    // A read inside an append (reads elsewhere in the loop read the builder since #17: PERF001FixShapesTests).
                    [|s += s.Length > 100 ? "" : item|];
                }
                while (s.Length < 10) s += "x"; // a probe loop (the condition reads the string): not reported since #18
                return s;
            }
        }
        """);

    [Fact]
    public Task No_fix_for_middle_inserts() => Verify.VerifyNoFixAsync("""
        using System;
        class C
        {
            // A wrap is a push and an append (PERF001FixShapesTests) except inside a try with catch, where a failure
            // between the two would leave half of it done.
            string M(string[] items, Func<string, string> f)
            {
                var t = "";
                foreach (var item in items)
                {
                    try { [|t = "<" + t + f(item)|]; } catch (FormatException) { }
                }
                return t;
            }
        }
        """);

    [Fact]
    public Task No_fix_for_fields_properties_and_parameters() => Verify.VerifyNoFixAsync("""
        class C
        {
            private string _log = "";
            public string Text { get; set; } = "";
            void M(string[] items, string acc)
            {
                foreach (var item in items) { [|_log += item|]; [|Text += item|]; [|acc += item|]; }
            }
        }
        """);

    [Fact]
    public Task No_fix_when_the_string_is_captured_or_passed_by_reference() => Verify.VerifyNoFixAsync("""
        using System;
        class C
        {
            static void Touch(ref string value) { }
            string M(string[] items)
            {
                var s = "";
                Func<int> length = () => s.Length;
                foreach (var item in items) [|s += item|];
                var t = "";
                Touch(ref t);
                foreach (var item in items) [|t += item|];
                return s + t + length();
            }
        }
        """);

    [Fact]
    public Task No_fix_when_a_catch_or_finally_could_see_a_partial_result() => Verify.VerifyNoFixAsync("""
        using System;
        class C
        {
            string M(string[] items, Func<string, string> f)
            {
                var s = "";
                try
                {
                    foreach (var item in items) [|s += f(item)|];
                }
                catch (Exception)
                {
                    return s;
                }
                return s;
            }
        }
        """);

    [Fact]
    public Task String_that_may_be_null_gets_a_builder_that_is_null_when_it_is() => Verify.VerifyFixAsync("""
        #nullable enable
        class C
        {
            string? M(string[] items, string? start)
            {
                var s = start;
                foreach (var item in items) [|s += item|];
                return s;
            }
        }
        """, """
        #nullable enable
        using System.Text;

        class C
        {
            string? M(string[] items, string? start)
            {
                var s = start;
                var sBuilder = s is null ? null : new StringBuilder(s);
                foreach (var item in items) (sBuilder ??= new StringBuilder()).Append(item);
                s = sBuilder?.ToString();
                return s;
            }
        }
        """);

    [Fact]
    public Task No_fix_for_values_Append_would_format_differently() => Verify.VerifyNoFixAsync("""
        class C
        {
            string M(char[][] chunks)
            {
                var s = "";
                foreach (var chunk in chunks) [|s += chunk|];
                return s;
            }
        }
        """);

    [Fact]
    public Task No_fix_for_a_loop_that_is_an_embedded_statement_or_uses_goto() => Verify.VerifyNoFixAsync("""
        class C
        {
            string M(string[] items, bool on)
            {
                var s = "";
                if (on)
                    foreach (var item in items) [|s += item|];
                foreach (var item in items)
                {
                    [|s += item|];
                    if (item == "stop") goto done;
                }
                done:
                return s;
            }
        }
        """);

    [Fact]
    public Task No_fix_when_the_append_value_is_used() => Verify.VerifyNoFixAsync("""
        class C
        {
            string M(string[] items)
            {
                var s = "";
                var lengths = 0;
                foreach (var item in items) lengths += ([|s += item|]).Length;
                return s + lengths;
            }
        }
        """);

    [Fact]
    public Task No_fix_for_a_split_append_in_a_try_with_catch_or_formatted_self_interpolation() => Verify.VerifyNoFixAsync("""
        using System;
        class C
        {
            string M(string[] items, Func<string, string> f)
            {
                var s = "";
                foreach (var item in items)
                {
                    // x = x + a + b in a try with catch is one Append(a + b) since #17 (PERF001FixShapesTests); a wrap
                    // cannot be split there.
                    try { [|s = string.Concat(item, s, f(item))|]; } catch (FormatException) { }
                }
                var t = "";
                foreach (var item in items) [|t = $"{t,-10}{item}"|];
                var u = "";
                foreach (var item in items) [|u = $"{u}"|];
                return s + t + u;
            }
        }
        """);

    [Fact]
    public Task No_fix_with_a_user_defined_conversion_or_dynamic() => Verify.VerifyNoFixAsync("""
        class Name
        {
            public static implicit operator string(Name n) => "name";
            public override string ToString() => "other";
        }
        class C
        {
            string M(Name[] names, dynamic d)
            {
                var s = "";
                foreach (var n in names) [|s += n|];
                var t = "";
                foreach (var n in names) [|t += d|];
                var u = "";
                foreach (var n in names) [|u += new System.ArraySegment<char>(new[] { 'a' })|];
                return s + t + u;
            }
        }
        """);

    [Fact]
    public Task No_fix_for_a_labeled_loop_that_a_goto_reenters() => Verify.VerifyNoFixAsync("""
        class C
        {
            string M(string[] items, bool again)
            {
                var s = "";
                top:
                foreach (var item in items) [|s += item|];
                if (again) { again = false; s = ""; goto top; }
                return s;
            }
        }
        """);

    // ---------------------------------------------------------------- Aggregate

    [Fact]
    public Task Aggregate_with_separator_becomes_string_Join() => new CodeFixTest<PERF001StringConcatenationInLoopAnalyzer, PERF001UseStringBuilderCodeFix>
    {
        TestCode = """
            using System.Collections.Generic;
            using System.Linq;

            class C
            {
                string A(IEnumerable<string> words) => words.[|Aggregate((a, b) => a + ", " + b)|];
                string B(List<string> words, string sep) => words.Where(w => w.Length > 0).[|Aggregate((x, y) => x + sep + y)|];
                string D(string[] words) => Enumerable.[|Aggregate(words, (a, b) => a + ';' + b)|];
            }
            """,
        FixedCode = """
            using System.Collections.Generic;
            using System.Linq;

            class C
            {
                string A(IEnumerable<string> words) => string.Join(", ", words);
                string B(List<string> words, string sep) => string.Join(sep, words.Where(w => w.Length > 0));
                string D(string[] words) => string.Join(';', words);
            }
            """,
        CodeActionEquivalenceKey = "PERF001_UseStringJoin",
    }.RunAsync();

    [Fact]
    public Task Aggregate_without_separator_becomes_string_Concat() => new CodeFixTest<PERF001StringConcatenationInLoopAnalyzer, PERF001UseStringBuilderCodeFix>
    {
        TestCode = """
            using System.Collections.Generic;
            using System.Linq;

            class C
            {
                string A(IEnumerable<string> parts) => parts.[|Aggregate((a, b) => a + b)|];
            }
            """,
        FixedCode = """
            using System.Collections.Generic;
            using System.Linq;

            class C
            {
                string A(IEnumerable<string> parts) => string.Concat(parts);
            }
            """,
        CodeActionEquivalenceKey = "PERF001_UseStringConcat",
    }.RunAsync();

    [Fact]
    public Task No_fix_for_Aggregate_with_a_seed_or_another_shape() => Verify.VerifyNoFixAsync("""
        using System.Collections.Generic;
        using System.Linq;

        class C
        {
            string A(IEnumerable<string> words) => words.[|Aggregate("", (a, b) => a + ", " + b)|];
            string B(IEnumerable<string> words) => words.[|Aggregate((a, b) => a + b.Trim() + b)|];
            string D(IEnumerable<string> words) => words.[|Aggregate((a, b) => b + ", " + a)|];
            string E(IEnumerable<string> words) => words.[|Aggregate((a, b) => a + b.ToUpperInvariant() + ", " + b)|];
            // $"{a}, {b}" becomes string.Join(", ", words) since #17 (PERF001FixShapesTests); a format on a hole does not.
            string F(IEnumerable<string> words) => words.[|Aggregate((a, b) => $"{a}, {b:x}")|];
        }
        """);
}
