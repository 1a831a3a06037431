using OpenTelemetry;
using OpenTelemetry.Metrics;
using PerfAnalyzers.Runtime.StateMachines;
using PerfAnalyzers.Runtime.Telemetry;
using PerfAnalyzers.Runtime.Tests.StateMachines;

namespace PerfAnalyzers.Runtime.Tests.Telemetry;

/// <summary>The OpenTelemetry SDK, wired as docs/telemetry.md says (<c>AddMeter(TelemetryNames.MeterName)</c>), reads the runtime's metrics.</summary>
[Collection(SerialTelemetryCollection.Name)] // listeners and allocation counts must not overlap other such tests
public class OpenTelemetrySdkTests
{
    [Fact]
    public void MeterProvider_with_AddMeter_collects_slo_and_memory_metrics()
    {
        var exporter = new CollectingExporter();
        using MeterProvider provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(TelemetryNames.MeterName)
            .AddReader(new BaseExportingMetricReader(exporter))
            .Build();

        string machine = "OtelMachine" + Guid.NewGuid().ToString("N");
        var time = new ManualTimeProvider();
        using (var monitor = new SloMonitor(TimeSpan.FromSeconds(10), time))
        {
            SloTracker tracker = monitor.Track(machine, "GetState", p95Seconds: 0.005, p99Seconds: 0.010, TimeSpan.FromSeconds(30));
            for (int i = 0; i < 50; i++) tracker.Record(TimeSpan.FromMilliseconds(20));
            monitor.EvaluateAndRotate(); // p95 and p99 both violated
            monitor.EvaluateAndRotate(); // again: still in the window
        }

        string watchName = machine + "-heap";
        long memory = 100;
        using (var watch = new MemoryWatch(new MemoryWatchOptions { Name = watchName }, time, () => memory))
        {
            watch.SampleNow();
            time.Advance(TimeSpan.FromMinutes(10));
            memory = 150;
            watch.SampleNow();
        }

        Assert.True(provider.ForceFlush());

        var violations = exporter.Points.Where(p => p.Name == TelemetryNames.SloViolations
            && Equals(p.Tags.GetValueOrDefault(TelemetryNames.MachineTag), machine)).ToList();
        Assert.Equal(2, violations.Count); // one stream per percentile
        Assert.All(violations, p =>
        {
            Assert.Equal("{violation}", p.Unit);
            Assert.Equal(2, p.Value);
            Assert.Equal("GetState", p.Tags[TelemetryNames.MessageTag]);
        });
        Assert.Equal(new[] { "p95", "p99" }, violations.Select(p => (string)p.Tags[TelemetryNames.PercentileTag]!).Order());

        var alerts = Assert.Single(exporter.Points, p => p.Name == TelemetryNames.MemoryGrowthAlerts
            && Equals(p.Tags.GetValueOrDefault(TelemetryNames.WatchTag), watchName));
        Assert.Equal(1, alerts.Value);
        var growth = Assert.Single(exporter.Points, p => p.Name == TelemetryNames.MemoryWindowGrowth
            && Equals(p.Tags.GetValueOrDefault(TelemetryNames.WatchTag), watchName));
        Assert.Equal("1", growth.Unit);
        Assert.Equal(1, growth.Count);
        Assert.Equal(0.5, growth.Value, 9);
    }

    /// <summary>Copies each exported point (the SDK reuses its batch), since the InMemory exporter package is not referenced.</summary>
    [Fact]
    public async Task Handling_times_spread_over_the_advised_bounds_in_seconds_and_a_view_still_overrides_them()
    {
        var byDefault = new BucketExporter();
        var withView = new BucketExporter();
        using MeterProvider defaults = Sdk.CreateMeterProviderBuilder()
            .AddMeter(TelemetryNames.MeterName)
            .AddReader(new BaseExportingMetricReader(byDefault))
            .Build();
        using MeterProvider viewed = Sdk.CreateMeterProviderBuilder()
            .AddMeter(TelemetryNames.MeterName)
            .AddView(StateMachineTelemetry.DurationInstrument, new ExplicitBucketHistogramConfiguration { Boundaries = [5, 10] })
            .AddReader(new BaseExportingMetricReader(withView))
            .Build();

        var machine = new OtelBucketsMachine();
        machine.Start();
        for (int i = 0; i < 100; i++)
        {
            await machine.AskAsync(1);
        }

        await machine.StopAsync();
        Assert.True(defaults.ForceFlush());
        Assert.True(viewed.ForceFlush());

        // Advised bounds (1 µs … 10 s): without the advice the SDK's millisecond bounds (0, 5, 10 … 10000) would put every
        // handling time in (0, 5].
        var fine = byDefault.Buckets("Tests.OtelBucketsMachine");
        Assert.Equal(StateMachineTelemetry.DurationBucketBoundaries, fine.Where(b => !double.IsPositiveInfinity(b.Bound)).Select(b => b.Bound));
        Assert.Equal(100, fine.Sum(b => b.Count));
        Assert.All(fine.Where(b => b.Count > 0), b => Assert.True(b.Bound <= 0.1, $"bucket {b.Bound}"));
        // A View wins over the advice.
        var coarse = withView.Buckets("Tests.OtelBucketsMachine");
        Assert.Equal(5, coarse.Single(b => b.Count > 0).Bound);
        Assert.Equal(100, coarse.Sum(b => b.Count));
    }

    private sealed class BucketExporter : BaseExporter<Metric>
    {
        private readonly List<(string Machine, double Bound, long Count)> _buckets = new();

        public List<(double Bound, long Count)> Buckets(string machine)
        {
            lock (_buckets) return _buckets.Where(b => b.Machine == machine).Select(b => (b.Bound, b.Count)).ToList();
        }

        public override ExportResult Export(in Batch<Metric> batch)
        {
            foreach (Metric metric in batch)
            {
                if (metric.Name != StateMachineTelemetry.DurationInstrument) continue;
                foreach (ref readonly MetricPoint point in metric.GetMetricPoints())
                {
                    string? machine = null;
                    foreach (KeyValuePair<string, object?> tag in point.Tags)
                    {
                        if (tag.Key == StateMachineTelemetry.MachineTag) machine = tag.Value as string;
                    }

                    foreach (HistogramBucket bucket in point.GetHistogramBuckets())
                    {
                        lock (_buckets) _buckets.Add((machine ?? "", bucket.ExplicitBound, bucket.BucketCount));
                    }
                }
            }

            return ExportResult.Success;
        }
    }

    private sealed class CollectingExporter : BaseExporter<Metric>
    {
        public List<Point> Points { get; } = new();

        public override ExportResult Export(in Batch<Metric> batch)
        {
            foreach (Metric metric in batch)
            {
                foreach (ref readonly MetricPoint point in metric.GetMetricPoints())
                {
                    var tags = new Dictionary<string, object?>();
                    foreach (KeyValuePair<string, object?> tag in point.Tags) tags[tag.Key] = tag.Value;
                    (double value, long count) = metric.MetricType switch
                    {
                        MetricType.LongSum => (point.GetSumLong(), 0L),
                        MetricType.DoubleSum => (point.GetSumDouble(), 0L),
                        MetricType.Histogram => (point.GetHistogramSum(), point.GetHistogramCount()),
                        _ => (double.NaN, 0L),
                    };
                    lock (Points) Points.Add(new Point(metric.Name, metric.Unit, metric.MeterName, tags, value, count));
                }
            }

            return ExportResult.Success;
        }
    }

    internal sealed record Point(string Name, string Unit, string MeterName, Dictionary<string, object?> Tags, double Value, long Count);
}

/// <summary>A machine of its own, so no other test's handling times reach this file's exporters.</summary>
[StateMachine(Solo.Running, Name = "Tests.OtelBucketsMachine")]
public partial class OtelBucketsMachine
{
    private long _total;

    [On] private long Handle(int amount) => _total += amount;
}
