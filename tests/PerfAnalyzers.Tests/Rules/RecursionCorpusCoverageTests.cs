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
/// Issue #17 (PERF004/PERF005 fix coverage), measured on a corpus of service code with recursion written the way it is
/// usually written (category breadcrumbs, comment threads, org charts, folders, role inheritance, expression and JSON
/// walks, linked lists, paging and retries, math and text helpers), not shaped to the fixes:
/// tests/PerfAnalyzers.Tests/Corpus/RecursionServices/*.cs.txt (text files, not compiled into this assembly). The
/// corpus is compiled as one project; for every PERF004 and PERF005 diagnostic the rule's fix is asked for, and each
/// offered fix is applied alone and the result must compile with no new errors. Prints one line per diagnostic, the
/// share with a fix per rule and the sites without one (see the test output, or recursion-corpus-coverage.txt beside
/// the test assembly).
/// </summary>
public class RecursionCorpusCoverageTests(ITestOutputHelper output)
{
    /// <summary>PERF004 diagnostics of the corpus that must get a fix: raise it when a new shape gets one, never lower it silently.</summary>
    private const int ExpectedPerf004WithFix = 61;

    /// <summary>PERF005 diagnostics of the corpus that must get a fix: raise it when a new shape gets one, never lower it silently.</summary>
    private const int ExpectedPerf005WithFix = 53;

    private static string CorpusFolder([CallerFilePath] string path = "") =>
        Path.Combine(Path.GetDirectoryName(path)!, "..", "Corpus", "RecursionServices");

    [Fact]
    public async Task Corpus_coverage_of_the_PERF004_and_PERF005_fixes()
    {
        var (project, compilation) = await CorpusProject.LoadAsync(CorpusFolder());
        var baseline = compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.Id + " " + d.GetMessage()).ToHashSet(StringComparer.Ordinal);

        var diagnostics = (await compilation
                .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new PERF004NonTailRecursionAnalyzer(), new PERF005TailRecursionAnalyzer()), project.AnalyzerOptions)
                .GetAnalyzerDiagnosticsAsync())
            .Where(d => d.Id is "PERF004" or "PERF005")
            .OrderBy(d => d.Id, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceTree!.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ToList();

        var fixes = new Dictionary<string, CodeFixProvider>
        {
            ["PERF004"] = new PERF004IntroduceAccumulatorCodeFix(),
            ["PERF005"] = new PERF005ConvertTailRecursionToLoopCodeFix(),
        };
        var report = new StringBuilder();
        var missing = new StringBuilder();
        var details = new StringBuilder();
        var all = new Dictionary<string, int> { ["PERF004"] = 0, ["PERF005"] = 0 };
        var withFix = new Dictionary<string, int> { ["PERF004"] = 0, ["PERF005"] = 0 };
        foreach (var diagnostic in diagnostics)
        {
            all[diagnostic.Id]++;
            var document = project.GetDocument(diagnostic.Location.SourceTree!)!;
            var actions = new List<CodeAction>();
            await fixes[diagnostic.Id].RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), CancellationToken.None));
            var line = diagnostic.Location.GetLineSpan();
            var where = $"{diagnostic.Id} {Path.GetFileName(line.Path)}:{line.StartLinePosition.Line + 1}";
            var code = diagnostic.Location.SourceTree!.GetText().Lines[line.StartLinePosition.Line].ToString().Trim();
            if (actions.Count == 0)
            {
                report.AppendLine($"  none  {where}  {code}");
                missing.AppendLine($"  {where}  {code}");
                continue;
            }

            withFix[diagnostic.Id]++;
            report.AppendLine($"  FIX   {where}  {code}  -> {actions[0].Title}");

            // The fix alone must leave code that compiles with no new errors (and no new warnings, nullable ones included).
            var operations = await actions[0].GetOperationsAsync(CancellationToken.None);
            var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetProject(project.Id)!;
            var fixedDiagnostics = (await changed.GetCompilationAsync())!.GetDiagnostics();
            var fixedErrors = fixedDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            var newWarnings = fixedDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning && !baseline.Contains(d.Id + " " + d.GetMessage())).ToList();
            var fixedText = (await changed.GetDocument(document.Id)!.GetTextAsync()).ToString();
            Assert.True(fixedErrors.Count == 0, $"The fix at {where} does not compile:\n" + string.Join("\n", fixedErrors) + "\n" + fixedText);
            Assert.True(newWarnings.Count == 0, $"The fix at {where} adds warnings:\n" + string.Join("\n", newWarnings) + "\n" + fixedText);
            details.AppendLine($"{where}:");
            details.AppendLine(ChangedLines((await document.GetTextAsync()).ToString(), fixedText));
        }

        var summary = new StringBuilder();
        foreach (var id in new[] { "PERF004", "PERF005" })
        {
            summary.AppendLine($"{id} corpus coverage: {withFix[id]} of {all[id]} diagnostics have a fix ({(all[id] == 0 ? 0 : 100.0 * withFix[id] / all[id]):0.#}%)");
        }

        summary.AppendLine("Without a fix:").Append(missing).AppendLine("All diagnostics:");
        report.Insert(0, summary.ToString());
        output.WriteLine(report.ToString());
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "recursion-corpus-coverage.txt"), report + "\nThe fixes (changed lines):\n" + details);
        Assert.True(withFix["PERF004"] >= ExpectedPerf004WithFix, $"PERF004: {withFix["PERF004"]} diagnostics with a fix, expected at least {ExpectedPerf004WithFix}:\n{report}");
        Assert.True(withFix["PERF005"] >= ExpectedPerf005WithFix, $"PERF005: {withFix["PERF005"]} diagnostics with a fix, expected at least {ExpectedPerf005WithFix}:\n{report}");
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
