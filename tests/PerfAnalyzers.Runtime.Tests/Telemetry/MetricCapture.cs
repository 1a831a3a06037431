using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PerfAnalyzers.Runtime.Telemetry;

namespace PerfAnalyzers.Runtime.Tests.Telemetry;

/// <summary>Collects measurements of the runtime's Meter through a <see cref="MeterListener"/>, filtered by a tag value so parallel tests don't see each other's data.</summary>
internal sealed class MetricCapture : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly string _tagKey;
    private readonly string _tagValue;

    public MetricCapture(string tagKey, string tagValue)
    {
        _tagKey = tagKey;
        _tagValue = tagValue;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Only this folder's own instruments: tests that simulate state machines on the same Meter name stay unobserved.
            if (instrument.Meter.Name == TelemetryNames.MeterName && OwnInstruments.Contains(instrument.Name))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _listener.Start();
    }

    private static readonly HashSet<string> OwnInstruments = new()
    {
        TelemetryNames.SloViolations, TelemetryNames.MemoryGrowthAlerts, TelemetryNames.MemoryWindowGrowth,
    };

    public ConcurrentQueue<Measurement> Measurements { get; } = new();

    public IEnumerable<Measurement> Of(string instrument) => Measurements.Where(m => m.Instrument.Name == instrument);

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var dict = new Dictionary<string, object?>();
        foreach (var tag in tags) dict[tag.Key] = tag.Value;
        if (dict.TryGetValue(_tagKey, out var v) && Equals(v, _tagValue))
        {
            Measurements.Enqueue(new Measurement(instrument, value, dict));
        }
    }

    internal sealed record Measurement(Instrument Instrument, double Value, Dictionary<string, object?> Tags);
}
