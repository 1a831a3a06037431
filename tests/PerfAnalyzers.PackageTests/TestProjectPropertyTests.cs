using System.Text.Json;
using PerfAnalyzers.PackageTests.Infrastructure;

namespace PerfAnalyzers.PackageTests;

/// <summary>
/// The package's build props make MSBuild's <c>IsTestProject</c> visible to the analyzers
/// (<c>&lt;CompilerVisibleProperty Include="IsTestProject" /&gt;</c>): PERF007 is reported in an ordinary project and
/// not in a test project. Info diagnostics are not printed by <c>dotnet build</c>, so the compiler's SARIF log is read.
/// </summary>
[Collection(LocalFeedCollection.Name)]
public sealed class TestProjectPropertyTests(LocalFeedFixture feed)
{
    private const string Queue = """
        using System.Threading.Channels;

        namespace Consumer;

        public static class Inbox
        {
            public static readonly Channel<int> Messages = Channel.CreateUnbounded<int>();
        }

        """;

    [Fact]
    public void IsTestProject_reaches_the_analyzers()
    {
        var consumer = new ConsumerProject(feed, new Dictionary<string, string>
        {
            ["Program.cs"] = "System.Console.WriteLine(Consumer.Inbox.Messages.Reader.Count);\n",
            ["Inbox.cs"] = Queue,
        });

        var restore = consumer.Restore();
        Assert.True(restore.ExitCode == 0, $"Restore from the local feed failed.\n{restore}");

        // An ordinary project: PERF007 at Info ("note" in SARIF).
        var ordinary = consumer.Run("build", "--no-restore", "--nologo", "--no-incremental", "-nodeReuse:false", "-p:UseSharedCompilation=false", "-p:ErrorLog=ordinary.sarif");
        Assert.True(ordinary.ExitCode == 0, $"The build failed.\n{ordinary}");
        Assert.Equal(["note"], RuleLevels(Path.Combine(consumer.Directory, "ordinary.sarif"), "PERF007"));

        // The same project as a test project: the property reaches the analyzer config, and PERF007 is not reported.
        var test = consumer.Run("build", "--no-restore", "--nologo", "--no-incremental", "-nodeReuse:false", "-p:UseSharedCompilation=false", "-p:IsTestProject=true", "-p:ErrorLog=test.sarif");
        Assert.True(test.ExitCode == 0, $"The build failed.\n{test}");
        var editorConfig = Directory.GetFiles(Path.Combine(consumer.Directory, "obj"), "*.GeneratedMSBuildEditorConfig.editorconfig", SearchOption.AllDirectories);
        Assert.Contains(editorConfig, path => File.ReadAllText(path).Contains("build_property.IsTestProject = true", StringComparison.Ordinal));
        Assert.Empty(RuleLevels(Path.Combine(consumer.Directory, "test.sarif"), "PERF007"));
    }

    /// <summary>The level of every result of <paramref name="ruleId"/> in a SARIF log (version 1 or 2).</summary>
    private static List<string> RuleLevels(string sarifPath, string ruleId)
    {
        Assert.True(File.Exists(sarifPath), $"No SARIF log at {sarifPath}");
        using var document = JsonDocument.Parse(File.ReadAllText(sarifPath));
        var levels = new List<string>();
        foreach (var run in document.RootElement.GetProperty("runs").EnumerateArray())
        {
            if (!run.TryGetProperty("results", out var results))
            {
                continue;
            }

            foreach (var result in results.EnumerateArray())
            {
                if (result.GetProperty("ruleId").GetString() == ruleId)
                {
                    levels.Add(result.TryGetProperty("level", out var level) ? level.GetString() ?? "" : "warning");
                }
            }
        }

        return levels;
    }
}
