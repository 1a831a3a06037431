using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
namespace PerfAnalyzers.Runtime.StateMachines;

/// <summary>The outcome of sending a message without waiting (<c>TryPost</c>).</summary>
public enum PostStatus
{
    /// <summary>The message is in the mailbox (or was handled at once) and will be handled exactly once.</summary>
    Accepted = 0,

    /// <summary>The mailbox is full: the message was not accepted (backpressure).</summary>
    Rejected = 1,

    /// <summary>The machine is stopping or stopped: the message was not accepted.</summary>
    Stopped = 2,

    /// <summary>The machine has not been started: the message was not accepted.</summary>
    NotStarted = 3,
}
