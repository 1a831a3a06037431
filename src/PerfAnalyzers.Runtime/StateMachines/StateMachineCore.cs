using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace PerfAnalyzers.Runtime.StateMachines;

/// <summary>
/// The engine behind a generated state machine: a bounded two-priority mailbox, a single consumer that runs on the thread
/// pool (or inline on the caller's thread when the machine is idle), batching, supervision, lifecycle and telemetry.
/// Generated code derives one sealed class from it per machine type and implements <see cref="Dispatch"/>.
/// </summary>
/// <typeparam name="TValues">The generated struct of value-type message fields.</typeparam>
public abstract class StateMachineCore<TValues> : IThreadPoolWorkItem
    where TValues : struct
{
    private const int DrainBudget = 256;

    private readonly StateMachineTypeInfo _type;
    private readonly IStateMachine _owner;
    private MailboxRing<Envelope<TValues>> _normal;
    private MailboxRing<Envelope<TValues>> _high;
    private int _count;
    private int _running;
    private int _status;
    private int _state;
    private int _highStreak;
    private Queue<SpaceWaiter>? _spaceWaiters;
    private TaskCompletionSource? _stopped;
    private long[]? _restartTimes;
    private int _restartCount;
    private Envelope<TValues>[]? _batch;
    private Timer? _batchTimer;

    /// <summary>Creates the engine of <paramref name="owner"/>, in the initial state, not started.</summary>
    protected StateMachineCore(StateMachineTypeInfo type, IStateMachine owner)
    {
        _type = type;
        _owner = owner;
        _state = type.InitialState;
    }

    /// <summary>The type's names and options.</summary>
    public StateMachineTypeInfo TypeInfo => _type;

    /// <summary>The current state's index. Only the running handler changes it (through the generated <c>TransitionTo</c>).</summary>
    public int State
    {
        get => Volatile.Read(ref _state);
        set => Volatile.Write(ref _state, value);
    }

    /// <summary>The lifecycle stage.</summary>
    public StateMachineStatus Status => (StateMachineStatus)Volatile.Read(ref _status);

    /// <summary>Messages waiting in the mailbox.</summary>
    public int MailboxDepth => Volatile.Read(ref _count);

    /// <summary>Handles one message: generated code switches on <see cref="Envelope{TValues}.Kind"/>, calls the handler for the current state and completes the reply.</summary>
    protected abstract void Dispatch(ref Envelope<TValues> envelope);

    /// <summary>Handles a batch of messages of one kind (generated for kinds with a <c>[Batch]</c> handler); completes every reply.</summary>
    protected virtual void DispatchBatch(int kind, Span<Envelope<TValues>> batch) => throw new NotSupportedException();

    /// <summary>Called on the machine's thread when supervision restarts it, after the state went back to the initial one.</summary>
    protected virtual void OnRestarting()
    {
    }

    /// <summary>Starts handling messages; registers the machine for diagnostics. Idempotent; a stopped machine cannot restart.</summary>
    public void Start()
    {
        if (Interlocked.CompareExchange(ref _status, (int)StateMachineStatus.Running, (int)StateMachineStatus.NotStarted) == (int)StateMachineStatus.NotStarted)
        {
            StateMachineRegistry.Register(_owner);
        }
        else if (Status != StateMachineStatus.Running)
        {
            throw new StateMachineStoppedException(_type.Name, Status);
        }
    }

    /// <summary>Stops the machine. <see cref="StopMode.Drain"/> handles every queued message first; <see cref="StopMode.Immediate"/> fails them.</summary>
    public Task StopAsync(StopMode mode = StopMode.Drain)
    {
        List<Envelope<TValues>>? failed = null;
        Task result;
        lock (this)
        {
            switch (Status)
            {
                case StateMachineStatus.NotStarted:
                    _status = (int)StateMachineStatus.Stopped;
                    return Task.CompletedTask;
                case StateMachineStatus.Stopped:
                case StateMachineStatus.Faulted:
                    return _stopped?.Task ?? Task.CompletedTask;
            }

            _status = (int)StateMachineStatus.Stopping;
            _stopped ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            result = _stopped.Task;
            if (mode == StopMode.Immediate)
            {
                failed = TakeAllLocked();
            }

            ReleaseSpaceWaitersLocked(all: true);
        }

        FailAll(failed, StateMachineStatus.Stopped, null);
        TryCompleteStop();
        return result;
    }

    // ---- Inline execution (the caller's thread, machine idle) ----

    /// <summary>
    /// Claims the machine to run one request on the caller's thread: true only if it is running, its mailbox is empty and
    /// no handler runs. The caller must then call <see cref="ExitInline"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryEnterInline()
    {
        if (Volatile.Read(ref _status) != (int)StateMachineStatus.Running || Volatile.Read(ref _count) != 0 || Interlocked.CompareExchange(ref _running, 1, 0) != 0)
        {
            return false;
        }

        if (Volatile.Read(ref _count) == 0)
        {
            return true;
        }

        // Messages arrived meanwhile: they go first; we own the consumer, so start it.
        Schedule();
        return false;
    }

    /// <summary>Releases the machine after an inline request; starts the consumer if messages arrived meanwhile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ExitInline()
    {
        Interlocked.Exchange(ref _running, 0);
        if (Volatile.Read(ref _count) != 0 || Volatile.Read(ref _status) != (int)StateMachineStatus.Running)
        {
            ExitInlineSlow();
        }
    }

    private void ExitInlineSlow()
    {
        if (Volatile.Read(ref _count) != 0 && Interlocked.CompareExchange(ref _running, 1, 0) == 0)
        {
            Schedule();
        }
        else
        {
            TryCompleteStop();
        }
    }

    // ---- Instrumentation around a handler (both paths) ----

    /// <summary>Before a handler: returns a start timestamp if durations are measured (else 0) and starts a span if anyone listens.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long HandlingStarted(int kind, out Activity? activity)
    {
        activity = StateMachineTelemetry.ActivitySource.HasListeners() ? StartActivity(kind) : null;
        return StateMachineTelemetry.Duration.Enabled ? Stopwatch.GetTimestamp() : 0;
    }

    private Activity? StartActivity(int kind)
    {
        var activity = StateMachineTelemetry.ActivitySource.StartActivity(_type.ActivityNames[kind], ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag(StateMachineTelemetry.MachineTag, _type.Name);
            activity.SetTag(StateMachineTelemetry.MessageTag, _type.MessageNames[kind]);
            activity.SetTag(StateMachineTelemetry.StateTag, _type.StateName(State));
        }

        return activity;
    }

    /// <summary>After a handler returned: records its duration and a transition if the state changed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void HandlingCompleted(int kind, int stateBefore, long startTimestamp, Activity? activity)
    {
        if (startTimestamp != 0)
        {
            RecordDuration(kind, stateBefore, startTimestamp);
        }

        if (_state != stateBefore)
        {
            RecordTransition(stateBefore, _state);
        }

        activity?.Dispose();
    }

    private void RecordDuration(int kind, int stateBefore, long startTimestamp)
    {
        var seconds = (Stopwatch.GetTimestamp() - startTimestamp) * StateMachineTelemetry.TicksToSeconds;
        StateMachineTelemetry.Duration.Record(seconds, _type.TypeTag, _type.MessageTags[kind], _type.StateTags[stateBefore]);
    }

    private void RecordTransition(int from, int to)
    {
        if (StateMachineTelemetry.Transitions.Enabled)
        {
            StateMachineTelemetry.Transitions.Add(1, _type.TypeTag, _type.FromTags[from], _type.ToTags[to]);
        }
    }

    /// <summary>
    /// After a handler threw: counts the error and applies supervision (Resume, Restart with intensity limit, Stop). A
    /// message no handler applies to (<see cref="UnhandledMessageException"/>) is counted but does not trigger supervision.
    /// </summary>
    public void HandlingFailed(int kind, int stateBefore, Exception exception, Activity? activity)
    {
        if (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, exception.Message);
            activity.SetTag(StateMachineTelemetry.ErrorTypeTag, exception.GetType().FullName);
            activity.Dispose();
        }

        if (exception is UnhandledMessageException)
        {
            StateMachineTelemetry.Errors.Add(1, _type.TypeTag, _type.MessageTags[kind], new(StateMachineTelemetry.ErrorTypeTag, "unhandled"));
            return;
        }

        StateMachineTelemetry.Errors.Add(1, _type.TypeTag, _type.MessageTags[kind], new(StateMachineTelemetry.ErrorTypeTag, exception.GetType().FullName));
        if (_state != stateBefore)
        {
            RecordTransition(stateBefore, _state);
        }

        switch (_type.Options.Supervision)
        {
            case SupervisionPolicy.Resume:
                return;
            case SupervisionPolicy.Restart when RestartAllowed():
                var from = _state;
                _state = _type.InitialState;
                StateMachineTelemetry.Restarts.Add(1, _type.TypeTag);
                if (from != _state)
                {
                    RecordTransition(from, _state);
                }

                OnRestarting();
                return;
            default:
                Fault(exception);
                return;
        }
    }

    private bool RestartAllowed()
    {
        var max = _type.Options.MaxRestarts;
        if (max <= 0)
        {
            return false;
        }

        // A ring of the last `max` restart times: a new restart is allowed unless the oldest of them is inside the window.
        var times = _restartTimes ??= new long[max];
        var now = Stopwatch.GetTimestamp();
        var slot = _restartCount % max;
        if (_restartCount >= max && now - times[slot] < (long)(_type.Options.RestartWindow.TotalSeconds * Stopwatch.Frequency))
        {
            return false;
        }

        times[slot] = now;
        _restartCount++;
        return true;
    }

    private void Fault(Exception exception)
    {
        List<Envelope<TValues>>? failed;
        lock (this)
        {
            _status = (int)StateMachineStatus.Faulted;
            _stopped ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            failed = TakeAllLocked();
            ReleaseSpaceWaitersLocked(all: true);
        }

        FailAll(failed, StateMachineStatus.Faulted, exception);
        StateMachineRegistry.Unregister(_owner);
        _stopped.TrySetResult();
    }

    // ---- Sending ----

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
        lock (this)
        {
            if (_status != (int)StateMachineStatus.Running)
            {
                var refused = StatusToPost((StateMachineStatus)_status);
                CountRefused(envelope.Kind, refused);
                return new ValueTask<PostStatus>(refused);
            }

            if (_count < _type.Options.MailboxCapacity && (_spaceWaiters is null || _spaceWaiters.Count == 0))
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

        lock (this)
        {
            if (_status != (int)StateMachineStatus.Running)
            {
                return StatusToPost((StateMachineStatus)_status);
            }

            if (_count >= _type.Options.MailboxCapacity || (_spaceWaiters is not null && _spaceWaiters.Count != 0))
            {
                switch (_type.Options.FullMode)
                {
                    case MailboxFullMode.DropOldest:
                        evicted = _normal.Count != 0 ? _normal.PopFront() : _high.PopFront();
                        break;
                    case MailboxFullMode.DropNewest:
                        evicted = _normal.Count != 0 ? _normal.PopBack() : _high.PopBack();
                        break;
                    default:
                        return PostStatus.Rejected;
                }

                hasEvicted = true;
                _count--;
            }

            PushLocked(ref envelope);
        }

        ScheduleIfIdle();
        return PostStatus.Accepted;
    }

    private void PushLocked(ref Envelope<TValues> envelope)
    {
        if (_type.MessagePriorities[envelope.Kind] == MessagePriority.High)
        {
            _high.PushBack(envelope);
        }
        else
        {
            _normal.PushBack(envelope);
        }

        Volatile.Write(ref _count, _count + 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ScheduleIfIdle()
    {
        if (Interlocked.CompareExchange(ref _running, 1, 0) == 0)
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

    // ---- Consuming ----

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

            if (batchCount > 0)
            {
                ProcessBatch(batchCount);
            }
            else
            {
                Process(ref envelope);
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

    private void Process(ref Envelope<TValues> envelope)
    {
        if (envelope.Reply is { } reply && !reply.TryBeginHandling())
        {
            return; // the caller gave up (canceled or timed out) before the message was handled
        }

        if (envelope.EnqueuedAt != 0 && StateMachineTelemetry.Wait.Enabled)
        {
            var waited = (Stopwatch.GetTimestamp() - envelope.EnqueuedAt) * StateMachineTelemetry.TicksToSeconds;
            StateMachineTelemetry.Wait.Record(waited, _type.TypeTag, _type.MessageTags[envelope.Kind]);
        }

        if (_status == (int)StateMachineStatus.Faulted)
        {
            envelope.Reply?.Fail(new StateMachineStoppedException(_type.Name, StateMachineStatus.Faulted));
            return;
        }

        var kind = envelope.Kind;
        var before = _state;
        var start = HandlingStarted(kind, out var activity);
        try
        {
            Dispatch(ref envelope);
        }
        catch (Exception exception)
        {
            envelope.Reply?.Fail(exception);
            HandlingFailed(kind, before, exception, activity);
            return;
        }

        HandlingCompleted(kind, before, start, activity);
    }

    private void ProcessBatch(int count)
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
    }

    // ---- Stop and space waiters ----

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
            StateMachineRegistry.Unregister(_owner);
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
