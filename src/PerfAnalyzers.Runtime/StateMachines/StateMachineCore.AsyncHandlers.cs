using System;
using System.Collections;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace PerfAnalyzers.Runtime.StateMachines;

// Asynchronous handlers (returning ValueTask, ValueTask<T>, Task or Task<T>). A handler whose task completes synchronously
// takes the synchronous path unchanged. One that does not keeps the machine claimed (no other handler starts, the mailbox
// keeps accepting) until its task completes; a continuation (no captured context, no ExecutionContext flow) then completes
// the reply, records telemetry, applies supervision to a fault or cancellation, and resumes the consumer.
public abstract partial class StateMachineCore<TValues>
{
    private PendingHandler? _pending;
    private PendingHandler? _spare; // the last finished one, reused by the next pending handler of the same shape

    /// <summary>
    /// Called by generated <see cref="Dispatch"/> when a handler's task did not complete synchronously: the consumer
    /// waits for it before taking the next message; <paramref name="reply"/> is completed when it completes.
    /// </summary>
    protected void AwaitHandler(ValueTask pending, IReplySink? reply) => _pending = RentVoid(pending, reply);

    /// <summary>As <see cref="AwaitHandler(ValueTask, IReplySink?)"/>, for a handler with a reply.</summary>
    protected void AwaitHandler<TReply>(ValueTask<TReply> pending, IReplySink? reply) => _pending = RentReply(pending, reply);

    /// <summary>
    /// Called by generated <see cref="DispatchBatch"/> when a batch handler's task did not complete synchronously;
    /// <paramref name="batch"/> (the list handed to the handler, if any) is cleared when it completes.
    /// </summary>
    protected void AwaitBatchHandler(ValueTask pending, IList? batch)
    {
        var handler = RentVoid(pending, null);
        handler.BatchList = batch;
        _pending = handler;
    }

    /// <summary>
    /// An inline request (see <see cref="TryEnterInline"/>) whose handler did not complete synchronously: the machine
    /// stays claimed until it completes. Returns the caller's reply, released early by cancellation or the timeout.
    /// </summary>
    public ValueTask<TReply> AwaitInline<TReply>(ValueTask<TReply> pending, int kind, int stateBefore, long startTimestamp, Activity? activity, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var slot = StartedSlot<TReply>(timeout, cancellationToken);
        Suspend(RentReply(pending, slot), kind, stateBefore, startTimestamp, activity, batchCount: 0, batchKept: 0);
        return slot.Task;
    }

    /// <summary>As <see cref="AwaitInline{TReply}"/>, for a handler without a reply.</summary>
    public ValueTask AwaitInline(ValueTask pending, int kind, int stateBefore, long startTimestamp, Activity? activity, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var slot = StartedSlot<bool>(timeout, cancellationToken);
        Suspend(RentVoid(pending, slot), kind, stateBefore, startTimestamp, activity, batchCount: 0, batchKept: 0);
        return slot.VoidTask;
    }

    /// <summary>The caller's reply for a handler already running inline: marked started, armed with the timeout and token.</summary>
    private static ReplySlot<T> StartedSlot<T>(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var slot = new ReplySlot<T>();
        slot.TryBeginHandling();
        try
        {
            slot.Arm(cancellationToken, timeout);
        }
        catch (Exception exception)
        {
            slot.Fail(exception); // e.g. an invalid timeout: the caller gets the error, the handler still completes
        }

        return slot;
    }

    /// <summary>Hook of <c>Process</c>: the handler just dispatched is pending; false = the consumer must return and keep the machine claimed.</summary>
    private bool SuspendPending(int kind, int stateBefore, long startTimestamp, Activity? activity)
    {
        var handler = _pending!;
        _pending = null;
        Suspend(handler, kind, stateBefore, startTimestamp, activity, batchCount: 0, batchKept: 0);
        return false;
    }

    /// <summary>Hook of <c>ProcessBatch</c>: as <see cref="SuspendPending"/>; the batch buffer is cleared when the handler completes.</summary>
    private bool SuspendPendingBatch(int kind, int stateBefore, long startTimestamp, Activity? activity, int kept, int count)
    {
        var handler = _pending!;
        _pending = null;
        Suspend(handler, kind, stateBefore, startTimestamp, activity, count, kept);
        return false;
    }

    private void Suspend(PendingHandler handler, int kind, int stateBefore, long startTimestamp, Activity? activity, int batchCount, int batchKept)
    {
        handler.Kind = kind;
        handler.StateBefore = stateBefore;
        handler.Start = startTimestamp;
        handler.Activity = activity;
        handler.BatchCount = batchCount;
        handler.BatchKept = batchKept;
        if (activity is not null && Activity.Current == activity)
        {
            // The span stays open until the handler completes; this thread goes on with the span it had before.
            Activity.Current = activity.Parent;
        }

        handler.OnCompleted();
    }

    private void HandlerFinished(PendingHandler handler, Exception? error)
    {
        try
        {
            handler.BatchList?.Clear();

            // Telemetry and supervision first, so that a caller who sees the reply or the fault also sees their effects
            // (state after a restart, status after a stop, the duration recorded).
            if (error is null)
            {
                HandlingCompleted(handler.Kind, handler.StateBefore, handler.Start, handler.Activity);
            }
            else
            {
                HandlingFailed(handler.Kind, handler.StateBefore, error, handler.Activity);
            }

            if (handler.BatchCount != 0)
            {
                var buffer = _batch!;
                for (var i = 0; i < handler.BatchKept; i++)
                {
                    if (buffer[i].Reply is { } sink)
                    {
                        if (error is null)
                        {
                            Unsafe.As<ReplySlot<bool>>(sink).SetResult(true);
                        }
                        else
                        {
                            sink.Fail(error);
                        }
                    }
                }

                Array.Clear(buffer, 0, handler.BatchCount);
            }
            else if (error is null)
            {
                handler.CompleteReply();
            }
            else
            {
                handler.Reply?.Fail(error);
            }
        }
        finally
        {
            handler.Clear();
            _spare = handler;

            // Release the claim the handler held: if messages queued meanwhile, the consumer resumes on the thread pool
            // (never on the thread that completed the handler's task, which may be anyone's); a pending stop completes.
            ReleaseAfterPendingHandler();
        }
    }

    /// <summary>
    /// The end of an async handler's claim. A chunk message's handler hands the claim back to the consumer, which goes on
    /// with the rest of the chunk (only the consumer holds a chunk, and only while it holds the claim); any other one
    /// releases it as an inline request does.
    /// </summary>
    private void ReleaseAfterPendingHandler()
    {
        if (Volatile.Read(ref _chunk) is { } chunk && chunk.Next != chunk.End)
        {
            Volatile.Write(ref _running, Draining);
            Schedule();
            return;
        }

        ExitInline();
    }

    // Called only by the machine's current owner (the claim orders these accesses).
    private PendingHandler RentVoid(ValueTask task, IReplySink? reply)
    {
        var handler = _spare as PendingVoid ?? new PendingVoid(this);
        if (ReferenceEquals(handler, _spare))
        {
            _spare = null;
        }

        handler.Task = task;
        handler.Reply = reply;
        return handler;
    }

    private PendingHandler RentReply<TReply>(ValueTask<TReply> task, IReplySink? reply)
    {
        var handler = _spare as PendingReply<TReply> ?? new PendingReply<TReply>(this);
        if (ReferenceEquals(handler, _spare))
        {
            _spare = null;
        }

        handler.Task = task;
        handler.Reply = reply;
        return handler;
    }

    /// <summary>A handler's task the consumer waits for; one at a time per machine, reused once finished.</summary>
    private abstract class PendingHandler
    {
        private readonly StateMachineCore<TValues> _core;
        private readonly Action _completed;
        public IReplySink? Reply;
        public IList? BatchList;
        public Activity? Activity;
        public long Start;
        public int Kind;
        public int StateBefore;
        public int BatchCount;
        public int BatchKept;

        protected PendingHandler(StateMachineCore<TValues> core)
        {
            _core = core;
            _completed = Completed;
        }

        /// <summary>Runs the completion when the task completes (at once if it already did).</summary>
        public abstract void OnCompleted();

        /// <summary>Completes the reply with the result <see cref="Observe"/> kept.</summary>
        public abstract void CompleteReply();

        /// <summary>Drops every reference, before the object waits for reuse.</summary>
        public virtual void Clear()
        {
            Reply = null;
            BatchList = null;
            Activity = null;
        }

        /// <summary>Observes the task's outcome: keeps the result, or throws the fault (or cancellation).</summary>
        protected abstract void Observe();

        /// <summary>The completion, as a delegate created once per object.</summary>
        protected Action CompletedAction => _completed;

        protected void Completed()
        {
            Exception? error = null;
            try
            {
                Observe();
            }
            catch (Exception exception)
            {
                error = exception;
            }

            _core.HandlerFinished(this, error);
        }
    }

    private sealed class PendingVoid(StateMachineCore<TValues> core) : PendingHandler(core)
    {
        public ValueTask Task;

        public override void OnCompleted()
        {
            var awaiter = Task.ConfigureAwait(false).GetAwaiter();
            if (awaiter.IsCompleted)
            {
                Completed();
            }
            else
            {
                awaiter.UnsafeOnCompleted(CompletedAction);
            }
        }

        public override void CompleteReply()
        {
            if (Reply is { } sink)
            {
                Unsafe.As<ReplySlot<bool>>(sink).SetResult(true);
            }
        }

        public override void Clear()
        {
            base.Clear();
            Task = default;
        }

        protected override void Observe() => Task.GetAwaiter().GetResult();
    }

    private sealed class PendingReply<TReply>(StateMachineCore<TValues> core) : PendingHandler(core)
    {
        public ValueTask<TReply> Task;
        private TReply? _result;

        public override void OnCompleted()
        {
            var awaiter = Task.ConfigureAwait(false).GetAwaiter();
            if (awaiter.IsCompleted)
            {
                Completed();
            }
            else
            {
                awaiter.UnsafeOnCompleted(CompletedAction);
            }
        }

        public override void CompleteReply()
        {
            if (Reply is { } sink)
            {
                Unsafe.As<ReplySlot<TReply>>(sink).SetResult(_result!);
            }
        }

        public override void Clear()
        {
            base.Clear();
            Task = default;
            _result = default;
        }

        protected override void Observe() => _result = Task.GetAwaiter().GetResult();
    }
}
