using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace PerfAnalyzers.Runtime.StateMachines;

// Stopping: completing a graceful stop, failing queued messages, releasing senders waiting for room.
public abstract partial class StateMachineCore<TValues>
{
    private void TryCompleteStop()
    {
        TaskCompletionSource? stopped = null;
        lock (OpenMailbox)
        {
            if (_status == (int)StateMachineStatus.Stopping && PendingLocked() == 0 && Volatile.Read(ref _running) == Idle)
            {
                _status = (int)StateMachineStatus.Stopped;
                stopped = _stopped;
            }
        }

        if (stopped is not null)
        {
            _batchTimer?.Dispose();
            Telemetry.MachineRegistry.Shared.Unregister(_owner);
            stopped.TrySetResult();
        }
    }

    private List<Envelope<TValues>>? TakeAllLocked()
    {
        // The consumer's chunk is not taken here: the consumer fails what is left of it (see FailChunk). A message whose
        // sender reserved its place but has not appended it yet is not here either: it still counts, and the consumer,
        // woken by that sender, fails it (see Drain).
        var mailbox = OpenMailbox;
        MoveIngressLocked(mailbox);
        var count = mailbox.High.Count + mailbox.Normal.Count;
        if (count == 0)
        {
            return null;
        }

        var all = new List<Envelope<TValues>>(count);
        while (mailbox.High.Count != 0)
        {
            all.Add(mailbox.High.PopFront());
        }

        while (mailbox.Normal.Count != 0)
        {
            all.Add(mailbox.Normal.PopFront());
        }

        Interlocked.Add(ref mailbox.Reserved, -count);
        return all;
    }

    /// <summary>
    /// Messages accepted and not started: everything reserved, less the chunk's messages already started (exact under the
    /// lock once the count is at or above the capacity; an upper bound otherwise, as senders may add to it).
    /// </summary>
    private long PendingLocked()
    {
        var mailbox = OpenMailbox;
        var reserved = mailbox.ReservedCount;
        return mailbox.Held == 0 ? reserved : reserved - mailbox.Held + _chunk!.Remaining;
    }

    /// <summary>On the consumer, after an immediate stop or a fault: fails the chunk's messages not started yet.</summary>
    private void FailChunk(MailboxChunk<Envelope<TValues>> chunk, StateMachineStatus status, Exception? cause)
    {
        while (chunk.Next != chunk.End)
        {
            ref var envelope = ref chunk.Items[chunk.Next];
            Volatile.Write(ref chunk.Next, chunk.Next + 1);
            StateMachineTelemetry.Rejected.Add(1, _type.TypeTag, _type.MessageTags[envelope.Kind], new(StateMachineTelemetry.ReasonTag, "stopped"));
            envelope.Reply?.Fail(new StateMachineStoppedException(_type.Name, status, cause));
            envelope = default;
        }
    }

    private void FailAll(List<Envelope<TValues>>? envelopes, StateMachineStatus status, Exception? cause)
    {
        if (envelopes is null)
        {
            return;
        }

        foreach (var envelope in envelopes)
        {
            StateMachineTelemetry.Rejected.Add(1, _type.TypeTag, _type.MessageTags[envelope.Kind], new(StateMachineTelemetry.ReasonTag, "stopped"));
            envelope.Reply?.Fail(new StateMachineStoppedException(_type.Name, status, cause));
        }
    }

    private void ReleaseSpaceWaitersLocked(bool all)
    {
        if (_spaceWaiters is null || _spaceWaiters.Count == 0)
        {
            return;
        }

        while (_spaceWaiters.Count != 0)
        {
            if (all)
            {
                var refused = _spaceWaiters.Dequeue();
                refused.Registration.Dispose();
                refused.TrySetResult(PostStatus.Stopped);
                continue;
            }

            if (PendingLocked() >= _type.Options.MailboxCapacity)
            {
                return;
            }

            // Room: the first waiting sender's message goes in (unless that sender gave up).
            var waiter = _spaceWaiters.Dequeue();
            if (waiter.TrySetResult(PostStatus.Accepted))
            {
                waiter.Registration.Dispose();
                Interlocked.Increment(ref OpenMailbox.Reserved);
                Append(OpenMailbox, ref waiter.Envelope);
            }
        }

        // The line is empty: senders may use the lock-free path again (after every message let in above).
        Interlocked.And(ref OpenMailbox.Reserved, ~Mailbox<Envelope<TValues>>.WaitersFlag);
    }
}
