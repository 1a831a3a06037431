using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace PerfAnalyzers.Tests.Verifiers;

/// <summary>
/// A code fix test on Microsoft.CodeAnalysis.Testing (<see cref="CSharpCodeFixTest{TAnalyzer, TCodeFix, TVerifier}"/>):
/// the analyzer reports exactly what the test code marks; applying the fix one diagnostic at a time gives exactly
/// <see cref="FixedSources"/>; Fix All in document, project and solution scope gives exactly
/// <see cref="BatchFixedSources"/> (default: the fixed sources); the fixed code has no compiler error and exactly the
/// diagnostics its own markup shows. When the fixed code equals the test code, no fix may be offered at all.
/// The properties below are our shorthand for the library's test, fixed and batch-fixed states.
/// </summary>
public class CodeFixTest<TAnalyzer, TCodeFix> : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    private bool _applied;

    /// <summary>Marked-up sources of the first project (several files allowed); <c>TestCode</c> adds one.</summary>
    public SourceFileList Sources => TestState.Sources;

    /// <summary>Expected sources after fixing one diagnostic at a time; <c>FixedCode</c> adds one.</summary>
    public SourceFileList FixedSources => FixedState.Sources;

    /// <summary>Expected sources after Fix All, when they differ from <see cref="FixedSources"/>; <c>BatchFixedCode</c> adds one.</summary>
    public SourceFileList BatchFixedSources => BatchFixedState.Sources;

    /// <summary>Marked-up sources of a second, independent project (for solution-wide tests).</summary>
    public List<string> OtherProjectSources { get; } = new();

    /// <summary>Expected text of <see cref="OtherProjectSources"/> after fixing (default: unchanged).</summary>
    public List<string> OtherProjectFixedSources { get; } = new();

    /// <summary>Lines placed under <c>[*.cs]</c> in the <c>.editorconfig</c> at the solution root.</summary>
    public string? EditorConfig { get; set; }

    public OutputKind OutputKind { get; set; } = OutputKind.DynamicallyLinkedLibrary;

    /// <summary>Compiler errors in the test and fixed code are ignored (for tests of broken code).</summary>
    public bool AllowCompilerErrors
    {
        get => CompilerDiagnostics == CompilerDiagnostics.None;
        set => CompilerDiagnostics = value ? CompilerDiagnostics.None : CompilerDiagnostics.Errors;
    }

    /// <summary>Replaces the whole reference set (framework and <see cref="TestReferences.Libraries"/>) when set.</summary>
    public IEnumerable<MetadataReference>? References { get; set; }

    /// <summary>References added to the default set.</summary>
    public List<MetadataReference> AdditionalReferences { get; } = new();

    /// <summary>Upper bound on Fix All applications in each scope (default: one per document, project, solution).</summary>
    public int? FixAllIterations
    {
        get => NumberOfFixAllIterations is int n ? -n : null;
        set
        {
            var bound = value is int n ? -n : (int?)null;
            NumberOfFixAllIterations = bound;
            NumberOfFixAllInProjectIterations = bound;
            NumberOfFixAllInDocumentIterations = bound;
        }
    }

    /// <summary>Skip the Fix All checks (for a fix that deliberately has no Fix All provider).</summary>
    public bool SkipFixAll
    {
        get => CodeFixTestBehaviors.HasFlag(CodeFixTestBehaviors.SkipFixAllCheck);
        set => CodeFixTestBehaviors = value
            ? CodeFixTestBehaviors | CodeFixTestBehaviors.SkipFixAllCheck
            : CodeFixTestBehaviors & ~CodeFixTestBehaviors.SkipFixAllCheck;
    }

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
            var otherFixed = OtherProjectFixedSources.Count > 0 ? OtherProjectFixedSources : OtherProjectSources;

            // The fixed code states its remaining diagnostics in its own markup, fixable or not (as the test code does).
            foreach (var state in new[] { FixedState, BatchFixedState })
            {
                if (state.Sources.Count > 0)
                {
                    state.InheritanceMode = StateInheritanceMode.Explicit;
                    state.MarkupHandling = MarkupMode.Allow;
                    TestSettings.Apply(state, EditorConfig, OutputKind, References, AdditionalReferences, otherFixed);
                    if (SameText(state.Sources, TestState.Sources))
                    {
                        // No fix expected: the same code keeps the same expectations.
                        state.ExpectedDiagnostics.AddRange(ExpectedDiagnostics);
                    }
                }
            }
        }

        return base.RunImplAsync(cancellationToken);
    }

    private static bool SameText(SourceFileList a, SourceFileList b) =>
        a.Count == b.Count && a.Zip(b).All(pair => pair.First.content.ToString() == pair.Second.content.ToString());
}

/// <summary>Shortcuts for the common code fix tests (the usual <c>VerifyCS</c> shape).</summary>
public static class CodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    /// <summary>An expected diagnostic of this analyzer, at its descriptor's default severity.</summary>
    public static DiagnosticResult Diagnostic(string id) => Expect.Diagnostic(id);

    /// <summary>The expected diagnostic of an analyzer with a single descriptor.</summary>
    public static DiagnosticResult Diagnostic() => Expect.Diagnostic(new TAnalyzer().SupportedDiagnostics.Single().Id);

    public static Task VerifyFixAsync(string markup, string fixedCode, params DiagnosticResult[] expected)
    {
        var test = new CodeFixTest<TAnalyzer, TCodeFix> { TestCode = markup, FixedCode = fixedCode };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>The diagnostics are reported as marked, and no fix is offered for any of them.</summary>
    public static Task VerifyNoFixAsync(string markup, params DiagnosticResult[] expected)
    {
        var test = new CodeFixTest<TAnalyzer, TCodeFix> { TestCode = markup, FixedCode = markup };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}
