namespace PerfAnalyzers.Orleans;

/// <summary>
/// Whether requests of one message type may skip the thread-pool hop of
/// <see cref="StateMachineHostingOptions.RunHandlersOffActivationTurn"/> and run on the grain activation's turn: once the
/// handler ran within <see cref="StateMachineHostingOptions.FastHandlerBudget"/> <see cref="FastRunsNeeded"/> times in a row
/// on the thread pool, and never after it took longer on the turn (one over-budget handling on the turn at most, per
/// message type and process). Shared by every activation of the machine type in the process.
/// </summary>
internal sealed class TurnTrust
{
    /// <summary>Handlings within the budget, in a row, before a message type runs on the turn.</summary>
    public const int FastRunsNeeded = 16;

    private int _fastRuns;
    private int _never;

    /// <summary>True when requests of this message type may run on the activation's turn.</summary>
    public bool Trusted => Volatile.Read(ref _fastRuns) >= FastRunsNeeded && Volatile.Read(ref _never) == 0;

    /// <summary>A handling on the thread pool that completed synchronously, in <see cref="System.Diagnostics.Stopwatch"/> ticks.</summary>
    public void ObserveHopped(long ticks, long budgetTicks)
    {
        if (ticks > budgetTicks)
        {
            Volatile.Write(ref _fastRuns, 0);
        }
        else if (Volatile.Read(ref _fastRuns) < FastRunsNeeded)
        {
            Interlocked.Increment(ref _fastRuns);
        }
    }

    /// <summary>A request run on the activation's turn (until it returned, completed or not).</summary>
    public void ObserveOnTurn(long ticks, long budgetTicks)
    {
        if (ticks > budgetTicks)
        {
            Volatile.Write(ref _never, 1);
        }
    }
}
