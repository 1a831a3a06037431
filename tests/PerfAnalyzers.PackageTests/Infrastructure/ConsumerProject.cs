using System.Text.RegularExpressions;

namespace PerfAnalyzers.PackageTests.Infrastructure;

/// <summary>A diagnostic as `dotnet build` prints it: file name, line, column, severity and ID.</summary>
public sealed record BuildDiagnostic(string File, int Line, int Column, string Severity, string Id)
{
    public override string ToString() => $"{File}({Line},{Column}): {Severity} {Id}";
}

/// <summary>
/// A console project in its own temporary folder that references the packages from the local feed exactly as the
/// README tells users to. Its nuget.config adds the local feed to the sources the machine is configured with (the
/// user's NuGet.Config is still read), and empty Directory.Build.* files keep it from importing anything above it.
/// </summary>
public sealed partial class ConsumerProject
{
    public const string Name = "Consumer";

    private readonly LocalFeedFixture feed;

    public ConsumerProject(LocalFeedFixture feed, IReadOnlyDictionary<string, string> sources)
    {
        this.feed = feed;
        Directory = feed.NewConsumerDirectory(Name);

        Write("nuget.config", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="perfanalyzers-local-feed" value="{feed.Feed}" />
              </packageSources>
            </configuration>
            """);
        Write("Directory.Build.props", "<Project />\n");
        Write("Directory.Build.targets", "<Project />\n");
        Write("Directory.Packages.props", "<Project />\n");
        Write(Name + ".csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="PerfAnalyzers" Version="{feed.Version}" PrivateAssets="all" />
                <PackageReference Include="PerfAnalyzers.Runtime" Version="{feed.Version}" />
              </ItemGroup>
            </Project>
            """);
        foreach (var (path, text) in sources)
        {
            Write(path, text);
        }
    }

    public string Directory { get; }

    public string OutputDirectory => Path.Combine(Directory, "bin", "Debug", "net10.0");

    public string Read(string path) => File.ReadAllText(Path.Combine(Directory, path));

    public CommandResult Restore() => Run("restore", "--nologo");

    /// <summary>`dotnet build -warnaserror` as CI runs it, without the compiler server so that no process outlives the build.</summary>
    public CommandResult BuildWithWarningsAsErrors() =>
        Run("build", "--no-restore", "--nologo", "-warnaserror", "-nodeReuse:false", "-p:UseSharedCompilation=false");

    public CommandResult FormatAnalyzers(params string[] arguments) =>
        Run(["format", "analyzers", Name + ".csproj", "--no-restore", .. arguments]);

    public CommandResult RunProgram() => Run(Path.Combine(OutputDirectory, Name + ".dll"));

    public CommandResult Run(params string[] arguments) => DotNet.Run(Directory, feed.PackagesFolder, arguments);

    /// <summary>The distinct diagnostics a build printed (MSBuild prints each twice: as it happens and in the summary).</summary>
    public static IReadOnlyList<BuildDiagnostic> Diagnostics(CommandResult build) =>
        DiagnosticLine().Matches(build.Output)
            .Select(m => new BuildDiagnostic(
                Path.GetFileName(m.Groups["file"].Value),
                int.Parse(m.Groups["line"].Value),
                int.Parse(m.Groups["column"].Value),
                m.Groups["severity"].Value,
                m.Groups["id"].Value))
            .Distinct()
            .OrderBy(d => d.File, StringComparer.Ordinal).ThenBy(d => d.Line).ThenBy(d => d.Column)
            .ToList();

    private void Write(string path, string text)
    {
        var fullPath = Path.Combine(Directory, path);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        File.WriteAllText(fullPath, text);
    }

    [GeneratedRegex(@"(?<file>[^\s(]+\.cs)\((?<line>\d+),(?<column>\d+)\): (?<severity>error|warning) (?<id>[A-Z]+\d+)", RegexOptions.Multiline)]
    private static partial Regex DiagnosticLine();
}
