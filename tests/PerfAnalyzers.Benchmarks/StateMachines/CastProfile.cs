using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using PerfAnalyzers.Benchmarks.Analyzers;
using PerfAnalyzers.Benchmarks.Telemetry;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Benchmarks.StateMachines;

/// <summary>
/// <c>cast-profile [seconds] [otel]</c>: the casts-from-one-producer case of <see cref="CastThroughputBenchmarks"/> without
/// BenchmarkDotNet, alternating rounds of the generated machine and the Channel actor (so both see the same load), for a
/// profiler to attach to (<c>perf record</c> with <c>DOTNET_PerfMapEnabled=1</c>). Prints the median time per message of
/// each over the rounds, and their ratio.
/// </summary>
internal static class CastProfile
{
    private const int Messages = 100_000;

    public static void Run(double seconds, bool openTelemetry, bool machineOnly = false)
    {
        using var provider = openTelemetry
            ? Sdk.CreateMeterProviderBuilder().AddMeter(StateMachineTelemetry.MeterName).AddReader(new BaseExportingMetricReader(new DiscardingExporter())).Build()
            : null;
        var machine = new GeneratedCounter();
        machine.Start();
        var padded = new PaddedTotalCounter();
        padded.Start();
        var paddedTimes = new List<double>();
        var paddedCpu = new List<double>();
        var channel = new ChannelCounter();
        var generated = new List<double>();
        var actor = new List<double>();
        var generatedCpu = new List<double>();
        var actorCpu = new List<double>();
        var deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            generated.Add(Time(generatedCpu, () =>
            {
                for (var i = 0; i < Messages; i++)
                {
                    machine.TryPost(1);
                }

                machine.AskAsync(0).AsTask().GetAwaiter().GetResult();
            }));
            paddedTimes.Add(Time(paddedCpu, () =>
            {
                for (var i = 0; i < Messages; i++)
                {
                    padded.TryPost(1);
                }

                padded.AskAsync(0).AsTask().GetAwaiter().GetResult();
            }));
            if (machineOnly)
            {
                actor.Add(double.NaN);
                actorCpu.Add(double.NaN);
                continue;
            }

            actor.Add(Time(actorCpu, () =>
            {
                for (var i = 0; i < Messages; i++)
                {
                    channel.TryPost(1);
                }

                channel.AddAsync(0).GetAwaiter().GetResult();
            }));
        }

        var g = Median(generated);
        var a = Median(actor);
        var gc = Median(generatedCpu);
        var ac = Median(actorCpu);
        Console.WriteLine($"rounds {generated.Count}: generated machine median {g:F1} ns/message ({1000 / g:F1} M/s), Channel actor {a:F1} ns/message; actor / machine = {a / g:F2}");
        Console.WriteLine($"experiment, handler state padded away from the engine reference: {Median(paddedTimes):F1} ns/message, CPU {Median(paddedCpu):F1} ns");
        Console.WriteLine($"process CPU per message (all threads): generated machine {gc:F1} ns, Channel actor {ac:F1} ns; actor / machine = {ac / gc:F2}");
        machine.StopAsync().GetAwaiter().GetResult();
        channel.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static double Time(List<double> cpu, Action round)
    {
        var cpuStart = CpuTimedAnalyzer.ProcessCpuNanoseconds();
        var start = Stopwatch.GetTimestamp();
        round();
        var elapsed = (Stopwatch.GetTimestamp() - start) * 1e9 / Stopwatch.Frequency / Messages;
        cpu.Add((double)(CpuTimedAnalyzer.ProcessCpuNanoseconds() - cpuStart) / Messages);
        return elapsed;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count == 0 ? double.NaN : values[values.Count / 2];
    }
}

/// <summary>Experiment: <see cref="GeneratedCounter"/> with its total on a cache line away from the engine reference.</summary>
[StateMachine(CounterState.Running, MailboxCapacity = 1 << 18, FullMode = MailboxFullMode.Wait, Name = "Bench.PaddedCounter")]
public partial class PaddedTotalCounter
{
    private PaddedTotal _total;

    [On] private long Handle(int amount) => _total.Value += amount;

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit, Size = 128)]
    private struct PaddedTotal
    {
        [System.Runtime.InteropServices.FieldOffset(64)]
        public long Value;
    }
}
