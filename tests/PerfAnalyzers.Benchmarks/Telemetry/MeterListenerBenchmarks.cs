using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using PerfAnalyzers.Runtime.Telemetry;

namespace PerfAnalyzers.Benchmarks.Telemetry;

/// <summary>
/// Cost of recording one handling time into a <c>System.Diagnostics.Metrics</c> histogram shaped like the state machines' <c>statemachine.message.duration</c>
/// (three tags) with nobody listening, a no-op <see cref="MeterListener"/>, the in-process
/// <see cref="StateMachineLatencyListener"/>, or the OpenTelemetry SDK (<c>MeterProvider</c> with <c>AddMeter</c>).
/// Each listener setting runs in its own process (BenchmarkDotNet's default), so they do not leak into each other.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class MeterListenerBenchmarks
{
    private const int Operations = 1024;

    private Meter _meter = null!;
    private Histogram<double> _duration = null!;
    private IDisposable? _listener;
    private readonly double[] _seconds = new double[Operations];

    /// <summary>Who listens to the Meter histogram.</summary>
    [Params("None", "MeterListener", "LatencyListener", "OpenTelemetry")]
    public string Listener { get; set; } = "None";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        for (int i = 0; i < Operations; i++)
        {
            _seconds[i] = 200e-6 * Math.Exp(1.5 * (random.NextDouble() - 0.5));
        }

        _meter = new Meter(TelemetryNames.MeterName);
        _duration = _meter.CreateHistogram<double>(TelemetryNames.MessageDuration, "s");
        _listener = Listener switch
        {
            "None" => null,
            "MeterListener" => StartNoOpListener(),
            "LatencyListener" => new StateMachineLatencyListener(),
            "OpenTelemetry" => Sdk.CreateMeterProviderBuilder()
                .AddMeter(TelemetryNames.MeterName)
                .AddReader(new PeriodicExportingMetricReader(new DiscardingExporter(), exportIntervalMilliseconds: 600_000))
                .Build(),
            _ => throw new ArgumentException(Listener),
        };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _listener?.Dispose();
        _meter.Dispose();
    }

    /// <summary>Histogram&lt;double&gt;.Record with machine, message and state tags, as the state machines record.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void MeterHistogramRecord()
    {
        double[] values = _seconds;
        for (int i = 0; i < values.Length; i++)
        {
            if (_duration.Enabled)
            {
                _duration.Record(values[i], new TagList
                {
                    { TelemetryNames.MachineTag, "EntitlementGovernor" },
                    { TelemetryNames.MessageTag, "Grant" },
                    { "statemachine.state", "Unentitled" },
                });
            }
        }
    }

    private static MeterListener StartNoOpListener()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == TelemetryNames.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>(static (_, _, _, _) => { });
        listener.Start();
        return listener;
    }
}
