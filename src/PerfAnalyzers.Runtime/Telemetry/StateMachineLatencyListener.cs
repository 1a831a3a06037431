using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace PerfAnalyzers.Runtime.Telemetry;

/// <summary>
/// In-process percentiles of state-machine handling times, without a metrics backend: a <see cref="MeterListener"/> on
/// the <c>statemachine.message.duration</c> histogram of the <c>PerfAnalyzers.StateMachines</c> Meter that records each
/// measurement into a <see cref="LatencyHistogram"/> per (machine type, message type), and into the matching
/// <see cref="SloMonitor"/> trackers. A machine type's snapshot merges its message histograms.
/// </summary>
/// <remarks>
/// The state machines publish through <c>System.Diagnostics.Metrics</c> only, so they pay nothing for this until a
/// listener exists. Per measurement the listener reads two tags, looks up its (machine, message) entry in a concurrent
/// dictionary (by the tag strings' identity first, so no string hashing) and makes one lock-free histogram record per
/// (machine, message) plus one per matching SLO tracker; it does not allocate once an entry exists. Each histogram takes
/// about 19 KB, so memory grows with the number of (machine, message) types, never with instances.
/// </remarks>
public sealed class StateMachineLatencyListener : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly SloMonitor? _sloMonitor;
    private const int MaxIdentityEntries = 4096;

    private readonly ConcurrentDictionary<(string Machine, string Message), Entry> _byMessage = new();

    // Generated machines pass the same string instances as tag values every time, so a lookup by reference identity
    // (cheap hash, no string hashing) finds the entry first; it is bounded in case some publisher makes new strings.
    private readonly ConcurrentDictionary<(object Machine, object Message), Entry> _byIdentity = new(IdentityPairComparer.Instance);
    private int _identityCount;

    /// <summary>Starts listening.</summary>
    /// <param name="sloMonitor">A monitor whose trackers should receive the latencies of their machine (and message), if any.</param>
    public StateMachineLatencyListener(SloMonitor? sloMonitor = null)
    {
        _sloMonitor = sloMonitor;
        _listener.InstrumentPublished = static (instrument, listener) =>
        {
            if (instrument is Histogram<double>
                && instrument.Name == TelemetryNames.MessageDuration
                && instrument.Meter.Name == TelemetryNames.MeterName)
            {
                listener.EnableMeasurementEvents(instrument, listener);
            }
        };
        _listener.SetMeasurementEventCallback<double>(OnMeasurement);
        _listener.Start();
    }

    /// <summary>Percentiles of every message of a machine type since the listener started (its message histograms merged).</summary>
    public LatencySnapshot GetSnapshot(string machine)
    {
        var counts = new long[LatencyHistogram.BucketCount];
        long min = long.MaxValue, max = -1;
        foreach (KeyValuePair<(string Machine, string Message), Entry> entry in _byMessage)
        {
            if (entry.Key.Machine == machine)
            {
                entry.Value.Histogram.AddCountsTo(counts, ref min, ref max);
            }
        }

        return LatencySnapshot.FromCounts(counts, min, max);
    }

    /// <summary>Percentiles of one message type of a machine type since the listener started.</summary>
    public LatencySnapshot GetSnapshot(string machine, string message)
        => _byMessage.TryGetValue((machine, message), out Entry? entry) ? entry.Histogram.GetSnapshot() : LatencySnapshot.Empty;

    /// <summary>A row per machine type (<see cref="MachineLatency.Message"/> null) and per (machine, message), ordered by name.</summary>
    public IReadOnlyList<MachineLatency> GetSnapshots()
    {
        var rows = new List<MachineLatency>();
        var machines = new HashSet<string>(StringComparer.Ordinal);
        foreach (KeyValuePair<(string Machine, string Message), Entry> message in _byMessage)
        {
            rows.Add(new MachineLatency(message.Key.Machine, message.Key.Message, message.Value.Histogram.GetSnapshot()));
            machines.Add(message.Key.Machine);
        }

        foreach (string machine in machines)
        {
            rows.Add(new MachineLatency(machine, null, GetSnapshot(machine)));
        }

        rows.Sort(static (a, b) =>
        {
            int byMachine = string.CompareOrdinal(a.Machine, b.Machine);
            return byMachine != 0 ? byMachine : string.CompareOrdinal(a.Message, b.Message);
        });
        return rows;
    }

    /// <summary>Stops listening.</summary>
    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        object? machineTag = null, messageTag = null;
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (tag.Key == TelemetryNames.MachineTag)
            {
                machineTag = tag.Value;
            }
            else if (tag.Key == TelemetryNames.MessageTag)
            {
                messageTag = tag.Value;
            }
        }

        if (machineTag is null)
        {
            return;
        }

        messageTag ??= string.Empty;
        if (!_byIdentity.TryGetValue((machineTag, messageTag), out Entry? entry))
        {
            entry = Lookup(machineTag, messageTag);
        }

        long nanoseconds = (long)(seconds * 1e9);
        entry.Histogram.RecordNanoseconds(nanoseconds);

        if (_sloMonitor is not null)
        {
            SloTracker[] trackers = entry.Trackers;
            if (entry.Version != _sloMonitor.Version)
            {
                trackers = entry.Refresh(_sloMonitor);
            }

            foreach (SloTracker tracker in trackers)
            {
                tracker.RecordNanoseconds(nanoseconds);
            }
        }
    }

    private Entry Lookup(object machineTag, object messageTag)
    {
        string machine = machineTag as string ?? machineTag.ToString() ?? string.Empty;
        string message = messageTag as string ?? messageTag.ToString() ?? string.Empty;
        Entry entry = _byMessage.GetOrAdd((machine, message), static key => new Entry(key.Machine, key.Message));
        if (Volatile.Read(ref _identityCount) < MaxIdentityEntries && _byIdentity.TryAdd((machineTag, messageTag), entry))
        {
            Interlocked.Increment(ref _identityCount);
        }

        return entry;
    }

    private sealed class Entry(string machine, string message)
    {
        private SloTracker[] _trackers = Array.Empty<SloTracker>();
        private int _version = -1;

        public LatencyHistogram Histogram { get; } = new();

        public SloTracker[] Trackers => Volatile.Read(ref _trackers);

        public int Version => Volatile.Read(ref _version);

        public SloTracker[] Refresh(SloMonitor monitor)
        {
            int version = monitor.Version;
            var matching = new List<SloTracker>();
            foreach (SloTracker tracker in monitor.Trackers)
            {
                if (tracker.Machine == machine && (tracker.Message is null || tracker.Message == message))
                {
                    matching.Add(tracker);
                }
            }

            SloTracker[] trackers = matching.ToArray();
            Volatile.Write(ref _trackers, trackers);
            Volatile.Write(ref _version, version);
            return trackers;
        }
    }
}

/// <summary>Percentiles of a machine type (<paramref name="Message"/> null) or of one of its message types.</summary>
/// <param name="Machine">The machine type name.</param>
/// <param name="Message">The message type name, or <see langword="null"/> for the whole machine.</param>
/// <param name="Latency">The percentiles, in seconds.</param>
public readonly record struct MachineLatency(string Machine, string? Message, LatencySnapshot Latency)
{
    /// <inheritdoc />
    public override string ToString() => (Message is null ? Machine : Machine + "." + Message) + ": " + Latency;
}

/// <summary>Compares pairs of tag values by reference.</summary>
internal sealed class IdentityPairComparer : IEqualityComparer<(object Machine, object Message)>
{
    public static readonly IdentityPairComparer Instance = new();

    public bool Equals((object Machine, object Message) x, (object Machine, object Message) y)
        => ReferenceEquals(x.Machine, y.Machine) && ReferenceEquals(x.Message, y.Message);

    public int GetHashCode((object Machine, object Message) pair)
        => HashCode.Combine(RuntimeHelpers.GetHashCode(pair.Machine), RuntimeHelpers.GetHashCode(pair.Message));
}
