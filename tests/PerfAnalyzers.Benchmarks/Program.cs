using BenchmarkDotNet.Running;

namespace PerfAnalyzers.Benchmarks;

public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["histogram-accuracy"])
        {
            // Percentile error of LatencyHistogram and HdrHistogram against exact percentiles (not a timing run).
            Telemetry.HistogramAccuracy.Run();
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
