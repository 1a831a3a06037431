namespace PerfAnalyzers.Tests.Meta;

internal static class RepositoryPaths
{
    /// <summary>The repository root: the first folder above the test binaries that holds PerfAnalyzers.sln.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PerfAnalyzers.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("PerfAnalyzers.sln not found above " + AppContext.BaseDirectory);
    }
}
