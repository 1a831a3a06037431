using System;
using System.Threading;

namespace PerfAnalyzers.Runtime.StateMachines;

/// <summary>
/// The producer side of a machine's mailbox: the two priority rings and their count. A separate object from the engine
/// so that senders, which write these fields (and this object's lock word) on every message, do not invalidate the
/// cache line the consumer reads per message (the engine's status, state and type). Guarded by <c>lock (mailbox)</c>.
/// </summary>
internal sealed class Mailbox<T>
{
    /// <summary>Normal-priority messages, oldest first.</summary>
    public MailboxRing<T> Normal;

    /// <summary>High-priority messages, oldest first.</summary>
    public MailboxRing<T> High;

    /// <summary>Messages in <see cref="Normal"/> and <see cref="High"/> (written under the lock, read anywhere).</summary>
    public int Count;

    /// <summary>
    /// How many messages the consumer moved into its <see cref="MailboxChunk{T}"/> at its last take (0 when it holds none).
    /// A conservative stand-in for the chunk's remaining messages: senders read the chunk's exact figure only when
    /// <c>Count + Held</c> reaches the capacity.
    /// </summary>
    public int Held;

    /// <summary>Set by an immediate stop: the consumer fails what is left of its chunk instead of handling it.</summary>
    public bool FailQueued;

    /// <summary>The handler exception that faulted the machine (the cause given to the chunk's failed messages).</summary>
    public Exception? FaultCause;
}

/// <summary>
/// The consumer's run of normal-priority messages taken from the mailbox under one lock acquisition, handled one by one
/// without the lock. Only the consumer writes it (<see cref="End"/> under the mailbox lock, <see cref="Next"/> without).
/// Queued messages it holds still count against the mailbox capacity until their handling starts.
/// </summary>
internal sealed class MailboxChunk<T>(int size, bool hasHighPriority)
{
    /// <summary>The taken messages; slots before <see cref="Next"/> are cleared after handling.</summary>
    public readonly T[] Items = new T[size];

    /// <summary>Whether the machine has high-priority message kinds (then each chunk message first checks for one).</summary>
    public readonly bool HasHighPriority = hasHighPriority;

    /// <summary>The index of the next message to handle (advanced before its handling starts).</summary>
    public int Next;

    /// <summary>One past the last taken message.</summary>
    public int End;

    /// <summary>Messages taken but not started (exact when read by the consumer; a snapshot elsewhere).</summary>
    public int Remaining => Math.Max(0, Volatile.Read(ref End) - Volatile.Read(ref Next));
}
