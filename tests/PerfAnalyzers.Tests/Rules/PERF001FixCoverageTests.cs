using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF001StringConcatenationInLoopAnalyzer, PerfAnalyzers.CodeFixes.PERF001UseStringBuilderCodeFix>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF001 "Use StringBuilder" on the shapes added for issue #17: prepends (a stack of prefixes), appends and prepends
/// in one loop, interpolated appends, and nested loops whose outer loop reads the string (the builder goes around the
/// inner loop). Exact output and Fix All (document, project, solution) through the testing library; the run tests
/// compile and execute the original and the fixed code and compare the strings.
/// </summary>
public class PERF001FixCoverageTests
{
    // ---------------------------------------------------------------- prepends

    [Fact]
    public Task Prepend_pushes_onto_a_stack_and_concatenates_it_after_the_loop() => Verify.VerifyFixAsync("""
        class C
        {
            string M(string[] items)
            {
                var s = "end";
                foreach (var item in items)
                {
                    [|s = item + "/" + s|];
                }
                return s;
            }
        }
        """, """
        using System.Collections.Generic;

        class C
        {
            string M(string[] items)
            {
                var s = "end";
                var sPrefixes = new Stack<string>();
                foreach (var item in items)
                {
                    sPrefixes.Push(item + "/");
                }
                s = string.Concat(sPrefixes) + s;
                return s;
            }
        }
        """);

    [Fact]
    public Task Interpolated_prepend_pushes_the_interpolation_without_the_string() => Verify.VerifyFixAsync("""
        using System.Collections.Generic;

        class C
        {
            string M(List<int> items)
            {
                var s = "";
                for (var i = 0; i < items.Count; i++)
                {
                    [|s = $"{items[i]:D3}, {s}"|];
                }
                return s;
            }
        }
        """, """
        using System.Collections.Generic;

        class C
        {
            string M(List<int> items)
            {
                var s = "";
                var sPrefixes = new Stack<string>();
                for (var i = 0; i < items.Count; i++)
                {
                    sPrefixes.Push($"{items[i]:D3}, ");
                }
                s = string.Concat(sPrefixes) + s;
                return s;
            }
        }
        """);

    [Fact]
    public Task Appends_and_prepends_in_one_loop_use_a_builder_and_a_stack() => Verify.VerifyFixAsync("""
        using System.Collections.Generic;

        class C
        {
            string M(List<string> items)
            {
                var path = "|";
                foreach (var item in items)
                {
                    if (item.StartsWith("<"))
                    {
                        [|path = item + path|];
                    }
                    else
                    {
                        path += item;
                    }
                }
                return path;
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Text;

        class C
        {
            string M(List<string> items)
            {
                var path = "|";
                var pathBuilder = new StringBuilder(path);
                var pathPrefixes = new Stack<string>();
                foreach (var item in items)
                {
                    if (item.StartsWith("<"))
                    {
                        pathPrefixes.Push(item);
                    }
                    else
                    {
                        pathBuilder.Append(item);
                    }
                }
                path = string.Concat(pathPrefixes) + pathBuilder.ToString();
                return path;
            }
        }
        """);

    [Fact]
    public Task String_Concat_prepend_and_append() => Verify.VerifyFixAsync("""
        using System.Collections.Generic;
        using System.Text;

        class C
        {
            string M(string[] dirs, string root)
            {
                var path = "";
                var name = "";
                for (var i = 0; i < dirs.Length; i++)
                {
                    [|path = string.Concat(path, "/", dirs[i])|];
                    [|name = string.Concat(dirs[i], name)|];
                }
                return path + name;
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Text;

        class C
        {
            string M(string[] dirs, string root)
            {
                var path = "";
                var name = "";
                var pathBuilder = new StringBuilder(path);
                var namePrefixes = new Stack<string>();
                for (var i = 0; i < dirs.Length; i++)
                {
                    pathBuilder.Append("/").Append(dirs[i]);
                    namePrefixes.Push(dirs[i]);
                }
                name = string.Concat(namePrefixes) + name;
                path = pathBuilder.ToString();
                return path + name;
            }
        }
        """);

    [Fact]
    public Task String_Concat_prepend_of_several_values_is_pushed_as_one_string() => Verify.VerifyFixAsync("""
        class C
        {
            string M(string[] dirs)
            {
                var name = "";
                foreach (var dir in dirs) [|name = string.Concat(dir, "/", name)|];
                return name;
            }
        }
        """, """
        using System.Collections.Generic;

        class C
        {
            string M(string[] dirs)
            {
                var name = "";
                var namePrefixes = new Stack<string>();
                foreach (var dir in dirs) namePrefixes.Push(dir + "/");
                name = string.Concat(namePrefixes) + name;
                return name;
            }
        }
        """);

    [Fact]
    public Task Prepend_in_a_List_ForEach_lambda() => Verify.VerifyFixAsync("""
        using System.Collections.Generic;

        class C
        {
            string M(List<string> items)
            {
                var s = "";
                items.ForEach(item => [|s = item + s|]);
                return s;
            }
        }
        """, """
        using System.Collections.Generic;

        class C
        {
            string M(List<string> items)
            {
                var s = "";
                var sPrefixes = new Stack<string>();
                items.ForEach(item => sPrefixes.Push(item));
                s = string.Concat(sPrefixes) + s;
                return s;
            }
        }
        """);

    [Fact]
    public Task Another_Stack_type_in_scope_is_fully_qualified() => Verify.VerifyFixAsync("""
        class Stack { }

        class C
        {
            string M(string[] items)
            {
                var s = "";
                foreach (var item in items)
                {
                    [|s = item + s|];
                }
                return s;
            }
        }
        """, """
        class Stack { }

        class C
        {
            string M(string[] items)
            {
                var s = "";
                var sPrefixes = new global::System.Collections.Generic.Stack<string>();
                foreach (var item in items)
                {
                    sPrefixes.Push(item);
                }
                s = string.Concat(sPrefixes) + s;
                return s;
            }
        }
        """);

    [Fact]
    public Task No_fix_for_self_doubling_and_a_formatted_self_hole() => Verify.VerifyNoFixAsync("""
        class C
        {
            // Wraps and non-string prefixes get a fix since #17 part 1 (PERF001FixShapesTests).
            string M(string[] items, char c, int n)
            {
                var a = "";
                var b = "";
                var d = "";
                var e = "";
                var f = "x";
                foreach (var item in items) [|f = f + f|];
                var g = "";
                foreach (var item in items) [|g = $"{g}{g}"|];
                var h = "";
                foreach (var item in items) [|h = $"{item,5}{h,3}"|];
                return a + b + d + e + f + g + h;
            }
        }
        """);

    // ---------------------------------------------------------------- interpolated appends

    [Fact]
    public Task Interpolated_append_with_the_string_first() => Verify.VerifyFixAsync("""
        using System.Collections.Generic;
        using System.Text;

        class C
        {
            string M(IEnumerable<(string Key, int Value)> pairs)
            {
                var s = "pairs:";
                foreach (var (key, value) in pairs)
                {
                    [|s = $"{s} {key}={value,4:N1};"|];
                    s += $"[{key.Length}]";
                }
                return s;
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Text;

        class C
        {
            string M(IEnumerable<(string Key, int Value)> pairs)
            {
                var s = "pairs:";
                var sBuilder = new StringBuilder(s);
                foreach (var (key, value) in pairs)
                {
                    sBuilder.Append($" {key}={value,4:N1};");
                    sBuilder.Append($"[{key.Length}]");
                }
                s = sBuilder.ToString();
                return s;
            }
        }
        """);

    // ---------------------------------------------------------------- nested loops

    [Fact]
    public Task Outer_loop_reads_the_string_so_the_builder_goes_around_the_inner_loop() => Verify.VerifyFixAsync("""
        #nullable enable
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
                    csv = csv.TrimEnd(',');
                    csv += "\n";
                }
                return csv;
            }
        }
        """, """
        #nullable enable
        using System.Text;

        class C
        {
            string M(string[][] rows)
            {
                var csv = "";
                foreach (var row in rows)
                {
                    var csvBuilder = new StringBuilder(csv);
                    foreach (var cell in row)
                    {
                        csvBuilder.Append(cell).Append(",");
                    }
                    csv = csvBuilder.ToString();
                    csv = csv.TrimEnd(',');
                    [|csv += "\n"|];
                }
                return csv;
            }
        }
        """);

    [Fact]
    public Task Three_levels_with_a_read_in_the_middle_loop() => Verify.VerifyFixAsync("""
        using System.Collections.Generic;
        using System.Text;

        class C
        {
            string M(List<List<string[]>> blocks)
            {
                var s = "";
                foreach (var block in blocks)
                {
                    foreach (var row in block)
                    {
                        for (var i = 0; i < row.Length; i++)
                        {
                            [|s += row[i]|];
                        }
                        if (s.Length > 1000)
                        {
                            return s;
                        }
                    }
                }
                return s;
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Text;

        class C
        {
            string M(List<List<string[]>> blocks)
            {
                var s = "";
                foreach (var block in blocks)
                {
                    foreach (var row in block)
                    {
                        var sBuilder = new StringBuilder(s);
                        for (var i = 0; i < row.Length; i++)
                        {
                            sBuilder.Append(row[i]);
                        }
                        s = sBuilder.ToString();
                        if (s.Length > 1000)
                        {
                            return s;
                        }
                    }
                }
                return s;
            }
        }
        """);

    // ---------------------------------------------------------------- run: original and fixed code give the same string

    private static readonly object?[][] Inputs =
    {
        new object?[] { Array.Empty<string>() },
        new object?[] { new[] { "a" } },
        new object?[] { new[] { "<x", "alpha", "", "<y", "gamma", "delta", "x" } },
        new object?[] { Enumerable.Range(0, 300).Select(i => (i % 3 == 0 ? "<" : "") + "item" + i).ToArray() },
    };

    private static Task AssertSameResultsAsync(string original, string fixedCode, string method) =>
        PERF001RunTests.AssertSameResultsAsync(original, fixedCode, method, Inputs);

    [Fact]
    public Task Run_prepends_appends_and_interpolations() => AssertSameResultsAsync("""
        public static class Sample
        {
            public static string Build(string[] items)
            {
                var s = "|";
                var n = 0;
                foreach (var item in items)
                {
                    if (item.StartsWith("<"))
                    {
                        [|s = item + ":" + n + "/" + s|];
                        s = $"{item.Length,3}{s}";
                    }
                    else
                    {
                        s = $"{s}, {item}";
                        s += n;
                    }
                    n++;
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
                var s = "|";
                var n = 0;
                var sBuilder = new StringBuilder(s);
                var sPrefixes = new Stack<string>();
                foreach (var item in items)
                {
                    if (item.StartsWith("<"))
                    {
                        sPrefixes.Push(item + ":" + n + "/");
                        sPrefixes.Push($"{item.Length,3}");
                    }
                    else
                    {
                        sBuilder.Append($", {item}");
                        sBuilder.Append(n);
                    }
                    n++;
                }
                s = string.Concat(sPrefixes) + sBuilder.ToString();
                return s;
            }
        }
        """, "Build");

    [Fact]
    public Task Run_nested_loops_with_a_read_in_the_outer_loop() => AssertSameResultsAsync("""
        #nullable enable
        public static class Sample
        {
            public static string Build(string[] items)
            {
                var s = "";
                for (var chunk = 0; chunk * 4 < items.Length; chunk++)
                {
                    for (var i = chunk * 4; i < items.Length && i < chunk * 4 + 4; i++)
                    {
                        [|s += items[i] + ","|];
                    }
                    s = s.TrimEnd(',');
                    s += ";";
                }
                return s;
            }
        }
        """, """
        #nullable enable
        using System.Text;

        public static class Sample
        {
            public static string Build(string[] items)
            {
                var s = "";
                for (var chunk = 0; chunk * 4 < items.Length; chunk++)
                {
                    var sBuilder = new StringBuilder(s);
                    for (var i = chunk * 4; i < items.Length && i < chunk * 4 + 4; i++)
                    {
                        sBuilder.Append(items[i]).Append(",");
                    }
                    s = sBuilder.ToString();
                    s = s.TrimEnd(',');
                    [|s += ";"|];
                }
                return s;
            }
        }
        """, "Build");
}
