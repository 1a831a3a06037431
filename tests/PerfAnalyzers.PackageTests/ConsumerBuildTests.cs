using PerfAnalyzers.PackageTests.Infrastructure;

namespace PerfAnalyzers.PackageTests;

/// <summary>
/// The packages as a user meets them: a project references PerfAnalyzers from a feed, `dotnet build -warnaserror`
/// fails on PERF001, `dotnet format analyzers` fixes it, then the build passes and the program prints the expected output.
/// The program also runs a [StateMachine] class: the generator from PerfAnalyzers and the library from PerfAnalyzers.Runtime.
/// </summary>
[Collection(LocalFeedCollection.Name)]
public sealed class ConsumerBuildTests(LocalFeedFixture feed)
{
    private const string ReportBuilderPath = "ReportBuilder.cs";

    private const string Program = """
        using Consumer;

        Console.WriteLine(ReportBuilder.Build(["alpha", "beta", "gamma"]));
        Console.WriteLine(ReportBuilder.Stars());
        Console.WriteLine(ReportBuilder.Greetings(["Ada", "Joe"]));

        await using var light = new Light();
        light.Start();
        Console.WriteLine(await light.AskAsync(new Light.Toggle()));
        Console.WriteLine(await light.AskAsync(new Light.Toggle()));
        await light.StopAsync();

        """;

    // The [StateMachine] generator ships in the analyzer package and its generated code calls PerfAnalyzers.Runtime.
    // Its checks are analyzer diagnostics: the #pragma around the unreachable state (PERFSM005) must hold in a real build.
    private const string Light = """
        using PerfAnalyzers.Runtime.StateMachines;

        namespace Consumer;

        public enum LightState
        {
            Off,
            On,
        #pragma warning disable PERFSM005 // no transition reaches it yet: the build must stay clean under -warnaserror
            Broken,
        #pragma warning restore PERFSM005
        }

        [StateMachine(LightState.Off, MailboxCapacity = 16)]
        public partial class Light
        {
            public sealed record Toggle : IMessage;

            [On(LightState.Off)]
            private LightState SwitchOn(Toggle toggle)
            {
                TransitionTo(LightState.On);
                return LightState.On;
            }

            [On(LightState.On)]
            private LightState SwitchOff(Toggle toggle)
            {
                TransitionTo(LightState.Off);
                return LightState.Off;
            }
        }

        """;

    // Line 10: the string grows across iterations (PERF001). The other two loops are look-alikes it must not report:
    // a loop with a small constant count, and a string declared inside the loop body.
    private const string ReportBuilder = """
        namespace Consumer;

        public static class ReportBuilder
        {
            public static string Build(IEnumerable<string> lines)
            {
                var report = "Report:";
                foreach (var line in lines)
                {
                    report += " " + line;
                }

                return report;
            }

            public static string Stars()
            {
                var stars = "";
                for (var i = 0; i < 3; i++)
                {
                    stars += "*";
                }

                return stars;
            }

            public static string Greetings(IEnumerable<string> names)
            {
                var count = 0;
                foreach (var name in names)
                {
                    var greeting = "Hello, ";
                    greeting += name;
                    count += greeting.Length;
                }

                return count.ToString();
            }
        }

        """;

    private const string FixedReportBuilder = """
        using System.Text;

        namespace Consumer;

        public static class ReportBuilder
        {
            public static string Build(IEnumerable<string> lines)
            {
                var report = "Report:";
                var reportBuilder = new StringBuilder(report);
                foreach (var line in lines)
                {
                    reportBuilder.Append(" ").Append(line);
                }
                report = reportBuilder.ToString();

                return report;
            }

            public static string Stars()
            {
                var stars = "";
                for (var i = 0; i < 3; i++)
                {
                    stars += "*";
                }

                return stars;
            }

            public static string Greetings(IEnumerable<string> names)
            {
                var count = 0;
                foreach (var name in names)
                {
                    var greeting = "Hello, ";
                    greeting += name;
                    count += greeting.Length;
                }

                return count.ToString();
            }
        }

        """;

    private const string ExpectedOutput = """
        Report: alpha beta gamma
        ***
        20
        On
        Off

        """;

    [Fact]
    public void Build_with_warnings_as_errors_fails_on_PERF001_and_dotnet_format_fixes_it()
    {
        var consumer = new ConsumerProject(feed, new Dictionary<string, string>
        {
            ["Program.cs"] = Program,
            [ReportBuilderPath] = ReportBuilder,
            ["Light.cs"] = Light,
        });

        var restore = consumer.Restore();
        Assert.True(restore.ExitCode == 0, $"Restore from the local feed failed.\n{restore}");

        // 1. CI's build fails, on PERF001 only, at the assignment in the loop.
        var failing = consumer.BuildWithWarningsAsErrors();
        Assert.True(failing.ExitCode != 0, $"The build should fail on PERF001.\n{failing}");
        Assert.Equal(
            [new BuildDiagnostic(ReportBuilderPath, 10, 13, "error", "PERF001")],
            ConsumerProject.Diagnostics(failing));
        Assert.Contains("'report' is grown by string concatenation in a loop", failing.Output);

        // 2. dotnet format applies the code fix, with the README's command.
        var format = consumer.FormatAnalyzers("--diagnostics", "PERF001", "--severity", "info");
        Assert.True(format.ExitCode == 0, $"dotnet format failed.\n{format}");
        Assert.Equal(FixedReportBuilder, consumer.Read(ReportBuilderPath));
        Assert.Equal(Program, consumer.Read("Program.cs"));
        Assert.Equal(Light, consumer.Read("Light.cs"));

        // 3. The build now passes with no diagnostic at all, and the program runs: Build keeps its output, the state machine works.
        var passing = consumer.BuildWithWarningsAsErrors();
        Assert.True(passing.ExitCode == 0, $"The fixed project should build.\n{passing}");
        Assert.Empty(ConsumerProject.Diagnostics(passing));

        var run = consumer.RunProgram();
        Assert.True(run.ExitCode == 0, $"The fixed program should run.\n{run}");
        Assert.Equal(ExpectedOutput.ReplaceLineEndings(), run.Output.ReplaceLineEndings());

        // The analyzers are a development dependency: only the runtime library reaches the output.
        Assert.True(File.Exists(Path.Combine(consumer.OutputDirectory, "PerfAnalyzers.Runtime.dll")));
        Assert.False(File.Exists(Path.Combine(consumer.OutputDirectory, "PerfAnalyzers.dll")));
        Assert.False(File.Exists(Path.Combine(consumer.OutputDirectory, "PerfAnalyzers.CodeFixes.dll")));
    }
}
