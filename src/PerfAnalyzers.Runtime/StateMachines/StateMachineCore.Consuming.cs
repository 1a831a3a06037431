using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace PerfAnalyzers.Runtime.StateMachines;

// Consuming: the single consumer that drains the mailbox on the thread pool, priorities and batching.
public abstract partial class StateMachineCore<TValues>
{
    private void Schedule() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    void IThreadPoolWorkItem.Execute() => Drain();

    private void Drain()
    {
        var budget = DrainBudget;
        while (true)
        {
            Envelope<TValues> envelope = default;
            var batchCount = 0;
            var idle = false;
            var waitBatch = 0L;
            lock (this)
            {
                if (_count == 0 || _status == (int)StateMachineStatus.Faulted)
                {
                    idle = true;
                }
                else
                {
                    ref var queue = ref ChooseQueueLocked();
                    var kind = queue.PeekFront().Kind;
                    var batchSize = _type.BatchSizes[kind];
                    if (batchSize > 0)
                    {
                        batchCount = TakeBatchLocked(ref queue, kind, batchSize, out waitBatch);
                        if (waitBatch != 0)
                        {
                            idle = true;
                        }
                    }
                    else
                    {
                        envelope = queue.PopFront();
                        Volatile.Write(ref _count, _count - 1);
                    }

                    if (!idle)
                    {
                        ReleaseSpaceWaitersLocked(all: false);
                    }
                }
            }

            if (idle)
            {
                Interlocked.Exchange(ref _running, 0);
                if (waitBatch != 0)
                {
                    ArmBatchTimer(waitBatch);
                    return;
                }

                if (Volatile.Read(ref _count) != 0 && Interlocked.CompareExchange(ref _running, 1, 0) == 0)
                {
                    continue;
                }

                TryCompleteStop();
                return;
            }

            var completed = batchCount > 0 ? ProcessBatch(batchCount) : Process(ref envelope);
            if (!completed)
            {
                return; // an async handler is pending: the machine stays claimed until it completes (AsyncHandlers.cs)
            }

            if (--budget == 0)
            {
                // Let other work run on this thread; the machine stays claimed.
                Schedule();
                return;
            }
        }
    }

    private ref MailboxRing<Envelope<TValues>> ChooseQueueLocked()
    {
        if (_high.Count != 0 && (_normal.Count == 0 || _highStreak < _type.Options.StarvationLimit))
        {
            _highStreak++;
            return ref _high;
        }

        _highStreak = 0;
        return ref _normal;
    }

    private int TakeBatchLocked(ref MailboxRing<Envelope<TValues>> queue, int kind, int batchSize, out long waitTicks)
    {
        waitTicks = 0;
        var run = 1;
        while (run < batchSize && run < queue.Count && queue.At(run).Kind == kind)
        {
            run++;
        }

        var delay = _type.BatchDelayTicks[kind];
        if (run < batchSize && delay != 0 && run == _count && _status == (int)StateMachineStatus.Running)
        {
            var waited = Stopwatch.GetTimestamp() - queue.PeekFront().EnqueuedAt;
            if (waited < delay)
            {
                waitTicks = delay - waited;
                return 0;
            }
        }

        var buffer = _batch is { } existing && existing.Length >= run ? existing : (_batch = new Envelope<TValues>[Math.Max(run, Math.Min(batchSize, 16))]);
        for (var i = 0; i < run; i++)
        {
            buffer[i] = queue.PopFront();
        }

        Volatile.Write(ref _count, _count - run);
        return run;
    }

    private void ArmBatchTimer(long waitTicks)
    {
        var dueMs = Math.Max(1, (int)(waitTicks * 1000 / Stopwatch.Frequency));
        var timer = _batchTimer;
        if (timer is null)
        {
            timer = new Timer(static state => ((StateMachineCore<TValues>)state!).BatchTimerFired(), this, Timeout.Infinite, Timeout.Infinite);
            if (Interlocked.CompareExchange(ref _batchTimer, timer, null) is { } other)
            {
                timer.Dispose();
                timer = other;
            }
        }

        timer.Change(dueMs, Timeout.Infinite);
    }

    private void BatchTimerFired()
    {
        if (Volatile.Read(ref _count) != 0 && Interlocked.CompareExchange(ref _running, 1, 0) == 0)
        {
            Drain();
        }
    }

    /// <summary>Handles one message; false if its async handler is still pending.</summary>
    private bool Process(ref Envelope<TValues> envelope)
    {
        if (envelope.Reply is { } reply && !reply.TryBeginHandling())
        {
            return true; // the caller gave up (canceled or timed out) before the message was handled
        }

        if (_status == (int)StateMachineStatus.Faulted)
        {
            envelope.Reply?.Fail(new StateMachineStoppedException(_type.Name, StateMachineStatus.Faulted));
            return true;
        }

        var kind = envelope.Kind;
        var before = _state;
        var start = HandlingStarted(kind, envelope.EnqueuedAt, out var activity); // one clock read: end of the mailbox wait, start of handling
        try
        {
            Dispatch(ref envelope);
        }
        catch (Exception exception)
        {
            envelope.Reply?.Fail(exception);
            HandlingFailed(kind, before, exception, activity);
            return true;
        }

        if (_pending is not null)
        {
            return SuspendPending(kind, before, start, activity);
        }

        HandlingCompleted(kind, before, start, activity);
        return true;
    }

    /// <summary>Handles a batch; false if its async handler is still pending.</summary>
    private bool ProcessBatch(int count)
    {
        var buffer = _batch!;
        var kept = 0;
        for (var i = 0; i < count; i++)
        {
            if (buffer[i].Reply is { } reply && !reply.TryBeginHandling())
            {
                continue;
            }

            if (buffer[i].EnqueuedAt != 0 && StateMachineTelemetry.Wait.Enabled)
            {
                var waited = (Stopwatch.GetTimestamp() - buffer[i].EnqueuedAt) * StateMachineTelemetry.TicksToSeconds;
                StateMachineTelemetry.Wait.Record(waited, _type.TypeTag, _type.MessageTags[buffer[i].Kind]);
            }

            buffer[kept++] = buffer[i];
        }

        if (kept != 0)
        {
            var batch = buffer.AsSpan(0, kept);
            var kind = batch[0].Kind;
            var before = _state;
            var start = HandlingStarted(kind, out var activity);
            try
            {
                DispatchBatch(kind, batch);
                if (_pending is not null)
                {
                    return SuspendPendingBatch(kind, before, start, activity, kept, count);
                }

                HandlingCompleted(kind, before, start, activity);
            }
            catch (Exception exception)
            {
                foreach (ref var envelope in batch)
                {
                    envelope.Reply?.Fail(exception);
                }

                HandlingFailed(kind, before, exception, activity);
            }
        }

        Array.Clear(buffer, 0, count);
        return true;
    }
}
