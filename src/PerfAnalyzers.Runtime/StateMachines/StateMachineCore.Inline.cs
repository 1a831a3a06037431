using System.Threading;
using System.Runtime.CompilerServices;

namespace PerfAnalyzers.Runtime.StateMachines;

// Inline execution: a request runs on the caller's thread when the machine is idle.
public abstract partial class StateMachineCore<TValues>
{
    /// <summary>
    /// Claims the machine to run one request on the caller's thread: true only if it is running, its mailbox is empty and
    /// no handler runs. The caller must then call <see cref="ExitInline"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryEnterInline()
    {
        if (Volatile.Read(ref _status) != (int)StateMachineStatus.Running || QueuedCount != 0 || Interlocked.CompareExchange(ref _running, Inline, Idle) != Idle)
        {
            return false;
        }

        if (QueuedCount == 0)
        {
            return true;
        }

        // Messages arrived meanwhile: they go first; we own the machine, so become its consumer.
        Volatile.Write(ref _running, Draining);
        Schedule();
        return false;
    }

    /// <summary>Releases the machine after an inline request; starts the consumer if messages arrived meanwhile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ExitInline()
    {
        // No held chunk to look at: the claim an inline caller took was Idle, and the consumer lets go of it only once its
        // chunk is done (an async handler inside a chunk ends through ReleaseAfterPendingHandler instead).
        Interlocked.Exchange(ref _running, Idle);
        if (QueuedCount != 0 || Volatile.Read(ref _status) != (int)StateMachineStatus.Running)
        {
            ExitInlineSlow();
        }
    }

    private void ExitInlineSlow()
    {
        if (QueuedCount != 0 && Interlocked.CompareExchange(ref _running, Draining, Idle) == Idle)
        {
            Schedule();
        }
        else
        {
            TryCompleteStop();
        }
    }
}
