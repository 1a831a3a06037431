using PerfAnalyzers.PackageTests.Infrastructure;

namespace PerfAnalyzers.PackageTests;

/// <summary>
/// The README's "all our fixes" command, run once through the real `dotnet format` on a file whose first PERF002 and
/// first PERF007 diagnostics have no fix. dotnet format starts Fix All with the equivalence key of the first diagnostic
/// it meets (none here): every fixable site must still be fixed in that one run, the same way on every run, and the
/// unfixable (unsafe) sites left alone.
/// </summary>
[Collection(LocalFeedCollection.Name)]
public sealed class DotnetFormatAllFixesTests(LocalFeedFixture feed)
{
    private const string Program = """
        using System.Threading.Channels;
        using Consumer;

        var work = new Work();
        Console.WriteLine(await work.RunAsync(Enumerable.Range(1, 50).ToList()));

        namespace Consumer
        {
            public sealed class Work
            {
                // PERF007 without a fix: TryWrite's result is ignored, bounding would drop items.
                private readonly Channel<int> _events = Channel.CreateUnbounded<int>();

                // PERF007 with a fix: nothing writes to it here.
                private readonly Channel<int> _spare = Channel.CreateUnbounded<int>();

                private int _sent;

                public async Task<string> RunAsync(List<int> ids)
                {
                    // PERF002 without a fix: fire-and-forget per element in a List.ForEach lambda, which cannot await a slot.
                    var started = 0;
                    ids.ForEach(id => _ = Task.Run(() => Interlocked.Increment(ref started)));

                    foreach (var id in ids)
                    {
                        _events.Writer.TryWrite(id);
                    }

                    // PERF002 with a fix: Parallel.ForEachAsync.
                    await Task.WhenAll(ids.Select(id => SendAsync(id)));

                    // PERF002 with a fix: BoundedParallel.SelectAsync.
                    var squares = await Task.WhenAll(ids.Select(LoadAsync));

                    return _sent + " " + squares.Sum() + " " + _events.Reader.Count + " " + _spare.Reader.Count;
                }

                private async Task SendAsync(int id)
                {
                    await Task.Yield();
                    Interlocked.Increment(ref _sent);
                }

                private static async Task<int> LoadAsync(int id)
                {
                    await Task.Yield();
                    return id * id;
                }
            }
        }

        """;

    private static readonly string[] AllOurFixes =
        ["--diagnostics", "PERF001", "PERF002", "PERF003", "PERF004", "PERF005", "PERF006", "PERF007", "--severity", "info"];

    private string FormatOnce()
    {
        var consumer = new ConsumerProject(feed, new Dictionary<string, string> { ["Program.cs"] = Program });
        var restore = consumer.Restore();
        Assert.True(restore.ExitCode == 0, $"Restore from the local feed failed.\n{restore}");

        var format = consumer.FormatAnalyzers(AllOurFixes);
        Assert.True(format.ExitCode == 0, $"dotnet format failed.\n{format}");
        var fixedText = consumer.Read("Program.cs");

        var build = consumer.Run("build", "--no-restore", "--nologo", "-nodeReuse:false", "-p:UseSharedCompilation=false");
        Assert.True(build.ExitCode == 0, $"The fixed project should build.\n{build}\n{fixedText}");
        var run = consumer.RunProgram();
        Assert.True(run.ExitCode == 0, $"The fixed program should run.\n{run}");
        Assert.Equal("50 42925 50 0", run.Output.Trim());
        return fixedText;
    }

    [Fact]
    public void One_run_fixes_every_fixable_site_even_when_the_first_diagnostic_has_no_fix()
    {
        var first = FormatOnce();

        // PERF002: both fix kinds applied, the fire-and-forget loop left as it was.
        Assert.Contains("await Parallel.ForEachAsync(", first, StringComparison.Ordinal);
        Assert.Contains("new ParallelOptions { MaxDegreeOfParallelism = 16 },", first, StringComparison.Ordinal);
        Assert.DoesNotContain("Task.WhenAll(ids.Select(", first, StringComparison.Ordinal);
        Assert.All(first.Split('\n').Where(l => l.Contains("Parallel", StringComparison.Ordinal)), line => Assert.True(line.Length <= 120, "Line too long: " + line));
        Assert.Contains("var squares = await BoundedParallel.SelectAsync(ids, LoadAsync, maxConcurrency: 16);", first, StringComparison.Ordinal);
        Assert.Contains("ids.ForEach(id => _ = Task.Run(() => Interlocked.Increment(ref started)));", first, StringComparison.Ordinal);

        // PERF007: the unsafe queue stays unbounded, the safe one is bounded.
        Assert.Contains("private readonly Channel<int> _events = Channel.CreateUnbounded<int>();", first, StringComparison.Ordinal);
        Assert.Contains("private readonly Channel<int> _spare = Channel.CreateBounded<int>(", first, StringComparison.Ordinal);

        // Deterministic: a second consumer, formatted the same way, gets the same text.
        Assert.Equal(first, FormatOnce());
    }
}
