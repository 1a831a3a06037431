using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace PerfAnalyzers.Runtime.StateMachines;

// Instrumentation around a handler (inline and queued paths): spans, durations, transitions.
public abstract partial class StateMachineCore<TValues>
{
    /// <summary>Before a handler: returns a start timestamp if durations are measured (else 0) and starts a span if anyone listens.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long HandlingStarted(int kind, out Activity? activity)
    {
        activity = StateMachineTelemetry.ActivitySource.HasListeners() ? StartActivity(kind) : null;
        return StateMachineTelemetry.Duration.Enabled ? Stopwatch.GetTimestamp() : 0;
    }

    /// <summary>
    /// Before the handler of a queued message (enqueued at <paramref name="enqueuedAt"/>, 0 if not timed): one clock read
    /// ends its mailbox wait and starts its handling. The wait is recorded after the handler (by
    /// <see cref="HandlingCompleted"/> or <see cref="HandlingFailed"/>), so neither histogram record falls inside the
    /// measured handling time. Returns the start timestamp if durations are measured, else 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal long HandlingStarted(int kind, long enqueuedAt, out Activity? activity)
    {
        activity = StateMachineTelemetry.ActivitySource.HasListeners() ? StartActivity(kind) : null;
        var measureWait = enqueuedAt != 0 && StateMachineTelemetry.Wait.Enabled;
        if (!measureWait && !StateMachineTelemetry.Duration.Enabled)
        {
            return 0;
        }

        var now = Stopwatch.GetTimestamp();
        if (measureWait)
        {
            _pendingWaitTicks = now - enqueuedAt + 1;
        }

        return StateMachineTelemetry.Duration.Enabled ? now : 0;
    }

    private Activity? StartActivity(int kind)
    {
        var activity = StateMachineTelemetry.ActivitySource.StartActivity(_type.ActivityNames[kind], ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag(StateMachineTelemetry.MachineTag, _type.Name);
            activity.SetTag(StateMachineTelemetry.MessageTag, _type.MessageNames[kind]);
            activity.SetTag(StateMachineTelemetry.StateTag, _type.StateName(State));
        }

        return activity;
    }

    /// <summary>After a handler returned: records its duration and a transition if the state changed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void HandlingCompleted(int kind, int stateBefore, long startTimestamp, Activity? activity)
    {
        if (startTimestamp != 0)
        {
            RecordDuration(kind, stateBefore, startTimestamp);
        }

        if (_pendingWaitTicks != 0)
        {
            RecordPendingWait(kind);
        }

        if (_state != stateBefore)
        {
            RecordTransition(stateBefore, _state);
        }

        activity?.Dispose();
    }

    // The mailbox wait measured by HandlingStarted(kind, enqueuedAt, ...) for the message just handled.
    private void RecordPendingWait(int kind)
    {
        var ticks = _pendingWaitTicks - 1;
        _pendingWaitTicks = 0;
        RecordWait(kind, ticks);
    }

    private void RecordWait(int kind, long ticks) =>
        StateMachineTelemetry.Wait.Record(ticks * StateMachineTelemetry.TicksToSeconds, _type.WaitTags(kind));

    private void RecordDuration(int kind, int stateBefore, long startTimestamp)
    {
        var seconds = (Stopwatch.GetTimestamp() - startTimestamp) * StateMachineTelemetry.TicksToSeconds;
        StateMachineTelemetry.Duration.Record(seconds, _type.DurationTags(kind, stateBefore));
    }

    private void RecordTransition(int from, int to)
    {
        if (StateMachineTelemetry.Transitions.Enabled)
        {
            StateMachineTelemetry.Transitions.Add(1, _type.TypeTag, _type.FromTags[from], _type.ToTags[to]);
        }
    }
}
