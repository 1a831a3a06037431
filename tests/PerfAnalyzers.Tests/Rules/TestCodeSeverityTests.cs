using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// Severity by evidence (#18): PERF001–PERF004 report at Info in test code — a test project
/// (<c>build_property.IsTestProject = true</c>) or a test method or fixture by attribute — because the data in a test
/// is small by construction (bitwarden: 215 of 270 PERF003 diagnostics were in its integration-test projects, seeding
/// rows one by one). The same code outside tests stays a warning; a rule that was Info already stays Info.
/// </summary>
public class TestCodeSeverityTests
{
    private const string Concatenation = """
        using System.Collections.Generic;

        class C
        {
            string M(List<string> lines)
            {
                var s = "";
                foreach (var line in lines)
                {
                    {|#0:s += line|};
                }

                return s;
            }
        }
        """;

    private const string FanOut = """
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;

        class C
        {
            Task SendAsync(int id) => Task.CompletedTask;

            Task M(List<int> ids) => Task.WhenAll({|#0:ids.Select(id => SendAsync(id))|});
        }
        """;

    private const string NPlusOne = """
        using System.Collections.Generic;
        using System.Linq;

        class C
        {
            int M(ShopContext db, List<Customer> customers)
            {
                var total = 0;
                foreach (var customer in customers)
                {
                    total += db.Orders.Where(o => o.CustomerId == customer.Id).{|#0:ToList()|}.Count;
                }

                return total;
            }
        }
        """;

    private const string Recursion = """
        class Node
        {
            public Node? Next;
            public int Value;
        }

        class C
        {
            int Sum(Node? node) => node is null ? 0 : node.Value + {|#0:Sum(node.Next)|};
        }
        """;

    // A test method of a project MSBuild does not mark as a test project (the attribute stands in for xUnit's).
    private const string FactAttribute = """

        [System.AttributeUsage(System.AttributeTargets.Method)]
        class FactAttribute : System.Attribute { }
        """;

    public static TheoryData<string> Rules => new() { "PERF001", "PERF002", "PERF003", "PERF004" };

    [Theory]
    [MemberData(nameof(Rules))]
    public Task Is_info_in_a_test_project(string id) =>
        Run(id, Code(id), "build_property.IsTestProject = true", DiagnosticSeverity.Info);

    [Theory]
    [MemberData(nameof(Rules))]
    public Task Stays_a_warning_outside_test_projects(string id) =>
        Run(id, Code(id), "build_property.IsTestProject = false", DiagnosticSeverity.Warning);

    [Theory]
    [MemberData(nameof(Rules))]
    public Task Is_info_in_a_test_method_of_any_project(string id) =>
        Run(id, AsTestMethod(Code(id)) + FactAttribute, null, DiagnosticSeverity.Info);

    [Fact]
    public Task Is_info_in_a_lambda_inside_a_test_method() => Run("PERF001", """
        using System;
        using System.Collections.Generic;

        class C
        {
            [Fact]
            void M(List<string> lines)
            {
                Func<string> build = () =>
                {
                    var s = "";
                    foreach (var line in lines)
                    {
                        {|#0:s += line|};
                    }

                    return s;
                };
                build();
            }
        }
        """ + FactAttribute, null, DiagnosticSeverity.Info);

    [Fact]
    public Task An_attribute_named_like_a_test_on_another_member_does_not_lower_it() => Run("PERF001", """
        using System.Collections.Generic;

        class C
        {
            [Fact]
            void Other() { }

            string M(List<string> lines)
            {
                var s = "";
                foreach (var line in lines)
                {
                    {|#0:s += line|};
                }

                return s;
            }
        }
        """ + FactAttribute, null, DiagnosticSeverity.Warning);

    [Fact]
    public Task A_severity_set_in_editorconfig_still_applies_in_test_projects() =>
        Run("PERF003", NPlusOne, "build_property.IsTestProject = true\ndotnet_diagnostic.PERF003.severity = warning", DiagnosticSeverity.Warning);

    private static string Code(string id) => id switch
    {
        "PERF001" => Concatenation,
        "PERF002" => FanOut,
        "PERF003" => NPlusOne,
        _ => Recursion,
    };

    /// <summary>Puts [Fact] on the method that holds the marked site.</summary>
    private static string AsTestMethod(string code) => code
        .Replace("    string M(", "    [Fact]\n    string M(")
        .Replace("    Task M(", "    [Fact]\n    Task M(")
        .Replace("    int M(", "    [Fact]\n    int M(")
        .Replace("    int Sum(", "    [Fact]\n    int Sum(");

    private static Task Run(string id, string code, string? editorConfig, DiagnosticSeverity severity) => id switch
    {
        "PERF001" => Run<PERF001StringConcatenationInLoopAnalyzer>(id, code, editorConfig, severity),
        "PERF002" => Run<PERF002UnboundedTaskSpawningAnalyzer>(id, code, editorConfig, severity),
        "PERF003" => Run<PERF003NPlusOneQueryAnalyzer>(id, code, editorConfig, severity),
        _ => Run<PERF004NonTailRecursionAnalyzer>(id, code, editorConfig, severity),
    };

    private static Task Run<TAnalyzer>(string id, string code, string? editorConfig, DiagnosticSeverity severity)
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        var test = new AnalyzerTest<TAnalyzer> { Sources = { code } };
        if (id == "PERF003")
        {
            test.Sources.Add(PERF003Model.Source);
        }

        if (editorConfig is not null)
        {
            test.EditorConfig = editorConfig;
        }

        test.ExpectedDiagnostics.Add(Expect.Diagnostic(id).WithLocation(0).WithSeverity(severity));
        return test.RunAsync();
    }
}
