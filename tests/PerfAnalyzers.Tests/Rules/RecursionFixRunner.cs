using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// For the PERF004/PERF005 "proof by running" tests: applies a fix's Fix All to a whole source file the way the IDE
/// would, so that the test compiles and runs the fix's real output rather than a hand-written copy of it.
/// </summary>
internal static class RecursionFixRunner
{
    public static async Task<string> FixAllAsync<TAnalyzer, TFix>(string source, int expectedDiagnostics)
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TFix : CodeFixProvider, new()
    {
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new TAnalyzer());
        var project = new AdhocWorkspace().CurrentSolution
            .AddProject("Run", "Run", LanguageNames.CSharp)
            .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable))
            .WithParseOptions(new CSharpParseOptions(LanguageVersion.Latest))
            .WithMetadataReferences(TestReferences.Default);
        var document = project.AddDocument("Run.cs", source);
        var fix = new TFix();
        var diagnostics = (await DiagnosticsAsync(document.Project, analyzers, CancellationToken.None)).Where(d => fix.FixableDiagnosticIds.Contains(d.Id)).ToList();
        Assert.Equal(expectedDiagnostics, diagnostics.Count);

        var actions = new List<CodeAction>();
        await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostics[0], (a, _) => actions.Add(a), CancellationToken.None));
        Assert.NotEmpty(actions);

        var context = new FixAllContext(document, fix, FixAllScope.Document, actions[0].EquivalenceKey, fix.FixableDiagnosticIds, new Provider(analyzers), CancellationToken.None);
        var action = await fix.GetFixAllProvider()!.GetFixAsync(context);
        var operations = await action!.GetOperationsAsync(CancellationToken.None);
        var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(document.Id)!;

        var remaining = (await DiagnosticsAsync(changed.Project, analyzers, CancellationToken.None)).Where(d => fix.FixableDiagnosticIds.Contains(d.Id)).ToList();
        Assert.True(remaining.Count == 0, "Diagnostics left after Fix All:\n" + string.Join("\n", remaining));
        return (await changed.GetTextAsync()).ToString();
    }

    private static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(Project project, ImmutableArray<DiagnosticAnalyzer> analyzers, CancellationToken cancellationToken)
    {
        var compilation = (await project.GetCompilationAsync(cancellationToken))!;
        var diagnostics = await compilation.WithAnalyzers(analyzers, project.AnalyzerOptions).GetAnalyzerDiagnosticsAsync(cancellationToken);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        return diagnostics;
    }

    private sealed class Provider(ImmutableArray<DiagnosticAnalyzer> analyzers) : FixAllContext.DiagnosticProvider
    {
        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
        {
            var tree = await document.GetSyntaxTreeAsync(cancellationToken);
            return (await DiagnosticsAsync(document.Project, analyzers, cancellationToken)).Where(d => d.Location.SourceTree == tree);
        }

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(Enumerable.Empty<Diagnostic>());

        public override async Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            await DiagnosticsAsync(project, analyzers, cancellationToken);
    }
}
