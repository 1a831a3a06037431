using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace PerfAnalyzers.Benchmarks.Telemetry;

/// <summary>
/// The pieces of a state machine's per-message telemetry, measured apart: one clock read, and one
/// <c>Histogram&lt;double&gt;.Record</c> with the three tags of <c>statemachine.message.duration</c> (machine, message,
/// state) in each call form the runtime could use, with nobody listening or the OpenTelemetry SDK reading the meter.
/// The tags cycle over four (message, state) pairs, as a machine's handlers would.
/// </summary>
/// <remarks>
/// Run: <c>dotnet run -c Release --project tests/PerfAnalyzers.Benchmarks -- --filter '*TelemetryHotPathBenchmarks*' '*ClockReadBenchmarks*' --job short --inProcess</c>.
/// </remarks>
[MemoryDiagnoser]
public class TelemetryHotPathBenchmarks
{
    private const int Operations = 1024;
    private const string MeterName = "PerfAnalyzers.Benchmarks.TelemetryHotPath";
    private const string MachineKey = "statemachine.type";
    private const string MessageKey = "statemachine.message";
    private const string StateKey = "statemachine.state";

    private static readonly string[] Messages = ["Grant", "Approve", "Reject", "Revoke"];
    private static readonly string[] States = ["Unentitled", "PendingReview", "Entitled", "Revoked"];

    private static readonly double TicksToSeconds = 1.0 / Stopwatch.Frequency;

    private readonly double[] _seconds = new double[Operations];
    private Meter _meter = null!;
    private Histogram<double> _duration = null!;
    private MeterProvider? _meterProvider;

    // What StateMachineTypeInfo holds today: one tag per machine, per message kind, per state.
    private KeyValuePair<string, object?> _machineTag;
    private KeyValuePair<string, object?>[] _messageTags = null!;
    private KeyValuePair<string, object?>[] _stateTags = null!;

    // Pre-built tag arrays per (message, state): in declaration order (machine, message, state) and sorted by key
    // (message, state, machine: "statemachine.message" < "statemachine.state" < "statemachine.type").
    private KeyValuePair<string, object?>[][] _cached = null!;
    private KeyValuePair<string, object?>[][] _cachedSorted = null!;

    /// <summary>Whether the OpenTelemetry SDK (MeterProvider with AddMeter, a reader that exports nothing) listens.</summary>
    [Params(false, true)]
    public bool OpenTelemetrySdk { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        for (int i = 0; i < Operations; i++)
        {
            _seconds[i] = 200e-9 * Math.Exp(1.5 * (random.NextDouble() - 0.5));
        }

        _meter = new Meter(MeterName);
        _duration = _meter.CreateHistogram<double>("statemachine.message.duration", "s");
        if (OpenTelemetrySdk)
        {
            _meterProvider = Sdk.CreateMeterProviderBuilder()
                .AddMeter(MeterName)
                .AddReader(new PeriodicExportingMetricReader(new DiscardingExporter(), exportIntervalMilliseconds: 600_000))
                .Build();
        }

        _machineTag = new(MachineKey, "EntitlementGovernor");
        _messageTags = Messages.Select(m => new KeyValuePair<string, object?>(MessageKey, m)).ToArray();
        _stateTags = States.Select(s => new KeyValuePair<string, object?>(StateKey, s)).ToArray();
        _cached = new KeyValuePair<string, object?>[Messages.Length * States.Length][];
        _cachedSorted = new KeyValuePair<string, object?>[Messages.Length * States.Length][];
        for (int m = 0; m < Messages.Length; m++)
        {
            for (int s = 0; s < States.Length; s++)
            {
                _cached[(m * States.Length) + s] = [_machineTag, _messageTags[m], _stateTags[s]];
                _cachedSorted[(m * States.Length) + s] = [_messageTags[m], _stateTags[s], _machineTag];
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _meterProvider?.Dispose();
        _meter.Dispose();
    }

    /// <summary>Today's form: three <c>KeyValuePair</c> arguments read from the per-machine, per-kind and per-state tags.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    public void ThreeArguments()
    {
        double[] values = _seconds;
        for (int i = 0; i < values.Length; i++)
        {
            if (_duration.Enabled)
            {
                _duration.Record(values[i], _machineTag, _messageTags[i & 3], _stateTags[(i >> 2) & 3]);
            }
        }
    }

    /// <summary>Three arguments, sorted by key.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void ThreeArgumentsSorted()
    {
        double[] values = _seconds;
        for (int i = 0; i < values.Length; i++)
        {
            if (_duration.Enabled)
            {
                _duration.Record(values[i], _messageTags[i & 3], _stateTags[(i >> 2) & 3], _machineTag);
            }
        }
    }

    /// <summary>A <see cref="TagList"/> built per record.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void TagListPerRecord()
    {
        double[] values = _seconds;
        for (int i = 0; i < values.Length; i++)
        {
            if (_duration.Enabled)
            {
                var tags = new TagList { _machineTag, _messageTags[i & 3], _stateTags[(i >> 2) & 3] };
                _duration.Record(values[i], in tags);
            }
        }
    }

    /// <summary>A span over a tag array built once per (message, state), declaration order.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void CachedSpan()
    {
        double[] values = _seconds;
        var cached = _cached;
        for (int i = 0; i < values.Length; i++)
        {
            if (_duration.Enabled)
            {
                _duration.Record(values[i], new ReadOnlySpan<KeyValuePair<string, object?>>(cached[((i & 3) * 4) + ((i >> 2) & 3)]));
            }
        }
    }

    /// <summary>A span over a tag array built once per (message, state), sorted by key.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void CachedSpanSorted()
    {
        double[] values = _seconds;
        var cached = _cachedSorted;
        for (int i = 0; i < values.Length; i++)
        {
            if (_duration.Enabled)
            {
                _duration.Record(values[i], new ReadOnlySpan<KeyValuePair<string, object?>>(cached[((i & 3) * 4) + ((i >> 2) & 3)]));
            }
        }
    }

    /// <summary>
    /// What an inline request pays with a listener: a clock read before and after (here with nothing between), then
    /// today's three-argument record of the difference in seconds.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void TimedThreeArguments()
    {
        double[] values = _seconds;
        for (int i = 0; i < values.Length; i++)
        {
            if (_duration.Enabled)
            {
                long start = Stopwatch.GetTimestamp();
                double seconds = (Stopwatch.GetTimestamp() - start) * TicksToSeconds + values[i];
                _duration.Record(seconds, _machineTag, _messageTags[i & 3], _stateTags[(i >> 2) & 3]);
            }
        }
    }

    /// <summary>For scale: no tags at all (what the SDK costs without looking tags up).</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void NoTags()
    {
        double[] values = _seconds;
        for (int i = 0; i < values.Length; i++)
        {
            if (_duration.Enabled)
            {
                _duration.Record(values[i]);
            }
        }
    }

    /// <summary>For scale: the machine tag alone.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void MachineTagOnly()
    {
        double[] values = _seconds;
        for (int i = 0; i < values.Length; i++)
        {
            if (_duration.Enabled)
            {
                _duration.Record(values[i], _machineTag);
            }
        }
    }
}

/// <summary>
/// One clock read, as a state machine takes before and after a handler to time it (<c>Stopwatch.GetTimestamp</c>; on
/// Linux <c>clock_gettime(CLOCK_MONOTONIC)</c>, whose cost depends on the clock source, e.g. <c>kvm-clock</c> in a VM).
/// <c>Environment.TickCount64</c> (millisecond resolution, too coarse for handling times) is there for scale.
/// </summary>
public class ClockReadBenchmarks
{
    private const int Operations = 1024;

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    public long StopwatchGetTimestamp()
    {
        long sum = 0;
        for (int i = 0; i < Operations; i++)
        {
            sum += Stopwatch.GetTimestamp();
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public long EnvironmentTickCount64()
    {
        long sum = 0;
        for (int i = 0; i < Operations; i++)
        {
            sum += Environment.TickCount64;
        }

        return sum;
    }
}

/// <summary>
/// The same 3-tag record (today's three-argument form) under the OpenTelemetry SDK with its default histogram (explicit
/// bounds 0, 5, 10 … 10000, meant for milliseconds: every handling time in seconds lands in the first bucket), with a
/// View giving bounds from 1 µs to 10 s (what docs/telemetry.md suggests for <c>statemachine.message.duration</c>), and
/// with the base-2 exponential histogram.
/// </summary>
/// <remarks>
/// Run: <c>dotnet run -c Release --project tests/PerfAnalyzers.Benchmarks -- --filter '*OpenTelemetryAggregationBenchmarks*' --job short --inProcess</c>.
/// </remarks>
[MemoryDiagnoser]
public class OpenTelemetryAggregationBenchmarks
{
    private const int Operations = 1024;
    private const string MeterName = "PerfAnalyzers.Benchmarks.OpenTelemetryAggregation";

    private static readonly string[] Messages = ["Grant", "Approve", "Reject", "Revoke"];
    private static readonly string[] States = ["Unentitled", "PendingReview", "Entitled", "Revoked"];

    /// <summary>Bounds in seconds, 1 µs to 10 s.</summary>
    internal static readonly double[] SecondsBounds =
        [1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly double[] _seconds = new double[Operations];
    private Meter _meter = null!;
    private Histogram<double> _duration = null!;
    private MeterProvider _meterProvider = null!;
    private KeyValuePair<string, object?> _machineTag;
    private KeyValuePair<string, object?>[] _messageTags = null!;
    private KeyValuePair<string, object?>[] _stateTags = null!;

    /// <summary>The histogram aggregation: SDK default, a View with bounds in seconds, or base-2 exponential.</summary>
    [Params("Default", "SecondsBounds", "Exponential")]
    public string Aggregation { get; set; } = "Default";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        for (int i = 0; i < Operations; i++)
        {
            // Log-normal around 20 µs, as fast handlers plus some slow ones.
            _seconds[i] = 20e-6 * Math.Exp(2 * (random.NextDouble() - 0.5));
        }

        _meter = new Meter(MeterName);
        _duration = _meter.CreateHistogram<double>("statemachine.message.duration", "s");
        var builder = Sdk.CreateMeterProviderBuilder().AddMeter(MeterName);
        builder = Aggregation switch
        {
            "Default" => builder,
            "SecondsBounds" => builder.AddView("statemachine.message.duration", new ExplicitBucketHistogramConfiguration { Boundaries = SecondsBounds }),
            "Exponential" => builder.AddView("statemachine.message.duration", new Base2ExponentialBucketHistogramConfiguration()),
            _ => throw new ArgumentException(Aggregation),
        };
        _meterProvider = builder
            .AddReader(new PeriodicExportingMetricReader(new DiscardingExporter(), exportIntervalMilliseconds: 600_000))
            .Build();
        _machineTag = new("statemachine.type", "EntitlementGovernor");
        _messageTags = Messages.Select(m => new KeyValuePair<string, object?>("statemachine.message", m)).ToArray();
        _stateTags = States.Select(s => new KeyValuePair<string, object?>("statemachine.state", s)).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _meterProvider.Dispose();
        _meter.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public void ThreeArguments()
    {
        double[] values = _seconds;
        for (int i = 0; i < values.Length; i++)
        {
            if (_duration.Enabled)
            {
                _duration.Record(values[i], _machineTag, _messageTags[i & 3], _stateTags[(i >> 2) & 3]);
            }
        }
    }
}
