using System;
using System.Collections.Generic;
using System.Threading;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace PerfAnalyzers.Runtime.StateMachines;

// Consuming: the single consumer that drains the mailbox on the thread pool, priorities and batching.
public abstract partial class StateMachineCore<TValues>
{
    // The consumer takes up to a chunk of consecutive normal-priority messages per lock acquisition: 16 at first, 64 once
    // a backlog deeper than that was seen (bigger chunks mean fewer cache-line transfers per message between the cores).
    private const int ChunkSize = 16;
    private const int MaxChunkSize = 64;

    // Between two looks at the message count while spinning (about 0.8 µs here): long enough for a fast producer to queue
    // a chunk's worth, and each look takes the count's cache line away from the senders.
    private const int SpinBetweenLooks = 20;

    // Before going idle (and making the next message pay a thread-pool hop), a consumer that has been handling a stream
    // of messages watches the mailbox this long.
    private static readonly long IdleSpinTicks = Environment.ProcessorCount > 1 ? Math.Max(1, Stopwatch.Frequency / 500_000) : 0;

    private void Schedule() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    void IThreadPoolWorkItem.Execute() => Drain();

    private void Drain()
    {
        var mailbox = OpenMailbox;
        var handled = 0;
        var spun = false;
        var inFlight = default(SpinWait);
        while (true)
        {
            // The chunk taken at the last lock acquisition: handled without the lock, but a high-priority message may
            // still cut in between two of its messages (with the starvation guard, as if they were still queued).
            var chunk = _chunk;
            if (chunk is not null && chunk.Next != chunk.End)
            {
                var status = Volatile.Read(ref _status);
                if (status != (int)StateMachineStatus.Running && (status == (int)StateMachineStatus.Faulted || Volatile.Read(ref mailbox.FailQueued)))
                {
                    if (status == (int)StateMachineStatus.Faulted)
                    {
                        FailChunk(chunk, StateMachineStatus.Faulted, Volatile.Read(ref mailbox.FaultCause));
                    }
                    else
                    {
                        FailChunk(chunk, StateMachineStatus.Stopped, null);
                    }

                    continue;
                }

                bool chunkCompleted;
                if (chunk.HasHighPriority && (mailbox.High.VolatileCount != 0 || !mailbox.HighIngress!.IsEmpty) && _highStreak < _type.Options.StarvationLimit && TakeHigh(out var high, out var highBatch))
                {
                    chunkCompleted = highBatch > 0 ? ProcessBatch(highBatch) : Process(ref high);
                }
                else
                {
                    chunkCompleted = ProcessChunkMessage(chunk);
                }

                if (!chunkCompleted)
                {
                    // An async handler is pending: the machine stays claimed; when it completes, ExitInline resumes the
                    // consumer, which goes on with the rest of the chunk.
                    return;
                }

                if (++handled % DrainBudget == 0 && ThreadPool.PendingWorkItemCount != 0)
                {
                    // Let other work run on this thread; the machine stays claimed and the chunk stays taken.
                    Schedule();
                    return;
                }

                continue;
            }

            Envelope<TValues> envelope = default;
            var batchCount = 0;
            var fromChunk = false;
            var spin = false;
            var idle = false;
            var waitBatch = 0L;
            List<Envelope<TValues>>? failed = null;
            lock (mailbox)
            {
                // The chunk is done: its messages no longer count, so senders waiting for room may come in first.
                if (mailbox.Held != 0)
                {
                    Interlocked.Add(ref mailbox.Reserved, -mailbox.Held);
                    mailbox.Held = 0;
                }

                ReleaseSpaceWaitersLocked(all: false);
                var status = _status;
                if (status == (int)StateMachineStatus.Faulted || (status != (int)StateMachineStatus.Running && mailbox.FailQueued))
                {
                    // The fault or immediate stop failed what was queued; a sender that reserved its place before it and
                    // appended after it woke us: fail that message too.
                    failed = TakeAllLocked();
                    Volatile.Write(ref _running, Idle);
                    idle = true;
                }
                else if (TakeChunkFromIngressLocked(mailbox))
                {
                    spun = false;
                    fromChunk = true;
                }
                else
                {
                    MoveIngressLocked(mailbox, limit: MaxChunkSize * 4);
                    if (mailbox.Normal.Count + mailbox.High.Count == 0)
                    {
                        // Spin only when a stream is flowing (this run handled a chunk's worth): a caller that finds the
                        // machine idle runs its request inline, which beats any queue, so short runs let go at once.
                        if (!spun && IdleSpinTicks != 0 && handled >= ChunkSize && status == (int)StateMachineStatus.Running)
                        {
                            spin = true;
                        }
                        else
                        {
                            // The consumer lets go after seeing an empty mailbox, then looks again (below): a sender that
                            // appends meanwhile either is seen there or sees Idle and schedules the consumer.
                            Volatile.Write(ref _running, Idle);
                            idle = true;
                        }
                    }
                    else
                    {
                        spun = false;
                        ref var queue = ref ChooseQueueLocked(mailbox);
                        if (_type.BatchSizes[queue.PeekFront().Kind] == 0 && queue.Count > 1 && Unsafe.AreSame(ref queue, ref mailbox.Normal) && ChunksAllowedLocked())
                        {
                            TakeChunkLocked(ref queue);
                            fromChunk = true;
                        }
                        else
                        {
                            batchCount = TakeFrontLocked(ref queue, allowDelay: true, out envelope, out waitBatch);
                            if (waitBatch != 0)
                            {
                                Volatile.Write(ref _running, Idle);
                                idle = true;
                            }
                        }

                        if (!idle)
                        {
                            ReleaseSpaceWaitersLocked(all: false);
                        }
                    }
                }
            }

            if (spin)
            {
                spun = true;
                SpinUntilQueued(mailbox);
                continue;
            }

            if (idle)
            {
                if (waitBatch != 0)
                {
                    ArmBatchTimer(waitBatch);
                    return;
                }

                if (failed is not null)
                {
                    var status = (StateMachineStatus)Volatile.Read(ref _status);
                    FailAll(failed, status == StateMachineStatus.Faulted ? StateMachineStatus.Faulted : StateMachineStatus.Stopped, status == StateMachineStatus.Faulted ? mailbox.FaultCause : null);
                }

                TryCompleteStop();

                // The second look (see TryEnqueueCore): a sender that reserved a place after our look above and saw us
                // draining counts on us. Its append may still be in flight (a few instructions after its reservation):
                // take the claim back and go round again, backing off (yield, then sleep) while it has not landed.
                Interlocked.MemoryBarrier();
                if (mailbox.ReservedCount - mailbox.Held > 0 && Interlocked.CompareExchange(ref _running, Draining, Idle) == Idle)
                {
                    if (!mailbox.IngressHasItems)
                    {
                        inFlight.SpinOnce();
                    }

                    continue;
                }

                return;
            }

            var completed = fromChunk ? ProcessChunkMessage(_chunk!) : batchCount > 0 ? ProcessBatch(batchCount) : Process(ref envelope);
            if (!completed)
            {
                return; // an async handler is pending: the machine stays claimed until it completes (AsyncHandlers.cs)
            }

            if (++handled % DrainBudget == 0 && ThreadPool.PendingWorkItemCount != 0)
            {
                // Let other work run on this thread; the machine stays claimed. With nothing else queued, yielding would
                // only wake another pool thread to spin next to the producer.
                Schedule();
                return;
            }
        }
    }

    /// <summary>Watches the mailbox for a short while (about 2 µs) without the lock; returns when a message arrived.</summary>
    private static void SpinUntilQueued(Mailbox<Envelope<TValues>> mailbox)
    {
        var deadline = Stopwatch.GetTimestamp() + IdleSpinTicks;
        do
        {
            Thread.SpinWait(SpinBetweenLooks);
            if (mailbox.ReservedCount != 0)
            {
                return;
            }
        }
        while (Stopwatch.GetTimestamp() < deadline);
    }

    /// <summary>
    /// Handles the chunk's next message: it stops counting against the capacity as its handling starts. False when its
    /// async handler is pending (see <see cref="Process"/>).
    /// </summary>
    private bool ProcessChunkMessage(MailboxChunk<Envelope<TValues>> chunk)
    {
        if (_highStreak != 0)
        {
            _highStreak = 0;
        }

        ref var envelope = ref chunk.Items[chunk.Next];
        Volatile.Write(ref chunk.Next, chunk.Next + 1);
        var completed = Process(ref envelope);
        envelope = default; // a pending handler keeps its reply, not the envelope
        return completed;
    }

    /// <summary>
    /// Takes the oldest high-priority message while a chunk of normal ones is held (the starvation guard allowed it), or,
    /// when its kind has a <c>[Batch]</c> handler, the batch at the front of the high ring (<paramref name="batchCount"/>
    /// messages in the batch buffer). Such a batch does not wait for its batch delay: the held chunk is other work, as a
    /// non-empty mailbox would be.
    /// </summary>
    private bool TakeHigh(out Envelope<TValues> envelope, out int batchCount)
    {
        var mailbox = OpenMailbox;
        lock (mailbox)
        {
            MoveIngressLocked(mailbox, limit: MaxChunkSize * 4);
            if (mailbox.High.Count == 0)
            {
                envelope = default;
                batchCount = 0;
                return false;
            }

            batchCount = TakeFrontLocked(ref mailbox.High, allowDelay: false, out envelope, out _);
            _highStreak++;
            ReleaseSpaceWaitersLocked(all: false);
            return true;
        }
    }

    /// <summary>
    /// Chunks are taken in the Wait and Reject modes while no sender waits for room. The drop modes take one message at a
    /// time, so that the oldest and newest queued messages stay in the rings where a sender can evict them; waiting
    /// senders get room as soon as a message starts.
    /// </summary>
    private bool ChunksAllowedLocked() =>
        _type.Options.FullMode is MailboxFullMode.Wait or MailboxFullMode.Reject && (_spaceWaiters is null || _spaceWaiters.Count == 0);

    /// <summary>Moves up to a chunk's size of consecutive unbatched messages from the front of <paramref name="queue"/> into the chunk.</summary>
    private void TakeChunkLocked(ref MailboxRing<Envelope<TValues>> queue)
    {
        var mailbox = OpenMailbox;
        var chunk = _chunk;
        if (chunk is null || (queue.Count > chunk.Items.Length && chunk.Items.Length < MaxChunkSize))
        {
            // First chunk: small. A backlog deeper than the chunk: a bigger one (the old one is exhausted), up to MaxChunkSize.
            var size = chunk is null ? ChunkSize : MaxChunkSize;
            chunk = new MailboxChunk<Envelope<TValues>>(size, _type.HasHighPriority);
            Volatile.Write(ref _chunk, chunk);
        }

        var items = chunk.Items;
        var max = Math.Min(queue.Count, items.Length);
        var run = 0;
        while (run < max && _type.BatchSizes[queue.PeekFront().Kind] == 0)
        {
            items[run++] = queue.PopFront();
        }

        chunk.Next = 0;
        Volatile.Write(ref chunk.End, run);
        mailbox.Held = run; // still counted in Reserved until the chunk is done
    }

    /// <summary>
    /// The common case, without copying through the rings: the rings are empty, chunks are allowed and the machine has no
    /// batch kind and no high-priority message waiting, so up to a chunk's size of messages go straight from the ingress
    /// queue into the chunk. False if the case does not apply or the ingress is empty.
    /// </summary>
    private bool TakeChunkFromIngressLocked(Mailbox<Envelope<TValues>> mailbox)
    {
        if (_type.HasBatches || mailbox.Normal.Count + mailbox.High.Count != 0 || mailbox.HighIngress is { IsEmpty: false } || !ChunksAllowedLocked())
        {
            return false;
        }

        var chunk = _chunk;
        if (chunk is null || (chunk.Items.Length < MaxChunkSize && mailbox.ReservedCount > chunk.Items.Length))
        {
            // First chunk: small. A backlog deeper than the chunk: a bigger one (the old one is exhausted), up to MaxChunkSize.
            chunk = new MailboxChunk<Envelope<TValues>>(chunk is null ? ChunkSize : MaxChunkSize, _type.HasHighPriority);
        }

        var items = chunk.Items;
        var run = 0;
        while (run < items.Length && mailbox.Ingress.TryDequeue(out items[run]))
        {
            run++;
        }

        if (run == 0)
        {
            return false;
        }

        if (!ReferenceEquals(chunk, _chunk))
        {
            Volatile.Write(ref _chunk, chunk);
        }

        chunk.Next = 0;
        Volatile.Write(ref chunk.End, run);
        mailbox.Held = run; // still counted in Reserved until the chunk is done
        return true;
    }

    private ref MailboxRing<Envelope<TValues>> ChooseQueueLocked(Mailbox<Envelope<TValues>> mailbox)
    {
        if (mailbox.High.Count != 0 && (mailbox.Normal.Count == 0 || _highStreak < _type.Options.StarvationLimit))
        {
            _highStreak++;
            return ref mailbox.High;
        }

        _highStreak = 0;
        return ref mailbox.Normal;
    }

    /// <summary>
    /// Takes the message at the front of <paramref name="queue"/>, the one place that decides how: the batch of its kind
    /// (returns its size, messages in the batch buffer) if the kind has a <c>[Batch]</c> handler, else the message alone
    /// (returns 0, message in <paramref name="envelope"/>). With <paramref name="allowDelay"/>, a short batch may instead
    /// wait for its batch delay: nothing taken, <paramref name="waitTicks"/> set.
    /// </summary>
    private int TakeFrontLocked(ref MailboxRing<Envelope<TValues>> queue, bool allowDelay, out Envelope<TValues> envelope, out long waitTicks)
    {
        envelope = default;
        waitTicks = 0;
        var kind = queue.PeekFront().Kind;
        var batchSize = _type.BatchSizes[kind];
        if (batchSize > 0)
        {
            return TakeBatchLocked(ref queue, kind, batchSize, allowDelay, out waitTicks);
        }

        envelope = queue.PopFront();
        Interlocked.Decrement(ref OpenMailbox.Reserved);
        return 0;
    }

    private int TakeBatchLocked(ref MailboxRing<Envelope<TValues>> queue, int kind, int batchSize, bool allowDelay, out long waitTicks)
    {
        waitTicks = 0;
        var run = 1;
        while (run < batchSize && run < queue.Count && queue.At(run).Kind == kind)
        {
            run++;
        }

        var delay = _type.BatchDelayTicks[kind];
        var mailbox = OpenMailbox;
        while (true)
        {
            while (run < batchSize && run == queue.Count && mailbox.IngressHasItems)
            {
                // Accepted messages still in the ingress (the consumer moves at most a few chunks at a time, and lock-free
                // senders append meanwhile): bring them in, so a partial batch does not leave early without them.
                MoveIngressLocked(mailbox, limit: MaxChunkSize * 4);
                while (run < batchSize && run < queue.Count && queue.At(run).Kind == kind)
                {
                    run++;
                }
            }

            if (allowDelay && run < batchSize && delay != 0 && run == mailbox.Normal.Count + mailbox.High.Count && _status == (int)StateMachineStatus.Running)
            {
                if (mailbox.IngressHasItems)
                {
                    // A sender appended after the loop above looked: bring it in too rather than leave with part.
                    continue;
                }

                var waited = Stopwatch.GetTimestamp() - queue.PeekFront().EnqueuedAt;
                if (waited < delay)
                {
                    waitTicks = delay - waited;
                    return 0;
                }
            }

            break;
        }

        var buffer = _batch is { } existing && existing.Length >= run ? existing : (_batch = new Envelope<TValues>[Math.Max(run, Math.Min(batchSize, 16))]);
        for (var i = 0; i < run; i++)
        {
            buffer[i] = queue.PopFront();
        }

        Interlocked.Add(ref mailbox.Reserved, -run);
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
        if (QueuedCount != 0 && Interlocked.CompareExchange(ref _running, Draining, Idle) == Idle)
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
        var now = 0L; // one clock read ends the mailbox wait of the whole batch
        for (var i = 0; i < count; i++)
        {
            if (buffer[i].Reply is { } reply && !reply.TryBeginHandling())
            {
                continue;
            }

            if (buffer[i].EnqueuedAt != 0 && StateMachineTelemetry.Wait.Enabled)
            {
                if (now == 0)
                {
                    now = Stopwatch.GetTimestamp();
                }

                RecordWait(buffer[i].Kind, now - buffer[i].EnqueuedAt);
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
