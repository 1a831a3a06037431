using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfAnalyzers.Tests.Verifiers;

/// <summary>
/// Runs an analyzer over marked-up sources and asserts the diagnostics exactly: every expected one at its span, no
/// other. The sources must compile unless <see cref="AllowCompilerErrors"/> is set; an analyzer exception always fails.
/// </summary>
public class AnalyzerTest<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    /// <summary>Marked-up sources of the first project (several files allowed).</summary>
    public List<string> Sources { get; } = new();

    /// <summary>Shortcut for a single source file.</summary>
    public string TestCode
    {
        set => Sources.Add(value);
    }

    /// <summary>Marked-up sources of a second, independent project (for solution-wide tests).</summary>
    public List<string> OtherProjectSources { get; } = new();

    /// <summary>Lines placed under <c>[*.cs]</c> in the project's <c>.editorconfig</c>.</summary>
    public string? EditorConfig { get; set; }

    public OutputKind OutputKind { get; set; } = OutputKind.DynamicallyLinkedLibrary;

    public List<DiagnosticResult> ExpectedDiagnostics { get; } = new();

    public bool AllowCompilerErrors { get; set; }

    /// <summary>Replaces <see cref="TestReferences.Default"/> when set.</summary>
    public IEnumerable<MetadataReference>? References { get; set; }

    public List<MetadataReference> AdditionalReferences { get; } = new();

    internal ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } = ImmutableArray.Create<DiagnosticAnalyzer>(new TAnalyzer());

    internal IEnumerable<MetadataReference> AllReferences => (References ?? TestReferences.Default).Concat(AdditionalReferences);

    internal List<IReadOnlyList<string>> ProjectMarkup()
    {
        var projects = new List<IReadOnlyList<string>> { Sources };
        if (OtherProjectSources.Count > 0)
        {
            projects.Add(OtherProjectSources);
        }

        return projects;
    }

    internal static List<IReadOnlyList<(string Source, IReadOnlyList<MarkedSpan> Spans)>> ParseAll(IEnumerable<IReadOnlyList<string>> projects) =>
        projects.Select(p => (IReadOnlyList<(string, IReadOnlyList<MarkedSpan>)>)p.Select(Markup.Parse).ToList()).ToList();

    public virtual async Task RunAsync()
    {
        if (Sources.Count == 0)
        {
            throw new VerificationException("The test has no source.");
        }

        var parsed = ParseAll(ProjectMarkup());
        var solution = TestSolution.Create(
            parsed.Select(p => (IReadOnlyList<string>)p.Select(d => d.Source).ToList()).ToList(),
            EditorConfig,
            OutputKind,
            AllReferences,
            out var documentIds);

        await AssertCompilesAsync("Test code", solution, allowErrors: AllowCompilerErrors);

        var expected = DiagnosticComparer.Resolve(parsed, ExpectedDiagnostics, Analyzers);
        var actual = await TestSolution.GetAnalyzerDiagnosticsAsync(solution, Analyzers);
        DiagnosticComparer.AssertMatch("Analyzer", solution, documentIds, expected, actual);
    }

    internal static async Task<ImmutableArray<Diagnostic>> AssertCompilesAsync(string what, Solution solution, bool allowErrors)
    {
        var errors = await TestSolution.GetCompilerErrorsAsync(solution);
        if (!allowErrors && errors.Length > 0)
        {
            throw new VerificationException($"{what} does not compile:\n" + string.Join("\n", errors.Select(e => "  " + TestSolution.Format(e))));
        }

        return errors;
    }
}

/// <summary>Shortcuts for the common analyzer test.</summary>
public static class AnalyzerVerifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static Task VerifyAsync(string markup, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<TAnalyzer> { TestCode = markup };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}
