using PerfAnalyzers.Runtime.Telemetry;

namespace PerfAnalyzers.Runtime.Tests.Telemetry;

public class SloMonitorTests
{
    private sealed class Grant;

    [Slo(P99Milliseconds = 50)]
    [Slo(typeof(Grant), P95Milliseconds = 30, P99Milliseconds = 50, WindowSeconds = 120, MinimumCount = 20)]
    private sealed class Governor;

    [Fact]
    public void Attribute_maps_to_a_target()
    {
        var attributes = typeof(Governor).GetCustomAttributes(typeof(SloAttribute), false).Cast<SloAttribute>()
            .OrderBy(a => a.Message is null ? 0 : 1).ToArray();
        Assert.Equal(2, attributes.Length);

        SloTarget machine = attributes[0].ToTarget("Governor");
        Assert.Equal(new SloTarget("Governor", null, null, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(60), 1), machine);
        Assert.Equal("Governor", machine.Name);

        SloTarget grant = attributes[1].ToTarget("Governor");
        Assert.Equal(new SloTarget("Governor", "Grant", TimeSpan.FromMilliseconds(30), TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(120), 20), grant);
        Assert.Equal("Governor.Grant", grant.Name);
        Assert.Equal("Governor.grant_entitlement", attributes[1].ToTarget("Governor", "grant_entitlement").Name);
    }

    [Fact]
    public void Window_is_split_into_evaluation_intervals()
    {
        using var monitor = new SloMonitor(TimeSpan.FromSeconds(10), new ManualTimeProvider());
        Assert.Equal(6, monitor.Track(Target("a", p99Ms: 1, windowSeconds: 60)).Window.IntervalCount);
        Assert.Equal(7, monitor.Track(Target("b", p99Ms: 1, windowSeconds: 61)).Window.IntervalCount);
        Assert.Equal(1, monitor.Track(Target("c", p99Ms: 1, windowSeconds: 1)).Window.IntervalCount);
        Assert.Equal(3, monitor.Trackers.Count);
    }

    [Fact]
    public void Violation_is_raised_while_slow_samples_are_in_the_window_then_clears()
    {
        var time = new ManualTimeProvider();
        using var monitor = new SloMonitor(TimeSpan.FromSeconds(10), time);
        string machine = "SloTest" + Guid.NewGuid().ToString("N");
        using var metrics = new MetricCapture(StateMachineTelemetry.Tags.Machine, machine);
        SloTracker tracker = monitor.Track(new SloTarget(machine, "Grant", null, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(60)));
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
        Assert.Equal(TimeSpan.FromMilliseconds(50), v.Limit);
        Assert.InRange(v.ObservedSeconds, 0.080 * 0.99, 0.080 * 1.01);
        Assert.Equal(1_100, v.Window.Count);
        Assert.Equal(time.GetUtcNow(), v.At);
        Assert.Equal(machine + ".Grant", v.Target.Name);
        Assert.StartsWith($"SLO VIOLATION: {machine}.Grant p99 ", v.ToString());

        // The slow interval stays in the 6-interval window for 6 evaluations (ticks 2..7), then slides out.
        time.Advance(TimeSpan.FromSeconds(50)); // ticks 3..7
        Assert.Equal(6, violations.Count);
        time.Advance(TimeSpan.FromSeconds(10)); // tick 8
        Assert.Equal(6, violations.Count);
        Assert.True(monitor.Evaluate().Single().IsMet);

        var counted = metrics.Of(StateMachineTelemetry.Instruments.SloViolations).ToList();
        Assert.Equal(6, counted.Sum(m => m.Value));
        Assert.All(counted, m =>
        {
            Assert.Equal(machine + ".Grant", m.Tags[StateMachineTelemetry.Tags.Slo]);
            Assert.Equal("Grant", m.Tags[StateMachineTelemetry.Tags.Message]);
            Assert.Equal("p99", m.Tags[StateMachineTelemetry.Tags.Percentile]);
        });
    }

    [Fact]
    public void Each_exceeded_percentile_is_reported()
    {
        var time = new ManualTimeProvider();
        using var monitor = new SloMonitor(TimeSpan.FromSeconds(10), time);
        SloTracker tracker = monitor.Track(Target("Both", p95Ms: 30, p99Ms: 50, windowSeconds: 10));
        var violations = new List<string>();
        monitor.Violated += (_, e) => violations.Add(e.Percentile);

        for (int i = 0; i < 100; i++) tracker.Record(TimeSpan.FromMilliseconds(i < 90 ? 1 : 60));
        IReadOnlyList<SloEvaluation> results = monitor.EvaluateAndRotate();
        Assert.Equal(new[] { "p95", "p99" }, violations);
        Assert.False(results[0].P95Met);
        Assert.False(results[0].P99Met);
        Assert.False(results[0].IsMet);
        Assert.True(results[0].Judged);
    }

    [Fact]
    public void A_value_at_the_target_is_not_a_violation()
    {
        using var monitor = new SloMonitor(TimeSpan.FromSeconds(10), new ManualTimeProvider());
        SloTracker tracker = monitor.Track(Target("AtLimit", p99Ms: 10, windowSeconds: 10));
        for (int i = 0; i < 100; i++) tracker.Record(TimeSpan.FromMilliseconds(10));
        Assert.True(monitor.EvaluateAndRotate().Single().IsMet);
    }

    [Fact]
    public void Too_few_samples_are_not_judged()
    {
        using var monitor = new SloMonitor(TimeSpan.FromSeconds(10), new ManualTimeProvider());
        SloTracker tracker = monitor.Track(Target("Few", p99Ms: 1, windowSeconds: 10, minimumCount: 10));
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
        SloTracker tracker = monitor.Track(Target("Query", p99Ms: 1, windowSeconds: 10));
        monitor.Violated += (_, _) => throw new Xunit.Sdk.XunitException("Evaluate must not raise");
        tracker.Record(TimeSpan.FromSeconds(1));
        Assert.False(monitor.Evaluate().Single().IsMet);
        Assert.False(monitor.Evaluate().Single().IsMet);
        Assert.Equal(1, tracker.Window.GetSnapshot().Count);
    }

    [Fact]
    public void A_throwing_subscriber_does_not_stop_the_others()
    {
        using var monitor = new SloMonitor(TimeSpan.FromSeconds(10), new ManualTimeProvider());
        SloTracker tracker = monitor.Track(Target("Throwing", p99Ms: 1, windowSeconds: 10));
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
        SloTracker tracker = monitor.Track(Target("Disposed", p99Ms: 1, windowSeconds: 60));
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
        Assert.Throws<ArgumentOutOfRangeException>(() => monitor.Track(Target("Bad", p99Ms: 1, windowSeconds: 0)));
        Assert.Throws<ArgumentNullException>(() => monitor.Track(null!));
    }

    private static SloTarget Target(string machine, double? p95Ms = null, double? p99Ms = null, double windowSeconds = 60, int minimumCount = 1)
        => new(machine, null,
            p95Ms is { } a ? TimeSpan.FromMilliseconds(a) : null,
            p99Ms is { } b ? TimeSpan.FromMilliseconds(b) : null,
            TimeSpan.FromSeconds(windowSeconds), minimumCount);
}
