using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
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
/// listener exists. Per measurement the listener reads two tags, finds its (machine, message) entry (first in a short
/// array by the tag strings' identity, else in a concurrent dictionary) and makes one lock-free histogram record, plus
/// one per matching SLO tracker; it does not allocate once an entry exists. Each histogram takes about 19 KB, so memory
/// grows with the number of (machine, message) types, never with instances.
/// </remarks>
public sealed class StateMachineLatencyListener : IDisposable
{
    private const int MaxIdentityEntries = 64;

    private readonly MeterListener _listener = new();
    private readonly SloMonitor? _sloMonitor;

    private readonly ConcurrentDictionary<(string Machine, string Message), Entry> _byMessage = new();

    // Generated machines pass the same string instances as tag values every time, so a short array scanned by reference
    // identity finds the entry first, without hashing the two strings as the dictionary lookup must.
    // It is copied on write and bounded, in case a publisher makes new strings per measurement.
    private readonly object _gate = new();
    private IdentityEntry[] _byIdentity = Array.Empty<IdentityEntry>();

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
        Entry? entry = null;
        foreach (IdentityEntry candidate in Volatile.Read(ref _byIdentity))
        {
            if (ReferenceEquals(candidate.Machine, machineTag) && ReferenceEquals(candidate.Message, messageTag))
            {
                entry = candidate.Entry;
                break;
            }
        }

        entry ??= Lookup(machineTag, messageTag);

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
        lock (_gate)
        {
            IdentityEntry[] current = _byIdentity;
            if (current.Length < MaxIdentityEntries)
            {
                foreach (IdentityEntry existing in current)
                {
                    if (ReferenceEquals(existing.Machine, machineTag) && ReferenceEquals(existing.Message, messageTag))
                    {
                        return entry;
                    }
                }

                var next = new IdentityEntry[current.Length + 1];
                current.CopyTo(next, 0);
                next[^1] = new IdentityEntry(machineTag, messageTag, entry);
                Volatile.Write(ref _byIdentity, next);
            }
        }

        return entry;
    }

    private sealed record IdentityEntry(object Machine, object Message, Entry Entry);

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
