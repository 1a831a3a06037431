using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using PerfAnalyzers.Orleans;

namespace PerfAnalyzers.Benchmarks.Orleans;

/// <summary>
/// What the hosting silo records per remote request beyond Orleans' own call (<c>SiloStateMachines.RecordRequest</c>: the
/// request count, the (machine, message) row, its two latency histograms, the SLO trackers, the remote-duration
/// instrument when listened to), one thread, no Orleans running. The names are the same string instances on every call,
/// as the grain passes them (the type info's name and the dispatcher's message name); the rows cycle over
/// <see cref="Rows"/> (machine, message) pairs.
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release -- --filter '*SiloBookkeeping*' --job short --inProcess</c>.</remarks>
[MemoryDiagnoser]
public class SiloBookkeepingBenchmarks
{
    private const int Operations = 1024;
    private SiloStateMachines _silo = null!;
    private string[] _machines = null!;
    private string[] _messages = null!;

    /// <summary>Distinct (machine, message) rows the requests cycle over.</summary>
    [Params(1, 4)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _silo = new SiloStateMachines("bench-silo");
        _machines = Enumerable.Range(0, Rows).Select(i => "Bench.Machine" + i).ToArray();
        _messages = Enumerable.Range(0, Rows).Select(i => "Message" + i).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _silo.Dispose();

    [Benchmark(OperationsPerInvoke = Operations)]
    public void RecordRequest()
    {
        var start = Stopwatch.GetTimestamp();
        var rows = Rows;
        for (var i = 0; i < Operations; i++)
        {
            var row = i % rows;
            _silo.RecordRequest(_machines[row], _messages[row], start);
        }
    }
}
