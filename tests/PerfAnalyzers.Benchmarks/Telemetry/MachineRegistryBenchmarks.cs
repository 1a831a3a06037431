using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using PerfAnalyzers.Runtime.Telemetry;

namespace PerfAnalyzers.Benchmarks.Telemetry;

/// <summary>
/// Registering and unregistering a machine, as <c>Start()</c> and a stop do: the weak-handle slot table of
/// <see cref="MachineRegistry"/> against the <see cref="ConditionalWeakTable{TKey, TValue}"/> the two former registries
/// used. 1,024 machines are registered, then all unregistered; the time is per register + unregister pair.
/// </summary>
/// <remarks>
/// Run: <c>dotnet run -c Release --project tests/PerfAnalyzers.Benchmarks -- --filter '*MachineRegistryBenchmarks*' --job short --inProcess</c>.
/// </remarks>
[MemoryDiagnoser]
public class MachineRegistryBenchmarks
{
    private const int Machines = 1024;

    private static readonly object Present = new();

    private readonly MachineRegistry _registry = new();
    private readonly ConditionalWeakTable<IMailboxDepthSource, object> _table = new();
    private Source[] _machines = null!;

    [GlobalSetup]
    public void Setup()
    {
        _machines = new Source[Machines];
        for (int i = 0; i < Machines; i++)
        {
            _machines[i] = new Source();
        }

        // Grow both tables once so the measured loop is the steady state.
        MachineRegistrySlots();
        ConditionalWeakTable();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Machines)]
    public void ConditionalWeakTable()
    {
        foreach (Source machine in _machines)
        {
            _table.AddOrUpdate(machine, Present);
        }

        foreach (Source machine in _machines)
        {
            _table.Remove(machine);
        }
    }

    [Benchmark(OperationsPerInvoke = Machines)]
    public void MachineRegistrySlots()
    {
        foreach (Source machine in _machines)
        {
            _registry.Register(machine);
        }

        foreach (Source machine in _machines)
        {
            _registry.Unregister(machine);
        }
    }

    private sealed class Source : IMailboxDepthSource
    {
        string IMailboxDepthSource.Name => "Machine";

        int IMailboxDepthSource.MailboxDepth => 0;
    }
}
