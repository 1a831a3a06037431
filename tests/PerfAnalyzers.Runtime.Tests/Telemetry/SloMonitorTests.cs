using PerfAnalyzers.Runtime.StateMachines;
using PerfAnalyzers.Runtime.Telemetry;

namespace PerfAnalyzers.Runtime.Tests.Telemetry;

public class SloMonitorTests
{
    [Fact]
    public void Generated_slo_targets_are_tracked()
    {
        using var monitor = new SloMonitor(TimeSpan.FromSeconds(10), new ManualTimeProvider());
        var targets = new[]
        {
            new SloTarget("Governor", null, 0.030, 0.050),
            new SloTarget("Governor", "Revoke", null, 0.050),
        };
        IReadOnlyList<SloTracker> trackers = monitor.TrackAll(targets, TimeSpan.FromSeconds(30), minimumCount: 5);
        Assert.Equal(new[] { "Governor", "Governor.Revoke" }, trackers.Select(t => t.Name));
        Assert.Equal(0.030, trackers[0].P95Seconds);
        Assert.Null(trackers[1].P95Seconds);
        Assert.Equal(0.050, trackers[1].P99Seconds);
        Assert.All(trackers, t => Assert.Equal(3, t.Histogram.IntervalCount));
        Assert.All(trackers, t => Assert.Equal(5, t.MinimumCount));
        Assert.Equal(6, monitor.Track(targets[0]).Histogram.IntervalCount);
        Assert.Throws<ArgumentNullException>(() => monitor.Track((SloTarget)null!));
    }

    [Fact]
    public void Window_is_split_into_evaluation_intervals()
    {
        using var monitor = new SloMonitor(TimeSpan.FromSeconds(10), new ManualTimeProvider());
        Assert.Equal(6, Track(monitor, "a", p99Ms: 1, windowSeconds: 60).Histogram.IntervalCount);
        Assert.Equal(7, Track(monitor, "b", p99Ms: 1, windowSeconds: 61).Histogram.IntervalCount);
        Assert.Equal(1, Track(monitor, "c", p99Ms: 1, windowSeconds: 1).Histogram.IntervalCount);
        Assert.Equal(6, monitor.Track("d", null, null, 0.001).Histogram.IntervalCount); // DefaultWindow: 60 s
        Assert.Equal(4, monitor.Trackers.Count);
    }

    [Fact]
    public void Violation_is_raised_while_slow_samples_are_in_the_window_then_clears()
    {
        var time = new ManualTimeProvider();
        using var monitor = new SloMonitor(TimeSpan.FromSeconds(10), time);
        string machine = "SloTest" + Guid.NewGuid().ToString("N");
        using var metrics = new MetricCapture(TelemetryNames.MachineTag, machine);
        SloTracker tracker = monitor.Track(machine, "Grant", p95Seconds: null, p99Seconds: 0.050, TimeSpan.FromSeconds(60));
        var violations = new List<SloViolationEventArgs>();
        monitor.Violated += (_, e) => violations.Add(e);
        monitor.Start();

        for (int i = 0; i < 1_000; i++) tracker.Record(TimeSpan.FromMilliseconds(5));
        time.Advance(TimeSpan.FromSeconds(10)); // tick 1: fast only
        Assert.Empty(violations);

        for (int i = 0; i < 100; i++) tracker.Record(TimeSpan.FromMilliseconds(80)); // 9% slow: p99 = 80 ms, p95 = 5 ms
        time.Advance(TimeSpan.FromSeconds(10)); // tick 2
        SloViolationEventArgs v = Assert.Single(violations);
        Assert.Equal("p99", v.Percentile);
        Assert.Equal(0.050, v.TargetSeconds);
        Assert.InRange(v.ObservedSeconds, 0.080 * 0.99, 0.080 * 1.01);
        Assert.Equal(1_100, v.Window.Count);
        Assert.Equal(time.GetUtcNow(), v.At);
        Assert.Equal(machine + ".Grant", v.Tracker.Name);
        Assert.StartsWith($"SLO VIOLATION: {machine}.Grant p99 latency 80", v.ToString());
        Assert.EndsWith(" ms (target: 50 ms) over 1100 samples", v.ToString());

        // The slow interval stays in the 6-interval window for 6 evaluations (ticks 2..7), then slides out.
        time.Advance(TimeSpan.FromSeconds(50)); // ticks 3..7
        Assert.Equal(6, violations.Count);
        time.Advance(TimeSpan.FromSeconds(10)); // tick 8
        Assert.Equal(6, violations.Count);
        Assert.True(monitor.Evaluate().Single().IsMet);

        var counted = metrics.Of(TelemetryNames.SloViolations).ToList();
        Assert.Equal(6, counted.Sum(m => m.Value));
        Assert.All(counted, m =>
        {
            Assert.Equal(3, m.Tags.Count);
            Assert.Equal("Grant", m.Tags[TelemetryNames.MessageTag]);
            Assert.Equal("p99", m.Tags[TelemetryNames.PercentileTag]);
        });
    }

    [Fact]
    public void Each_exceeded_percentile_is_reported()
    {
        var time = new ManualTimeProvider();
        using var monitor = new SloMonitor(TimeSpan.FromSeconds(10), time);
        SloTracker tracker = Track(monitor, "Both", p95Ms: 30, p99Ms: 50, windowSeconds: 10);
        var violations = new List<string>();
        monitor.Violated += (_, e) => violations.Add(e.Percentile);

        for (int i = 0; i < 100; i++) tracker.Record(TimeSpan.FromMilliseconds(i < 90 ? 1 : 60));
        IReadOnlyList<SloEvaluation> results = monitor.EvaluateAndRotate();
        Assert.Equal(new[] { "p95", "p99" }, violations);
        Assert.False(results[0].P95Met);
        Assert.False(results[0].P99Met);
        Assert.False(results[0].IsMet);
        Assert.True(results[0].Judged);
        Assert.Equal("Both: p95 <= 30 ms, p99 <= 50 ms over 10 s", tracker.ToString());
    }

    [Fact]
    public void A_value_at_the_target_is_not_a_violation()
    {
        using var monitor = new SloMonitor(TimeSpan.FromSeconds(10), new ManualTimeProvider());
        SloTracker tracker = Track(monitor, "AtLimit", p99Ms: 10, windowSeconds: 10);
        for (int i = 0; i < 100; i++) tracker.Record(TimeSpan.FromMilliseconds(10));
        Assert.True(monitor.EvaluateAndRotate().Single().IsMet);
    }

    [Fact]
    public void Too_few_samples_are_not_judged()
    {
        using var monitor = new SloMonitor(TimeSpan.FromSeconds(10), new ManualTimeProvider());
        SloTracker tracker = Track(monitor, "Few", p99Ms: 1, windowSeconds: 10, minimumCount: 10);
        var raised = 0;
        monitor.Violated += (_, _) => raised++;
        for (int i = 0; i < 9; i++) tracker.Record(TimeSpan.FromSeconds(1));
        SloEvaluation e = monitor.EvaluateAndRotate().Single();
        Assert.False(e.Judged);
        Assert.True(e.IsMet);
        Assert.Equal(0, raised);

        for (int i = 0; i < 10; i++) tracker.Record(TimeSpan.FromSeconds(1));
        Assert.False(monitor.EvaluateAndRotate().Single().IsMet);
        Assert.Equal(1, raised);
    }

    [Fact]
    public void Evaluate_neither_raises_nor_slides()
    {
        using var monitor = new SloMonitor(TimeSpan.FromSeconds(10), new ManualTimeProvider());
        SloTracker tracker = Track(monitor, "Query", p99Ms: 1, windowSeconds: 10);
        monitor.Violated += (_, _) => throw new Xunit.Sdk.XunitException("Evaluate must not raise");
        tracker.Record(TimeSpan.FromSeconds(1));
        Assert.False(monitor.Evaluate().Single().IsMet);
        Assert.False(monitor.Evaluate().Single().IsMet);
        Assert.Equal(1, tracker.Histogram.GetSnapshot().Count);
    }

    [Fact]
    public void A_throwing_subscriber_does_not_stop_the_others()
    {
        using var monitor = new SloMonitor(TimeSpan.FromSeconds(10), new ManualTimeProvider());
        SloTracker tracker = Track(monitor, "Throwing", p99Ms: 1, windowSeconds: 10);
        var seen = 0;
        monitor.Violated += (_, _) => throw new InvalidOperationException("subscriber bug");
        monitor.Violated += (_, _) => seen++;
        tracker.Record(TimeSpan.FromSeconds(1));
        monitor.EvaluateAndRotate();
        Assert.Equal(1, seen);
    }

    [Fact]
    public void Dispose_stops_the_timer()
    {
        var time = new ManualTimeProvider();
        var monitor = new SloMonitor(TimeSpan.FromSeconds(10), time);
        SloTracker tracker = Track(monitor, "Disposed", p99Ms: 1, windowSeconds: 60);
        var raised = 0;
        monitor.Violated += (_, _) => raised++;
        monitor.Start();
        monitor.Start(); // idempotent
        Assert.Equal(1, time.ActiveTimers);
        tracker.Record(TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, raised);

        monitor.Dispose();
        Assert.Equal(0, time.ActiveTimers);
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, raised);
        Assert.Throws<ObjectDisposedException>(monitor.Start);
    }

    [Fact]
    public void Invalid_arguments_throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SloMonitor(TimeSpan.Zero));
        using var monitor = new SloMonitor();
        Assert.Throws<ArgumentOutOfRangeException>(() => Track(monitor, "Bad", p99Ms: 1, windowSeconds: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Track(monitor, "Bad", p95Ms: -1));
        Assert.Throws<ArgumentNullException>(() => monitor.Track(null!, null, 1, 1));
        Assert.Throws<ArgumentException>(() => monitor.Track("", null, 1, 1));
    }

    private static SloTracker Track(SloMonitor monitor, string machine, double? p95Ms = null, double? p99Ms = null, double windowSeconds = 60, int minimumCount = 1)
        => monitor.Track(machine, null, p95Ms / 1e3, p99Ms / 1e3, TimeSpan.FromSeconds(windowSeconds), minimumCount);
}
