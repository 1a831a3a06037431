using PerfAnalyzers.Runtime.StateMachines;
using PerfAnalyzers.Runtime.Telemetry;

namespace PerfAnalyzers.Runtime.Tests.Telemetry;

public enum LampState { Off, On }

/// <summary>A generated machine (the [StateMachine] generator runs on this project) whose handler can be made slow.</summary>
[StateMachine(LampState.Off, Name = "TelemetryTests.Lamp")]
[Slo(P99Milliseconds = 1)]
public partial class Lamp
{
    public sealed record Toggle(int SleepMilliseconds) : IMessage;

    public sealed record Peek : IMessage;

    [On]
    private LampState Handle(Toggle toggle)
    {
        if (toggle.SleepMilliseconds > 0)
        {
            Thread.Sleep(toggle.SleepMilliseconds);
        }

        TransitionTo(State == LampState.Off ? LampState.On : LampState.Off);
        return State;
    }

    [On]
    [Slo(P95Milliseconds = 1000)]
    private LampState Handle(Peek _) => State;
}

/// <summary>End to end: a generated machine publishes statemachine.message.duration; the listener and SloMonitor read it.</summary>
[Collection(SerialTelemetryCollection.Name)]
public class GeneratedMachineTelemetryTests
{
    [Fact]
    public async Task Slo_targets_of_a_generated_machine_are_tracked_and_judged()
    {
        Assert.Equal(2, Lamp.SloTargets.Count);
        var time = new ManualTimeProvider();
        using var monitor = new SloMonitor(TimeSpan.FromSeconds(10), time);
        IReadOnlyList<SloTracker> trackers = monitor.TrackAll(Lamp.SloTargets);
        using var listener = new StateMachineLatencyListener(monitor);
        var violations = new List<SloViolationEventArgs>();
        monitor.Violated += (_, e) => violations.Add(e);

        await using var lamp = new Lamp();
        lamp.Start();
        for (int i = 0; i < 100; i++) await lamp.AskAsync(new Lamp.Toggle(0));
        for (int i = 0; i < 3; i++) await lamp.AskAsync(new Lamp.Toggle(5)); // at least 5 ms each: the top 3 of 103
        for (int i = 0; i < 10; i++) await lamp.AskAsync(new Lamp.Peek());

        LatencySnapshot toggles = listener.GetSnapshot("TelemetryTests.Lamp", "Toggle");
        Assert.Equal(103, toggles.Count);
        Assert.True(toggles.Max >= 0.005, toggles.ToString());
        Assert.Equal(10, listener.GetSnapshot("TelemetryTests.Lamp", "Peek").Count);
        Assert.Equal(113, listener.GetSnapshot("TelemetryTests.Lamp").Count);

        SloTracker machineWide = trackers.Single(t => t.Message is null);
        Assert.Equal(113, machineWide.Histogram.GetSnapshot().Count);
        Assert.Equal(10, trackers.Single(t => t.Message == "Peek").Histogram.GetSnapshot().Count);

        monitor.EvaluateAndRotate();
        // p99 of 113 samples is rank 112: one of the three ≥ 5 ms toggles, above the 1 ms machine-wide target.
        SloViolationEventArgs violation = Assert.Single(violations);
        Assert.Same(machineWide, violation.Tracker);
        Assert.Equal("p99", violation.Percentile);
        Assert.True(violation.ObservedSeconds >= 0.005 * 0.99);
    }
}
