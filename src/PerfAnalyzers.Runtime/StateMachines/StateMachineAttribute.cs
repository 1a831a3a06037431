using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
namespace PerfAnalyzers.Runtime.StateMachines;

/// <summary>
/// Marks a <c>partial</c> class as a state machine: the source generator adds a bounded mailbox, typed request/reply
/// (<c>AskAsync</c>) and cast (<c>TryPost</c>, <c>PostAsync</c>) methods per message type, supervision, a lifecycle and
/// telemetry. The states are the members of the enum type of the initial state.
/// </summary>
/// <example><code>[StateMachine(EntitlementState.Unentitled, MailboxCapacity = 100, FullMode = MailboxFullMode.Reject)]</code></example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class StateMachineAttribute : Attribute
{
    /// <summary>Declares the state type (an enum) through its initial state.</summary>
    /// <param name="initialState">The state a new or restarted machine is in; a member of the state enum.</param>
    public StateMachineAttribute(object initialState) => InitialState = initialState;

    /// <summary>The state a new or restarted machine is in.</summary>
    public object InitialState { get; }

    /// <summary>Most messages the mailbox holds (both priorities together). Default 1024.</summary>
    public int MailboxCapacity { get; set; } = 1024;

    /// <summary>What happens to a message sent to a full mailbox. Default <see cref="MailboxFullMode.Wait"/>.</summary>
    public MailboxFullMode FullMode { get; set; } = MailboxFullMode.Wait;

    /// <summary>What a handler exception does to the machine. Default <see cref="SupervisionPolicy.Resume"/>.</summary>
    public SupervisionPolicy Supervision { get; set; } = SupervisionPolicy.Resume;

    /// <summary>Restart intensity: more than this many restarts within <see cref="RestartWindowSeconds"/> stops the machine. Default 10.</summary>
    public int MaxRestarts { get; set; } = 10;

    /// <summary>The window of the restart intensity limit, in seconds. Default 60.</summary>
    public double RestartWindowSeconds { get; set; } = 60;

    /// <summary>High-priority messages handled in a row before one waiting normal message is served. Default 8.</summary>
    public int StarvationLimit { get; set; } = 8;

    /// <summary>
    /// When true, a cast (<c>TryPost</c>, <c>PostAsync</c>) sent to an idle machine with an empty mailbox runs its handler
    /// on the sender's thread before returning, as requests do; otherwise, and on a busy machine, casts are queued.
    /// Faster for a producer that outpaces a thread-pool hop, but the sender then pays the handler's time. A handler
    /// exception is counted and supervised as for a queued cast; the cast still returns Accepted. Default false.
    /// </summary>
    public bool InlineCasts { get; set; }

    /// <summary>The machine type name used in metrics, spans and errors. Default: the class's full name.</summary>
    public string? Name { get; set; }
}
