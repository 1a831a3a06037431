using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
namespace PerfAnalyzers.Runtime.StateMachines;

/// <summary>What a state machine does with a message sent to its full mailbox.</summary>
public enum MailboxFullMode
{
    /// <summary><c>AskAsync</c> and <c>PostAsync</c> wait for room; <c>TryPost</c> returns <see cref="PostStatus.Rejected"/>.</summary>
    Wait = 0,

    /// <summary>The new message is refused: <c>TryPost</c> returns <see cref="PostStatus.Rejected"/>, <c>AskAsync</c> fails with <see cref="MailboxFullException"/> (the seed's <c>{error, queue_full}</c>).</summary>
    Reject = 1,

    /// <summary>The oldest queued message is dropped (its caller gets <see cref="MessageDroppedException"/>) to make room.</summary>
    DropOldest = 2,

    /// <summary>The newest queued message is dropped (its caller gets <see cref="MessageDroppedException"/>) to make room.</summary>
    DropNewest = 3,
}
