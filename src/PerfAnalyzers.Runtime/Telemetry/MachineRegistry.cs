using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Runtime.Telemetry;

/// <summary>
/// The live machines of a process, held weakly: the one registry behind the <c>statemachine.mailbox.depth</c> gauge and
/// the search for overloaded machines (the seed's <c>find_overloaded_processes</c>). Generated state machines register
/// in <see cref="Shared"/> when started and leave it when they stop or fault; anything else with a mailbox can join by
/// implementing <see cref="IMailboxDepthSource"/>. Registering never keeps a machine alive: a collected machine drops out.
/// </summary>
/// <remarks>
/// Each entry is one weak <see cref="GCHandle"/> in a slot table indexed by the object's identity hash, under one lock:
/// <see cref="Register"/> and <see cref="Unregister"/> are O(1) and allocate nothing once the table has grown. Entries of
/// machines collected without stopping are swept when the table would grow and whenever it is listed, so the table stays
/// within about twice the number of live machines. Listing takes a snapshot under the lock and reads the depths outside
/// it, so a slow <see cref="IMailboxDepthSource.MailboxDepth"/> never blocks registration.
/// Written by hand rather than on <see cref="ConditionalWeakTable{TKey, TValue}"/>, the BCL's weak map: every machine
/// start and stop goes through here, and that table cost about 426 ns and 20 B per register + unregister against 146 ns
/// and 0 B for this one (MachineRegistryBenchmarks, tests/PerfAnalyzers.Benchmarks/README.md).
/// </remarks>
public sealed class MachineRegistry
{
    /// <summary>The seed's threshold: more than 1000 waiting messages.</summary>
    public const int DefaultOverloadThreshold = 1000;

    private const int InitialCapacity = 16;

    private readonly object _gate = new();

    // Slot s: a weak handle (not allocated = free), the identity hash of its target and the next slot + 1 in the same
    // bucket chain (for a free slot: the next free slot + 1). Buckets hold the first slot + 1 of each chain (0 = empty).
    private GCHandle[] _handles = new GCHandle[InitialCapacity];
    private int[] _hashes = new int[InitialCapacity];
    private int[] _next = new int[InitialCapacity];
    private int[] _buckets = new int[InitialCapacity];
    private int _used;
    private int _freeHead;
    private int _count;

    /// <summary>The process-wide registry that generated machines register with.</summary>
    public static MachineRegistry Shared { get; } = new();

    /// <summary>Frees the weak handles of a registry that is no longer reachable (<see cref="Shared"/> never is).</summary>
    ~MachineRegistry()
    {
        for (int slot = 0; slot < _used; slot++)
        {
            if (_handles[slot].IsAllocated)
            {
                _handles[slot].Free();
            }
        }
    }

    /// <summary>Adds a machine; adding one already registered has no effect.</summary>
    public void Register(IMailboxDepthSource machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        int hash = RuntimeHelpers.GetHashCode(machine);
        lock (_gate)
        {
            if (Find(machine, hash) >= 0)
            {
                return;
            }

            if (_freeHead == 0 && _used == _handles.Length && SweepLocked() < _handles.Length / 4)
            {
                GrowLocked();
            }

            int slot;
            if (_freeHead != 0)
            {
                slot = _freeHead - 1;
                _freeHead = _next[slot];
            }
            else
            {
                slot = _used++;
            }

            _handles[slot] = GCHandle.Alloc(machine, GCHandleType.Weak);
            _hashes[slot] = hash;
            ref int head = ref _buckets[hash & (_buckets.Length - 1)];
            _next[slot] = head;
            head = slot + 1;
            _count++;
        }
    }

    /// <summary>Removes a machine (e.g. when it stops); returns whether it was registered.</summary>
    public bool Unregister(IMailboxDepthSource machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        int hash = RuntimeHelpers.GetHashCode(machine);
        lock (_gate)
        {
            int slot = Find(machine, hash);
            if (slot < 0)
            {
                return false;
            }

            FreeLocked(slot);
            return true;
        }
    }

    /// <summary>The number of registered machines still alive.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                SweepLocked();
                return _count;
            }
        }
    }

    /// <summary>Slots in the table (live, dead not yet swept, and free): for tests.</summary>
    internal int Capacity
    {
        get
        {
            lock (_gate)
            {
                return _handles.Length;
            }
        }
    }

    /// <summary>A snapshot of the registered machines still alive, in no particular order.</summary>
    public IReadOnlyList<IMailboxDepthSource> GetLive()
    {
        var live = new List<IMailboxDepthSource>();
        lock (_gate)
        {
            for (int slot = 0; slot < _used; slot++)
            {
                if (!_handles[slot].IsAllocated)
                {
                    continue;
                }

                if (_handles[slot].Target is IMailboxDepthSource machine)
                {
                    live.Add(machine);
                }
                else
                {
                    FreeLocked(slot);
                }
            }
        }

        return live;
    }

    /// <summary>Every live machine's <see cref="IMailboxDepthSource.Name"/> and mailbox depth, deepest first.</summary>
    public IReadOnlyList<MailboxDepthReading> GetMailboxDepths() => Find(int.MinValue, stateMachinesOnly: false);

    /// <summary>
    /// The live machines whose mailbox depth exceeds <paramref name="threshold"/> (default 1000, as in the seed), deepest
    /// first, each named by its <see cref="IMailboxDepthSource.Name"/>.
    /// </summary>
    public IReadOnlyList<MailboxDepthReading> FindOverloaded(int threshold = DefaultOverloadThreshold) => Find(threshold, stateMachinesOnly: false);

    /// <summary>The started, live generated state machines (those registered in <see cref="Shared"/>), in no particular order.</summary>
    public static IReadOnlyList<IStateMachine> GetLiveStateMachines()
    {
        var machines = new List<IStateMachine>();
        foreach (IMailboxDepthSource source in Shared.GetLive())
        {
            if (source is IStateMachine machine)
            {
                machines.Add(machine);
            }
        }

        return machines;
    }

    /// <summary>
    /// The started, live generated state machines whose mailbox depth exceeds <paramref name="threshold"/>, deepest first;
    /// each is named by its machine type (<see cref="IStateMachine.MachineType"/>).
    /// </summary>
    public static IReadOnlyList<MailboxDepthReading> FindOverloadedStateMachines(int threshold = DefaultOverloadThreshold)
        => Shared.Find(threshold, stateMachinesOnly: true);

    /// <summary>The <c>statemachine.mailbox.depth</c> observation: the summed depth of the live state machines per machine type.</summary>
    internal IEnumerable<Measurement<long>> ObserveStateMachineDepths()
    {
        var byType = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (IMailboxDepthSource source in GetLive())
        {
            if (source is IStateMachine machine)
            {
                byType.TryGetValue(machine.MachineType, out long depth);
                byType[machine.MachineType] = depth + machine.MailboxDepth;
            }
        }

        var measurements = new List<Measurement<long>>(byType.Count);
        foreach (KeyValuePair<string, long> pair in byType)
        {
            measurements.Add(new Measurement<long>(pair.Value, new KeyValuePair<string, object?>(StateMachineTelemetry.MachineTag, pair.Key)));
        }

        return measurements;
    }

    private static int CompareDeepestFirst(MailboxDepthReading a, MailboxDepthReading b)
        => b.Depth != a.Depth ? b.Depth.CompareTo(a.Depth) : string.CompareOrdinal(a.Name, b.Name);

    private List<MailboxDepthReading> Find(int threshold, bool stateMachinesOnly)
    {
        var found = new List<MailboxDepthReading>();
        foreach (IMailboxDepthSource source in GetLive())
        {
            var machine = source as IStateMachine;
            if (stateMachinesOnly && machine is null)
            {
                continue;
            }

            int depth = source.MailboxDepth;
            if (depth > threshold)
            {
                found.Add(new MailboxDepthReading(stateMachinesOnly ? machine!.MachineType : source.Name, depth));
            }
        }

        found.Sort(CompareDeepestFirst);
        return found;
    }

    private int Find(object machine, int hash)
    {
        for (int slot = _buckets[hash & (_buckets.Length - 1)] - 1; slot >= 0; slot = _next[slot] - 1)
        {
            if (_hashes[slot] == hash && ReferenceEquals(_handles[slot].Target, machine))
            {
                return slot;
            }
        }

        return -1;
    }

    // Unlinks an allocated slot from its bucket chain, frees its handle and puts it on the free list.
    private void FreeLocked(int slot)
    {
        ref int link = ref _buckets[_hashes[slot] & (_buckets.Length - 1)];
        while (link != slot + 1)
        {
            link = ref _next[link - 1];
        }

        link = _next[slot];
        _handles[slot].Free();
        _handles[slot] = default;
        _next[slot] = _freeHead;
        _freeHead = slot + 1;
        _count--;
    }

    // Frees the slots whose machine was collected; returns how many.
    private int SweepLocked()
    {
        int swept = 0;
        for (int slot = 0; slot < _used; slot++)
        {
            if (_handles[slot].IsAllocated && _handles[slot].Target is null)
            {
                FreeLocked(slot);
                swept++;
            }
        }

        return swept;
    }

    private void GrowLocked()
    {
        int capacity = _handles.Length * 2;
        Array.Resize(ref _handles, capacity);
        Array.Resize(ref _hashes, capacity);
        Array.Resize(ref _next, capacity);
        _buckets = new int[capacity];
        for (int slot = 0; slot < _used; slot++)
        {
            if (_handles[slot].IsAllocated)
            {
                ref int head = ref _buckets[_hashes[slot] & (capacity - 1)];
                _next[slot] = head;
                head = slot + 1;
            }
        }
    }
}

/// <summary>A machine's mailbox depth at the time it was read.</summary>
/// <param name="Name">The machine's <see cref="IMailboxDepthSource.Name"/> (for a generated state machine, its type name).</param>
/// <param name="Depth">Messages waiting.</param>
public readonly record struct MailboxDepthReading(string Name, int Depth)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Depth} messages";
}
