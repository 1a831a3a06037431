using System.Diagnostics;
using System.Reflection;
using Orleans.Concurrency;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Orleans;

/// <summary>
/// Hosts one <typeparamref name="TMachine"/> per grain key. Activation creates and starts the machine; deactivation (idle
/// collection, silo shutdown, <c>DeactivateOnIdle</c>) stops it gracefully: it drains, so every message it accepted is
/// handled. State lives in the machine's fields, in memory: a new activation starts from the initial state.
/// </summary>
/// <remarks>
/// The grain is <see cref="ReentrantAttribute">reentrant</see>: Orleans hands every call to it at once, so calls land in
/// the machine's bounded mailbox, which applies its <see cref="MailboxFullMode"/> exactly as for local senders, instead
/// of waiting in Orleans' own unbounded activation queue. The machine keeps its one-handler-at-a-time guarantee itself.
/// </remarks>
/// <typeparam name="TMachine">A generated <c>[StateMachine]</c> class.</typeparam>
[Reentrant]
public sealed class StateMachineGrain<TMachine> : Grain, IStateMachineGrain<TMachine>, IAskHost<TMachine>
    where TMachine : class, IStateMachine
{
    private static readonly bool InlineCasts = typeof(TMachine).GetCustomAttribute<StateMachineAttribute>()?.InlineCasts ?? false;

    private readonly StateMachineHostingOptions _options;
    private readonly SiloStateMachines _silo;
    private readonly IServiceProvider _services;
    private TMachine? _machine;
    private TaskScheduler _turn = TaskScheduler.Default;

    /// <summary>Created by Orleans.</summary>
    public StateMachineGrain(StateMachineHostingOptions options, SiloStateMachines silo, IServiceProvider services)
    {
        _options = options;
        _silo = silo;
        _services = services;
    }

    private TMachine Machine => _machine ?? throw new InvalidOperationException("The state machine grain is not active.");

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _turn = TaskScheduler.Current;
        var machine = _options.Create<TMachine>(_services, this.GetPrimaryKeyString());
        machine.Start();
        _machine = machine;
        _silo.Activated(machine);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_machine is not { } machine)
        {
            return;
        }

        // Graceful: handle everything accepted. A machine that cannot drain in time fails its queued callers instead of
        // leaving them (and the silo's shutdown) waiting.
        var drained = machine.StopAsync(StopMode.Drain);
        try
        {
            await drained.WaitAsync(_options.DrainTimeout, cancellationToken).ConfigureAwait(true);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            await machine.StopAsync(StopMode.Immediate).ConfigureAwait(true);
        }
        finally
        {
            _silo.Deactivated(machine);
        }
    }

    /// <inheritdoc />
    public ValueTask<RemoteReply> AskAsync(object message, TimeSpan timeout) => AskAsync(message, timeout, CancellationToken.None);

    /// <inheritdoc />
    public ValueTask<RemotePostStatus> PostAsync(object message) => PostAsync(message, CancellationToken.None);

    /// <inheritdoc />
    public ValueTask<RemoteReply> AskAsync(object message, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var start = Stopwatch.GetTimestamp();
        var machine = Machine;
        var dispatcher = MessageDispatcher<TMachine>.For(message.GetType());
        if (dispatcher is null)
        {
            return new ValueTask<RemoteReply>(Reply(RemoteOutcome.UnknownMessage, $"State machine '{machine.MachineType}' takes no message of type '{message.GetType().FullName}'."));
        }

        // Off the activation's turn (the default): an idle machine runs a request on its caller's thread, and a handler
        // running on the grain's scheduler would hold every other call in Orleans' queue instead of the machine's mailbox.
        // The hop is a pooled thread-pool work item; a message type whose handler has proven fast skips it (TurnTrust).
        // A request handled on the turn allocates only its boxed reply.
        if (!_options.RunHandlersOffActivationTurn)
        {
            return dispatcher.AskRemote(this, machine, message, timeout, cancellationToken, start, hop: false, budgetTicks: 0);
        }

        var budget = _options.FastHandlerBudgetTicks;
        return dispatcher.AskRemote(this, machine, message, timeout, cancellationToken, start, hop: budget == 0 || !dispatcher.Trust.Trusted, budget);
    }

    RemoteReply IAskHost<TMachine>.Handled(TMachine machine, string messageName, object? value, long start, long end)
    {
        _silo.RecordRequest(machine.MachineType, messageName, start, end);
        return new RemoteReply(RemoteOutcome.Handled, value, null, _silo.Silo);
    }

    // The runtime's own exceptions become data (the caller re-throws them); null for the handler's own exception, which
    // Orleans carries to the caller (supervision has already applied). May run off the activation's turn.
    RemoteReply? IAskHost<TMachine>.Failed(Exception exception, TMachine machine, string messageName, long start, CancellationToken cancellationToken)
    {
        switch (exception)
        {
            case MailboxFullException e:
                _silo.RecordRefused(machine.MachineType, messageName, "full");
                return Reply(RemoteOutcome.MailboxFull, e.Message);
            case MessageDroppedException e:
                _silo.RecordRefused(machine.MachineType, messageName, "dropped");
                return Reply(RemoteOutcome.Dropped, e.Message);
            case StateMachineStoppedException e:
                _silo.RecordRefused(machine.MachineType, messageName, "stopped");
                DeactivateIfDead(machine);
                return Reply(RemoteOutcome.Stopped, e.Message);
            case UnhandledMessageException e:
                _silo.RecordRequest(machine.MachineType, messageName, start);
                return Reply(RemoteOutcome.Unhandled, e.State);
            case TimeoutException e:
                return Reply(RemoteOutcome.TimedOut, e.Message);
            case OperationCanceledException e when cancellationToken.IsCancellationRequested:
                return Reply(RemoteOutcome.Canceled, e.Message);
            default:
                _silo.RecordRequest(machine.MachineType, messageName, start);
                DeactivateIfDead(machine);
                return null;
        }
    }

    /// <inheritdoc />
    public ValueTask<RemotePostStatus> TryPostAsync(object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var machine = Machine;
        var dispatcher = MessageDispatcher<TMachine>.For(message.GetType()) ?? throw UnknownMessage(machine, message);
        if (InlineCasts && _options.RunHandlersOffActivationTurn)
        {
            // [StateMachine(InlineCasts = true)] runs a cast to an idle machine on the sender's thread: not the grain's.
            return new ValueTask<RemotePostStatus>(Task.Run(() => Posted(machine, dispatcher, dispatcher.TryPost(machine, message))));
        }

        return new ValueTask<RemotePostStatus>(Posted(machine, dispatcher, dispatcher.TryPost(machine, message)));
    }

    /// <inheritdoc />
    public async ValueTask<RemotePostStatus> PostAsync(object message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var machine = Machine;
        var dispatcher = MessageDispatcher<TMachine>.For(message.GetType()) ?? throw UnknownMessage(machine, message);
        var status = InlineCasts && _options.RunHandlersOffActivationTurn
            ? await Task.Run(() => dispatcher.PostAsync(machine, message, cancellationToken).AsTask(), CancellationToken.None)
            : await dispatcher.PostAsync(machine, message, cancellationToken);
        return Posted(machine, dispatcher, status);
    }

    /// <inheritdoc />
    public ValueTask<RemoteMachineStatus> GetStatusAsync()
    {
        var machine = Machine;
        return new ValueTask<RemoteMachineStatus>(new RemoteMachineStatus(this.GetPrimaryKeyString(), _silo.Silo, machine.Status.ToString(), machine.StateName, machine.MailboxDepth));
    }

    private static ArgumentException UnknownMessage(TMachine machine, object message)
        => new($"State machine '{machine.MachineType}' takes no message of type '{message.GetType().FullName}'.", nameof(message));

    private RemoteReply Reply(RemoteOutcome outcome, string error) => new(outcome, null, error, _silo.Silo);

    private RemotePostStatus Posted(TMachine machine, MessageDispatcher<TMachine> dispatcher, PostStatus status)
    {
        switch (status)
        {
            case PostStatus.Accepted:
                _silo.RecordCast();
                break;
            case PostStatus.Rejected:
                _silo.RecordRefused(machine.MachineType, dispatcher.MessageName, "full");
                break;
            default:
                _silo.RecordRefused(machine.MachineType, dispatcher.MessageName, "stopped");
                DeactivateIfDead(machine);
                break;
        }

        return (RemotePostStatus)status;
    }

    // A machine stopped by supervision (or faulted) takes nothing more: let Orleans collect this activation, so the next
    // call gets a fresh machine (from the initial state).
    private void DeactivateIfDead(TMachine machine)
    {
        if (machine.Status is not (StateMachineStatus.Faulted or StateMachineStatus.Stopped))
        {
            return;
        }

        if (TaskScheduler.Current == _turn)
        {
            DeactivateOnIdle();
        }
        else
        {
            // A request that completed off the activation's turn: deactivate on it.
            _ = Task.Factory.StartNew(static grain => ((StateMachineGrain<TMachine>)grain!).DeactivateOnIdle(), this, CancellationToken.None, TaskCreationOptions.None, _turn);
        }
    }
}
