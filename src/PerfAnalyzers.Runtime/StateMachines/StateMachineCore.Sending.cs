using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace PerfAnalyzers.Runtime.StateMachines;

// Sending: casts, posts that wait for room, requests; the bounded mailbox's full modes.
public abstract partial class StateMachineCore<TValues>
{
    /// <summary>Puts a message in the mailbox without waiting: <see cref="PostStatus.Rejected"/> when full (in <see cref="MailboxFullMode.Wait"/> and <see cref="MailboxFullMode.Reject"/> modes).</summary>
    public PostStatus TryEnqueue(ref Envelope<TValues> envelope)
    {
        var status = TryEnqueueCore(ref envelope, out var evicted, out var hasEvicted);
        if (hasEvicted)
        {
            Evicted(ref evicted);
        }

        if (status != PostStatus.Accepted)
        {
            CountRefused(envelope.Kind, status);
        }

        return status;
    }

    /// <summary>Puts a message in the mailbox, waiting for room in <see cref="MailboxFullMode.Wait"/> mode (other modes never wait).</summary>
    public ValueTask<PostStatus> EnqueueAsync(Envelope<TValues> envelope, CancellationToken cancellationToken)
    {
        var status = TryEnqueueCore(ref envelope, out var evicted, out var hasEvicted);
        if (hasEvicted)
        {
            Evicted(ref evicted);
        }

        if (status == PostStatus.Rejected && _type.Options.FullMode == MailboxFullMode.Wait)
        {
            return EnqueueWaitingAsync(envelope, cancellationToken);
        }

        if (status != PostStatus.Accepted)
        {
            CountRefused(envelope.Kind, status);
        }

        return new ValueTask<PostStatus>(status);
    }

    private ValueTask<PostStatus> EnqueueWaitingAsync(Envelope<TValues> envelope, CancellationToken cancellationToken)
    {
        // Waiting senders form a FIFO line: the consumer moves the first one's message into the mailbox as room appears,
        // so one sender's messages keep their order even when it does not await each send.
        SpaceWaiter waiter;
        var mailbox = OpenMailbox;
        lock (mailbox)
        {
            // Read once: Start sets the status without this lock, so a second read could see Running and call it "full".
            var current = (StateMachineStatus)Volatile.Read(ref _status);
            if (current != StateMachineStatus.Running)
            {
                var refused = StatusToPost(current);
                CountRefused(envelope.Kind, refused);
                return new ValueTask<PostStatus>(refused);
            }

            if (TryReserveLocked(mailbox))
            {
                Append(mailbox, ref envelope);
                waiter = null!;
            }
            else
            {
                // Full (the count is at or above the capacity, so no lock-free sender gets in): join the line, and flag
                // it so that newcomers join it too until the consumer has let everyone in.
                waiter = new SpaceWaiter(envelope);
                (_spaceWaiters ??= new Queue<SpaceWaiter>()).Enqueue(waiter);
                Interlocked.Or(ref mailbox.Reserved, Mailbox<Envelope<TValues>>.WaitersFlag);
            }
        }

        if (waiter is null)
        {
            WakeConsumer();
            return new ValueTask<PostStatus>(PostStatus.Accepted);
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.UnsafeRegister(static (state, token) => ((SpaceWaiter)state!).TrySetCanceled(token), waiter);
        }

        return new ValueTask<PostStatus>(waiter.Task);
    }

    private sealed class SpaceWaiter(Envelope<TValues> envelope) : TaskCompletionSource<PostStatus>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public Envelope<TValues> Envelope = envelope;

        public CancellationTokenRegistration Registration;
    }

    /// <summary>
    /// Sends a request and returns its reply: <paramref name="slot"/> is completed by the handler, or fails with
    /// <see cref="MailboxFullException"/>, <see cref="MessageDroppedException"/>, <see cref="StateMachineStoppedException"/>,
    /// <see cref="TimeoutException"/> or <see cref="OperationCanceledException"/>.
    /// </summary>
    public ValueTask<PostStatus> EnqueueRequest(ref Envelope<TValues> envelope, IReplySink slot, CancellationToken cancellationToken)
    {
        envelope.Reply = slot;
        var status = TryEnqueueCore(ref envelope, out var evicted, out var hasEvicted);
        if (hasEvicted)
        {
            Evicted(ref evicted);
        }

        switch (status)
        {
            case PostStatus.Accepted:
                return new ValueTask<PostStatus>(PostStatus.Accepted);
            case PostStatus.Rejected when _type.Options.FullMode == MailboxFullMode.Wait:
                return EnqueueWaitingAsync(envelope, cancellationToken);
            default:
                CountRefused(envelope.Kind, status);
                return new ValueTask<PostStatus>(status);
        }
    }

    /// <summary>Queues a request (the machine is busy) and returns its reply; see <see cref="EnqueueRequest"/> for the failures.</summary>
    public ValueTask<TReply> Ask<TReply>(ref Envelope<TValues> envelope, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<TReply>(cancellationToken);
        }

        var slot = new ReplySlot<TReply>();
        slot.Arm(cancellationToken, timeout);
        var pending = EnqueueRequest(ref envelope, slot, cancellationToken);
        if (!pending.IsCompletedSuccessfully)
        {
            return AwaitAcceptedAsync(pending, slot);
        }

        if (pending.Result != PostStatus.Accepted)
        {
            slot.Fail(RefusalException(pending.Result));
        }

        return slot.Task;
    }

    /// <summary>Queues a request whose handler returns nothing; completes when it was handled.</summary>
    public ValueTask AskVoid(ref Envelope<TValues> envelope, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        var slot = new ReplySlot<bool>();
        slot.Arm(cancellationToken, timeout);
        var pending = EnqueueRequest(ref envelope, slot, cancellationToken);
        if (!pending.IsCompletedSuccessfully)
        {
            return new ValueTask(AwaitAcceptedAsync(pending, slot).AsTask());
        }

        if (pending.Result != PostStatus.Accepted)
        {
            slot.Fail(RefusalException(pending.Result));
        }

        return slot.VoidTask;
    }

    private async ValueTask<TReply> AwaitAcceptedAsync<TReply>(ValueTask<PostStatus> pending, ReplySlot<TReply> slot)
    {
        try
        {
            var status = await pending.ConfigureAwait(false);
            if (status != PostStatus.Accepted)
            {
                slot.Fail(RefusalException(status));
            }
        }
        catch (Exception exception)
        {
            slot.Fail(exception);
        }

        return await slot.Task.ConfigureAwait(false);
    }

    /// <summary>The exception a request gets when its message was not accepted.</summary>
    public Exception RefusalException(PostStatus status) => status == PostStatus.Rejected
        ? new MailboxFullException(_type.Name, _type.Options.MailboxCapacity)
        : new StateMachineStoppedException(_type.Name, Status);

    /// <summary>Stamps the enqueue time when the wait-time histogram is listened to or the kind batches with a delay.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long EnqueueTimestamp(int kind) =>
        StateMachineTelemetry.Wait.Enabled || _type.BatchDelayTicks[kind] != 0 ? Stopwatch.GetTimestamp() : 0;

    private PostStatus TryEnqueueCore(ref Envelope<TValues> envelope, out Envelope<TValues> evicted, out bool hasEvicted)
    {
        evicted = default;
        hasEvicted = false;
        if (envelope.EnqueuedAt == 0)
        {
            envelope.EnqueuedAt = EnqueueTimestamp(envelope.Kind);
        }

        // The lock-free path: room below the capacity, no flag (closed, waiting senders) — reserve a place, append.
        var mailbox = OpenMailbox;
        var capacity = (long)_type.Options.MailboxCapacity;
        var reserved = Volatile.Read(ref mailbox.Reserved);
        while (reserved < capacity)
        {
            var seen = Interlocked.CompareExchange(ref mailbox.Reserved, reserved + 1, reserved);
            if (seen == reserved)
            {
                // The compare-exchange is a full fence: our reservation is visible before we look at the claim. A
                // consumer that lets go writes Idle, fences, then looks at the reservation count (see Drain): either it
                // sees ours and waits for the append, or we see Idle here and schedule it. No second fence per message.
                var running = Volatile.Read(ref _running);
                Append(mailbox, ref envelope);
                if (running != Draining)
                {
                    ScheduleIfIdle();
                }

                return PostStatus.Accepted;
            }

            reserved = seen;
        }

        var status = TryEnqueueLocked(mailbox, ref envelope, out evicted, out hasEvicted);
        if (status == PostStatus.Accepted)
        {
            WakeConsumer();
        }

        return status;
    }

    /// <summary>
    /// After a message was put in the mailbox under the lock: makes sure a consumer will see it. Whoever gives up the
    /// claim (the consumer after seeing an empty mailbox, or ExitInline after an inline or async handler) writes Idle,
    /// fences, then looks at the reservation count; this fence orders our reservation before our look at the claim, so
    /// one of the two sees the other. A draining consumer will see this message: no compare-exchange on the shared flag.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WakeConsumer()
    {
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _running) != Draining)
        {
            ScheduleIfIdle();
        }
    }

    /// <summary>The mailbox is full, flagged or closed: the same decision under the lock, with the exact figures.</summary>
    private PostStatus TryEnqueueLocked(Mailbox<Envelope<TValues>> mailbox, ref Envelope<TValues> envelope, out Envelope<TValues> evicted, out bool hasEvicted)
    {
        evicted = default;
        hasEvicted = false;
        lock (mailbox)
        {
            // Read once: Start sets the status without this lock. Read twice, a sender racing with Start saw NotStarted, then
            // Running, and was told Rejected ("full") by an empty mailbox (LockFreeSenderTests, 1 failure in CI on 8 Dec 2026).
            var current = (StateMachineStatus)Volatile.Read(ref _status);
            if (current != StateMachineStatus.Running)
            {
                return StatusToPost(current);
            }

            if (TryReserveLocked(mailbox))
            {
                Append(mailbox, ref envelope);
                return PostStatus.Accepted;
            }

            switch (_type.Options.FullMode)
            {
                case MailboxFullMode.DropOldest:
                case MailboxFullMode.DropNewest:
                    // Drop modes never take chunks (Held is 0) and never have waiting senders: every accepted message is
                    // in the rings, in an ingress queue, or about to be appended to one. Move the ingress into the rings
                    // (they keep the order), waiting for a reservation in flight if the rings are still empty.
                    MoveIngressLocked(mailbox, waitForOne: true);
                    if (_type.Options.FullMode == MailboxFullMode.DropOldest)
                    {
                        evicted = mailbox.Normal.Count != 0 ? mailbox.Normal.PopFront() : mailbox.High.PopFront();
                    }
                    else
                    {
                        evicted = mailbox.Normal.Count != 0 ? mailbox.Normal.PopBack() : mailbox.High.PopBack();
                    }

                    // One out, one in: the reservation count does not change.
                    hasEvicted = true;
                    PushLocked(ref envelope);
                    return PostStatus.Accepted;
                default:
                    return PostStatus.Rejected;
            }
        }
    }

    /// <summary>
    /// Under the lock: reserves a place if the mailbox has room and nobody waits in line. Below the capacity the place is
    /// taken with a compare-exchange (lock-free senders compete for it); at or above it no lock-free sender can succeed
    /// and only lock holders lower the count, so the exact figure decides (the consumer's chunk counts only for what is
    /// left of it).
    /// </summary>
    private bool TryReserveLocked(Mailbox<Envelope<TValues>> mailbox)
    {
        var capacity = (long)_type.Options.MailboxCapacity;
        while (true)
        {
            var reserved = Volatile.Read(ref mailbox.Reserved);
            if (reserved < capacity)
            {
                if (Interlocked.CompareExchange(ref mailbox.Reserved, reserved + 1, reserved) == reserved)
                {
                    return true;
                }

                continue;
            }

            if ((reserved & Mailbox<Envelope<TValues>>.ClosedFlag) != 0 && _status == (int)StateMachineStatus.Running)
            {
                // Start set the status and is about to open the mailbox (it waits for this lock): open it now.
                Interlocked.And(ref mailbox.Reserved, ~Mailbox<Envelope<TValues>>.ClosedFlag);
                continue;
            }

            if ((reserved & ~Mailbox<Envelope<TValues>>.CountMask) != 0 || PendingLocked() >= capacity)
            {
                return false;
            }

            Interlocked.Increment(ref mailbox.Reserved);
            return true;
        }
    }

    /// <summary>Appends an accepted (reserved) message to the ingress queue of its priority.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Append(Mailbox<Envelope<TValues>> mailbox, ref Envelope<TValues> envelope)
    {
        if (mailbox.HighIngress is { } high && _type.MessagePriorities[envelope.Kind] == MessagePriority.High)
        {
            high.Enqueue(envelope);
        }
        else
        {
            mailbox.Ingress.Enqueue(envelope);
        }
    }

    /// <summary>
    /// Under the lock: moves what the ingress queues hold into the rings (oldest first, after what the rings hold), at
    /// most <paramref name="limit"/> per queue. With <paramref name="waitForOne"/>, and the rings still empty while
    /// messages are reserved, spins until a sender in flight between its reservation and its append has appended (a few
    /// instructions; it needs no lock).
    /// </summary>
    private void MoveIngressLocked(Mailbox<Envelope<TValues>> mailbox, bool waitForOne = false, int limit = int.MaxValue)
    {
        var spinner = default(SpinWait);
        while (true)
        {
            var moved = 0;
            while (moved < limit && mailbox.Ingress.TryDequeue(out var item))
            {
                mailbox.Normal.PushBack(item);
                moved++;
            }

            if (mailbox.HighIngress is { } high)
            {
                moved = 0;
                while (moved < limit && high.TryDequeue(out var item))
                {
                    mailbox.High.PushBack(item);
                    moved++;
                }
            }

            if (!waitForOne || mailbox.Normal.Count + mailbox.High.Count != 0 || mailbox.ReservedCount == 0)
            {
                return;
            }

            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>Under the lock: puts a reserved message at the back of its ring (after the ingress was moved in).</summary>
    private void PushLocked(ref Envelope<TValues> envelope)
    {
        var mailbox = OpenMailbox;
        if (_type.MessagePriorities[envelope.Kind] == MessagePriority.High)
        {
            mailbox.High.PushBack(envelope);
        }
        else
        {
            mailbox.Normal.PushBack(envelope);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ScheduleIfIdle()
    {
        if (Interlocked.CompareExchange(ref _running, Draining, Idle) == Idle)
        {
            Schedule();
        }
    }

    private static PostStatus StatusToPost(StateMachineStatus status) =>
        status == StateMachineStatus.NotStarted ? PostStatus.NotStarted : status == StateMachineStatus.Running ? PostStatus.Rejected : PostStatus.Stopped;

    private void CountRefused(int kind, PostStatus status) =>
        StateMachineTelemetry.Rejected.Add(1, _type.TypeTag, _type.MessageTags[kind], new(StateMachineTelemetry.ReasonTag, status == PostStatus.Rejected ? "full" : "stopped"));

    private void Evicted(ref Envelope<TValues> evicted)
    {
        StateMachineTelemetry.Rejected.Add(1, _type.TypeTag, _type.MessageTags[evicted.Kind], new(StateMachineTelemetry.ReasonTag, "dropped"));
        evicted.Reply?.Fail(new MessageDroppedException(_type.Name, _type.Options.FullMode));
    }
}
