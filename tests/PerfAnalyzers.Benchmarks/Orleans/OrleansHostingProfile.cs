using System.Diagnostics;

namespace PerfAnalyzers.Benchmarks.Orleans;

/// <summary>
/// Quick look without BenchmarkDotNet (`orleans-profile [calls]`): bytes allocated per call in the whole process (stable
/// under load), and the median of five rounds' wall time and process CPU time per call, for each case of
/// <see cref="OrleansHostingBenchmarks"/>.
/// </summary>
public static class OrleansHostingProfile
{
    public static void Run(int calls)
    {
        foreach (var offTurn in new[] { false, true })
        {
            var bench = new OrleansHostingBenchmarks { OffActivationTurn = offTurn };
            bench.Setup();
            try
            {
                Measure($"PlainGrain               off={offTurn}", calls, () => bench.PlainGrain());
                Measure($"HostedMachine            off={offTurn}", calls, () => bench.HostedMachine());
                Measure($"PlainGrain_16Concurrent  off={offTurn}", calls / 16, () => bench.PlainGrain_16Concurrent());
                Measure($"HostedMachine_16Concurr. off={offTurn}", calls / 16, () => bench.HostedMachine_16Concurrent());
            }
            finally
            {
                bench.Cleanup();
            }
        }
    }

    private static void Measure(string name, int calls, Func<Task> call)
    {
        for (var i = 0; i < calls / 4; i++)
        {
            call().GetAwaiter().GetResult();
        }

        var times = new List<double>();
        var cpu = new List<double>();
        long bytes = 0;
        using var process = Process.GetCurrentProcess();
        for (var round = 0; round < 5; round++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < calls; i++)
            {
                call().GetAwaiter().GetResult();
            }

            watch.Stop();
            process.Refresh();
            cpu.Add((process.TotalProcessorTime - cpuBefore).TotalMicroseconds / calls);
            bytes = GC.GetTotalAllocatedBytes(precise: true) - before;
            times.Add(watch.Elapsed.TotalMicroseconds / calls);
        }

        times.Sort();
        cpu.Sort();

        // CPU time of the whole process per call (all threads): less moved by other processes than the wall time.
        Console.WriteLine($"{name}: {times[2],8:F2} us/op wall (min {times[0]:F2}), {cpu[2],8:F2} us/op CPU (min {cpu[0]:F2}), {bytes / (double)calls,8:F0} B/op");
    }
}
