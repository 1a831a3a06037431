using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Threading;

namespace PerfAnalyzers.Runtime.Telemetry;

/// <summary>
/// In-process percentiles of state-machine handling times, without a metrics backend: a <see cref="MeterListener"/> on
/// the <c>statemachine.message.duration</c> histogram of the <c>PerfAnalyzers.StateMachines</c> Meter that records each
/// measurement into a <see cref="LatencyHistogram"/> per machine type and per (machine type, message type), and into the
/// matching <see cref="SloMonitor"/> trackers.
/// </summary>
/// <remarks>
/// The state machines publish through <c>System.Diagnostics.Metrics</c> only, so they pay nothing for this until a
/// listener exists. Per measurement the listener reads two tags, looks up its (machine, message) entry in a concurrent
/// dictionary and makes one or two lock-free histogram records; it does not allocate once an entry exists. Each
/// histogram takes about 19 KB, so memory grows with the number of machine and message types (never with instances).
/// </remarks>
public sealed class StateMachineLatencyListener : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly SloMonitor? _sloMonitor;
    private readonly ConcurrentDictionary<(string Machine, string Message), Entry> _byMessage = new();
    private readonly ConcurrentDictionary<string, LatencyHistogram> _byMachine = new(StringComparer.Ordinal);

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

    /// <summary>Percentiles of every message of a machine type since the listener started.</summary>
    public LatencySnapshot GetSnapshot(string machine)
        => _byMachine.TryGetValue(machine, out LatencyHistogram? histogram) ? histogram.GetSnapshot() : LatencySnapshot.Empty;

    /// <summary>Percentiles of one message type of a machine type since the listener started.</summary>
    public LatencySnapshot GetSnapshot(string machine, string message)
        => _byMessage.TryGetValue((machine, message), out Entry? entry) ? entry.Histogram.GetSnapshot() : LatencySnapshot.Empty;

    /// <summary>A row per machine type (<see cref="MachineLatency.Message"/> null) and per (machine, message), ordered by name.</summary>
    public IReadOnlyList<MachineLatency> GetSnapshots()
    {
        var rows = new List<MachineLatency>();
        foreach (KeyValuePair<string, LatencyHistogram> machine in _byMachine)
        {
            rows.Add(new MachineLatency(machine.Key, null, machine.Value.GetSnapshot()));
        }

        foreach (KeyValuePair<(string Machine, string Message), Entry> message in _byMessage)
        {
            rows.Add(new MachineLatency(message.Key.Machine, message.Key.Message, message.Value.Histogram.GetSnapshot()));
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
        string? machine = null, message = null;
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (tag.Key == TelemetryNames.MachineTag)
            {
                machine = tag.Value as string ?? tag.Value?.ToString();
            }
            else if (tag.Key == TelemetryNames.MessageTag)
            {
                message = tag.Value as string ?? tag.Value?.ToString();
            }
        }

        if (machine is null)
        {
            return;
        }

        message ??= string.Empty;
        if (!_byMessage.TryGetValue((machine, message), out Entry? entry))
        {
            entry = _byMessage.GetOrAdd((machine, message), key => new Entry(_byMachine.GetOrAdd(key.Machine, static _ => new LatencyHistogram())));
        }

        long nanoseconds = (long)(seconds * 1e9);
        entry.Histogram.RecordNanoseconds(nanoseconds);
        entry.MachineHistogram.RecordNanoseconds(nanoseconds);

        if (_sloMonitor is not null)
        {
            SloTracker[] trackers = entry.Trackers;
            if (entry.Version != _sloMonitor.Version)
            {
                trackers = entry.Refresh(_sloMonitor, machine, message);
            }

            foreach (SloTracker tracker in trackers)
            {
                tracker.RecordNanoseconds(nanoseconds);
            }
        }
    }

    private sealed class Entry(LatencyHistogram machineHistogram)
    {
        private SloTracker[] _trackers = Array.Empty<SloTracker>();
        private int _version = -1;

        public LatencyHistogram Histogram { get; } = new();

        public LatencyHistogram MachineHistogram { get; } = machineHistogram;

        public SloTracker[] Trackers => Volatile.Read(ref _trackers);

        public int Version => Volatile.Read(ref _version);

        public SloTracker[] Refresh(SloMonitor monitor, string machine, string message)
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
