using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace PerfAnalyzers.Tests.Verifiers;

/// <summary>
/// Verifies a code fix the way a user meets it:
/// <list type="number">
/// <item>the analyzer reports exactly the diagnostics marked in the test code;</item>
/// <item>applying the fix to one diagnostic at a time (re-analysing in between, as a user clicking would) gives exactly
/// <see cref="FixedSources"/>;</item>
/// <item>Fix All in Document, Project and Solution scope gives exactly <see cref="BatchFixedSources"/> (default: the
/// fixed sources) in one application per document, project or solution;</item>
/// <item>every fixed result compiles with no new error, and the only diagnostics left are those marked in the fixed
/// code.</item>
/// </list>
/// When the fixed code equals the test code, it asserts instead that no fix is offered for any diagnostic.
/// </summary>
public class CodeFixTest<TAnalyzer, TCodeFix> : AnalyzerTest<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public List<string> FixedSources { get; } = new();

    public string FixedCode
    {
        set => FixedSources.Add(value);
    }

    public List<string> BatchFixedSources { get; } = new();

    public string BatchFixedCode
    {
        set => BatchFixedSources.Add(value);
    }

    /// <summary>Expected text of <see cref="AnalyzerTest{TAnalyzer}.OtherProjectSources"/> after fixing.</summary>
    public List<string> OtherProjectFixedSources { get; } = new();

    /// <summary>Only code actions with this equivalence key are applied (and counted for "no fix offered").</summary>
    public string? CodeActionEquivalenceKey { get; set; }

    /// <summary>Upper bound on Fix All applications per scope; by default one per document (Document scope), one per project (Project) and one (Solution).</summary>
    public int? FixAllIterations { get; set; }

    /// <summary>Skip the Fix All checks (for a fix that deliberately has no Fix All provider).</summary>
    public bool SkipFixAll { get; set; }

    private readonly TCodeFix _provider = new();

    public override async Task RunAsync()
    {
        await base.RunAsync();

        if (FixedSources.Count == 0)
        {
            throw new VerificationException("A code fix test needs FixedCode (equal to TestCode when no fix is expected).");
        }

        var original = CreateSolution(out var documentIds);
        var originalErrors = await AssertCompilesAsync("Test code", original, AllowCompilerErrors);

        var noFixExpected = FixedSources.SequenceEqual(Sources) && OtherProjectFixedSources.SequenceEqual(OtherProjectSources);
        if (noFixExpected)
        {
            await AssertNoFixOfferedAsync(original);
            return;
        }

        var expectedFixed = FixedProjectsMarkup(FixedSources);
        var oneByOne = await ApplyOneByOneAsync(original);
        await AssertResultAsync("Code fix (one diagnostic at a time)", oneByOne, documentIds, expectedFixed, originalErrors);

        if (SkipFixAll)
        {
            return;
        }

        if (_provider.GetFixAllProvider() is not { } fixAllProvider)
        {
            throw new VerificationException($"{typeof(TCodeFix).Name} has no FixAllProvider (set SkipFixAll only if that is intended).");
        }

        var expectedBatch = FixedProjectsMarkup(BatchFixedSources.Count > 0 ? BatchFixedSources : FixedSources);
        foreach (var scope in new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution })
        {
            if (!fixAllProvider.GetSupportedFixAllScopes().Contains(scope))
            {
                throw new VerificationException($"{typeof(TCodeFix).Name}'s FixAllProvider does not support {scope} scope.");
            }

            var batch = await ApplyFixAllAsync(original, fixAllProvider, scope);
            await AssertResultAsync($"Fix All ({scope} scope)", batch, documentIds, expectedBatch, originalErrors);
        }
    }

    private Solution CreateSolution(out ImmutableArray<ImmutableArray<DocumentId>> documentIds)
    {
        var parsed = ParseAll(ProjectMarkup());
        return TestSolution.Create(
            parsed.Select(p => (IReadOnlyList<string>)p.Select(d => d.Source).ToList()).ToList(),
            EditorConfig,
            OutputKind,
            AllReferences,
            out documentIds);
    }

    private List<IReadOnlyList<string>> FixedProjectsMarkup(List<string> firstProject)
    {
        var projects = new List<IReadOnlyList<string>> { firstProject };
        if (OtherProjectSources.Count > 0)
        {
            projects.Add(OtherProjectFixedSources.Count > 0 ? OtherProjectFixedSources : OtherProjectSources);
        }

        return projects;
    }

    private async Task<ImmutableArray<Diagnostic>> GetFixableDiagnosticsAsync(Solution solution)
    {
        var fixable = _provider.FixableDiagnosticIds;
        var diagnostics = await TestSolution.GetAnalyzerDiagnosticsAsync(solution, Analyzers);
        return diagnostics
            .Where(d => fixable.Contains(d.Id) && d.Location.IsInSource)
            .OrderBy(d => d.Location.SourceTree!.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ToImmutableArray();
    }

    private async Task<List<CodeAction>> GetActionsAsync(Solution solution, Diagnostic diagnostic)
    {
        var document = solution.GetDocument(diagnostic.Location.SourceTree) ?? throw new VerificationException("Diagnostic outside any document: " + TestSolution.Format(diagnostic));
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await _provider.RegisterCodeFixesAsync(context);
        return CodeActionEquivalenceKey is null ? actions : actions.Where(a => a.EquivalenceKey == CodeActionEquivalenceKey).ToList();
    }

    private static async Task<Solution> ApplyAsync(CodeAction action)
    {
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        var apply = operations.OfType<ApplyChangesOperation>().SingleOrDefault()
            ?? throw new VerificationException($"Code action '{action.Title}' produced no ApplyChangesOperation.");
        return apply.ChangedSolution;
    }

    private async Task AssertNoFixOfferedAsync(Solution solution)
    {
        foreach (var diagnostic in await GetFixableDiagnosticsAsync(solution))
        {
            var actions = await GetActionsAsync(solution, diagnostic);
            if (actions.Count > 0)
            {
                throw new VerificationException($"Expected no code fix, but '{actions[0].Title}' (key {actions[0].EquivalenceKey}) is offered for {TestSolution.Format(diagnostic)}");
            }
        }
    }

    private async Task<Solution> ApplyOneByOneAsync(Solution solution)
    {
        var limit = 1 + (await GetFixableDiagnosticsAsync(solution)).Length * 4;
        for (var iteration = 0; ; iteration++)
        {
            var applied = false;
            foreach (var diagnostic in await GetFixableDiagnosticsAsync(solution))
            {
                var actions = await GetActionsAsync(solution, diagnostic);
                if (actions.Count == 0)
                {
                    continue;
                }

                if (iteration >= limit)
                {
                    throw new VerificationException($"The fix keeps offering actions after {limit} applications (last: {TestSolution.Format(diagnostic)}).");
                }

                solution = await ApplyAsync(actions[0]);
                applied = true;
                break;
            }

            if (!applied)
            {
                return solution;
            }
        }
    }

    private async Task<Solution> ApplyFixAllAsync(Solution solution, FixAllProvider fixAllProvider, FixAllScope scope)
    {
        var initial = await GetFixableDiagnosticsAsync(solution);
        var allowed = FixAllIterations ?? scope switch
        {
            FixAllScope.Document => initial.Select(d => d.Location.SourceTree!.FilePath).Distinct().Count(),
            FixAllScope.Project => initial.Select(d => solution.GetDocument(d.Location.SourceTree)!.Project.Id).Distinct().Count(),
            _ => 1,
        };

        var diagnosticProvider = new TestDiagnosticProvider(Analyzers);
        for (var iteration = 0; ; iteration++)
        {
            CodeAction? first = null;
            Diagnostic? firstDiagnostic = null;
            foreach (var diagnostic in await GetFixableDiagnosticsAsync(solution))
            {
                var actions = await GetActionsAsync(solution, diagnostic);
                if (actions.Count > 0)
                {
                    first = actions[0];
                    firstDiagnostic = diagnostic;
                    break;
                }
            }

            if (first is null)
            {
                return solution;
            }

            if (iteration >= allowed)
            {
                throw new VerificationException($"Fix All ({scope}) left fixable diagnostics after {allowed} application(s), e.g. {TestSolution.Format(firstDiagnostic!)}. A Fix All must fix every occurrence in its scope at once.");
            }

            var document = solution.GetDocument(firstDiagnostic!.Location.SourceTree)!;
            var context = new FixAllContext(document, _provider, scope, first.EquivalenceKey, _provider.FixableDiagnosticIds, diagnosticProvider, CancellationToken.None);
            var action = await fixAllProvider.GetFixAsync(context)
                ?? throw new VerificationException($"Fix All ({scope}) returned no action.");
            solution = await ApplyAsync(action);
        }
    }

    private async Task AssertResultAsync(
        string what,
        Solution solution,
        ImmutableArray<ImmutableArray<DocumentId>> documentIds,
        List<IReadOnlyList<string>> expectedMarkup,
        ImmutableArray<Diagnostic> originalErrors)
    {
        var parsed = ParseAll(expectedMarkup);
        for (var p = 0; p < parsed.Count; p++)
        {
            var ids = documentIds[p];
            if (parsed[p].Count != ids.Length)
            {
                throw new VerificationException($"{what}: {ids.Length} document(s) in project {p}, but {parsed[p].Count} expected fixed source(s).");
            }

            for (var d = 0; d < ids.Length; d++)
            {
                var document = solution.GetDocument(ids[d])!;
                var actual = (await document.GetTextAsync()).ToString();
                var expected = parsed[p][d].Source;
                if (actual != expected)
                {
                    throw new VerificationException($"{what}: {document.Name} (project {p}) differs from the expected text.\n{TextDiff.Describe(expected, actual)}");
                }
            }
        }

        // No new compiler error.
        var errors = await TestSolution.GetCompilerErrorsAsync(solution);
        var before = originalErrors.Select(e => e.Id).ToHashSet();
        if (errors.Length > originalErrors.Length || errors.Any(e => !before.Contains(e.Id)))
        {
            throw new VerificationException($"{what}: the fixed code does not compile:\n" + string.Join("\n", errors.Select(e => "  " + TestSolution.Format(e))));
        }

        // Only the diagnostics marked in the fixed code remain.
        var expectations = DiagnosticComparer.Resolve(parsed, Array.Empty<DiagnosticResult>(), Analyzers);
        var remaining = await TestSolution.GetAnalyzerDiagnosticsAsync(solution, Analyzers);
        DiagnosticComparer.AssertMatch($"{what}, diagnostics left in the fixed code", solution, documentIds, expectations, remaining);
    }

    private sealed class TestDiagnosticProvider(ImmutableArray<DiagnosticAnalyzer> analyzers) : FixAllContext.DiagnosticProvider
    {
        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
        {
            var tree = await document.GetSyntaxTreeAsync(cancellationToken);
            var all = await TestSolution.GetAnalyzerDiagnosticsAsync(document.Project, analyzers, cancellationToken);
            return all.Where(d => d.Location.SourceTree == tree);
        }

        public override async Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken)
        {
            var all = await TestSolution.GetAnalyzerDiagnosticsAsync(project, analyzers, cancellationToken);
            return all.Where(d => !d.Location.IsInSource);
        }

        public override async Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            await TestSolution.GetAnalyzerDiagnosticsAsync(project, analyzers, cancellationToken);
    }
}

/// <summary>Shortcuts for the common code fix tests.</summary>
public static class CodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
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
