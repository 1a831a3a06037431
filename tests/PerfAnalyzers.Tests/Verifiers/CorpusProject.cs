using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace PerfAnalyzers.Tests.Verifiers;

/// <summary>
/// A corpus folder of <c>*.cs.txt</c> files loaded as one C# project (nullable enabled, latest language, the default
/// test references) in an ad-hoc workspace, as the fix-coverage tests need it: the project for applying fixes, and its
/// compilation, which must have no errors.
/// </summary>
internal static class CorpusProject
{
    public static async Task<(Project Project, Compilation Compilation)> LoadAsync(string folder)
    {
        var solution = AdhocProject.Create("Corpus", out var projectId);
        foreach (var file in Directory.GetFiles(folder, "*.cs.txt").OrderBy(f => f, StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file).Replace(".cs.txt", ".cs", StringComparison.Ordinal);
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId, name), name, SourceText.From(File.ReadAllText(file), Encoding.UTF8), filePath: "/Corpus/" + name);
        }

        var project = solution.GetProject(projectId)!;
        var compilation = (await project.GetCompilationAsync())!;
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "The corpus does not compile:\n" + string.Join("\n", errors));
        return (project, compilation);
    }
}
