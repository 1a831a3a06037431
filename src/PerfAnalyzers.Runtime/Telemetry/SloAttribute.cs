using System;
using PerfAnalyzers.Runtime.Telemetry;

namespace PerfAnalyzers.Runtime;

/// <summary>
/// A latency service-level objective for a state machine, or for one message type it handles (the seed's
/// <c>slo_target</c> record): the p95 and/or p99 handling time over a sliding window must not exceed the targets.
/// A <see cref="SloMonitor"/> evaluates it and reports violations as an event and the
/// <c>perfanalyzers.slo.violations</c> counter.
/// </summary>
/// <example>
/// <code>
/// [StateMachine]
/// [Slo(P99Milliseconds = 50)]                                       // every message of the machine
/// [Slo(typeof(GetState), P95Milliseconds = 5, P99Milliseconds = 10)] // one message type
/// partial class EntitlementGovernor { ... }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class SloAttribute : Attribute
{
    /// <summary>An SLO for the whole machine (on a class), or for the message a handler method takes (on a method).</summary>
    public SloAttribute()
    {
    }

    /// <summary>An SLO for one message type.</summary>
    public SloAttribute(Type message) => Message = message;

    /// <summary>The message type the SLO is about; <see langword="null"/> for every message of the machine.</summary>
    public Type? Message { get; }

    /// <summary>The 95th-percentile target in milliseconds; 0 (the default) for none.</summary>
    public double P95Milliseconds { get; set; }

    /// <summary>The 99th-percentile target in milliseconds; 0 (the default) for none.</summary>
    public double P99Milliseconds { get; set; }

    /// <summary>The sliding window the percentiles are computed over, in seconds (default 60, the seed's one-minute check).</summary>
    public double WindowSeconds { get; set; } = 60;

    /// <summary>The fewest samples in the window for the SLO to be judged (default 1: any traffic is judged, as in the seed).</summary>
    public int MinimumCount { get; set; } = 1;

    /// <summary>The runtime form of this attribute for machine type <paramref name="machine"/>.</summary>
    /// <param name="machine">The machine type's name (the <c>perfanalyzers.machine</c> tag).</param>
    /// <param name="message">The message type's name; defaults to <see cref="Message"/>'s name.</param>
    public SloTarget ToTarget(string machine, string? message = null)
        => new(
            machine,
            message ?? Message?.Name,
            P95Milliseconds > 0 ? TimeSpan.FromMilliseconds(P95Milliseconds) : null,
            P99Milliseconds > 0 ? TimeSpan.FromMilliseconds(P99Milliseconds) : null,
            TimeSpan.FromSeconds(WindowSeconds),
            MinimumCount);
}
