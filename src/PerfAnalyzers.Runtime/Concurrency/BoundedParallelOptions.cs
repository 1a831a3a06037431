using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace PerfAnalyzers.Runtime.Concurrency;

/// <summary>What <see cref="BoundedParallel"/> does when an item exceeds <see cref="BoundedParallelOptions.ItemTimeout"/>.</summary>
public enum ItemTimeoutBehavior
{
    /// <summary>The run fails with a <see cref="TimeoutException"/> for the item, and the other items are cancelled.</summary>
    FailAll,

    /// <summary>
    /// The item is dropped from the results and reported to <see cref="BoundedParallelOptions.ItemSkipped"/>; the run
    /// goes on (Elixir's <c>Task.async_stream(..., on_timeout: :kill_task)</c>).
    /// </summary>
    SkipItem,
}

/// <summary>Limits and timeouts for a <see cref="BoundedParallel"/> run.</summary>
public sealed class BoundedParallelOptions
{
    private readonly int _maxConcurrency = Environment.ProcessorCount;
    private readonly TimeSpan? _itemTimeout;

    /// <summary>The most items in flight at once (at least 1). Default: <see cref="Environment.ProcessorCount"/>.</summary>
    public int MaxConcurrency
    {
        get => _maxConcurrency;
        init => _maxConcurrency = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxConcurrency), value, "MaxConcurrency must be at least 1.");
    }

    /// <summary>
    /// How long one item may run. When it elapses the item's <see cref="CancellationToken"/> is cancelled; the item
    /// stops when it observes the token (.NET cannot kill a task), and until then it still counts as in flight.
    /// Default: no timeout.
    /// </summary>
    public TimeSpan? ItemTimeout
    {
        get => _itemTimeout;
        init => _itemTimeout = value is null || value.Value > TimeSpan.Zero || value.Value == Timeout.InfiniteTimeSpan
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ItemTimeout), value, "ItemTimeout must be positive.");
    }

    /// <summary>What a timed-out item does to the run. Default: <see cref="ItemTimeoutBehavior.FailAll"/>.</summary>
    public ItemTimeoutBehavior OnItemTimeout { get; init; } = ItemTimeoutBehavior.FailAll;

    /// <summary>
    /// Called with the zero-based source index of each item skipped by <see cref="ItemTimeoutBehavior.SkipItem"/>.
    /// It may run on several threads at once.
    /// </summary>
    public Action<long>? ItemSkipped { get; init; }
}
