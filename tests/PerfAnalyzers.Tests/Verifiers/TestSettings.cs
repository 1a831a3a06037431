using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;

namespace PerfAnalyzers.Tests.Verifiers;

/// <summary>
/// How our tests set up a project for the testing library, shared by <see cref="AnalyzerTest{TAnalyzer}"/> and
/// <see cref="CodeFixTest{TAnalyzer, TCodeFix}"/>: C# latest with nullable enabled, the references of
/// <see cref="TestReferences"/>, an optional <c>.editorconfig</c> and an optional second project.
/// </summary>
internal static class TestSettings
{
    public const string OtherProjectName = "OtherProject";

    public static CompilationOptions CompilationOptions(CompilationOptions options) =>
        ((CSharpCompilationOptions)options).WithNullableContextOptions(NullableContextOptions.Enable);

    /// <summary>
    /// The library sets every supported diagnostic to <see cref="ReportDiagnostic.Default"/> in the compilation options,
    /// which would hide <c>dotnet_diagnostic.ID.severity</c> and category severities set in <c>.editorconfig</c> (as
    /// a user writes them); only the entries that change something (AD0001 as error, disabled diagnostics) are kept.
    /// </summary>
    public static Project KeepEditorConfigSeverities(Project project)
    {
        var options = project.CompilationOptions!;
        var specific = options.SpecificDiagnosticOptions.Where(entry => entry.Value != ReportDiagnostic.Default).ToImmutableDictionary();
        return project.WithCompilationOptions(options.WithSpecificDiagnosticOptions(specific));
    }

    public static ParseOptions ParseOptions() => new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Diagnose);

    public static ReferenceAssemblies ReferenceAssemblies(IEnumerable<MetadataReference>? references) =>
        references is null ? TestReferences.Framework : TestReferences.None;

    /// <summary>Fills a solution state (test, fixed or batch-fixed) whose sources are already set.</summary>
    public static void Apply(
        SolutionState state,
        string? editorConfig,
        OutputKind outputKind,
        IEnumerable<MetadataReference>? references,
        IEnumerable<MetadataReference> additionalReferences,
        IReadOnlyList<string> otherProjectSources)
    {
        var libraries = (references ?? TestReferences.Libraries).Concat(additionalReferences).ToList();
        state.OutputKind = outputKind;
        state.AdditionalReferences.AddRange(libraries);
        if (editorConfig is not null)
        {
            state.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n\n[*.cs]\n" + editorConfig + "\n"));
        }

        if (otherProjectSources.Count > 0)
        {
            var other = state.AdditionalProjects[OtherProjectName];
            other.AdditionalReferences.AddRange(libraries);
            foreach (var source in otherProjectSources)
            {
                other.Sources.Add(source);
            }
        }
    }
}
