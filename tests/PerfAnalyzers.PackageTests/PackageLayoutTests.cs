using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using PerfAnalyzers.PackageTests.Infrastructure;

namespace PerfAnalyzers.PackageTests;

/// <summary>What `dotnet pack` puts in the two packages: files, and the metadata NuGet shows.</summary>
[Collection(LocalFeedCollection.Name)]
public sealed class PackageLayoutTests(LocalFeedFixture feed)
{
    private const string RuleCatalogUrl = "https://github.com/perfanalyzers/perfanalyzers/blob/main/rules/README.md";

    [Fact]
    public void Analyzer_package_holds_the_analyzers_and_fixes_under_analyzers_dotnet_cs_and_nothing_under_lib()
    {
        var files = PayloadFiles(feed.AnalyzerPackage);

        Assert.Equal(
            ["README.md", "analyzers/dotnet/cs/PerfAnalyzers.CodeFixes.dll", "analyzers/dotnet/cs/PerfAnalyzers.dll", "build/PerfAnalyzers.props"],
            files);
    }

    [Fact]
    public void Analyzer_package_is_a_development_dependency_with_readme_links_and_no_dependencies()
    {
        var metadata = Nuspec(feed.AnalyzerPackage);

        Assert.Equal(LocalFeedFixture.AnalyzerPackageId, Value(metadata, "id"));
        Assert.Equal(feed.Version, Value(metadata, "version"));
        Assert.Equal("true", Value(metadata, "developmentDependency"));
        Assert.Equal("README.md", Value(metadata, "readme"));
        Assert.Equal("https://github.com/perfanalyzers/perfanalyzers", Value(metadata, "projectUrl"));
        Assert.Equal("MIT", Value(metadata, "license"));
        Assert.Contains(RuleCatalogUrl, Value(metadata, "description"));
        Assert.Contains("CHANGELOG.md", Value(metadata, "releaseNotes"));
        Assert.Null(metadata.Element(metadata.Name.Namespace + "dependencies"));
    }

    [Fact]
    public void Package_readme_links_to_every_page_with_absolute_urls()
    {
        var readme = ReadEntry(feed.AnalyzerPackage, "README.md");

        // nuget.org shows the readme away from the repository: a relative link would be broken there.
        Assert.Contains(RuleCatalogUrl, readme);
        Assert.DoesNotContain("](rules/", readme);
        Assert.DoesNotContain("](docs/", readme);
        Assert.Contains("dotnet format analyzers --diagnostics PERF001", readme);
    }

    [Fact]
    public void Packaged_analyzers_load_in_Roslyn_4_5_and_the_analyzer_assembly_needs_no_Workspaces()
    {
        using var archive = ZipFile.OpenRead(feed.AnalyzerPackage);

        var analyzerReferences = AssemblyReferences(archive, "analyzers/dotnet/cs/PerfAnalyzers.dll");
        var fixReferences = AssemblyReferences(archive, "analyzers/dotnet/cs/PerfAnalyzers.CodeFixes.dll");

        // The compiler (csc, dotnet build) does not load Workspaces: analyzers that needed it would not run in a build.
        Assert.DoesNotContain(analyzerReferences.Keys, name => name.StartsWith("Microsoft.CodeAnalysis.Workspaces", StringComparison.Ordinal));
        Assert.DoesNotContain(analyzerReferences.Keys, name => name.StartsWith("Microsoft.CodeAnalysis.CSharp.Workspaces", StringComparison.Ordinal));

        // Built against Roslyn 4.5 so that VS 17.5 / SDK 7.0.200 and later load them: no reference may be newer than
        // that compiler or the System.Collections.Immutable / System.Reflection.Metadata it ships with.
        var oldest = new Dictionary<string, Version>
        {
            ["Microsoft.CodeAnalysis"] = new(4, 5, 0, 0),
            ["System.Collections.Immutable"] = new(6, 0, 0, 0),
            ["System.Reflection.Metadata"] = new(6, 0, 0, 0),
        };
        foreach (var (name, version) in analyzerReferences.Concat(fixReferences))
        {
            foreach (var (prefix, limit) in oldest)
            {
                if (name.StartsWith(prefix, StringComparison.Ordinal))
                {
                    Assert.True(version <= limit, $"{name} {version} is newer than {limit}, which Roslyn 4.5 hosts provide.");
                }
            }
        }

        Assert.Equal(new Version(4, 5, 0, 0), analyzerReferences["Microsoft.CodeAnalysis"]);
    }

    [Fact]
    public void Runtime_package_holds_the_library_under_lib_net8_0()
    {
        var files = PayloadFiles(feed.RuntimePackage);

        Assert.Equal(
            ["README.md", "lib/net8.0/PerfAnalyzers.Runtime.dll", "lib/net8.0/PerfAnalyzers.Runtime.xml"],
            files);

        var metadata = Nuspec(feed.RuntimePackage);
        Assert.Equal(LocalFeedFixture.RuntimePackageId, Value(metadata, "id"));
        Assert.Equal(feed.Version, Value(metadata, "version"));
        Assert.Null(metadata.Element(metadata.Name.Namespace + "developmentDependency"));
        Assert.Equal("README.md", Value(metadata, "readme"));
        Assert.Equal("https://github.com/perfanalyzers/perfanalyzers", Value(metadata, "projectUrl"));
        Assert.Contains(RuleCatalogUrl, ReadEntry(feed.RuntimePackage, "README.md"));
    }

    /// <summary>The package's files without NuGet's own bookkeeping (nuspec, OPC parts), sorted.</summary>
    private static string[] PayloadFiles(string package)
    {
        using var archive = ZipFile.OpenRead(package);
        return archive.Entries
            .Select(e => e.FullName)
            .Where(name => !name.EndsWith(".nuspec", StringComparison.Ordinal) &&
                           !name.StartsWith("_rels/", StringComparison.Ordinal) &&
                           !name.StartsWith("package/", StringComparison.Ordinal) &&
                           name != "[Content_Types].xml")
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    private static XElement Nuspec(string package)
    {
        using var archive = ZipFile.OpenRead(package);
        var entry = Assert.Single(archive.Entries, e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
        using var stream = entry.Open();
        var root = XDocument.Load(stream).Root!;
        return root.Element(root.Name.Namespace + "metadata")!;
    }

    private static string Value(XElement metadata, string name) =>
        metadata.Element(metadata.Name.Namespace + name)?.Value ?? throw new Xunit.Sdk.XunitException($"The nuspec has no <{name}>.");

    private static string ReadEntry(string package, string path)
    {
        using var archive = ZipFile.OpenRead(package);
        using var reader = new StreamReader(archive.GetEntry(path)?.Open() ?? throw new Xunit.Sdk.XunitException($"{path} is not in {package}."));
        return reader.ReadToEnd();
    }

    private static Dictionary<string, Version> AssemblyReferences(ZipArchive archive, string path)
    {
        var entry = archive.GetEntry(path) ?? throw new Xunit.Sdk.XunitException($"{path} is not in the package.");
        using var memory = new MemoryStream();
        using (var stream = entry.Open())
        {
            stream.CopyTo(memory);
        }

        memory.Position = 0;
        using var peReader = new PEReader(memory);
        var reader = peReader.GetMetadataReader();
        var references = new Dictionary<string, Version>(StringComparer.Ordinal);
        foreach (var handle in reader.AssemblyReferences)
        {
            var reference = reader.GetAssemblyReference(handle);
            references[reader.GetString(reference.Name)] = reference.Version;
        }

        return references;
    }
}
