using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// For the "run the original and the fixed code" safety tests: applies every fix the provider offers, one diagnostic
/// at a time (the first code action of each, re-analysing after every change), the way a user accepting each
/// light bulb would. Returns the fixed text and how many fixes were applied (0 when none was offered).
/// </summary>
internal static class FixApplier
{
    public static async Task<(string Text, int Applied)> ApplyEachAsync<TAnalyzer, TFix>(string source, string? editorConfig = null)
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TFix : CodeFixProvider, new()
    {
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new TAnalyzer());
        var solution = AdhocProject.Create("Test", out var projectId, allowUnsafe: true);
        var documentId = DocumentId.CreateNewId(projectId, "Test0.cs");
        solution = solution.AddDocument(documentId, "Test0.cs", SourceText.From(source, Encoding.UTF8), filePath: "/Test/Test0.cs");
        solution = solution.AddAnalyzerConfigDocument(
            DocumentId.CreateNewId(projectId, ".editorconfig"),
            ".editorconfig",
            SourceText.From("root = true\n\n[*.cs]\n" + (editorConfig ?? string.Empty) + "\n", Encoding.UTF8),
            filePath: "/Test/.editorconfig");

        var fix = new TFix();
        var applied = 0;
        for (var round = 0; round < 50; round++)
        {
            var diagnostics = (await DiagnosticsAsync(solution.GetProject(projectId)!, analyzers))
                .Where(d => fix.FixableDiagnosticIds.Contains(d.Id))
                .OrderBy(d => d.Location.SourceSpan.Start)
                .ToList();
            CodeAction? chosen = null;
            foreach (var diagnostic in diagnostics)
            {
                var actions = new List<CodeAction>();
                await fix.RegisterCodeFixesAsync(new CodeFixContext(solution.GetDocument(documentId)!, diagnostic, (a, _) => actions.Add(a), CancellationToken.None));
                if (actions.Count > 0)
                {
                    chosen = actions[0];
                    break;
                }
            }

            if (chosen is null)
            {
                break;
            }

            var operations = await chosen.GetOperationsAsync(CancellationToken.None);
            solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
            applied++;
        }

        var compilation = await solution.GetProject(projectId)!.GetCompilationAsync();
        var errors = compilation!.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        var text = (await solution.GetDocument(documentId)!.GetTextAsync()).ToString();
        Assert.True(errors.Count == 0, "The fixed code does not compile:\n" + string.Join("\n", errors) + "\n" + text);
        return (text, applied);
    }

    private static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(Project project, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var compilation = await project.GetCompilationAsync() ?? throw new InvalidOperationException("No compilation.");
        var withAnalyzers = compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
            project.AnalyzerOptions, onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false));
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        return diagnostics;
    }
}
