using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace PerfAnalyzers.Runtime.Telemetry;

/// <summary>
/// Watches GC memory for leaks (the seed's <c>memory_tracking_loop</c> / <c>check_for_memory_leak</c>): samples memory
/// every <see cref="MemoryWatchOptions.SampleInterval"/>, and at the end of each <see cref="MemoryWatchOptions.Window"/>
/// compares the last sample with the first. Growth above <see cref="MemoryWatchOptions.GrowthThreshold"/> raises
/// <see cref="GrowthDetected"/> and adds to the <c>perfanalyzers.memory.growth_alerts</c> counter; every completed window
/// raises <see cref="WindowCompleted"/> and records its growth in the <c>perfanalyzers.memory.window_growth</c> histogram.
/// Windows are consecutive (tumbling), as in the seed: the last sample of one window starts the next.
/// </summary>
/// <remarks>
/// The default reader is the managed heap size at the last garbage collection (<see cref="GCMemoryInfo.HeapSizeBytes"/>),
/// which follows live data rather than the allocation rate; before the first collection it is
/// <see cref="GC.GetTotalMemory(bool)"/>. Pass another reader (e.g. the process working set) to the constructor.
/// </remarks>
public sealed class MemoryWatch : IDisposable
{
    private readonly TimeProvider _timeProvider;
    private readonly Func<long> _readMemory;
    private readonly Func<IReadOnlyDictionary<string, long>>? _readComponents;
    private readonly object _gate = new();
    private MemorySample? _windowStart;
    private MemorySample? _last;
    private ITimer? _timer;
    private bool _disposed;

    /// <summary>Creates a watch; call <see cref="Start"/> to sample on a timer, or <see cref="SampleNow"/> yourself.</summary>
    /// <param name="options">Interval, window and threshold (defaults: 1 minute, 10 minutes, 20%).</param>
    /// <param name="timeProvider">The clock and timer source (default <see cref="TimeProvider.System"/>).</param>
    /// <param name="memoryReader">Returns the memory figure in bytes (default: GC heap size, see remarks).</param>
    /// <param name="componentsReader">
    /// Returns the parts of the figure by name, to tell which grew (the seed's "Process heaps / Binary data / ETS tables
    /// growing"). Default: with the default <paramref name="memoryReader"/>, the GC generation sizes after the last
    /// collection (<c>gen0</c>, <c>gen1</c>, <c>gen2</c>, <c>loh</c>, <c>poh</c>); with a custom reader, none.
    /// </param>
    public MemoryWatch(
        MemoryWatchOptions? options = null,
        TimeProvider? timeProvider = null,
        Func<long>? memoryReader = null,
        Func<IReadOnlyDictionary<string, long>>? componentsReader = null)
    {
        Options = options ?? new MemoryWatchOptions();
        if (Options.SampleInterval <= TimeSpan.Zero || Options.Window < Options.SampleInterval)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "SampleInterval must be positive and no longer than Window.");
        }

        if (!(Options.GrowthThreshold >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(options), "GrowthThreshold must be 0 or more.");
        }

        _timeProvider = timeProvider ?? TimeProvider.System;
        _readMemory = memoryReader ?? ReadGcHeapBytes;
        _readComponents = componentsReader ?? (memoryReader is null ? ReadGcGenerations : null);
    }

    /// <summary>The settings.</summary>
    public MemoryWatchOptions Options { get; }

    /// <summary>Raised when memory grew by more than the threshold over a window. Handler exceptions are caught.</summary>
    public event EventHandler<MemoryWindowEventArgs>? GrowthDetected;

    /// <summary>Raised at the end of every window, whether or not memory grew (the seed's "Memory stable" line). Handler exceptions are caught.</summary>
    public event EventHandler<MemoryWindowEventArgs>? WindowCompleted;

    /// <summary>The latest sample, if any.</summary>
    public MemorySample? LastSample
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    /// <summary>Takes a first sample now and then one every <see cref="MemoryWatchOptions.SampleInterval"/>. Calling it again has no effect.</summary>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_timer is not null)
            {
                return;
            }

            _timer = _timeProvider.CreateTimer(static state => ((MemoryWatch)state!).OnTimer(), this, Options.SampleInterval, Options.SampleInterval);
        }

        SampleNow();
    }

    /// <summary>Takes one sample; returns the window it completed, if it completed one.</summary>
    public MemoryWindowEventArgs? SampleNow()
    {
        MemoryWindowEventArgs? completed = null;
        lock (_gate)
        {
            var sample = new MemorySample(_timeProvider.GetUtcNow(), _readMemory(), _readComponents?.Invoke());
            _last = sample;
            if (_windowStart is not { } start)
            {
                _windowStart = sample;
                return null;
            }

            if (sample.At - start.At >= Options.Window)
            {
                double growth = start.Bytes > 0 ? (sample.Bytes - start.Bytes) / (double)start.Bytes : 0;
                completed = new MemoryWindowEventArgs(start, sample, growth, Options.GrowthThreshold);
                _windowStart = sample;
            }
        }

        if (completed is not null)
        {
            Report(completed);
        }

        return completed;
    }

    /// <summary>Stops the timer.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
        }

        SampleNow();
    }

    private void Report(MemoryWindowEventArgs window)
    {
        var tags = new TagList { { TelemetryNames.WatchTag, Options.Name } };
        TelemetryInstruments.MemoryWindowGrowth.Record(window.Growth, tags);
        if (window.IsAboveThreshold)
        {
            TelemetryInstruments.MemoryGrowthAlerts.Add(1, tags);
            Raise(GrowthDetected, window);
        }

        Raise(WindowCompleted, window);
    }

    private void Raise(EventHandler<MemoryWindowEventArgs>? handlers, MemoryWindowEventArgs args)
    {
        if (handlers is null)
        {
            return;
        }

        foreach (EventHandler<MemoryWindowEventArgs> handler in handlers.GetInvocationList())
        {
            try
            {
                handler(this, args);
            }
            catch (Exception)
            {
                // A failing subscriber must not stop the watch or crash the timer thread.
            }
        }
    }

    private static readonly string[] GenerationNames = { "gen0", "gen1", "gen2", "loh", "poh" };

    private static IReadOnlyDictionary<string, long> ReadGcGenerations()
    {
        GCMemoryInfo info = GC.GetGCMemoryInfo();
        ReadOnlySpan<GCGenerationInfo> generations = info.GenerationInfo;
        var sizes = new Dictionary<string, long>(generations.Length, StringComparer.Ordinal);
        for (int i = 0; i < generations.Length && i < GenerationNames.Length; i++)
        {
            sizes[GenerationNames[i]] = generations[i].SizeAfterBytes;
        }

        return sizes;
    }

    private static long ReadGcHeapBytes()
    {
        GCMemoryInfo info = GC.GetGCMemoryInfo();
        return info.Index == 0 ? GC.GetTotalMemory(forceFullCollection: false) : info.HeapSizeBytes;
    }
}

/// <summary>Settings of a <see cref="MemoryWatch"/>; the defaults are the seed's.</summary>
public sealed class MemoryWatchOptions
{
    /// <summary>The watch's name: the <c>perfanalyzers.watch</c> tag (default <c>gc-heap</c>).</summary>
    public string Name { get; init; } = "gc-heap";

    /// <summary>How often memory is sampled (default 1 minute).</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The span growth is measured over (default 10 minutes).</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The growth ratio above which a window is reported (default 0.20, i.e. 20%).</summary>
    public double GrowthThreshold { get; init; } = 0.20;
}

/// <summary>One memory reading.</summary>
/// <param name="At">When it was taken (from the watch's <see cref="TimeProvider"/>).</param>
/// <param name="Bytes">The memory figure in bytes.</param>
/// <param name="Components">Its parts by name (e.g. GC generations), if the watch reads them.</param>
public readonly record struct MemorySample(DateTimeOffset At, long Bytes, IReadOnlyDictionary<string, long>? Components = null);

/// <summary>A completed <see cref="MemoryWatch"/> window.</summary>
public sealed class MemoryWindowEventArgs : EventArgs
{
    internal MemoryWindowEventArgs(MemorySample start, MemorySample end, double growth, double threshold)
    {
        Start = start;
        End = end;
        Growth = growth;
        Threshold = threshold;
    }

    /// <summary>The first sample of the window.</summary>
    public MemorySample Start { get; }

    /// <summary>The last sample of the window.</summary>
    public MemorySample End { get; }

    /// <summary>(End − Start) / Start: 0.25 means +25%; 0 when Start is 0.</summary>
    public double Growth { get; }

    /// <summary>The threshold in force.</summary>
    public double Threshold { get; }

    /// <summary>Whether <see cref="Growth"/> exceeds <see cref="Threshold"/>.</summary>
    public bool IsAboveThreshold => Growth > Threshold;

    /// <summary>The components larger at the end of the window than at its start, in the reader's order (empty without components).</summary>
    public IReadOnlyList<string> GrowingComponents
    {
        get
        {
            var growing = new List<string>();
            if (Start.Components is { } start && End.Components is { } end)
            {
                foreach (KeyValuePair<string, long> component in end)
                {
                    if (start.TryGetValue(component.Key, out long before) && component.Value > before)
                    {
                        growing.Add(component.Key);
                    }
                }
            }

            return growing;
        }
    }

    /// <inheritdoc />
    public override string ToString()
    {
        double minutes = (End.At - Start.At).TotalMinutes;
        if (!IsAboveThreshold)
        {
            return FormattableString.Invariant($"Memory stable: {Growth * 100:0.0}% growth over {minutes:0.#} minutes");
        }

        string warning = FormattableString.Invariant($"WARNING: Memory grew {Growth * 100:0.0}% over {minutes:0.#} minutes ({Start.Bytes} -> {End.Bytes} bytes)");
        IReadOnlyList<string> growing = GrowingComponents;
        return growing.Count == 0 ? warning : warning + "; growing: " + string.Join(", ", growing);
    }
}
