namespace PerfAnalyzers.Runtime.Tests.Concurrency;

/// <summary>Counts items taken from a source, started, and finished, and remembers the highest number in flight.</summary>
internal sealed class InFlightTracker
{
    private int _inFlight;
    private int _maxInFlight;
    private int _pulled;
    private int _finished;
    private int _maxPulledNotFinished;

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public int Pulled => Volatile.Read(ref _pulled);

    public int Finished => Volatile.Read(ref _finished);

    /// <summary>The most source elements ever taken but not yet finished (what the run holds in memory).</summary>
    public int MaxPulledNotFinished => Volatile.Read(ref _maxPulledNotFinished);

    /// <summary>Call from the source when it hands out an element.</summary>
    public void OnPulled()
    {
        var pulled = Interlocked.Increment(ref _pulled);
        Raise(ref _maxPulledNotFinished, pulled - Volatile.Read(ref _finished));
    }

    public void OnStarted() => Raise(ref _maxInFlight, Interlocked.Increment(ref _inFlight));

    public void OnFinished()
    {
        Interlocked.Decrement(ref _inFlight);
        Interlocked.Increment(ref _finished);
    }

    private static void Raise(ref int max, int value)
    {
        var current = Volatile.Read(ref max);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref max, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
