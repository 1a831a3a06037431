using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PerfAnalyzers.Runtime.StateMachines;

/// <summary>
/// The one <see cref="Meter"/> and <see cref="ActivitySource"/> of every state machine, created once per process.
/// Instruments follow the OpenTelemetry conventions: durations in seconds, tags name the machine type, never an instance.
/// </summary>
public static class StateMachineTelemetry
{
    /// <summary>The name of the meter and of the activity source: <c>PerfAnalyzers.StateMachines</c>.</summary>
    public const string MeterName = "PerfAnalyzers.StateMachines";

    /// <summary>Tag: the machine type name.</summary>
    public const string MachineTag = "statemachine.type";

    /// <summary>Tag: the message type name.</summary>
    public const string MessageTag = "statemachine.message";

    /// <summary>Tag: the state a message was handled in.</summary>
    public const string StateTag = "statemachine.state";

    /// <summary>Tag: the state a transition left.</summary>
    public const string FromTag = "statemachine.from";

    /// <summary>Tag: the state a transition entered.</summary>
    public const string ToTag = "statemachine.to";

    /// <summary>Tag: why a message was refused or dropped (<c>full</c>, <c>dropped</c>, <c>stopped</c>).</summary>
    public const string ReasonTag = "statemachine.reason";

    /// <summary>Tag (OpenTelemetry <c>error.type</c>): the exception type, or <c>unhandled</c>.</summary>
    public const string ErrorTypeTag = "error.type";

    /// <summary>The histogram of message handling durations.</summary>
    public const string DurationInstrument = "statemachine.message.duration";

    /// <summary>The histogram of the time messages wait in the mailbox.</summary>
    public const string WaitInstrument = "statemachine.mailbox.wait.duration";

    /// <summary>The counter of state transitions.</summary>
    public const string TransitionsInstrument = "statemachine.transitions";

    /// <summary>The observable mailbox depth per machine type.</summary>
    public const string DepthInstrument = "statemachine.mailbox.depth";

    /// <summary>The counter of refused or dropped messages.</summary>
    public const string RejectedInstrument = "statemachine.messages.rejected";

    /// <summary>The counter of handler failures.</summary>
    public const string ErrorsInstrument = "statemachine.handler.errors";

    /// <summary>The counter of supervision restarts.</summary>
    public const string RestartsInstrument = "statemachine.restarts";

    /// <summary>The meter every state machine reports to.</summary>
    public static readonly Meter Meter = new(MeterName, "1.0.0");

    /// <summary>The source of one span per handled message, started only when a listener is present.</summary>
    public static readonly ActivitySource ActivitySource = new(MeterName, "1.0.0");

    /// <summary>
    /// The bucket bounds, in seconds, advised to listeners for the two duration histograms: 1 µs to 10 s. Without advice
    /// the OpenTelemetry SDK uses bounds meant for milliseconds (0, 5, 10 … 10000) and every handling time lands in (0, 5].
    /// A View still overrides them.
    /// </summary>
    public static IReadOnlyList<double> DurationBucketBoundaries { get; } =
        [1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    internal static readonly Histogram<double> Duration = Meter.CreateHistogram(
        DurationInstrument, "s", "Time a state machine spends handling a message.", tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBucketBoundaries });

    internal static readonly Histogram<double> Wait = Meter.CreateHistogram(
        WaitInstrument, "s", "Time a message waits in a state machine mailbox before its handler starts.", tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBucketBoundaries });

    internal static readonly Counter<long> Transitions = Meter.CreateCounter<long>(
        TransitionsInstrument, "{transition}", "State transitions.");

    internal static readonly Counter<long> Rejected = Meter.CreateCounter<long>(
        RejectedInstrument, "{message}", "Messages refused (mailbox full, machine stopped) or dropped from a full mailbox.");

    internal static readonly Counter<long> Errors = Meter.CreateCounter<long>(
        ErrorsInstrument, "{error}", "Handler failures, and messages no handler applies to in the current state.");

    internal static readonly Counter<long> Restarts = Meter.CreateCounter<long>(
        RestartsInstrument, "{restart}", "Supervision restarts.");

    internal static readonly ObservableUpDownCounter<long> Depth = Meter.CreateObservableUpDownCounter(
        DepthInstrument, static () => Telemetry.MachineRegistry.Shared.ObserveStateMachineDepths(), "{message}", "Messages waiting in the mailboxes of live state machines, per machine type.");

    internal static readonly double TicksToSeconds = 1.0 / Stopwatch.Frequency;
}
