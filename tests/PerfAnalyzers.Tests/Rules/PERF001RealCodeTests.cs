using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF001StringConcatenationInLoopAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>PERF001 shapes from real code (issues #13 and #18).</summary>
public class PERF001RealCodeTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Collections.Immutable;
        using System.IO;
        using System.Linq;

        """;

    private static DiagnosticResult Diag(string id = "PERF001") => Expect.Diagnostic(id);

    [Fact]
    public Task Self_reference_inside_conditional_coalesce_and_switch_operands_is_reported() =>
        Verify.VerifyAsync(Usings + """
            class C
            {
                string M(List<string> items)
                {
                    string? s = null;
                    foreach (var x in items) {|#0:s = x + (s == null ? "" : s)|};
                    string? t = null;
                    foreach (var x in items) [|t = (t ?? "") + x|];
                    var u = "";
                    foreach (var x in items) [|u = x.Length switch { 0 => u, _ => u + "," } + x|];
                    var v = "";
                    foreach (var x in items) [|v = $"{(v.Length == 0 ? "" : v + ";")}{x}"|];
                    return s + t + u + v;
                }
            }
            """,
            Diag().WithLocation(0).WithArguments("s", "in a loop", "use a StringBuilder").WithSeverity(DiagnosticSeverity.Warning));

    [Fact]
    public Task Conditionals_that_do_not_read_the_string_are_not_reported() =>
        Verify.VerifyAsync(Usings + """
            class C
            {
                string M(List<string> items, string? fallback)
                {
                    var s = "";
                    foreach (var x in items) s = x + (fallback ?? "");
                    foreach (var x in items) s = x.Length > 0 ? x : "";
                    return s;
                }
            }
            """);

    [Fact]
    public Task A_constant_key_indexer_grown_in_a_loop_is_reported() =>
        Verify.VerifyAsync(Usings + """
            class C
            {
                Dictionary<string, string> _totals = new();
                void M(List<string> lines, Dictionary<string, string> totals)
                {
                    foreach (var line in lines) {|#0:totals["all"] = totals["all"] + line|};
                    foreach (var line in lines) [|totals["all"] += line|];
                    foreach (var line in lines) [|_totals["x"] = line + _totals["x"]|];
                }
            }
            """,
            Diag().WithLocation(0).WithArguments("totals[\"all\"]", "in a loop", "use a StringBuilder"));

    [Fact]
    public Task Indexers_keyed_by_the_element_are_not_reported() =>
        Verify.VerifyAsync(Usings + """
            class C
            {
                void M(List<string> lines, Dictionary<string, string> totals, string[] parts)
                {
                    // One slot per key: not one string grown n times.
                    foreach (var line in lines) totals[line] = totals[line] + line;
                    foreach (var line in lines) totals["a"] = totals["b"] + line;
                    for (var i = 0; i < parts.Length; i++) parts[i] += "!";
                    foreach (var line in lines)
                    {
                        var local = new Dictionary<string, string>();
                        local["all"] += line;
                    }
                }
            }
            """);

    [Fact]
    public Task Nested_constant_loops_count_as_their_product() =>
        Verify.VerifyAsync(Usings + """
            class C
            {
                string M()
                {
                    var s = "";
                    for (var i = 0; i < 5; i++)
                        for (var j = 0; j < 5; j++) [|s += i * j|];
                    var t = "";
                    for (var i = 0; i < 2; i++)
                        for (var j = 0; j < 4; j++) t += j;
                    var u = "";
                    for (var i = 0; i < 3; i++)
                    {
                        var row = "";
                        for (var j = 0; j < 5; j++) row += j;
                        u += row;
                    }

                    return s + t + u;
                }
            }
            """);

    [Fact]
    public Task Probe_loops_are_not_reported() =>
        Verify.VerifyAsync(Usings + """
            class C
            {
                string M(string path, HashSet<string> taken)
                {
                    while (File.Exists(path)) path += "_1";
                    var name = "copy";
                    while (taken.Contains(name)) name = name + "_";
                    do { name += "1"; } while (taken.Contains(name));
                    for (var candidate = "a"; candidate.Length < 10; candidate += "a") { }
                    var shortcut = "video";
                    var lnk = Path.Combine(path, shortcut + ".lnk");
                    while (File.Exists(lnk))
                    {
                        shortcut += "1";
                        lnk = Path.Combine(path, shortcut + ".lnk");
                    }

                    return path + name + shortcut;
                }
            }
            """);

    [Fact]
    public Task A_loop_whose_condition_does_not_read_the_string_is_reported() =>
        Verify.VerifyAsync(Usings + """
            class C
            {
                string M(string path, Queue<string> queue)
                {
                    var all = "";
                    while (queue.Count > 0) [|all += queue.Dequeue()|];
                    while (File.Exists(path)) [|all += "_1"|];
                    // The condition's local is assigned in the body, but not from the string.
                    var probe = path;
                    while (File.Exists(probe))
                    {
                        [|all += "_1"|];
                        probe = path + queue.Count;
                    }

                    return all;
                }
            }
            """);

    [Fact]
    public Task Readonly_array_fields_with_literal_elements_are_constant_sources() =>
        Verify.VerifyAsync(Usings + """
            class C
            {
                private static readonly string[] Units = { "B", "KB", "MB", "GB" };
                private static readonly ImmutableArray<string> Names = ImmutableArray.Create("a", "b");
                private static readonly string[] Many = { "1", "2", "3", "4", "5", "6", "7", "8", "9" };
                private static string[] _mutable = { "a" };
                string M()
                {
                    var s = "";
                    foreach (var u in Units) s += u;
                    for (var i = 0; i < Units.Length; i++) s += Units[i];
                    foreach (var n in Names) s += n;
                    foreach (var m in Many) [|s += m|];
                    foreach (var m in _mutable) [|s += m|];
                    return s + Units.Aggregate((a, b) => a + b);
                }
            }
            """);
}
