using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace PerfAnalyzers.RealCode;

/// <summary>
/// --fixes: puts one compilation into a workspace and asks our code fix providers which actions they register for a
/// diagnostic (the titles), so that the share of diagnostics with a fix can be counted. Actions are not applied.
/// </summary>
internal sealed class FixProbe
{
    private static readonly ImmutableArray<CodeFixProvider> s_providers = typeof(PerfAnalyzers.CodeFixes.PERF002BoundConcurrencyCodeFix).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
        .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    private readonly Dictionary<SyntaxTree, Document> _documents;

    private FixProbe(Dictionary<SyntaxTree, Document> documents) => _documents = documents;

    public static FixProbe Create(Compilation compilation)
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var parse = compilation.SyntaxTrees.FirstOrDefault()?.Options;
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId, VersionStamp.Default, compilation.AssemblyName ?? "p", compilation.AssemblyName ?? "p", LanguageNames.CSharp,
            compilationOptions: compilation.Options, parseOptions: parse, metadataReferences: compilation.References));
        var ids = new Dictionary<SyntaxTree, DocumentId>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            var id = DocumentId.CreateNewId(projectId);
            ids[tree] = id;
            solution = solution.AddDocument(id, Path.GetFileName(tree.FilePath), tree.GetText(), filePath: tree.FilePath);
        }

        return new FixProbe(ids.ToDictionary(p => p.Key, p => solution.GetDocument(p.Value)!));
    }

    public async Task<List<string>> TitlesAsync(Diagnostic diagnostic)
    {
        var titles = new List<string>();
        if (diagnostic.Location.SourceTree is not { } tree || !_documents.TryGetValue(tree, out var document))
        {
            return titles;
        }

        foreach (var provider in s_providers)
        {
            if (!provider.FixableDiagnosticIds.Contains(diagnostic.Id))
            {
                continue;
            }

            var actions = new List<CodeAction>();
            var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
            try
            {
                await provider.RegisterCodeFixesAsync(context);
            }
            catch (Exception ex)
            {
                titles.Add($"THREW {ex.GetType().Name}: {ex.Message}");
                continue;
            }

            titles.AddRange(actions.Select(a => a.Title));
        }

        return titles;
    }
}
