using System.Diagnostics;
using System.Text;

namespace PerfAnalyzers.PackageTests.Infrastructure;

/// <summary>The result of one `dotnet` command: exit code and the interleaved output, for assertion messages.</summary>
public sealed record CommandResult(string CommandLine, int ExitCode, string Output)
{
    public override string ToString() => $"> {CommandLine}\n(exit code {ExitCode})\n{Output}";
}

/// <summary>
/// Runs the `dotnet` CLI the way a user would, in a clean environment: the MSBuild variables that `dotnet test`
/// passes to its test host are removed (they would point the child at the parent build), node reuse and the
/// compiler server are off (a lingering node would keep the redirected output open), and NuGet's package folder is
/// the one given, so that nothing from a previous run is served from a cache.
/// </summary>
public static class DotNet
{
    // A guard against a hung process, not a performance limit: a loaded CI machine can take minutes for one command.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(20);

    public static string Executable { get; } = FindExecutable();

    public static CommandResult Run(string workingDirectory, string packagesFolder, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var environment = startInfo.Environment;
        foreach (var name in environment.Keys.ToList())
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) ||
                name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) ||
                name.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase))
            {
                environment.Remove(name);
            }
        }

        environment["NUGET_PACKAGES"] = packagesFolder;
        environment["MSBUILDDISABLENODEREUSE"] = "1";
        environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        environment["UseSharedCompilation"] = "false";
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";
        environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        environment["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false";
        environment["DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE"] = "true";

        var commandLine = "dotnet " + string.Join(' ', arguments.Select(a => a.Contains(' ') ? '"' + a + '"' : a));
        var output = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{commandLine} did not finish in {Timeout.TotalMinutes} minutes.\n{output}");
        }

        // The parameterless overload waits until the redirected streams are drained.
        process.WaitForExit();
        lock (output)
        {
            return new CommandResult(commandLine, process.ExitCode, output.ToString());
        }
    }

    private static string FindExecutable()
    {
        // `dotnet test` tells its children where the host it runs on is; fall back to the PATH.
        var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(hostPath) && File.Exists(hostPath) ? hostPath : "dotnet";
    }
}
