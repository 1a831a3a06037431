using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using System.Runtime.CompilerServices;

namespace PerfAnalyzers.Runtime.StateMachines;

/// <summary>
/// The engine behind a generated state machine: a bounded two-priority mailbox, a single consumer that runs on the thread
/// pool (or inline on the caller's thread when the machine is idle), batching, supervision, lifecycle and telemetry.
/// Generated code derives one sealed class from it per machine type and implements <see cref="Dispatch"/>.
/// </summary>
/// <typeparam name="TValues">The generated struct of value-type message fields.</typeparam>
public abstract partial class StateMachineCore<TValues> : IThreadPoolWorkItem
    where TValues : struct
{
    // Every this many messages the consumer yields its thread if other work items are waiting.
    private const int DrainBudget = 256;

    // _running: who may handle messages now. Only the consumer sets it from Draining back to Idle, and only under the
    // mailbox lock, so a sender that reads Draining under that lock knows its message will be seen.
    private const int Idle = 0;
    private const int Draining = 1;
    private const int Inline = 2;

    private readonly StateMachineTypeInfo _type;
    private readonly IStateMachine _owner;
    private Mailbox<Envelope<TValues>>? _mailbox;
    private MailboxChunk<Envelope<TValues>>? _chunk;
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
    private long _pendingWaitTicks; // mailbox wait + 1 of the message being handled, recorded after its handler; 0 = none

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
    public int MailboxDepth => QueuedCount + (Volatile.Read(ref _chunk)?.Remaining ?? 0);

    // Created on first use, usually by the first sender: allocated apart from this object, so that the senders' writes
    // (its lock word and counts) do not share a cache line with the fields the consumer reads per message.
    private Mailbox<Envelope<TValues>> OpenMailbox
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref _mailbox) ?? CreateMailbox();
    }

    /// <summary>
    /// Messages accepted and not taken into the consumer's chunk (ingress queues and rings, and places reserved by senders
    /// about to append). A snapshot.
    /// </summary>
    private int QueuedCount => Volatile.Read(ref _mailbox) is { } mailbox ? (int)Math.Max(0, mailbox.ReservedCount - Volatile.Read(ref mailbox.Held)) : 0;

    private Mailbox<Envelope<TValues>> CreateMailbox()
    {
        Interlocked.CompareExchange(ref _mailbox, new Mailbox<Envelope<TValues>>(_type.HasHighPriority), null);
        var mailbox = _mailbox!;

        // A mailbox starts closed. Start opens the one it finds; this opens one created after Start looked (the two
        // interlocked operations, ours on _mailbox and Start's on _status, order it: one of us sees the other).
        if (Volatile.Read(ref _status) == (int)StateMachineStatus.Running)
        {
            SyncClosedFlag(mailbox);
        }

        return mailbox;
    }

    /// <summary>Opens the lock-free path while the machine runs, closes it otherwise.</summary>
    private void SyncClosedFlag(Mailbox<Envelope<TValues>> mailbox)
    {
        lock (mailbox)
        {
            if (_status == (int)StateMachineStatus.Running)
            {
                Interlocked.And(ref mailbox.Reserved, ~Mailbox<Envelope<TValues>>.ClosedFlag);
            }
            else
            {
                Interlocked.Or(ref mailbox.Reserved, Mailbox<Envelope<TValues>>.ClosedFlag);
            }
        }
    }

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
            Telemetry.MachineRegistry.Shared.Register(_owner);
            if (Volatile.Read(ref _mailbox) is { } mailbox)
            {
                SyncClosedFlag(mailbox);
            }
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
        lock (OpenMailbox)
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

            // Closed first: a sender whose lock-free reservation succeeded before this is accepted (and handled or
            // failed below); none succeeds after it.
            Interlocked.Or(ref OpenMailbox.Reserved, Mailbox<Envelope<TValues>>.ClosedFlag);
            _status = (int)StateMachineStatus.Stopping;
            _stopped ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            result = _stopped.Task;
            if (mode == StopMode.Immediate)
            {
                OpenMailbox.FailQueued = true;
                failed = TakeAllLocked();
            }

            ReleaseSpaceWaitersLocked(all: true);
        }

        FailAll(failed, StateMachineStatus.Stopped, null);

        // A consumer that let go while a partial batch waits for its delay is woken, so that a graceful stop hands the
        // batch over now instead of when the batch timer fires (the consumer takes a short batch at once once stopping).
        if (QueuedCount != 0)
        {
            ScheduleIfIdle();
        }

        TryCompleteStop();
        return result;
    }
}
