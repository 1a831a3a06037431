using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace PerfAnalyzers.Tests.Verifiers;

/// <summary>
/// One C# library project in a new ad-hoc workspace, as the tests that apply fixes outside the testing library need it:
/// named <c>name</c> at <c>/name/name.csproj</c>, nullable enabled, the latest language version, the default test references.
/// </summary>
internal static class AdhocProject
{
    public static Solution Create(string name, out ProjectId projectId, bool allowUnsafe = false)
    {
        var workspace = new AdhocWorkspace();
        projectId = ProjectId.CreateNewId(name);
        return workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId,
            VersionStamp.Default,
            name,
            name,
            LanguageNames.CSharp,
            filePath: "/" + name + "/" + name + ".csproj",
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: allowUnsafe),
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            metadataReferences: TestReferences.Default));
    }
}
