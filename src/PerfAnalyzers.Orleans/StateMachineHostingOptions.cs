using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Orleans;

/// <summary>How a silo creates and watches the state machines it hosts.</summary>
public sealed class StateMachineHostingOptions
{
    private readonly Dictionary<Type, Func<IServiceProvider, string, object>> _factories = new();
    private TimeSpan _fastHandlerBudget = TimeSpan.FromMilliseconds(1);

    /// <summary>The SLO window (default 60 seconds, the seed's one-minute check).</summary>
    public TimeSpan SloWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the silo's SLOs are evaluated (default 10 seconds).</summary>
    public TimeSpan SloEvaluationInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a deactivating grain waits for its machine to drain (default 30 seconds). Past it, the machine is stopped
    /// with <see cref="StopMode.Immediate"/>: its queued callers get <see cref="StateMachineStoppedException"/>, never a hang.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether requests and inline casts run on the thread pool rather than on the grain activation's turn (default
    /// <see langword="true"/>). An idle machine runs a request's handler on its caller's thread: on the activation's turn,
    /// a slow synchronous handler would hold every other call in Orleans' own (unbounded) queue instead of letting it
    /// reach the machine's bounded mailbox. Message types whose handler has proven fast skip the hop (see
    /// <see cref="FastHandlerBudget"/>). Set <see langword="false"/> only when every handler is short (microseconds) and
    /// never blocks: no request then hops.
    /// </summary>
    public bool RunHandlersOffActivationTurn { get; set; } = true;

    /// <summary>
    /// With <see cref="RunHandlersOffActivationTurn"/>, the hop is skipped for a message type whose handler has proven fast:
    /// once it ran within this time 16 times in a row on the thread pool, its requests run on the activation's turn, until
    /// one of them takes longer there; then that message type hops again and needs a run twice as long to come back (a
    /// handler that is slow every time never runs on the turn). Default 1 ms; <see cref="TimeSpan.Zero"/>: always hop.
    /// </summary>
    public TimeSpan FastHandlerBudget
    {
        get => _fastHandlerBudget;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _fastHandlerBudget = value;
            FastHandlerBudgetTicks = (long)(value.TotalSeconds * Stopwatch.Frequency);
        }
    }

    internal long FastHandlerBudgetTicks { get; private set; } = (long)(0.001 * Stopwatch.Frequency);

    /// <summary>
    /// Creates <typeparamref name="TMachine"/> instances from the grain key with <paramref name="factory"/>. Without a
    /// factory, the machine is created by dependency injection, with the key for a <see cref="string"/> constructor parameter.
    /// </summary>
    public StateMachineHostingOptions Add<TMachine>(Func<IServiceProvider, string, TMachine> factory)
        where TMachine : class, IStateMachine
    {
        ArgumentNullException.ThrowIfNull(factory);
        _factories[typeof(TMachine)] = factory;
        return this;
    }

    /// <summary>Creates <typeparamref name="TMachine"/> instances from the grain key with <paramref name="factory"/>.</summary>
    public StateMachineHostingOptions Add<TMachine>(Func<string, TMachine> factory)
        where TMachine : class, IStateMachine
    {
        ArgumentNullException.ThrowIfNull(factory);
        return Add<TMachine>((_, key) => factory(key));
    }

    internal TMachine Create<TMachine>(IServiceProvider services, string key)
        where TMachine : class, IStateMachine
        => _factories.TryGetValue(typeof(TMachine), out var factory)
            ? (TMachine)factory(services, key)
            : ActivatorUtilities.CreateInstance<TMachine>(services, key);
}
