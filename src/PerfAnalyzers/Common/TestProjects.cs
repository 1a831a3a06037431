using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfAnalyzers.Common;

/// <summary>
/// Whether code belongs to a test project: MSBuild's <c>IsTestProject</c> property (set by the test SDK), which the
/// PerfAnalyzers package makes visible to analyzers (<c>&lt;CompilerVisibleProperty Include="IsTestProject" /&gt;</c>) as
/// <c>build_property.IsTestProject</c>. Caches and queues in tests are test doubles: rules that report them lower
/// their severity there.
/// </summary>
internal static class TestProjects
{
    internal const string PropertyKey = "build_property.IsTestProject";

    /// <summary>True when the project-wide options say it is a test project.</summary>
    public static bool IsTestProject(AnalyzerOptions options) =>
        IsTrue(options.AnalyzerConfigOptionsProvider.GlobalOptions);

    /// <summary>True when the options of <paramref name="tree"/> (which include the project-wide ones) say it is test code.</summary>
    public static bool IsTestCode(AnalyzerOptions options, SyntaxTree tree) =>
        IsTestProject(options) || IsTrue(options.AnalyzerConfigOptionsProvider.GetOptions(tree));

    /// <summary>
    /// <paramref name="severity"/>, or Info where it is a Warning in test code: a test project, or a test method or
    /// fixture (<see cref="IsTestMember"/>) enclosing <paramref name="containing"/> (through lambdas and local functions).
    /// Data in tests is small by construction, so a cost that grows with it is not worth a warning there.
    /// </summary>
    public static DiagnosticSeverity LowerInTestCode(DiagnosticSeverity severity, AnalyzerOptions options, SyntaxTree tree, ISymbol? containing) =>
        severity != DiagnosticSeverity.Warning ? severity : LowerInTestCode(severity, IsTestCode(options, tree), containing);

    /// <summary><see cref="LowerInTestCode(DiagnosticSeverity, AnalyzerOptions, SyntaxTree, ISymbol?)"/> with the tree's <see cref="IsTestCode"/> already read.</summary>
    public static DiagnosticSeverity LowerInTestCode(DiagnosticSeverity severity, bool isTestCode, ISymbol? containing)
    {
        if (severity != DiagnosticSeverity.Warning)
        {
            return severity;
        }

        if (isTestCode)
        {
            return DiagnosticSeverity.Info;
        }

        var member = containing;
        while (member is IMethodSymbol { MethodKind: MethodKind.LocalFunction or MethodKind.AnonymousFunction })
        {
            member = member.ContainingSymbol;
        }

        return member is IMethodSymbol && IsTestMember(member, member.ContainingType) ? DiagnosticSeverity.Info : severity;
    }

    /// <summary>A test method or fixture (xUnit, NUnit, MSTest attributes), for projects MSBuild does not mark as tests.</summary>
    public static bool IsTestMember(ISymbol method, INamedTypeSymbol? owner)
    {
        foreach (var attribute in method.GetAttributes())
        {
            // Unresolved attributes (the test framework not referenced) keep the name as written, without the suffix.
            var name = attribute.AttributeClass?.Name ?? string.Empty;
            if (name.EndsWith("Attribute", StringComparison.Ordinal))
            {
                name = name.Substring(0, name.Length - "Attribute".Length);
            }

            if (name is "Fact" or "Theory" or "Test" or "TestCase" or "TestCaseSource" or "TestMethod" or "DataTestMethod" or "SetUp" or "OneTimeSetUp" or "TestInitialize")
            {
                return true;
            }
        }

        if (owner is not null)
        {
            foreach (var attribute in owner.GetAttributes())
            {
                if (attribute.AttributeClass?.Name is "TestFixtureAttribute" or "TestClassAttribute" or "TestFixture" or "TestClass")
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsTrue(AnalyzerConfigOptions config) =>
        config.TryGetValue(PropertyKey, out var value) && value is not null &&
        string.Equals(value.Trim(), "true", StringComparison.OrdinalIgnoreCase);
}
