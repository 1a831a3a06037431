using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace PerfAnalyzers.Runtime.StateMachines;

// Stopping: completing a graceful stop, failing queued messages, releasing senders waiting for room.
public abstract partial class StateMachineCore<TValues>
{
    private void TryCompleteStop()
    {
        TaskCompletionSource? stopped = null;
        lock (this)
        {
            if (_status == (int)StateMachineStatus.Stopping && _count == 0 && Volatile.Read(ref _running) == 0)
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
        if (_count == 0)
        {
            return null;
        }

        var all = new List<Envelope<TValues>>(_count);
        while (_high.Count != 0)
        {
            all.Add(_high.PopFront());
        }

        while (_normal.Count != 0)
        {
            all.Add(_normal.PopFront());
        }

        Volatile.Write(ref _count, 0);
        return all;
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
        if (_spaceWaiters is null)
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

            if (_count >= _type.Options.MailboxCapacity)
            {
                return;
            }

            // Room: the first waiting sender's message goes in (unless that sender gave up).
            var waiter = _spaceWaiters.Dequeue();
            if (waiter.TrySetResult(PostStatus.Accepted))
            {
                waiter.Registration.Dispose();
                PushLocked(ref waiter.Envelope);
            }
        }
    }
}
