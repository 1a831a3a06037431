using BenchmarkDotNet.Running;
using PerfAnalyzers.Benchmarks.Analyzers;

namespace PerfAnalyzers.Benchmarks;

public static class Program
{
    public static void Main(string[] args)
    {
        // Quick profile without BenchmarkDotNet: `--own-time <Codebase> <Analyzer> [passes]` runs the throughput case's
        // setup pass (which prints the driver's own-time telemetry per analyzer) that many times, each on a fresh compilation.
        if (args.Length >= 3 && args[0] == "--own-time")
        {
            var passes = args.Length >= 4 && int.TryParse(args[3], out var n) ? n : 1;
            for (var pass = 0; pass < passes; pass++)
            {
                new AnalyzerThroughputBenchmarks { Codebase = args[1], Analyzer = args[2] }.Setup();
            }

            return;
        }

        // Load-robust variant: `--own-cpu <Codebase> <Analyzer[,Analyzer...]|(all analyzers)> [passes]` prints each
        // analyzer's thread CPU time in its callbacks (see CpuTimedAnalyzer) beside the driver's own wall time.
        if (args.Length >= 3 && args[0] == "--own-cpu")
        {
            var passes = args.Length >= 4 && int.TryParse(args[3], out var n) ? n : 1;
            AnalyzerThroughputBenchmarks.OwnCpu(args[1], args[2], passes);
            return;
        }

        if (args.Length >= 2 && args[0] == "--index-cpu")
        {
            // Thread CPU time of PERF003's syntax name index over one code base (fresh compilation, then again on the
            // same trees): the per-compilation fixed cost of the through-call search.
            AnalyzerThroughputBenchmarks.IndexCpu(args[1], args.Length >= 3 && int.TryParse(args[2], out var repeats) ? repeats : 3);
            return;
        }

        if (args is ["histogram-accuracy"])
        {
            // Percentile error of LatencyHistogram and HdrHistogram against exact percentiles (not a timing run).
            Telemetry.HistogramAccuracy.Run();
            return;
        }

        if (args.Length >= 1 && args[0] == "orleans-profile")
        {
            // Bytes per call (stable under load) and median time per call of the Orleans hosting cases, without BenchmarkDotNet.
            Orleans.OrleansHostingProfile.Run(args.Length >= 2 && int.TryParse(args[1], out var calls) ? calls : 20_000);
            return;
        }

        if (args.Length >= 1 && args[0] == "cast-profile")
        {
            // Casts from one producer, generated machine and Channel actor in alternating rounds (for perf record).
            StateMachines.CastProfile.Run(args.Length >= 2 && double.TryParse(args[1], out var seconds) ? seconds : 10, args.Contains("otel"), args.Contains("machine-only"));
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
