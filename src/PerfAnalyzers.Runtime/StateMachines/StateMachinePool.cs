using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace PerfAnalyzers.Runtime.StateMachines;

/// <summary>
/// A fixed pool of state machines of one type, to spread load (the seed's <c>load_balanced_fsm_pool</c>):
/// <see cref="LeastLoaded"/> routes to the machine with the shallowest mailbox (the seed's <c>route_operation</c>);
/// <see cref="ForKey{TKey}"/> routes one key always to the same machine, so one key's messages stay in order.
/// </summary>
/// <typeparam name="TMachine">The generated machine type.</typeparam>
public sealed class StateMachinePool<TMachine> : IAsyncDisposable
    where TMachine : class, IStateMachine
{
    private readonly TMachine[] _machines;
    private int _next;

    /// <summary>Creates <paramref name="size"/> machines with <paramref name="create"/> (given the index); call <see cref="Start"/>.</summary>
    public StateMachinePool(int size, Func<int, TMachine> create)
    {
        if (size <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "A pool needs at least one machine.");
        }

        ArgumentNullException.ThrowIfNull(create);
        _machines = new TMachine[size];
        for (var i = 0; i < size; i++)
        {
            _machines[i] = create(i) ?? throw new InvalidOperationException("The factory returned null.");
        }
    }

    /// <summary>The number of machines.</summary>
    public int Count => _machines.Length;

    /// <summary>The machine at <paramref name="index"/>.</summary>
    public TMachine this[int index] => _machines[index];

    /// <summary>Every machine.</summary>
    public IReadOnlyList<TMachine> Machines => _machines;

    /// <summary>Messages waiting in all mailboxes.</summary>
    public int TotalMailboxDepth
    {
        get
        {
            var total = 0;
            foreach (var machine in _machines)
            {
                total += machine.MailboxDepth;
            }

            return total;
        }
    }

    /// <summary>Starts every machine.</summary>
    public void Start()
    {
        foreach (var machine in _machines)
        {
            machine.Start();
        }
    }

    /// <summary>
    /// The machine with the fewest waiting messages. Pools of up to 16 are scanned (ties go round-robin, so idle machines
    /// share the load); larger pools compare two machines picked round-robin ("power of two choices").
    /// </summary>
    public TMachine LeastLoaded()
    {
        var machines = _machines;
        var start = (int)((uint)Interlocked.Increment(ref _next) % (uint)machines.Length);
        if (machines.Length <= 16)
        {
            var best = machines[start];
            var bestDepth = best.MailboxDepth;
            for (var i = 1; i < machines.Length && bestDepth != 0; i++)
            {
                var candidate = machines[(start + i) % machines.Length];
                var depth = candidate.MailboxDepth;
                if (depth < bestDepth)
                {
                    best = candidate;
                    bestDepth = depth;
                }
            }

            return best;
        }

        var first = machines[start];
        var second = machines[(start + (machines.Length / 2) + 1) % machines.Length];
        return second.MailboxDepth < first.MailboxDepth ? second : first;
    }

    /// <summary>The machine that owns <paramref name="key"/>: always the same one for equal keys.</summary>
    public TMachine ForKey<TKey>(TKey key)
        where TKey : notnull
    {
        var hash = (uint)EqualityComparer<TKey>.Default.GetHashCode(key);
        // Fibonacci hashing spreads keys whose hash codes are sequential.
        var index = (int)((hash * 2654435769u) % (uint)_machines.Length);
        return _machines[index];
    }

    /// <summary>Stops every machine (draining by default).</summary>
    public Task StopAsync(StopMode mode = StopMode.Drain)
    {
        var stops = new Task[_machines.Length];
        for (var i = 0; i < _machines.Length; i++)
        {
            stops[i] = _machines[i].StopAsync(mode);
        }

        return Task.WhenAll(stops);
    }

    /// <summary>Stops every machine gracefully.</summary>
    public ValueTask DisposeAsync() => new(StopAsync());
}
