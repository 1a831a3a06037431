using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
namespace PerfAnalyzers.Runtime.StateMachines;

/// <summary>
/// A latency service-level objective: on a <see cref="StateMachineAttribute">[StateMachine]</see> class it covers every
/// message; on a handler it covers that handler's message type. The generator emits the targets as the machine's static
/// <c>SloTargets</c> (<see cref="SloTarget"/>) for an SLO monitor to evaluate.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class SloAttribute : Attribute
{
    /// <summary>95th percentile handling time target in milliseconds; 0 = none.</summary>
    public double P95Milliseconds { get; set; }

    /// <summary>99th percentile handling time target in milliseconds; 0 = none.</summary>
    public double P99Milliseconds { get; set; }
}

/// <summary>A latency objective of a state machine type, or of one of its message types.</summary>
/// <param name="Machine">The machine type name (the <c>statemachine.type</c> metric tag).</param>
/// <param name="Message">The message type name (the <c>statemachine.message</c> tag), or <see langword="null"/> for every message.</param>
/// <param name="P95Seconds">95th percentile target in seconds, if any.</param>
/// <param name="P99Seconds">99th percentile target in seconds, if any.</param>
public sealed record SloTarget(string Machine, string? Message, double? P95Seconds, double? P99Seconds);
