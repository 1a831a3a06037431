using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
namespace PerfAnalyzers.Runtime.StateMachines;

/// <summary>The lifecycle stage of a state machine.</summary>
public enum StateMachineStatus
{
    /// <summary>Created; call <c>Start()</c>. Messages are refused.</summary>
    NotStarted = 0,

    /// <summary>Accepting and handling messages.</summary>
    Running = 1,

    /// <summary>A graceful stop is draining the mailbox; new messages are refused.</summary>
    Stopping = 2,

    /// <summary>Stopped; messages are refused.</summary>
    Stopped = 3,

    /// <summary>Stopped by supervision after a handler failure (policy <see cref="SupervisionPolicy.Stop"/> or too many restarts).</summary>
    Faulted = 4,
}

/// <summary>How <c>StopAsync</c> treats queued messages.</summary>
public enum StopMode
{
    /// <summary>Handle every queued message, then stop.</summary>
    Drain = 0,

    /// <summary>Stop after the running handler; queued callers get <see cref="StateMachineStoppedException"/>.</summary>
    Immediate = 1,
}
