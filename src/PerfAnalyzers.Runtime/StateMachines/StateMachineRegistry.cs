using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace PerfAnalyzers.Runtime.StateMachines;

/// <summary>
/// The started state machines of the process that are still alive, held weakly: listing them never keeps one alive.
/// Diagnostics (e.g. finding overloaded machines, the seed's <c>find_overloaded_processes</c>) and the
/// <c>statemachine.mailbox.depth</c> gauge read it.
/// </summary>
public static class StateMachineRegistry
{
    private static readonly ConditionalWeakTable<IStateMachine, object?> s_live = new();

    /// <summary>Started machines not yet collected (stopped ones included until collected).</summary>
    public static IEnumerable<IStateMachine> Live
    {
        get
        {
            foreach (var entry in s_live)
            {
                yield return entry.Key;
            }
        }
    }

    /// <summary>Adds a started machine (generated code calls this from <c>Start()</c>).</summary>
    public static void Register(IStateMachine machine) => s_live.AddOrUpdate(machine, null);

    /// <summary>Removes a machine (after it stopped).</summary>
    public static void Unregister(IStateMachine machine) => s_live.Remove(machine);

    internal static IEnumerable<Measurement<long>> ObserveDepth()
    {
        var byType = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var entry in s_live)
        {
            var machine = entry.Key;
            byType.TryGetValue(machine.MachineType, out var depth);
            byType[machine.MachineType] = depth + machine.MailboxDepth;
        }

        var measurements = new List<Measurement<long>>(byType.Count);
        foreach (var pair in byType)
        {
            measurements.Add(new Measurement<long>(pair.Value, new KeyValuePair<string, object?>(StateMachineTelemetry.MachineTag, pair.Key)));
        }

        return measurements;
    }
}
