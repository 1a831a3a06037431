using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF001StringConcatenationInLoopAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>PERF001 analyzer: what it reports (every loop kind and append form) and the look-alikes it leaves alone.</summary>
public class PERF001Tests
{
    // ---------------------------------------------------------------- positives: loop kinds

    [Fact]
    public Task Foreach_compound_add() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        class C
        {
            string M(List<string> items)
            {
                var s = "";
                foreach (var item in items)
                {
                    {|#0:s += item|};
                }
                return s;
            }
        }
        """, Expect.Diagnostic("PERF001").WithLocation(0).WithArguments("s", "in a loop", "use a StringBuilder"));

    [Fact]
    public Task For_while_do_loops() => Verify.VerifyAsync("""
        class C
        {
            string M(int n, string[] parts)
            {
                var s = "";
                for (var i = 0; i < n; i++) [|s += parts[i]|];
                var j = 0;
                while (j < n) { [|s += parts[j]|]; j++; }
                do { [|s += "x"|]; j--; } while (j > 0);
                return s;
            }
        }
        """);

    [Fact]
    public Task Await_foreach() => Verify.VerifyAsync("""
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
        """);

    [Fact]
    public Task List_ForEach_and_Array_ForEach_lambdas() => Verify.VerifyAsync("""
        using System;
        using System.Collections.Generic;
        class C
        {
            string M(List<string> items, string[] array)
            {
                var s = "";
                items.ForEach(item => [|s += item|]);
                Array.ForEach(array, item => { [|s = s + item|]; });
                return s;
            }
        }
        """);

    // ---------------------------------------------------------------- positives: append forms

    [Fact]
    // One loop per form: a second append to the same string in one loop is the same problem and is not reported again.
    public Task Every_append_form() => Verify.VerifyAsync("""
        class C
        {
            string M(string[] items)
            {
                var s = "";
                foreach (var item in items) { [|s += item|]; }
                foreach (var item in items) { [|s = s + item|]; }
                foreach (var item in items) { [|s = item + s|]; }
                foreach (var item in items) { [|s = s + item + ", "|]; }
                foreach (var item in items) { [|s = $"{s}{item}, "|]; }
                foreach (var item in items) { [|s = string.Concat(s, item)|]; }
                foreach (var item in items) { [|s = string.Concat(s, item, ", ", "x", "y")|]; }
                foreach (var item in items) { [|s = (s + item)|]; }
                foreach (var item in items) { [|s += 1 + 2 + item|]; }
                return s;
            }
        }
        """);

    [Fact]
    public Task Fields_properties_and_parameters() => Verify.VerifyAsync("""
        class C
        {
            private string _text = "";
            private static string s_log = "";
            public string Text { get; set; } = "";
            void M(string[] items, string acc)
            {
                foreach (var item in items)
                {
                    {|#0:_text += item|};
                    {|#1:this._text += item|};
                    {|#2:s_log += item|};
                    {|#3:Text = Text + item|};
                    {|#4:acc += item|};
                }
            }
        }
        """,
        Expect.Diagnostic("PERF001").WithLocation(0).WithArguments("_text", "in a loop", "use a StringBuilder"),
        Expect.Diagnostic("PERF001").WithLocation(1).WithArguments("_text", "in a loop", "use a StringBuilder"),
        Expect.Diagnostic("PERF001").WithLocation(2).WithArguments("s_log", "in a loop", "use a StringBuilder"),
        Expect.Diagnostic("PERF001").WithLocation(3).WithArguments("Text", "in a loop", "use a StringBuilder"),
        Expect.Diagnostic("PERF001").WithLocation(4).WithArguments("acc", "in a loop", "use a StringBuilder"));

    [Fact]
    public Task Member_of_an_object_that_outlives_the_loop() => Verify.VerifyAsync("""
        class Report { public string Body = ""; }
        class C
        {
            void M(Report report, string[] lines)
            {
                foreach (var line in lines) [|report.Body += line|];
            }
        }
        """);

    [Fact]
    public Task Aggregate_with_and_without_seed() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        using System.Linq;
        class C
        {
            string A(IEnumerable<string> words) => words.{|#0:Aggregate((a, b) => a + ", " + b)|};
            string B(IEnumerable<int> ids) => ids.{|#1:Aggregate("", (acc, id) => acc + id + ";")|};
            string D(IEnumerable<int> ids) => ids.[|Aggregate("", (acc, id) => $"{acc}{id};", r => r)|];
            string E(IEnumerable<string> words) => Enumerable.[|Aggregate(words, (a, b) => { return string.Concat(a, b); })|];
        }
        """,
        Expect.Diagnostic("PERF001").WithLocation(0).WithArguments("a", "in Aggregate", "use string.Join, string.Concat or a StringBuilder"),
        Expect.Diagnostic("PERF001").WithLocation(1).WithArguments("acc", "in Aggregate", "use string.Join, string.Concat or a StringBuilder"));

    [Fact]
    public Task Nested_loop_with_small_inner_count_inside_an_unbounded_outer_loop() => Verify.VerifyAsync("""
        class C
        {
            string M(string[] rows)
            {
                var s = "";
                foreach (var row in rows)
                {
                    for (var i = 0; i < 3; i++) [|s += row|];
                }
                return s;
            }
        }
        """);

    [Fact]
    public Task Variable_declared_in_outer_loop_grows_in_inner_loop() => Verify.VerifyAsync("""
        class C
        {
            void M(string[][] rows)
            {
                foreach (var row in rows)
                {
                    var line = "";
                    foreach (var cell in row) [|line += cell|];
                    System.Console.WriteLine(line);
                }
            }
        }
        """);

    [Fact]
    public Task Constant_count_above_the_threshold_and_unknown_counts() => Verify.VerifyAsync("""
        using System.Linq;
        class C
        {
            string M(int n)
            {
                var s = "";
                for (var i = 0; i < 9; i++) [|s += i|];
                foreach (var i in Enumerable.Range(0, n)) [|s += i|];
                return s;
            }
        }
        """);

    [Fact]
    public Task Break_only_on_some_paths_still_repeats() => Verify.VerifyAsync("""
        class C
        {
            string M(string[] items)
            {
                var s = "";
                foreach (var item in items)
                {
                    [|s += item|];
                    if (item.Length > 3) break;
                }
                foreach (var item in items)
                {
                    [|s += item|];
                    if (item.Length > 3) continue;
                    break;
                }
                return s;
            }
        }
        """);

    [Fact]
    public Task Top_level_statements() => new AnalyzerTest<PERF001StringConcatenationInLoopAnalyzer>
    {
        TestCode = """
            var s = "";
            foreach (var arg in args) [|s += arg|];
            System.Console.WriteLine(s);
            """,
        OutputKind = OutputKind.ConsoleApplication,
    }.RunAsync();

    [Fact]
    public Task Local_function_lambda_async_generic_contexts() => Verify.VerifyAsync("""
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        class C<T>
        {
            string Local(IEnumerable<T> items)
            {
                return Build();
                string Build()
                {
                    var s = "";
                    foreach (var item in items) [|s += item|];
                    return s;
                }
            }

            Func<string[], string> Lambda = items =>
            {
                var s = "";
                foreach (var item in items) [|s += item|];
                return s;
            };

            async Task<string> Async(IEnumerable<Task<T>> tasks)
            {
                var s = "";
                foreach (var task in tasks) [|s += await task|];
                return s;
            }
        }
        """);

    [Fact]
    public Task Partial_class_across_two_files() => new AnalyzerTest<PERF001StringConcatenationInLoopAnalyzer>
    {
        Sources =
        {
            "partial class C { private string _log = \"\"; }",
            "partial class C { void M(string[] lines) { foreach (var line in lines) [|_log += line|]; } }",
        },
    }.RunAsync();

    // ---------------------------------------------------------------- options

    [Fact]
    public Task Threshold_option_lowers_the_constant_count() => new AnalyzerTest<PERF001StringConcatenationInLoopAnalyzer>
    {
        TestCode = """
            class C
            {
                string M()
                {
                    var s = "";
                    for (var i = 0; i < 5; i++) [|s += i|];
                    for (var i = 0; i < 4; i++) s += i;
                    return s;
                }
            }
            """,
        EditorConfig = "perf_analyzers.PERF001.max_constant_iterations = 4",
    }.RunAsync();

    [Fact]
    public Task Pack_wide_option_key_also_works() => new AnalyzerTest<PERF001StringConcatenationInLoopAnalyzer>
    {
        TestCode = """
            class C
            {
                string M()
                {
                    var s = "";
                    for (var i = 0; i < 20; i++) s += i;
                    return s;
                }
            }
            """,
        EditorConfig = "perf_analyzers.max_constant_iterations = 20",
    }.RunAsync();

    [Fact]
    public Task Malformed_option_falls_back_to_the_default() => new AnalyzerTest<PERF001StringConcatenationInLoopAnalyzer>
    {
        TestCode = """
            class C
            {
                string M()
                {
                    var s = "";
                    for (var i = 0; i < 8; i++) s += i;
                    for (var i = 0; i < 9; i++) [|s += i|];
                    return s;
                }
            }
            """,
        EditorConfig = "perf_analyzers.PERF001.max_constant_iterations = lots",
    }.RunAsync();

    [Fact]
    public Task Severity_none_silences_the_rule() => new AnalyzerTest<PERF001StringConcatenationInLoopAnalyzer>
    {
        TestCode = "class C { string M(string[] a) { var s = \"\"; foreach (var x in a) s += x; return s; } }",
        EditorConfig = "dotnet_diagnostic.PERF001.severity = none",
    }.RunAsync();

    [Fact]
    public Task Pragma_and_SuppressMessage_suppress() => Verify.VerifyAsync("""
        class C
        {
            string M(string[] a)
            {
                var s = "";
        #pragma warning disable PERF001
                foreach (var x in a) s += x;
        #pragma warning restore PERF001
                return s;
            }

            [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "PERF001")]
            string N(string[] a)
            {
                var s = "";
                foreach (var x in a) s += x;
                return s;
            }
        }
        """);

    // ---------------------------------------------------------------- look-alike negatives

    [Fact]
    public Task Variable_declared_inside_the_loop_body() => Verify.VerifyAsync("""
        class C
        {
            void M(string[] items)
            {
                foreach (var item in items)
                {
                    var line = "";
                    line += item;
                    line = line + "!";
                    System.Console.WriteLine(line);
                }
            }
        }
        """);

    [Fact]
    public Task Small_constant_iteration_counts() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        using System.Linq;
        class C
        {
            string M()
            {
                var s = "";
                for (var i = 0; i < 8; i++) s += i;
                for (var i = 10; i > 2; i--) s += i;
                foreach (var x in new[] { "a", "b", "c" }) s += x;
                foreach (var x in new List<string> { "a", "b" }) s += x;
                foreach (var c in "abc") s += c;
                foreach (var i in Enumerable.Range(0, 4)) s += i;
                new List<string> { "a", "b" }.ForEach(x => s += x);
                return s;
            }
        }
        """);

    [Fact]
    public Task Append_followed_by_leaving_the_loop_runs_once() => Verify.VerifyAsync("""
        using System;
        class C
        {
            string M(string[] items)
            {
                var s = "";
                foreach (var item in items)
                {
                    if (item.StartsWith("x"))
                    {
                        s += item;
                        break;
                    }
                }
                foreach (var item in items)
                {
                    s += item;
                    return s;
                }
                foreach (var item in items)
                {
                    s = s + item;
                    Console.WriteLine(s);
                    throw new InvalidOperationException(s);
                }
                return s;
            }
        }
        """);

    [Fact]
    public Task Non_string_types_and_numeric_addition() => Verify.VerifyAsync("""
        using System.Text;
        class C
        {
            int M(int[] items, StringBuilder sb)
            {
                var total = 0;
                double d = 0;
                foreach (var item in items)
                {
                    total += item;
                    total = total + item;
                    d = d + item;
                    sb.Append(item);
                }
                return total;
            }
        }
        """);

    [Fact]
    public Task Assignments_that_do_not_grow_the_string() => Verify.VerifyAsync("""
        class C
        {
            string M(string[] items)
            {
                var s = "";
                var other = "";
                foreach (var item in items)
                {
                    s = item + "!";
                    s = other + item;
                    s = $"{item}:{other}";
                    s = string.Concat(item, other);
                    s = s.Trim();
                    other = s;
                }
                return s + other;
            }
        }
        """);

    [Fact]
    public Task Per_iteration_objects_and_array_elements() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        class Item { public string Name = ""; public string Label { get; set; } = ""; }
        class C
        {
            void M(List<Item> items, string[] names)
            {
                foreach (var item in items)
                {
                    item.Name += "!";
                    item.Label = item.Label + "?";
                }
                items.ForEach(item => item.Name += ".");
                for (var i = 0; i < names.Length; i++) names[i] += "x";
            }
        }
        """);

    [Fact]
    public Task Different_instances_are_not_the_same_string() => Verify.VerifyAsync("""
        class Node { public string Text = ""; }
        class C
        {
            void M(Node a, Node b, string[] items)
            {
                foreach (var item in items) a.Text = b.Text + item;
            }
        }
        """);

    [Fact]
    public Task Lambdas_that_are_not_per_element_calls() => Verify.VerifyAsync("""
        using System;
        using System.Linq;
        class C
        {
            string M(string[] items)
            {
                var s = "";
                Action<string> add = item => s += item;
                // Select straight into ToList() runs its selector once per element: a loop, reported (issue #17).
                var lengths = items.Select(item => ([|s += item|]).Length).ToList();
                var lazy = items.Select(item => (s += item).Length);
                return s;
            }
        }
        """);

    [Fact]
    public Task Aggregate_look_alikes() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        using System.Linq;
        class C
        {
            int Sum(IEnumerable<int> xs) => xs.Aggregate((a, b) => a + b);
            string Longest(IEnumerable<string> xs) => xs.Aggregate((a, b) => a.Length >= b.Length ? a : b);
            string Last(IEnumerable<string> xs) => xs.Aggregate("", (acc, x) => x + "!");
            string Small() => new[] { "a", "b", "c" }.Aggregate((a, b) => a + "," + b);
            string Large() => new[] { "a", "b", "c", "d", "e", "f", "g", "h", "i" }.[|Aggregate((a, b) => a + "," + b)|];
        }
        """);

    [Fact]
    public Task Loop_header_and_collection_are_not_the_body() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        class C
        {
            IEnumerable<string> Parts(string s) { yield return s; }
            void M()
            {
                var s = "";
                foreach (var part in Parts(s += "x")) System.Console.WriteLine(part);
                for (s += "init"; s.Length < 3;) break;
            }
        }
        """);

    // ---------------------------------------------------------------- broken code never throws

    [Fact]
    public Task Incomplete_code_does_not_crash() => new AnalyzerTest<PERF001StringConcatenationInLoopAnalyzer>
    {
        TestCode = """
            class C
            {
                void M(string[] items)
                {
                    var s = "";
                    foreach (var item in items) { s += Missing(item); s = s + ; s = string.Concat(s, ); }
                    foreach (var item in undefined) s +=
                    while (true) { [|s = $"{s}{undefined}"|]; }
                    var bad = items.Aggregate((a, b) => a + );
                }
            }
            """,
        AllowCompilerErrors = true,
    }.RunAsync();
}
