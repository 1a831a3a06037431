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
        lock (OpenMailbox)
        {
            if (_status != (int)StateMachineStatus.Running)
            {
                var refused = StatusToPost((StateMachineStatus)_status);
                CountRefused(envelope.Kind, refused);
                return new ValueTask<PostStatus>(refused);
            }

            if (PendingLocked() < _type.Options.MailboxCapacity && (_spaceWaiters is null || _spaceWaiters.Count == 0))
            {
                PushLocked(ref envelope);
                waiter = null!;
            }
            else
            {
                waiter = new SpaceWaiter(envelope);
                (_spaceWaiters ??= new Queue<SpaceWaiter>()).Enqueue(waiter);
            }
        }

        if (waiter is null)
        {
            ScheduleIfIdle();
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

        var mailbox = OpenMailbox;
        lock (mailbox)
        {
            if (_status != (int)StateMachineStatus.Running)
            {
                return StatusToPost((StateMachineStatus)_status);
            }

            // Held is an upper bound of the consumer's chunk; the exact figure (a read of the consumer's cache line) only
            // when the bound says full.
            if ((mailbox.Count + mailbox.Held >= _type.Options.MailboxCapacity && PendingLocked() >= _type.Options.MailboxCapacity)
                || (_spaceWaiters is not null && _spaceWaiters.Count != 0))
            {
                // Drop modes never take chunks (Held is 0), so the oldest and newest queued messages are in the rings.
                switch (_type.Options.FullMode)
                {
                    case MailboxFullMode.DropOldest:
                        evicted = mailbox.Normal.Count != 0 ? mailbox.Normal.PopFront() : mailbox.High.PopFront();
                        break;
                    case MailboxFullMode.DropNewest:
                        evicted = mailbox.Normal.Count != 0 ? mailbox.Normal.PopBack() : mailbox.High.PopBack();
                        break;
                    default:
                        return PostStatus.Rejected;
                }

                hasEvicted = true;
                mailbox.Count--;
            }

            PushLocked(ref envelope);
        }

        // Whoever gives up the claim (the consumer under the lock after seeing an empty mailbox, or ExitInline after an
        // inline or async handler, with an interlocked exchange) then looks at the count; this fence orders our push before
        // our look at the claim, so one of the two sees the other. A draining consumer will see this message: no
        // compare-exchange on the shared flag per message.
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _running) != Draining)
        {
            ScheduleIfIdle();
        }

        return PostStatus.Accepted;
    }

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

        Volatile.Write(ref mailbox.Count, mailbox.Count + 1);
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
