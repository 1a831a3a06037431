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
public sealed class StateMachineGrain<TMachine> : Grain, IStateMachineGrain<TMachine>
    where TMachine : class, IStateMachine
{
    private static readonly bool InlineCasts = typeof(TMachine).GetCustomAttribute<StateMachineAttribute>()?.InlineCasts ?? false;

    private readonly StateMachineHostingOptions _options;
    private readonly SiloStateMachines _silo;
    private readonly IServiceProvider _services;
    private TMachine? _machine;

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
    public async Task<RemoteReply> AskAsync(object message, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var start = Stopwatch.GetTimestamp();
        var machine = Machine;
        var dispatcher = MessageDispatcher<TMachine>.For(message.GetType());
        if (dispatcher is null)
        {
            return Reply(RemoteOutcome.UnknownMessage, $"State machine '{machine.MachineType}' takes no message of type '{message.GetType().FullName}'.");
        }

        try
        {
            // Off the activation's turn: an idle machine runs a request on its caller's thread, and a handler running on
            // the grain's scheduler would hold every other call in Orleans' queue instead of the machine's mailbox.
            var value = _options.RunHandlersOffActivationTurn
                ? await Task.Run(() => dispatcher.AskAsync(machine, message, timeout, cancellationToken).AsTask(), CancellationToken.None)
                : await dispatcher.AskAsync(machine, message, timeout, cancellationToken);
            _silo.RecordRequest(machine.MachineType, dispatcher.MessageName, start);
            return new RemoteReply(RemoteOutcome.Handled, value, null, _silo.Silo);
        }
        catch (MailboxFullException e)
        {
            _silo.RecordRefused(machine.MachineType, dispatcher.MessageName, "full");
            return Reply(RemoteOutcome.MailboxFull, e.Message);
        }
        catch (MessageDroppedException e)
        {
            _silo.RecordRefused(machine.MachineType, dispatcher.MessageName, "dropped");
            return Reply(RemoteOutcome.Dropped, e.Message);
        }
        catch (StateMachineStoppedException e)
        {
            _silo.RecordRefused(machine.MachineType, dispatcher.MessageName, "stopped");
            DeactivateIfDead(machine);
            return Reply(RemoteOutcome.Stopped, e.Message);
        }
        catch (UnhandledMessageException e)
        {
            _silo.RecordRequest(machine.MachineType, dispatcher.MessageName, start);
            return Reply(RemoteOutcome.Unhandled, e.State);
        }
        catch (TimeoutException e)
        {
            return Reply(RemoteOutcome.TimedOut, e.Message);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            return Reply(RemoteOutcome.Canceled, e.Message);
        }
        catch
        {
            // The handler's own exception: Orleans carries it to the caller; supervision has already applied.
            _silo.RecordRequest(machine.MachineType, dispatcher.MessageName, start);
            DeactivateIfDead(machine);
            throw;
        }
    }

    /// <inheritdoc />
    public Task<RemotePostStatus> TryPostAsync(object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var machine = Machine;
        var dispatcher = MessageDispatcher<TMachine>.For(message.GetType()) ?? throw UnknownMessage(machine, message);
        if (InlineCasts && _options.RunHandlersOffActivationTurn)
        {
            // [StateMachine(InlineCasts = true)] runs a cast to an idle machine on the sender's thread: not the grain's.
            return Task.Run(() => Posted(machine, dispatcher, dispatcher.TryPost(machine, message)));
        }

        return Task.FromResult(Posted(machine, dispatcher, dispatcher.TryPost(machine, message)));
    }

    /// <inheritdoc />
    public async Task<RemotePostStatus> PostAsync(object message, CancellationToken cancellationToken = default)
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
    public Task<RemoteMachineStatus> GetStatusAsync()
    {
        var machine = Machine;
        return Task.FromResult(new RemoteMachineStatus(this.GetPrimaryKeyString(), _silo.Silo, machine.Status.ToString(), machine.StateName, machine.MailboxDepth));
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
        if (machine.Status is StateMachineStatus.Faulted or StateMachineStatus.Stopped)
        {
            DeactivateOnIdle();
        }
    }
}
