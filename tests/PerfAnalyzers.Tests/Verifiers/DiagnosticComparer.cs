using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace PerfAnalyzers.Tests.Verifiers;

/// <summary>An expectation resolved to a document and span.</summary>
internal sealed record ResolvedExpectation(string Id, int ProjectIndex, int DocumentIndex, TextSpan Span, DiagnosticResult? Details);

/// <summary>Matches actual diagnostics against expectations one to one; on mismatch, explains with spans and source text.</summary>
internal static class DiagnosticComparer
{
    /// <summary>Turns markup spans and explicit results into located expectations.</summary>
    public static List<ResolvedExpectation> Resolve(
        IReadOnlyList<IReadOnlyList<(string Source, IReadOnlyList<MarkedSpan> Spans)>> parsed,
        IEnumerable<DiagnosticResult> explicitResults,
        ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var expectations = new List<ResolvedExpectation>();
        var markers = new Dictionary<int, (int Project, int Document, TextSpan Span)>();

        for (var p = 0; p < parsed.Count; p++)
        {
            for (var d = 0; d < parsed[p].Count; d++)
            {
                foreach (var span in parsed[p][d].Spans)
                {
                    if (span.Marker is int marker)
                    {
                        markers[marker] = (p, d, span.Span);
                        continue;
                    }

                    expectations.Add(new ResolvedExpectation(span.Id ?? DefaultId(analyzers), p, d, span.Span, null));
                }
            }
        }

        foreach (var result in explicitResults)
        {
            if (result.Marker is int marker)
            {
                if (!markers.TryGetValue(marker, out var place))
                {
                    throw new VerificationException($"Expected diagnostic {result.Id} refers to marker #{marker}, which the markup does not define.");
                }

                expectations.Add(new ResolvedExpectation(result.Id, place.Project, place.Document, place.Span, result));
            }
            else if (result.LineSpan is { } lineSpan)
            {
                var text = SourceText.From(parsed[0][result.DocumentIndex].Source);
                var start = text.Lines[lineSpan.StartLine - 1].Start + lineSpan.StartColumn - 1;
                var end = text.Lines[lineSpan.EndLine - 1].Start + lineSpan.EndColumn - 1;
                expectations.Add(new ResolvedExpectation(result.Id, 0, result.DocumentIndex, TextSpan.FromBounds(start, end), result));
            }
            else
            {
                throw new VerificationException($"Expected diagnostic {result.Id} has no location: use WithLocation(marker) or WithSpan(...).");
            }
        }

        return expectations;
    }

    private static string DefaultId(ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var ids = analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).Distinct().ToList();
        if (ids.Count != 1)
        {
            throw new VerificationException($"[|...|] markup needs an analyzer with exactly one diagnostic ID; these analyzers report {string.Join(", ", ids)}. Use {{|ID:...|}}.");
        }

        return ids[0];
    }

    public static void AssertMatch(
        string context,
        Solution solution,
        ImmutableArray<ImmutableArray<DocumentId>> documentIds,
        IReadOnlyList<ResolvedExpectation> expected,
        IEnumerable<Diagnostic> actualDiagnostics)
    {
        var actual = actualDiagnostics
            .OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToList();
        var unmatchedActual = new List<Diagnostic>(actual);
        var problems = new List<string>();

        foreach (var expectation in expected)
        {
            var documentPath = solution.GetDocument(documentIds[expectation.ProjectIndex][expectation.DocumentIndex])!.FilePath;
            var match = unmatchedActual.FirstOrDefault(d =>
                d.Id == expectation.Id &&
                d.Location.IsInSource &&
                d.Location.SourceTree!.FilePath == documentPath &&
                d.Location.SourceSpan == expectation.Span);

            if (match is null)
            {
                var text = solution.GetDocument(documentIds[expectation.ProjectIndex][expectation.DocumentIndex])!.GetTextAsync().Result;
                var line = text.Lines.GetLinePositionSpan(expectation.Span);
                problems.Add($"  missing:    {expectation.Id} {Path.GetFileName(documentPath)}({line.Start.Line + 1},{line.Start.Character + 1})-({line.End.Line + 1},{line.End.Character + 1}) `{TestSolution.Shorten(text.ToString(expectation.Span))}`");
                continue;
            }

            unmatchedActual.Remove(match);
            if (expectation.Details is { } details)
            {
                var message = match.GetMessage(CultureInfo.InvariantCulture);
                if (details.Arguments is not null)
                {
                    var expectedMessage = string.Format(CultureInfo.InvariantCulture, match.Descriptor.MessageFormat.ToString(CultureInfo.InvariantCulture), details.Arguments);
                    if (expectedMessage != message)
                    {
                        problems.Add($"  arguments:  {TestSolution.Format(match)}\n              expected message: {expectedMessage}");
                    }
                }

                if (details.Message is not null && details.Message != message)
                {
                    problems.Add($"  message:    {TestSolution.Format(match)}\n              expected message: {details.Message}");
                }

                if (details.Severity is { } severity && severity != match.Severity)
                {
                    problems.Add($"  severity:   {TestSolution.Format(match)} is {match.Severity}, expected {severity}");
                }
            }
        }

        foreach (var extra in unmatchedActual)
        {
            problems.Add($"  unexpected: {TestSolution.Format(extra)}");
        }

        if (problems.Count == 0)
        {
            return;
        }

        var report = new StringBuilder();
        report.AppendLine($"{context}: diagnostics do not match.");
        report.AppendLine(string.Join("\n", problems));
        report.AppendLine($"Expected {expected.Count}, actual {actual.Count}:");
        foreach (var diagnostic in actual)
        {
            report.AppendLine("  " + TestSolution.Format(diagnostic));
        }

        throw new VerificationException(report.ToString());
    }
}
