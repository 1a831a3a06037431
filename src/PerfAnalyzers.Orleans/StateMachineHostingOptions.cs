using Microsoft.Extensions.DependencyInjection;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Orleans;

/// <summary>How a silo creates and watches the state machines it hosts.</summary>
public sealed class StateMachineHostingOptions
{
    private readonly Dictionary<Type, Func<IServiceProvider, string, object>> _factories = new();

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
    /// reach the machine's bounded mailbox. Set <see langword="false"/> only when every handler is short (microseconds)
    /// and never blocks: each request then saves a thread-pool hop.
    /// </summary>
    public bool RunHandlersOffActivationTurn { get; set; } = true;

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
