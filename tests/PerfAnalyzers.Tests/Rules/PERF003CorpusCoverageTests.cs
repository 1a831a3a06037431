using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Xunit.Abstractions;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// Issue #17 (PERF003 fix coverage), measured on a corpus of service code written the way services are written, not
/// shaped to the fix: tests/PerfAnalyzers.Tests/Corpus/Perf003Services/*.cs.txt (text files, not compiled into this
/// assembly). The corpus is compiled as one project; for every PERF003 diagnostic the fix is asked for, and each
/// offered fix is applied alone and the result must compile with no new errors. Prints one line per diagnostic and the
/// share with a fix (see the test output, or perf003-corpus-coverage.txt beside the test assembly).
/// </summary>
public class PERF003CorpusCoverageTests(ITestOutputHelper output)
{
    /// <summary>Diagnostics of the corpus that must get a fix: raise it when a new shape gets one, never lower it silently.</summary>
    private const int ExpectedWithFix = 44;

    private static string CorpusFolder([CallerFilePath] string path = "") =>
        Path.Combine(Path.GetDirectoryName(path)!, "..", "Corpus", "Perf003Services");

    [Fact]
    public async Task Corpus_coverage_of_the_PERF003_fix()
    {
        var (project, compilation) = await CorpusProject.LoadAsync(CorpusFolder());

        var diagnostics = (await compilation
                .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new PERF003NPlusOneQueryAnalyzer()), project.AnalyzerOptions)
                .GetAnalyzerDiagnosticsAsync())
            .Where(d => d.Id == "PERF003")
            .OrderBy(d => d.Location.SourceTree!.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ToList();

        var fix = new PERF003BatchQueryCodeFix();
        var report = new StringBuilder();
        var details = new StringBuilder();
        var withFix = 0;
        foreach (var diagnostic in diagnostics)
        {
            var document = project.GetDocument(diagnostic.Location.SourceTree!)!;
            var actions = new List<CodeAction>();
            await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), CancellationToken.None));
            var line = diagnostic.Location.GetLineSpan();
            var where = $"{Path.GetFileName(line.Path)}:{line.StartLinePosition.Line + 1}";
            var code = diagnostic.Location.SourceTree!.GetText().Lines[line.StartLinePosition.Line].ToString().Trim();
            if (actions.Count == 0)
            {
                report.AppendLine($"  none  {where}  {code}");
                continue;
            }

            withFix++;
            report.AppendLine($"  FIX   {where}  {code}  -> {actions[0].Title}");

            // The fix alone must leave code that compiles with no new errors.
            var operations = await actions[0].GetOperationsAsync(CancellationToken.None);
            var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetProject(project.Id)!;
            var fixedErrors = (await changed.GetCompilationAsync())!.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            var fixedText = (await changed.GetDocument(document.Id)!.GetTextAsync()).ToString();
            Assert.True(fixedErrors.Count == 0, $"The fix at {where} does not compile:\n" + string.Join("\n", fixedErrors) + "\n" + fixedText);
            details.AppendLine($"{where}:");
            details.AppendLine(ChangedLines((await document.GetTextAsync()).ToString(), fixedText));
        }

        report.Insert(0, $"PERF003 corpus coverage: {withFix} of {diagnostics.Count} diagnostics have a fix ({(diagnostics.Count == 0 ? 0 : 100.0 * withFix / diagnostics.Count):0.#}%)\n");
        output.WriteLine(report.ToString());
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "perf003-corpus-coverage.txt"), report + "\nThe fixes (changed lines):\n" + details);
        Assert.True(withFix >= ExpectedWithFix, $"{withFix} diagnostics with a fix, expected at least {ExpectedWithFix}:\n{report}");
    }

    /// <summary>The lines of <paramref name="after"/> between the common head and tail of the two texts.</summary>
    private static string ChangedLines(string before, string after)
    {
        var a = before.Split('\n');
        var b = after.Split('\n');
        var start = 0;
        while (start < a.Length && start < b.Length && a[start] == b[start])
        {
            start++;
        }

        var end = 0;
        while (end < a.Length - start && end < b.Length - start && a[a.Length - 1 - end] == b[b.Length - 1 - end])
        {
            end++;
        }

        return string.Join("\n", b.Skip(start).Take(b.Length - end - start).Select(line => "    + " + line.TrimEnd('\r')));
    }
}
