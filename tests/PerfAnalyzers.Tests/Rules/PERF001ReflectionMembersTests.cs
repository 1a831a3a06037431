using Microsoft.CodeAnalysis;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF001StringConcatenationInLoopAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF001 over the members of one type read by reflection (issue #18 section 2, bitwarden's UserLicense and
/// OrganizationLicense: <c>typeof(UserLicense).GetProperties(..).Where(..).OrderBy(..).Select(..).Aggregate((c, n) =&gt; $"{c}|{n}")</c>):
/// the count is fixed by the code, so the diagnostic is Info. The same chain over data stays a warning.
/// </summary>
public class PERF001ReflectionMembersTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Reflection;

        """;

    private static DiagnosticResult Info(int location, string name, string where, string advice) =>
        Expect.Diagnostic("PERF001").WithLocation(location).WithArguments(name, where, advice).WithSeverity(DiagnosticSeverity.Info);

    [Fact]
    public Task Aggregate_over_the_properties_of_a_type_is_info() =>
        Verify.VerifyAsync(Usings + """
            class UserLicense
            {
                public string Name { get; set; } = "";
                public string Signature { get; set; } = "";

                public string GetData(bool forHash)
                {
                    var props = typeof(UserLicense)
                        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
                        .Where(p => !p.Name.Equals(nameof(Signature)) && (!forHash || p.Name != "Hash"))
                        .OrderBy(p => p.Name)
                        .Select(p => $"{p.Name}:{p.GetValue(this, null)}")
                        .{|#0:Aggregate((c, n) => $"{c}|{n}")|};
                    return $"license:user|{props}";
                }
            }
            """,
            Info(0, "c", "in Aggregate", "use string.Join, string.Concat or a StringBuilder"));

    [Fact]
    public Task Loop_over_the_fields_of_this_type_is_info() =>
        Verify.VerifyAsync(Usings + """
            class Settings
            {
                public int A;
                public int B;

                public override string ToString()
                {
                    var text = "";
                    foreach (var field in GetType().GetFields())
                    {
                        {|#0:text += field.Name + "=" + field.GetValue(this) + ";"|};
                    }

                    return text;
                }
            }
            """,
            Info(0, "text", "in a loop", "use a StringBuilder"));

    // smartstore SerializationUtils.ObjectToString: the fields read into a local first.
    [Fact]
    public Task Loop_over_a_local_holding_the_fields_of_a_type_is_info() =>
        Verify.VerifyAsync(Usings + """
            static class SerializationUtils
            {
                public static string ObjectToString(object instance, string separator)
                {
                    var fi = instance.GetType().GetFields();
                    string output = string.Empty;
                    foreach (var field in fi)
                    {
                        {|#0:output = output + field.Name + ": " + field.GetValue(instance) + separator|};
                    }

                    return output;
                }
            }
            """,
            Info(0, "output", "in a loop", "use a StringBuilder"));

    [Fact]
    public Task The_same_chains_over_data_stay_warnings() =>
        Verify.VerifyAsync(Usings + """
            class Report
            {
                public string Join(IEnumerable<string> lines) =>
                    lines.Where(l => l.Length > 0).OrderBy(l => l).Select(l => l.Trim()).{|#0:Aggregate((c, n) => $"{c}|{n}")|};

                // Many types' members: the count grows with the assembly.
                public string Members(Assembly assembly)
                {
                    var text = "";
                    foreach (var property in assembly.GetTypes().SelectMany(t => t.GetProperties()))
                    {
                        {|#1:text += property.Name|};
                    }

                    return text;
                }
            }
            """,
            Expect.Diagnostic("PERF001").WithLocation(0).WithArguments("c", "in Aggregate", "use string.Join, string.Concat or a StringBuilder"),
            Expect.Diagnostic("PERF001").WithLocation(1).WithArguments("text", "in a loop", "use a StringBuilder"));
}
