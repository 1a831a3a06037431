using System.Reflection;

namespace PerfAnalyzers.PackageTests.Infrastructure;

/// <summary>
/// Packs PerfAnalyzers and PerfAnalyzers.Runtime once per test run into a local feed in a fresh temporary folder.
/// The version is unique to the run (0.1.0-e2e.&lt;time&gt;.&lt;random&gt;) and NuGet's package folder is a new
/// empty one, so a consumer can only get the packages just built, never a cached one.
/// </summary>
public sealed class LocalFeedFixture : IDisposable
{
    public const string AnalyzerPackageId = "PerfAnalyzers";
    public const string RuntimePackageId = "PerfAnalyzers.Runtime";

    public LocalFeedFixture()
    {
        var assembly = typeof(LocalFeedFixture).Assembly;
        RepositoryRoot = Metadata(assembly, "RepositoryRoot");
        Configuration = Metadata(assembly, "BuildConfiguration");

        Root = Path.Combine(Path.GetTempPath(), "perfanalyzers-e2e-" + Guid.NewGuid().ToString("N")[..12]);
        Feed = Directory.CreateDirectory(Path.Combine(Root, "feed")).FullName;
        PackagesFolder = Directory.CreateDirectory(Path.Combine(Root, "packages")).FullName;
        Version = $"0.1.0-e2e.{DateTime.UtcNow:yyyyMMddHHmmss}.{Guid.NewGuid().ToString("N")[..8]}";

        AnalyzerPackage = Pack(Path.Combine("src", "PerfAnalyzers.Package", "PerfAnalyzers.Package.csproj"), AnalyzerPackageId);
        RuntimePackage = Pack(Path.Combine("src", "PerfAnalyzers.Runtime", "PerfAnalyzers.Runtime.csproj"), RuntimePackageId);
    }

    /// <summary>The repository the tests were built from.</summary>
    public string RepositoryRoot { get; }

    /// <summary>The configuration the tests (and so the projects they pack) were built in.</summary>
    public string Configuration { get; }

    /// <summary>The temporary folder holding the feed, the NuGet package folder and the consumers.</summary>
    public string Root { get; }

    public string Feed { get; }

    public string PackagesFolder { get; }

    public string Version { get; }

    public string AnalyzerPackage { get; }

    public string RuntimePackage { get; }

    /// <summary>A new empty folder under <see cref="Root"/> for one consumer.</summary>
    public string NewConsumerDirectory(string name) =>
        Directory.CreateDirectory(Path.Combine(Root, name + "-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("PERFANALYZERS_KEEP_E2E") == "1")
        {
            return;
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a file still held open only leaves a folder in the temp directory.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private string Pack(string project, string packageId)
    {
        // The test project references both projects, so they are built already: pack without building, and write the
        // intermediate .nuspec into the temporary folder rather than into the project's obj/.
        var result = DotNet.Run(
            RepositoryRoot,
            PackagesFolder,
            "pack", project,
            "--no-build",
            "--configuration", Configuration,
            "--output", Feed,
            "--nologo",
            "--verbosity", "quiet",
            "-p:PackageVersion=" + Version,
            "-p:NuspecOutputPath=" + Path.Combine(Root, "nuspec", packageId) + Path.DirectorySeparatorChar);
        var package = Path.Combine(Feed, $"{packageId}.{Version}.nupkg");
        if (result.ExitCode != 0 || !File.Exists(package))
        {
            throw new InvalidOperationException($"Packing {packageId} failed.\n{result}");
        }

        return package;
    }

    private static string Metadata(Assembly assembly, string key) =>
        assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"Assembly metadata {key} is missing.");
}

[CollectionDefinition(Name)]
public sealed class LocalFeedCollection : ICollectionFixture<LocalFeedFixture>
{
    public const string Name = "Local feed";
}
