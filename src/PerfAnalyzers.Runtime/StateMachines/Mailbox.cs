using System;
using System.Collections.Concurrent;
using System.Threading;

namespace PerfAnalyzers.Runtime.StateMachines;

/// <summary>
/// The producer side of a machine's mailbox. A separate object from the engine so that senders, which write
/// <see cref="Reserved"/> and the ingress queues on every message, do not invalidate the cache line the consumer reads
/// per message (the engine's status, state and type).
/// <para>
/// Senders take no lock while the mailbox has room: they reserve a place with one compare-exchange on
/// <see cref="Reserved"/> and append to a lock-free multi-producer queue (<see cref="Ingress"/>, or
/// <see cref="HighIngress"/> for high-priority kinds). Everything else — the consumer's takes, a full mailbox (evictions,
/// the line of waiting senders), stop and fault — runs under <c>lock (mailbox)</c>, and only code under that lock
/// lowers <see cref="Reserved"/>, so a value at or above the capacity stays there until the lock holder decides.
/// </para>
/// </summary>
internal sealed class Mailbox<T>
{
    /// <summary>Flag in <see cref="Reserved"/>: nothing may be accepted without the lock (not started, stopping, stopped, faulted).</summary>
    public const long ClosedFlag = 1L << 62;

    /// <summary>Flag in <see cref="Reserved"/>: senders wait in line for room, so newcomers must join the line (under the lock).</summary>
    public const long WaitersFlag = 1L << 61;

    /// <summary>The message count in <see cref="Reserved"/>, without the flags.</summary>
    public const long CountMask = WaitersFlag - 1;

    /// <summary>
    /// Messages accepted and not started (in the ingress queues, in the rings, in the consumer's chunk — see
    /// <see cref="Held"/> —, or reserved by a sender that has not appended yet), plus the flags above. A sender on the
    /// lock-free path accepts a message only by raising it from a value below the capacity, which the flags never are.
    /// Starts closed: <c>Start</c> opens it.
    /// </summary>
    public long Reserved = ClosedFlag;

    /// <summary>Normal-priority messages appended without the lock, oldest first (multi-producer, single consumer).</summary>
    public readonly ConcurrentQueue<T> Ingress = new();

    /// <summary>High-priority messages appended without the lock; null when the machine has no high-priority kind.</summary>
    public readonly ConcurrentQueue<T>? HighIngress;

    /// <summary>
    /// Normal-priority messages moved out of <see cref="Ingress"/> under the lock, oldest first: they are older than
    /// anything still in the ingress. The consumer looks ahead here (batches), and a full mailbox in a drop mode evicts here.
    /// </summary>
    public MailboxRing<T> Normal;

    /// <summary>High-priority messages moved out of <see cref="HighIngress"/> (or pushed under the lock), oldest first.</summary>
    public MailboxRing<T> High;

    /// <summary>
    /// How many messages the consumer moved into its <see cref="MailboxChunk{T}"/> at its last take (0 when it holds none).
    /// They still count in <see cref="Reserved"/> until the chunk is done; the exact figure (what is left of the chunk)
    /// is read only when <see cref="Reserved"/> reaches the capacity. Written under the lock.
    /// </summary>
    public int Held;

    /// <summary>Set by an immediate stop: the consumer fails what is left of its chunk instead of handling it.</summary>
    public bool FailQueued;

    /// <summary>The handler exception that faulted the machine (the cause given to the chunk's failed messages).</summary>
    public Exception? FaultCause;

    public Mailbox(bool hasHighPriority)
    {
        if (hasHighPriority)
        {
            HighIngress = new ConcurrentQueue<T>();
        }
    }

    /// <summary>Messages accepted and not started, counting the whole chunk as held (an upper bound).</summary>
    public long ReservedCount => Volatile.Read(ref Reserved) & CountMask;

    /// <summary>Whether a message was appended without the lock and not moved yet (a snapshot).</summary>
    public bool IngressHasItems => !Ingress.IsEmpty || (HighIngress is { IsEmpty: false });
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
