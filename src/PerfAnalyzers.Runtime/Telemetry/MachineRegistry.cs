using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Runtime.Telemetry;

/// <summary>
/// The live machines of a process, held weakly, to find those whose mailbox is backing up (the seed's
/// <c>find_overloaded_processes</c>). Registering never keeps a machine alive: a collected machine simply drops out.
/// </summary>
/// <remarks>
/// Backed by <see cref="ConditionalWeakTable{TKey, TValue}"/>: registration and removal are thread-safe and O(1), and
/// listing walks the live entries. Each registration costs one dependent GC handle, so a process with millions of
/// short-lived machines may prefer to register only long-lived ones. Generated state machines register themselves in
/// <see cref="StateMachineRegistry"/>; <see cref="FindOverloadedStateMachines"/> lists those.
/// </remarks>
public sealed class MachineRegistry
{
    /// <summary>The seed's threshold: more than 1000 waiting messages.</summary>
    public const int DefaultOverloadThreshold = 1000;

    private static readonly object Present = new();
    private readonly ConditionalWeakTable<IMailboxDepthSource, object> _machines = new();

    /// <summary>The process-wide registry that generated machines register with.</summary>
    public static MachineRegistry Shared { get; } = new();

    /// <summary>Adds a machine (again adding the same one has no effect).</summary>
    public void Register(IMailboxDepthSource machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        _machines.AddOrUpdate(machine, Present);
    }

    /// <summary>Removes a machine (e.g. when it stops); returns whether it was registered.</summary>
    public bool Unregister(IMailboxDepthSource machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        return _machines.Remove(machine);
    }

    /// <summary>The number of registered machines still alive.</summary>
    public int Count
    {
        get
        {
            int count = 0;
            foreach (KeyValuePair<IMailboxDepthSource, object> _ in (IEnumerable<KeyValuePair<IMailboxDepthSource, object>>)_machines)
            {
                count++;
            }

            return count;
        }
    }

    /// <summary>Every live machine's name and mailbox depth, deepest first.</summary>
    public IReadOnlyList<MailboxDepthReading> GetMailboxDepths() => Find(int.MinValue);

    /// <summary>
    /// The live machines whose mailbox depth exceeds <paramref name="threshold"/> (default 1000, as in the seed), deepest
    /// first.
    /// </summary>
    public IReadOnlyList<MailboxDepthReading> FindOverloaded(int threshold = DefaultOverloadThreshold) => Find(threshold);

    /// <summary>
    /// The started, live generated state machines (<see cref="StateMachineRegistry.Live"/>) whose mailbox depth exceeds
    /// <paramref name="threshold"/>, deepest first; each is named by its machine type.
    /// </summary>
    public static IReadOnlyList<MailboxDepthReading> FindOverloadedStateMachines(int threshold = DefaultOverloadThreshold)
    {
        var found = new List<MailboxDepthReading>();
        foreach (IStateMachine machine in StateMachineRegistry.Live)
        {
            int depth = machine.MailboxDepth;
            if (depth > threshold)
            {
                found.Add(new MailboxDepthReading(machine.MachineType, depth));
            }
        }

        found.Sort(CompareDeepestFirst);
        return found;
    }

    private static int CompareDeepestFirst(MailboxDepthReading a, MailboxDepthReading b)
        => b.Depth != a.Depth ? b.Depth.CompareTo(a.Depth) : string.CompareOrdinal(a.Name, b.Name);

    private List<MailboxDepthReading> Find(int threshold)
    {
        var found = new List<MailboxDepthReading>();
        foreach (KeyValuePair<IMailboxDepthSource, object> entry in (IEnumerable<KeyValuePair<IMailboxDepthSource, object>>)_machines)
        {
            int depth = entry.Key.MailboxDepth;
            if (depth > threshold)
            {
                found.Add(new MailboxDepthReading(entry.Key.Name, depth));
            }
        }

        found.Sort(CompareDeepestFirst);
        return found;
    }
}

/// <summary>A machine's mailbox depth at the time it was read.</summary>
/// <param name="Name">The machine's <see cref="IMailboxDepthSource.Name"/>.</param>
/// <param name="Depth">Messages waiting.</param>
public readonly record struct MailboxDepthReading(string Name, int Depth)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Depth} messages";
}
