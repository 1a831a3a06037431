namespace PerfAnalyzers.Orleans;

/// <summary>
/// Whether requests of one message type may skip the thread-pool hop of
/// <see cref="StateMachineHostingOptions.RunHandlersOffActivationTurn"/> and run on the grain activation's turn: once the
/// handler ran within <see cref="StateMachineHostingOptions.FastHandlerBudget"/> <see cref="FastRunsNeeded"/> times in a row
/// on the thread pool. A handling on the turn that takes longer sends the message type back to the thread pool and doubles
/// the run it needs (up to <see cref="MaxFastRunsNeeded"/>): a handler that is slow every time never runs on the turn, one
/// that is slow now and then (or met a GC pause) does so ever more rarely, and a fast one comes back after a pause.
/// Shared by every activation of the machine type in the process.
/// </summary>
internal sealed class TurnTrust
{
    /// <summary>Handlings within the budget, in a row, before a message type first runs on the turn.</summary>
    public const int FastRunsNeeded = 16;

    /// <summary>The longest run needed, after many slow handlings on the turn.</summary>
    public const int MaxFastRunsNeeded = 1 << 20;

    private int _fastRuns;
    private int _needed = FastRunsNeeded;

    /// <summary>True when requests of this message type may run on the activation's turn.</summary>
    public bool Trusted => Volatile.Read(ref _fastRuns) >= Volatile.Read(ref _needed);

    /// <summary>The run of fast handlings now needed (doubled by each slow handling on the turn).</summary>
    public int Needed => Volatile.Read(ref _needed);

    /// <summary>A handling on the thread pool that completed synchronously, in <see cref="System.Diagnostics.Stopwatch"/> ticks.</summary>
    public void ObserveHopped(long ticks, long budgetTicks)
    {
        if (ticks > budgetTicks)
        {
            Volatile.Write(ref _fastRuns, 0);
        }
        else if (Volatile.Read(ref _fastRuns) < Volatile.Read(ref _needed))
        {
            Interlocked.Increment(ref _fastRuns);
        }
    }

    /// <summary>A request run on the activation's turn (until it returned, completed or not).</summary>
    public void ObserveOnTurn(long ticks, long budgetTicks)
    {
        if (ticks > budgetTicks)
        {
            Volatile.Write(ref _needed, Math.Min(Volatile.Read(ref _needed) * 2, MaxFastRunsNeeded));
            Volatile.Write(ref _fastRuns, 0);
        }
    }
}
