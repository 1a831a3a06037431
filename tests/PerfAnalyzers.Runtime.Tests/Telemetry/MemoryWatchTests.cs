using PerfAnalyzers.Runtime.Telemetry;

namespace PerfAnalyzers.Runtime.Tests.Telemetry;

public class MemoryWatchTests
{
    [Fact]
    public void Defaults_are_the_seeds()
    {
        var options = new MemoryWatchOptions();
        Assert.Equal(TimeSpan.FromMinutes(1), options.SampleInterval);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Window);
        Assert.Equal(0.20, options.GrowthThreshold);
    }

    [Fact]
    public void Growth_above_threshold_over_the_window_raises_event_and_metrics()
    {
        var time = new ManualTimeProvider();
        DateTimeOffset t0 = time.GetUtcNow();
        // 100 MB growing 2.5 MB a minute: +25% over 10 minutes.
        long Reader() => 100_000_000 + (long)((time.GetUtcNow() - t0).TotalMinutes * 2_500_000);
        string name = "leak-" + Guid.NewGuid().ToString("N");
        using var metrics = new MetricCapture(TelemetryNames.WatchTag, name);
        using var watch = new MemoryWatch(new MemoryWatchOptions { Name = name }, time, Reader);
        var alerts = new List<MemoryWindowEventArgs>();
        var windows = new List<MemoryWindowEventArgs>();
        watch.GrowthDetected += (_, e) => alerts.Add(e);
        watch.WindowCompleted += (_, e) => windows.Add(e);

        watch.Start(); // first sample at t0
        Assert.Equal(new MemorySample(t0, 100_000_000), watch.LastSample);
        time.Advance(TimeSpan.FromMinutes(9));
        Assert.Empty(windows);

        time.Advance(TimeSpan.FromMinutes(1));
        MemoryWindowEventArgs alert = Assert.Single(alerts);
        Assert.Same(alert, Assert.Single(windows));
        Assert.Equal(0.25, alert.Growth, 9);
        Assert.True(alert.IsAboveThreshold);
        Assert.Equal(new MemorySample(t0, 100_000_000), alert.Start);
        Assert.Equal(new MemorySample(t0 + TimeSpan.FromMinutes(10), 125_000_000), alert.End);
        Assert.Equal("WARNING: Memory grew 25.0% over 10 minutes (100000000 -> 125000000 bytes)", alert.ToString());

        Assert.Equal(1, metrics.Of(TelemetryNames.MemoryGrowthAlerts).Sum(m => m.Value));
        Assert.Equal(0.25, Assert.Single(metrics.Of(TelemetryNames.MemoryWindowGrowth)).Value, 9);

        // Tumbling windows: the next one starts at 125 MB; +25 MB over it is +20%, not above the threshold.
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(2, windows.Count);
        Assert.Single(alerts);
        Assert.Equal(0.20, windows[1].Growth, 9);
        Assert.False(windows[1].IsAboveThreshold);
        Assert.Equal(125_000_000, windows[1].Start.Bytes);
    }

    [Fact]
    public void Windows_compare_their_end_points_only()
    {
        var time = new ManualTimeProvider();
        var readings = new Queue<long>(new long[] { 1000, 1500, 900, 1100, 1050, 2000, 1000 });
        string name = "stable-" + Guid.NewGuid().ToString("N");
        using var metrics = new MetricCapture(TelemetryNames.WatchTag, name);
        using var watch = new MemoryWatch(
            new MemoryWatchOptions { Name = name, SampleInterval = TimeSpan.FromSeconds(30), Window = TimeSpan.FromMinutes(1), GrowthThreshold = 0.10 },
            time, () => readings.Dequeue());
        var windows = new List<MemoryWindowEventArgs>();
        var alerts = 0;
        watch.WindowCompleted += (_, e) => windows.Add(e);
        watch.GrowthDetected += (_, _) => alerts++;

        watch.Start();
        time.Advance(TimeSpan.FromMinutes(3)); // 6 more samples, 3 windows: 1000→900, 900→1050, 1050→1000
        Assert.Equal(3, windows.Count);
        Assert.Equal(new[] { -0.1, 1050 / 900.0 - 1, 1000 / 1050.0 - 1 }, windows.Select(w => w.Growth).ToArray(),
            new DoubleComparer());
        Assert.Equal(1, alerts); // 900 → 1050 is +16.7% > 10%; the 2000 spike mid-window is not an end point
        Assert.StartsWith("Memory stable: -10.0% growth over 1 minutes", windows[0].ToString());
        Assert.Equal(3, metrics.Of(TelemetryNames.MemoryWindowGrowth).Count());
    }

    [Fact]
    public void SampleNow_works_without_a_timer_and_Dispose_stops_sampling()
    {
        var time = new ManualTimeProvider();
        long memory = 1_000;
        var watch = new MemoryWatch(new MemoryWatchOptions { Window = TimeSpan.FromMinutes(1), SampleInterval = TimeSpan.FromMinutes(1) }, time, () => memory);
        Assert.Null(watch.SampleNow());
        time.Advance(TimeSpan.FromMinutes(1));
        memory = 2_000;
        MemoryWindowEventArgs? window = watch.SampleNow();
        Assert.NotNull(window);
        Assert.Equal(1.0, window.Growth);

        watch.Start();
        Assert.Equal(1, time.ActiveTimers);
        watch.Dispose();
        Assert.Equal(0, time.ActiveTimers);
        memory = 5_000;
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(2_000, watch.LastSample!.Value.Bytes);
        Assert.Throws<ObjectDisposedException>(watch.Start);
    }

    [Fact]
    public void Zero_start_reading_gives_zero_growth()
    {
        var time = new ManualTimeProvider();
        var readings = new Queue<long>(new long[] { 0, 500 });
        using var watch = new MemoryWatch(new MemoryWatchOptions { Window = TimeSpan.FromMinutes(1) }, time, () => readings.Dequeue());
        watch.SampleNow();
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, watch.SampleNow()!.Growth);
    }

    [Fact]
    public void Growing_components_are_named()
    {
        var time = new ManualTimeProvider();
        var totals = new Queue<long>(new long[] { 1_000, 1_500 });
        var parts = new Queue<Dictionary<string, long>>(new[]
        {
            new Dictionary<string, long> { ["gen0"] = 100, ["gen2"] = 800, ["loh"] = 100 },
            new Dictionary<string, long> { ["gen0"] = 50, ["gen2"] = 1_200, ["loh"] = 250 },
        });
        using var watch = new MemoryWatch(new MemoryWatchOptions { Window = TimeSpan.FromMinutes(1) }, time, () => totals.Dequeue(), () => parts.Dequeue());
        watch.SampleNow();
        time.Advance(TimeSpan.FromMinutes(1));
        MemoryWindowEventArgs window = watch.SampleNow()!;
        Assert.Equal(new[] { "gen2", "loh" }, window.GrowingComponents);
        Assert.Equal("WARNING: Memory grew 50.0% over 1 minutes (1000 -> 1500 bytes); growing: gen2, loh", window.ToString());
    }

    [Fact]
    public void Default_readers_read_gc_generations()
    {
        using var watch = new MemoryWatch();
        watch.SampleNow();
        Assert.Equal(new[] { "gen0", "gen1", "gen2", "loh", "poh" }, watch.LastSample!.Value.Components!.Keys);
        using var custom = new MemoryWatch(memoryReader: () => 1);
        custom.SampleNow();
        Assert.Null(custom.LastSample!.Value.Components);
    }

    [Fact]
    public void Invalid_options_throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MemoryWatch(new MemoryWatchOptions { SampleInterval = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MemoryWatch(new MemoryWatchOptions { SampleInterval = TimeSpan.FromMinutes(2), Window = TimeSpan.FromMinutes(1) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MemoryWatch(new MemoryWatchOptions { GrowthThreshold = double.NaN }));
    }

    [Fact]
    public void Default_reader_reads_the_gc_heap()
    {
        using var watch = new MemoryWatch();
        watch.SampleNow();
        Assert.True(watch.LastSample!.Value.Bytes > 0);
    }

    private sealed class DoubleComparer : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-9;
        public int GetHashCode(double obj) => 0;
    }
}
