using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
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
        var solution = TestSolution.Create(new[] { new[] { source } }, editorConfig, OutputKind.DynamicallyLinkedLibrary, TestReferences.Default, out var ids);
        var documentId = ids[0][0];
        var fix = new TFix();
        var applied = 0;
        var skipped = new HashSet<string>();
        for (var round = 0; round < 50; round++)
        {
            var diagnostics = (await TestSolution.GetAnalyzerDiagnosticsAsync(solution, analyzers))
                .Where(d => fix.FixableDiagnosticIds.Contains(d.Id))
                .OrderBy(d => d.Location.SourceSpan.Start)
                .ToList();
            CodeAction? chosen = null;
            foreach (var diagnostic in diagnostics)
            {
                var key = diagnostic.Location.SourceSpan + diagnostic.GetMessage();
                if (skipped.Contains(key))
                {
                    continue;
                }

                var actions = new List<CodeAction>();
                await fix.RegisterCodeFixesAsync(new CodeFixContext(solution.GetDocument(documentId)!, diagnostic, (a, _) => actions.Add(a), CancellationToken.None));
                if (actions.Count == 0)
                {
                    skipped.Add(key);
                    continue;
                }

                chosen = actions[0];
                break;
            }

            if (chosen is null)
            {
                break;
            }

            var operations = await chosen.GetOperationsAsync(CancellationToken.None);
            solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
            skipped.Clear();
            applied++;
        }

        var errors = await TestSolution.GetCompilerErrorsAsync(solution);
        Assert.True(errors.Length == 0, "The fixed code does not compile:\n" + string.Join("\n", errors.Select(TestSolution.Format)));
        return ((await solution.GetDocument(documentId)!.GetTextAsync()).ToString(), applied);
    }
}
