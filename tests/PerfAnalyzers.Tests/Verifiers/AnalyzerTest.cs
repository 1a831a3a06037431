using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace PerfAnalyzers.Tests.Verifiers;

/// <summary>
/// An analyzer test on Microsoft.CodeAnalysis.Testing (<see cref="CSharpAnalyzerTest{TAnalyzer, TVerifier}"/>): the
/// diagnostics must match the markup (<c>[|..|]</c>, <c>{|ID:..|}</c>, <c>{|#0:..|}</c>) and
/// <see cref="AnalyzerTest{TVerifier}.ExpectedDiagnostics"/> exactly; compiler errors count as diagnostics unless
/// <see cref="AllowCompilerErrors"/> is set; an analyzer exception (AD0001) always fails. The library also runs the
/// analyzer with every file marked as generated and with each diagnostic suppressed by <c>#pragma</c>.
/// The properties below are our shorthand for the library's <see cref="AnalyzerTest{TVerifier}.TestState"/>.
/// </summary>
public class AnalyzerTest<TAnalyzer> : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    private bool _applied;

    /// <summary>Marked-up sources of the first project (several files allowed); <c>TestCode</c> adds one.</summary>
    public SourceFileList Sources => TestState.Sources;

    /// <summary>Marked-up sources of a second, independent project (for solution-wide tests).</summary>
    public List<string> OtherProjectSources { get; } = new();

    /// <summary>Lines placed under <c>[*.cs]</c> in the <c>.editorconfig</c> at the solution root.</summary>
    public string? EditorConfig { get; set; }

    public OutputKind OutputKind { get; set; } = OutputKind.DynamicallyLinkedLibrary;

    /// <summary>Compiler errors in the test code are ignored (for tests of broken code).</summary>
    public bool AllowCompilerErrors
    {
        get => CompilerDiagnostics == CompilerDiagnostics.None;
        set => CompilerDiagnostics = value ? CompilerDiagnostics.None : CompilerDiagnostics.Errors;
    }

    /// <summary>Replaces the whole reference set (framework and <see cref="TestReferences.Libraries"/>) when set.</summary>
    public IEnumerable<MetadataReference>? References { get; set; }

    /// <summary>References added to the default set.</summary>
    public List<MetadataReference> AdditionalReferences { get; } = new();

    protected override CompilationOptions CreateCompilationOptions() => TestSettings.CompilationOptions(base.CreateCompilationOptions());

    protected override ParseOptions CreateParseOptions() => TestSettings.ParseOptions();

    protected override Project ApplyCompilationOptions(Project project) => TestSettings.KeepEditorConfigSeverities(base.ApplyCompilationOptions(project));

    protected override Task RunImplAsync(CancellationToken cancellationToken)
    {
        if (!_applied)
        {
            _applied = true;
            ReferenceAssemblies = TestSettings.ReferenceAssemblies(References);
            TestSettings.Apply(TestState, EditorConfig, OutputKind, References, AdditionalReferences, OtherProjectSources);
        }

        return base.RunImplAsync(cancellationToken);
    }
}

/// <summary>Shortcuts for the common analyzer test (the usual <c>VerifyCS</c> shape).</summary>
public static class AnalyzerVerifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    /// <summary>An expected diagnostic of this analyzer, at its descriptor's default severity.</summary>
    public static DiagnosticResult Diagnostic(string id) => Expect.Diagnostic(id);

    /// <summary>The expected diagnostic of an analyzer with a single descriptor.</summary>
    public static DiagnosticResult Diagnostic() => Expect.Diagnostic(new TAnalyzer().SupportedDiagnostics.Single().Id);

    public static Task VerifyAsync(string markup, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<TAnalyzer> { TestCode = markup };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}
