using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace PerfAnalyzers.Tests.Verifiers;

/// <summary>
/// Builds an in-memory solution the way an IDE project looks: documents at <c>/Test{p}/Test{i}.cs</c>, an
/// <c>.editorconfig</c> beside them (so analyzers and severities see it through the normal option providers), the
/// test references, and C# "latest".
/// </summary>
internal static class TestSolution
{
    public static Solution Create(
        IReadOnlyList<IReadOnlyList<string>> projectSources,
        string? editorConfig,
        OutputKind outputKind,
        IEnumerable<MetadataReference> references,
        out ImmutableArray<ImmutableArray<DocumentId>> documentIds)
    {
        var workspace = new AdhocWorkspace();
        var solution = workspace.CurrentSolution;
        var ids = ImmutableArray.CreateBuilder<ImmutableArray<DocumentId>>();
        var referenceList = references.ToList();

        for (var p = 0; p < projectSources.Count; p++)
        {
            var projectId = ProjectId.CreateNewId("Test" + p);
            var directory = $"/Test{p}/";
            var parseOptions = new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Diagnose);
            var compilationOptions = new CSharpCompilationOptions(
                outputKind,
                nullableContextOptions: NullableContextOptions.Enable,
                allowUnsafe: true);

            solution = solution.AddProject(ProjectInfo.Create(
                    projectId,
                    VersionStamp.Default,
                    name: "Test" + p,
                    assemblyName: "Test" + p,
                    language: LanguageNames.CSharp,
                    filePath: directory + "Test" + p + ".csproj",
                    compilationOptions: compilationOptions,
                    parseOptions: parseOptions,
                    metadataReferences: referenceList));

            var documents = ImmutableArray.CreateBuilder<DocumentId>();
            for (var d = 0; d < projectSources[p].Count; d++)
            {
                var documentId = DocumentId.CreateNewId(projectId, $"Test{d}.cs");
                solution = solution.AddDocument(documentId, $"Test{d}.cs", SourceText.From(projectSources[p][d], Encoding.UTF8), filePath: directory + $"Test{d}.cs");
                documents.Add(documentId);
            }

            var config = "root = true\n\n[*.cs]\n" + (editorConfig ?? string.Empty) + "\n";
            solution = solution.AddAnalyzerConfigDocument(
                DocumentId.CreateNewId(projectId, ".editorconfig"),
                ".editorconfig",
                SourceText.From(config, Encoding.UTF8),
                filePath: directory + ".editorconfig");

            ids.Add(documents.ToImmutable());
        }

        documentIds = ids.ToImmutable();
        return solution;
    }

    /// <summary>Runs the analyzers over every project; any analyzer exception (AD0001) fails the test.</summary>
    public static async Task<ImmutableArray<Diagnostic>> GetAnalyzerDiagnosticsAsync(Solution solution, ImmutableArray<DiagnosticAnalyzer> analyzers, CancellationToken cancellationToken = default)
    {
        var all = ImmutableArray.CreateBuilder<Diagnostic>();
        foreach (var project in solution.Projects)
        {
            all.AddRange(await GetAnalyzerDiagnosticsAsync(project, analyzers, cancellationToken));
        }

        return all.ToImmutable();
    }

    public static async Task<ImmutableArray<Diagnostic>> GetAnalyzerDiagnosticsAsync(Project project, ImmutableArray<DiagnosticAnalyzer> analyzers, CancellationToken cancellationToken = default)
    {
        var compilation = await project.GetCompilationAsync(cancellationToken) ?? throw new VerificationException("The project produced no compilation.");
        var exceptions = new List<string>();
        var options = new CompilationWithAnalyzersOptions(
            project.AnalyzerOptions,
            (exception, analyzer, diagnostic) =>
            {
                lock (exceptions)
                {
                    exceptions.Add($"{analyzer.GetType().Name} threw: {exception}");
                }
            },
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false,
            reportSuppressedDiagnostics: false);
        var withAnalyzers = compilation.WithAnalyzers(analyzers, options);
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(cancellationToken);

        var failures = diagnostics.Where(d => d.Id == "AD0001").Select(d => d.GetMessage()).Concat(exceptions).ToList();
        if (failures.Count > 0)
        {
            throw new VerificationException("An analyzer threw (AD0001): an analyzer must never throw.\n" + string.Join("\n", failures));
        }

        return diagnostics;
    }

    public static async Task<ImmutableArray<Diagnostic>> GetCompilerErrorsAsync(Solution solution, CancellationToken cancellationToken = default)
    {
        var errors = ImmutableArray.CreateBuilder<Diagnostic>();
        foreach (var project in solution.Projects)
        {
            var compilation = await project.GetCompilationAsync(cancellationToken);
            errors.AddRange(compilation!.GetDiagnostics(cancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error));
        }

        return errors.ToImmutable();
    }

    public static string Format(Diagnostic diagnostic)
    {
        var location = diagnostic.Location;
        if (!location.IsInSource)
        {
            return $"{diagnostic.Id} (no source location): {diagnostic.GetMessage()}";
        }

        var span = location.GetLineSpan();
        var text = location.SourceTree!.GetText().ToString(location.SourceSpan);
        return $"{diagnostic.Id} {Path.GetFileName(span.Path)}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})-({span.EndLinePosition.Line + 1},{span.EndLinePosition.Character + 1}) `{Shorten(text)}`: {diagnostic.GetMessage()}";
    }

    public static string Shorten(string text)
    {
        text = text.Replace("\r", string.Empty).Replace("\n", "⏎");
        return text.Length <= 80 ? text : text.Substring(0, 77) + "...";
    }
}
