using System.Diagnostics;
using System.Diagnostics.Metrics;
using PerfAnalyzers.Runtime.Telemetry;

namespace PerfAnalyzers.Runtime.Tests.Telemetry;

/// <summary>
/// The listener reads the state machines' <c>statemachine.message.duration</c> histogram. These tests publish that
/// instrument on a Meter of the same name, as generated machines do, with machine names unique to each test.
/// </summary>
[Collection(SerialTelemetryCollection.Name)]
public class StateMachineLatencyListenerTests
{
    private static readonly Meter SimulatedMeter = new(TelemetryNames.MeterName);
    private static readonly Histogram<double> Duration = SimulatedMeter.CreateHistogram<double>(TelemetryNames.MessageDuration, "s");

    private static void Handle(string machine, string message, double seconds, string state = "Entitled")
        => Duration.Record(seconds, new TagList
        {
            { TelemetryNames.MachineTag, machine },
            { TelemetryNames.MessageTag, message },
            { "statemachine.state", state },
        });

    [Fact]
    public void Gives_percentiles_per_machine_and_per_message()
    {
        string machine = Unique("Governor");
        using var listener = new StateMachineLatencyListener();
        long[] grant = LatencyHistogramTests.Generate("lognormal-tail", 20_000, seed: 1);
        long[] getState = LatencyHistogramTests.Generate("exponential", 5_000, seed: 2);
        foreach (long ns in grant) Handle(machine, "Grant", ns / 1e9);
        foreach (long ns in getState) Handle(machine, "GetState", ns / 1e9);

        AssertPercentiles(grant, listener.GetSnapshot(machine, "Grant"));
        AssertPercentiles(getState, listener.GetSnapshot(machine, "GetState"));
        AssertPercentiles(grant.Concat(getState).ToArray(), listener.GetSnapshot(machine));
        Assert.Equal(LatencySnapshot.Empty, listener.GetSnapshot(machine, "Revoke"));
        Assert.Equal(LatencySnapshot.Empty, listener.GetSnapshot(Unique("Other")));

        var rows = listener.GetSnapshots().Where(r => r.Machine == machine).ToList();
        Assert.Equal(new string?[] { null, "GetState", "Grant" }, rows.Select(r => r.Message));
        Assert.Equal(25_000, rows[0].Latency.Count);
        Assert.StartsWith(machine + ".Grant: count=20000 p50=", rows[2].ToString());
    }

    [Fact]
    public void Ignores_other_instruments_meters_and_untagged_measurements()
    {
        string machine = Unique("Ignored");
        using var otherMeter = new Meter("Some.Other.Meter");
        Histogram<double> sameNameElsewhere = otherMeter.CreateHistogram<double>(TelemetryNames.MessageDuration, "s");
        Histogram<double> otherInstrument = SimulatedMeter.CreateHistogram<double>("statemachine.mailbox.wait.duration", "s");
        using var listener = new StateMachineLatencyListener();

        var tags = new TagList { { TelemetryNames.MachineTag, machine }, { TelemetryNames.MessageTag, "Grant" } };
        sameNameElsewhere.Record(1, tags);
        otherInstrument.Record(1, tags);
        Duration.Record(1, new TagList { { TelemetryNames.MessageTag, "Grant" } });
        Assert.Equal(0, listener.GetSnapshot(machine).Count);

        Duration.Record(0.002, tags);
        Assert.Equal(1, listener.GetSnapshot(machine).Count);
    }

    [Fact]
    public void Feeds_matching_slo_trackers_including_ones_added_later()
    {
        string machine = Unique("Slo");
        var time = new ManualTimeProvider();
        using var monitor = new SloMonitor(TimeSpan.FromSeconds(10), time);
        SloTracker wholeMachine = monitor.Track(machine, null, null, 0.050);
        SloTracker grantOnly = monitor.Track(machine, "Grant", 0.030, 0.050);
        SloTracker otherMachine = monitor.Track(Unique("Elsewhere"), null, null, 0.050);
        using var listener = new StateMachineLatencyListener(monitor);

        for (int i = 0; i < 100; i++) Handle(machine, "Grant", 0.080);
        for (int i = 0; i < 50; i++) Handle(machine, "Revoke", 0.001);
        Assert.Equal(150, wholeMachine.Histogram.GetSnapshot().Count);
        Assert.Equal(100, grantOnly.Histogram.GetSnapshot().Count);
        Assert.Equal(0, otherMachine.Histogram.GetSnapshot().Count);

        SloTracker revokeOnly = monitor.Track(machine, "Revoke", null, 0.010);
        Handle(machine, "Revoke", 0.001);
        Assert.Equal(1, revokeOnly.Histogram.GetSnapshot().Count);

        var violated = new List<string>();
        monitor.Violated += (_, e) => violated.Add(e.Tracker.Name + " " + e.Percentile);
        monitor.EvaluateAndRotate();
        Assert.Equal(new[] { machine + " p99", machine + ".Grant p95", machine + ".Grant p99" }, violated);
    }

    [Fact]
    public void Equal_tag_values_from_different_instances_land_together()
    {
        string machine = Unique("Copies");
        using var listener = new StateMachineLatencyListener();
        for (int i = 0; i < 5_000; i++)
        {
            // New string instances each time (as a publisher building names would): found by value, identity cache bounded.
            Handle(new string(machine.AsSpan()), new string("Grant".AsSpan()), 0.001);
        }

        Duration.Record(0.001, new TagList { { TelemetryNames.MachineTag, machine }, { TelemetryNames.MessageTag, 42 } });
        Assert.Equal(5_000, listener.GetSnapshot(machine, "Grant").Count);
        Assert.Equal(1, listener.GetSnapshot(machine, "42").Count);
        Assert.Equal(5_001, listener.GetSnapshot(machine).Count);
    }

    [Fact]
    public void Dispose_stops_listening()
    {
        string machine = Unique("Disposed");
        var listener = new StateMachineLatencyListener();
        Handle(machine, "Grant", 0.001);
        listener.Dispose();
        Handle(machine, "Grant", 0.001);
        Assert.Equal(1, listener.GetSnapshot(machine).Count);
    }

    [Fact]
    public void Recording_through_the_listener_does_not_allocate()
    {
        string machine = Unique("NoAlloc");
        using var monitor = new SloMonitor(TimeSpan.FromSeconds(10), new ManualTimeProvider());
        monitor.Track(machine, null, null, 0.050);
        using var listener = new StateMachineLatencyListener(monitor);
        for (int i = 0; i < 1_000; i++) Handle(machine, "Grant", i * 1e-6);

        // A per-measurement allocation (at least 24 B × 10,000) shows in every round. The test failed once in nine full
        // runs with 6,000 B in its one round: a one-time allocation on this thread whose source was not pinned down (a GC
        // started by another thread does not move this counter). Such an event shows in one round only, so one clean
        // round out of three is required.
        var rounds = new List<long>();
        for (int round = 0; round < 3 && (rounds.Count == 0 || rounds[^1] != 0); round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10_000; i++) Handle(machine, "Grant", i * 1e-6);
            rounds.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(rounds[^1] == 0, "Bytes allocated per round of 10,000 recordings: " + string.Join(", ", rounds));
        Assert.Equal(1_000 + (10_000 * rounds.Count), listener.GetSnapshot(machine).Count);
    }

    private static void AssertPercentiles(long[] values, LatencySnapshot snapshot)
    {
        long[] sorted = values.OrderBy(v => v).ToArray();
        Assert.Equal(sorted.Length, snapshot.Count);
        foreach ((double p, double reported) in new[] { (50.0, snapshot.P50), (95.0, snapshot.P95), (99.0, snapshot.P99) })
        {
            double exact = LatencyHistogramTests.ExactNearestRank(sorted, p);
            // Seconds → nanoseconds through a double may move a value by 1 ns.
            Assert.InRange(reported * 1e9, exact * 0.98 - 1, exact * 1.02 + 1);
        }

        Assert.InRange(snapshot.Max * 1e9, sorted[^1] - 1, sorted[^1] + 1);
    }

    private static string Unique(string name) => name + Guid.NewGuid().ToString("N");
}

/// <summary>Tests that measure allocations or listen to the shared Meter name run alone, not beside other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialTelemetryCollection
{
    public const string Name = "Serial telemetry";
}
