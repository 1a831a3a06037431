using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Runtime.Tests.StateMachines;

/// <summary>The Meter contract of docs/state-machines.md, read with a MeterListener (only Tests.MetricsMachine's measurements).</summary>
[Collection(PerfAnalyzers.Runtime.Tests.Telemetry.SerialTelemetryCollection.Name)] // listeners and allocation counts must not overlap other such tests
public class MetricsTests
{
    private sealed record Measurement(string Instrument, double Value, Dictionary<string, object?> Tags);

    private sealed class Capture : IDisposable
    {
        private readonly MeterListener _listener = new();

        public Capture()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == StateMachineTelemetry.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((i, v, t, _) => Add(i, v, t));
            _listener.SetMeasurementEventCallback<long>((i, v, t, _) => Add(i, v, t));
            _listener.Start();
        }

        public ConcurrentQueue<Measurement> Measurements { get; } = new();

        public void Observe() => _listener.RecordObservableInstruments();

        public List<Measurement> Of(string instrument) => Measurements.Where(m => m.Instrument == instrument).ToList();

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var dictionary = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                dictionary[tag.Key] = tag.Value;
            }

            if (dictionary.TryGetValue(StateMachineTelemetry.MachineTag, out var machine) && (string?)machine == "Tests.MetricsMachine")
            {
                Measurements.Enqueue(new Measurement(instrument.Name, value, dictionary));
            }
        }
    }

    [Fact]
    public async Task Instruments_report_durations_transitions_rejections_errors_restarts_wait_and_depth()
    {
        using var capture = new Capture();
        var machine = new MetricsMachine();
        machine.Start();

        Assert.Equal(Gate.Closed, await machine.AskAsync(new Go()));           // inline: duration + transition
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await machine.AskAsync(new Fail())); // error + restart
        var block = Block.Create();
        machine.TryPost(block);
        Assert.True(block.Started.Wait(TimeSpan.FromSeconds(30)));
        machine.TryPost(new Work(0, 0, 1));
        machine.TryPost(new Work(0, 1, 2));
        Assert.Equal(PostStatus.Rejected, machine.TryPost(new Work(0, 2, 3)));  // capacity 2: rejected
        capture.Observe();                                                      // depth 2
        block.Release.Set();
        await machine.StopAsync();

        var durations = capture.Of(StateMachineTelemetry.DurationInstrument);
        Assert.Contains(durations, m => (string?)m.Tags[StateMachineTelemetry.MessageTag] == "Go" && (string?)m.Tags[StateMachineTelemetry.StateTag] == "Open" && m.Value >= 0);
        Assert.Equal(2, durations.Count(m => (string?)m.Tags[StateMachineTelemetry.MessageTag] == "Work"));
        Assert.All(durations, m => Assert.Equal(3, m.Tags.Count));

        var transitions = capture.Of(StateMachineTelemetry.TransitionsInstrument);
        Assert.Contains(transitions, m => (string?)m.Tags[StateMachineTelemetry.FromTag] == "Open" && (string?)m.Tags[StateMachineTelemetry.ToTag] == "Closed");
        Assert.Contains(transitions, m => (string?)m.Tags[StateMachineTelemetry.FromTag] == "Closed" && (string?)m.Tags[StateMachineTelemetry.ToTag] == "Open"); // the restart

        var errors = Assert.Single(capture.Of(StateMachineTelemetry.ErrorsInstrument));
        Assert.Equal("System.InvalidOperationException", errors.Tags[StateMachineTelemetry.ErrorTypeTag]);
        Assert.Single(capture.Of(StateMachineTelemetry.RestartsInstrument));

        var rejected = Assert.Single(capture.Of(StateMachineTelemetry.RejectedInstrument));
        Assert.Equal("full", rejected.Tags[StateMachineTelemetry.ReasonTag]);
        Assert.Equal("Work", rejected.Tags[StateMachineTelemetry.MessageTag]);

        Assert.Equal(3, capture.Of(StateMachineTelemetry.WaitInstrument).Count); // block + two works waited in the mailbox
        Assert.Contains(capture.Of(StateMachineTelemetry.DepthInstrument), m => m.Value == 2);
    }

    [Fact]
    public async Task A_queued_message_records_its_whole_wait_once_even_when_its_handler_fails()
    {
        using var capture = new Capture();
        var machine = new MetricsMachine();
        machine.Start();
        var block = Block.Create();
        machine.TryPost(block);
        Assert.True(block.Started.Wait(TimeSpan.FromSeconds(30)));
        var failing = machine.AskAsync(new Fail()).AsTask();                   // queued behind the blocked handler
        var afterPost = Stopwatch.GetTimestamp();
        await Task.Delay(20);
        var beforeRelease = Stopwatch.GetTimestamp();
        block.Release.Set();
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        await machine.StopAsync();

        var waits = capture.Of(StateMachineTelemetry.WaitInstrument);
        Assert.Equal(2, waits.Count);                                           // Block and Fail, one each
        var failWait = Assert.Single(waits, m => (string?)m.Tags[StateMachineTelemetry.MessageTag] == "Fail");
        Assert.Equal(2, failWait.Tags.Count);
        // The wait ends when the handler starts, which is after the release: at least the time it was held back.
        Assert.True(failWait.Value >= (beforeRelease - afterPost) / (double)Stopwatch.Frequency, $"wait {failWait.Value} s");
        Assert.DoesNotContain(capture.Of(StateMachineTelemetry.DurationInstrument), m => (string?)m.Tags[StateMachineTelemetry.MessageTag] == "Fail");
    }

    [Fact]
    public async Task A_span_per_message_only_with_a_listener()
    {
        var spans = new ConcurrentQueue<Activity>();
        using (var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == StateMachineTelemetry.MeterName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity => spans.Enqueue(activity),
        })
        {
            ActivitySource.AddActivityListener(listener);
            var machine = new MetricsMachine();
            machine.Start();
            await machine.AskAsync(new Go());
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await machine.AskAsync(new Fail()));
            await machine.StopAsync();
        }

        var mine = spans.Where(s => (string?)s.GetTagItem(StateMachineTelemetry.MachineTag) == "Tests.MetricsMachine").ToList();
        Assert.Contains(mine, s => s.DisplayName == "Tests.MetricsMachine Go" && s.Status == ActivityStatusCode.Unset);
        Assert.Contains(mine, s => s.DisplayName == "Tests.MetricsMachine Fail" && s.Status == ActivityStatusCode.Error);
    }
}
