using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using PerfAnalyzers.Runtime.StateMachines;
using PerfAnalyzers.Runtime.Telemetry;

namespace PerfAnalyzers.Orleans;

/// <summary>
/// What one silo knows about the state machines it hosts (a singleton per silo, registered by
/// <see cref="StateMachineSiloBuilderExtensions.AddStateMachines"/>):
/// its live machines (a <see cref="MachineRegistry"/> of its own, so the overload finder works per silo), the time each
/// remote request and cast spent in this silo per (machine, message), the machines' SLOs judged on those times, and the
/// refused casts. The same figures are published on the <see cref="MeterName"/> Meter tagged with <see cref="SiloTag"/>.
/// </summary>
/// <remarks>
/// The machines' own instruments (<c>PerfAnalyzers.StateMachines</c> Meter) are unchanged: they carry no silo tag, so in
/// one process they sum every silo of that process (in production, one silo per process, a process's resource attributes
/// say which silo it is). The times here are measured by the hosting grain, from the call reaching the grain to its reply:
/// mailbox wait plus handling, which is what a remote caller's SLO is about.
/// </remarks>
public sealed class SiloStateMachines : IDisposable
{
    /// <summary>The Meter of the hosting grains.</summary>
    public const string MeterName = "PerfAnalyzers.Orleans";

    /// <summary>Time a remote request spent in the silo (seconds), tags <c>statemachine.type</c>, <c>statemachine.message</c>, <see cref="SiloTag"/>.</summary>
    public const string RemoteDurationInstrument = "statemachine.remote.duration";

    /// <summary>Remote requests and casts the machine did not accept, tags as above plus <c>statemachine.reason</c> (<c>full</c>, <c>dropped</c>, <c>stopped</c>).</summary>
    public const string RemoteRejectedInstrument = "statemachine.remote.rejected";

    /// <summary>The silo tag (the silo's name).</summary>
    public const string SiloTag = "orleans.silo";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Histogram<double> RemoteDuration = Meter.CreateHistogram<double>(
        RemoteDurationInstrument, "s", "Time a remote state machine request spent in the hosting silo (mailbox wait and handling).");

    private static readonly Counter<long> RemoteRejected = Meter.CreateCounter<long>(
        RemoteRejectedInstrument, "{message}", "Remote state machine messages refused by the hosting silo's machine.");

    private const int RecentEntries = 16;

    private readonly ConcurrentDictionary<(string Machine, string Message), Entry> _entries = new();
    private RecentEntry[] _recent = [];
    private readonly ConcurrentDictionary<string, LatencyHistogram> _machineHistograms = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, bool> _trackedTypes = new();
    private readonly KeyValuePair<string, object?> _siloTag;
    private long _requests;
    private long _casts;
    private long _refused;

    /// <summary>Creates the silo's view (one per silo; the DI container does this).</summary>
    /// <param name="silo">The silo's name.</param>
    /// <param name="options">Hosting options (the SLO window).</param>
    public SiloStateMachines(string silo, StateMachineHostingOptions? options = null)
    {
        Silo = silo;
        _siloTag = new(SiloTag, silo);
        options ??= new StateMachineHostingOptions();
        Slo = new SloMonitor(options.SloEvaluationInterval) { DefaultWindow = options.SloWindow };
        Slo.Start();
    }

    /// <summary>The silo's name.</summary>
    public string Silo { get; }

    /// <summary>The machines this silo hosts now (held weakly, like <see cref="MachineRegistry.Shared"/>).</summary>
    public MachineRegistry Machines { get; } = new();

    /// <summary>The SLOs (<c>[Slo]</c>) of every machine type this silo has hosted, judged on the times measured here.</summary>
    public SloMonitor Slo { get; }

    /// <summary>Remote requests answered by this silo's machines (handled or not).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Remote casts this silo's machines accepted.</summary>
    public long AcceptedCasts => Interlocked.Read(ref _casts);

    /// <summary>Remote requests and casts refused here (mailbox full, dropped, stopped).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Latency rows: one per machine type (<see cref="MachineLatency.Message"/> null) and one per (machine, message), by name.</summary>
    public IReadOnlyList<MachineLatency> GetLatencies()
    {
        var rows = new List<MachineLatency>();
        foreach (var entry in _entries)
        {
            rows.Add(new MachineLatency(entry.Key.Machine, entry.Key.Message, entry.Value.Histogram.GetSnapshot()));
        }

        foreach (var machine in _machineHistograms)
        {
            rows.Add(new MachineLatency(machine.Key, null, machine.Value.GetSnapshot()));
        }

        rows.Sort(static (a, b) =>
        {
            var byMachine = string.CompareOrdinal(a.Machine, b.Machine);
            return byMachine != 0 ? byMachine : string.CompareOrdinal(a.Message, b.Message);
        });
        return rows;
    }

    /// <summary>Stops the SLO timer.</summary>
    public void Dispose() => Slo.Dispose();

    internal void Activated(IStateMachine machine)
    {
        Machines.Register(machine);
        var type = machine.GetType();
        if (_trackedTypes.TryAdd(type, true)
            && type.GetProperty("SloTargets", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is IEnumerable<SloTarget> targets)
        {
            Slo.TrackAll(targets);
        }
    }

    internal void Deactivated(IStateMachine machine) => Machines.Unregister(machine);

    /// <summary>A remote request answered: from <paramref name="startTimestamp"/> to <paramref name="endTimestamp"/> (0: now).</summary>
    internal void RecordRequest(string machine, string message, long startTimestamp, long endTimestamp = 0)
    {
        Interlocked.Increment(ref _requests);
        Record(machine, message, startTimestamp, endTimestamp);
    }

    internal void RecordCast() => Interlocked.Increment(ref _casts);

    internal void RecordRefused(string machine, string message, string reason)
    {
        Interlocked.Increment(ref _refused);
        if (RemoteRejected.Enabled)
        {
            RemoteRejected.Add(1, new(StateMachineTelemetry.MachineTag, machine), new(StateMachineTelemetry.MessageTag, message),
                new(StateMachineTelemetry.ReasonTag, reason), _siloTag);
        }
    }

    private void Record(string machine, string message, long startTimestamp, long endTimestamp)
    {
        var ticks = (endTimestamp != 0 ? endTimestamp : Stopwatch.GetTimestamp()) - startTimestamp;
        var entry = EntryFor(machine, message);
        entry.Histogram.RecordStopwatchTicks(ticks);
        entry.MachineHistogram.RecordStopwatchTicks(ticks);
        foreach (var tracker in entry.Trackers(Slo))
        {
            tracker.RecordStopwatchTicks(ticks);
        }

        if (RemoteDuration.Enabled)
        {
            RemoteDuration.Record(ticks / (double)Stopwatch.Frequency, entry.MachineTag, entry.MessageTag, _siloTag);
        }
    }

    /// <summary>
    /// The (machine, message) row of a request. The names come from the machine's type info and the grain's dispatcher,
    /// the same string instances on every call: a short list remembers the rows found by those instances, so that a
    /// request does not hash both names for the dictionary (the silo's bookkeeping is all that a request on the turn pays
    /// beyond Orleans' own call).
    /// </summary>
    private Entry EntryFor(string machine, string message)
    {
        var recent = Volatile.Read(ref _recent);
        foreach (var hit in recent)
        {
            if (ReferenceEquals(hit.Machine, machine) && ReferenceEquals(hit.Message, message))
            {
                return hit.Entry;
            }
        }

        var entry = _entries.GetOrAdd((machine, message), static (key, self) => new Entry(key.Machine, key.Message, self), this);
        if (recent.Length < RecentEntries)
        {
            // Copy on write; a lost race only leaves one name pair out until its next request.
            Interlocked.CompareExchange(ref _recent, [.. recent, new RecentEntry(machine, message, entry)], recent);
        }

        return entry;
    }

    private sealed record RecentEntry(string Machine, string Message, Entry Entry);

    private sealed class Entry(string machine, string message, SiloStateMachines silo)
    {
        private SloTracker[] _trackers = Match(machine, message, silo.Slo);
        private int _trackerCount = silo.Slo.Trackers.Count;

        public LatencyHistogram Histogram { get; } = new();

        public LatencyHistogram MachineHistogram { get; } = silo._machineHistograms.GetOrAdd(machine, static _ => new LatencyHistogram());

        public KeyValuePair<string, object?> MachineTag { get; } = new(StateMachineTelemetry.MachineTag, machine);

        public KeyValuePair<string, object?> MessageTag { get; } = new(StateMachineTelemetry.MessageTag, message);

        public SloTracker[] Trackers(SloMonitor current)
        {
            // Trackers are only ever added: a different count means a machine type's targets arrived since.
            var all = current.Trackers;
            if (all.Count != Volatile.Read(ref _trackerCount))
            {
                Volatile.Write(ref _trackers, Match(machine, message, current));
                Volatile.Write(ref _trackerCount, all.Count);
            }

            return Volatile.Read(ref _trackers);
        }

        private static SloTracker[] Match(string machine, string message, SloMonitor monitor)
        {
            var matching = new List<SloTracker>();
            foreach (var tracker in monitor.Trackers)
            {
                if (tracker.Machine == machine && (tracker.Message is null || tracker.Message == message))
                {
                    matching.Add(tracker);
                }
            }

            return matching.ToArray();
        }
    }
}
