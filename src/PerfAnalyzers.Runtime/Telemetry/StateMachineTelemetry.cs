using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace PerfAnalyzers.Runtime.Telemetry;

/// <summary>
/// The telemetry conventions of PerfAnalyzers.Runtime: the one <see cref="System.Diagnostics.Metrics.Meter"/> (and
/// <see cref="System.Diagnostics.ActivitySource"/>) every generated state machine and runtime monitor publishes on, the
/// instrument names, units and tag keys. See docs/telemetry.md.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Meter name: <see cref="MeterName"/> (dotted UpperCamelCase); enable it with
/// <c>MeterProvider.AddMeter(StateMachineTelemetry.MeterName)</c> or a <see cref="MeterListener"/>.</item>
/// <item>Instrument names: lower-case, dotted, prefixed <c>perfanalyzers.</c> (OpenTelemetry naming rules); durations are
/// histograms in seconds (unit <c>s</c>); counts use UCUM annotations such as <c>{message}</c>.</item>
/// <item>Tags: per machine type, message type and state, never per instance (bounded cardinality).</item>
/// </list>
/// </remarks>
public static class StateMachineTelemetry
{
    /// <summary>The name of the runtime's <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string MeterName = "PerfAnalyzers.StateMachines";

    /// <summary>The name of the runtime's <see cref="System.Diagnostics.ActivitySource"/> (a span per handled message, only when listened to).</summary>
    public const string ActivitySourceName = "PerfAnalyzers.StateMachines";

    private static readonly string? Version =
        typeof(StateMachineTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    /// <summary>The one Meter, created once per process.</summary>
    public static Meter Meter { get; } = new(MeterName, Version);

    /// <summary>The one ActivitySource, created once per process.</summary>
    public static ActivitySource ActivitySource { get; } = new(ActivitySourceName, Version);

    /// <summary>Instrument names.</summary>
    public static class Instruments
    {
        /// <summary>Histogram, seconds: time a handler took for one message (or one batch). Tags: machine, message, state.</summary>
        public const string HandlerDuration = "perfanalyzers.statemachine.handler.duration";

        /// <summary>Histogram, seconds: time a message waited in the mailbox before its handler started. Tags: machine, message.</summary>
        public const string MailboxWaitTime = "perfanalyzers.statemachine.mailbox.wait_time";

        /// <summary>Counter, {transition}: state changes. Tags: machine, from, to.</summary>
        public const string Transitions = "perfanalyzers.statemachine.transitions";

        /// <summary>Observable up-down counter, {message}: messages waiting in mailboxes. Tags: machine.</summary>
        public const string MailboxDepth = "perfanalyzers.statemachine.mailbox.depth";

        /// <summary>Counter, {message}: messages refused or dropped by a full mailbox or a stopped machine. Tags: machine, message, reason.</summary>
        public const string Rejected = "perfanalyzers.statemachine.rejected";

        /// <summary>Counter, {error}: handler exceptions. Tags: machine, message, state, error.type.</summary>
        public const string HandlerErrors = "perfanalyzers.statemachine.handler.errors";

        /// <summary>Counter, {restart}: supervisor restarts. Tags: machine.</summary>
        public const string Restarts = "perfanalyzers.statemachine.restarts";

        /// <summary>Counter, {violation}: SLO violations found by <see cref="SloMonitor"/>. Tags: slo, machine, message, percentile.</summary>
        public const string SloViolations = "perfanalyzers.slo.violations";

        /// <summary>Counter, {alert}: memory growth above the threshold found by <see cref="MemoryWatch"/>. Tags: watch.</summary>
        public const string MemoryGrowthAlerts = "perfanalyzers.memory.growth_alerts";

        /// <summary>Histogram, 1 (a ratio, 0.25 = +25%): memory growth over each completed <see cref="MemoryWatch"/> window. Tags: watch.</summary>
        public const string MemoryWindowGrowth = "perfanalyzers.memory.window_growth";
    }

    /// <summary>Units (UCUM, as OpenTelemetry uses them).</summary>
    public static class Units
    {
        /// <summary>Seconds, for every duration.</summary>
        public const string Seconds = "s";

        /// <summary>A dimensionless ratio.</summary>
        public const string Ratio = "1";

        /// <summary>Messages.</summary>
        public const string Messages = "{message}";

        /// <summary>Transitions.</summary>
        public const string Transitions = "{transition}";

        /// <summary>Errors.</summary>
        public const string Errors = "{error}";

        /// <summary>Restarts.</summary>
        public const string Restarts = "{restart}";

        /// <summary>SLO violations.</summary>
        public const string Violations = "{violation}";

        /// <summary>Alerts.</summary>
        public const string Alerts = "{alert}";
    }

    /// <summary>Tag keys.</summary>
    public static class Tags
    {
        /// <summary>The state machine type's name (never an instance id).</summary>
        public const string Machine = "perfanalyzers.machine";

        /// <summary>The message type's name.</summary>
        public const string Message = "perfanalyzers.message";

        /// <summary>The state a message was handled in.</summary>
        public const string State = "perfanalyzers.state";

        /// <summary>The state before a transition.</summary>
        public const string FromState = "perfanalyzers.state.from";

        /// <summary>The state after a transition.</summary>
        public const string ToState = "perfanalyzers.state.to";

        /// <summary>Why a message was rejected: <c>full</c>, <c>dropped</c>, <c>stopped</c>.</summary>
        public const string Reason = "perfanalyzers.reason";

        /// <summary>The exception type's full name (OpenTelemetry's <c>error.type</c>).</summary>
        public const string ErrorType = "error.type";

        /// <summary>An SLO's name (<see cref="SloTarget.Name"/>).</summary>
        public const string Slo = "perfanalyzers.slo";

        /// <summary>The percentile an SLO was violated at: <c>p95</c> or <c>p99</c>.</summary>
        public const string Percentile = "perfanalyzers.percentile";

        /// <summary>A <see cref="MemoryWatch"/>'s name.</summary>
        public const string Watch = "perfanalyzers.watch";
    }

    internal static readonly Counter<long> SloViolationCounter = Meter.CreateCounter<long>(
        Instruments.SloViolations, Units.Violations, "SLO violations found by SloMonitor (one per target, percentile and evaluation).");

    internal static readonly Counter<long> MemoryGrowthAlertCounter = Meter.CreateCounter<long>(
        Instruments.MemoryGrowthAlerts, Units.Alerts, "Windows in which GC memory grew by more than the MemoryWatch threshold.");

    internal static readonly Histogram<double> MemoryWindowGrowthHistogram = Meter.CreateHistogram<double>(
        Instruments.MemoryWindowGrowth, Units.Ratio, "GC memory growth over each completed MemoryWatch window (0.25 = +25%).");
}
