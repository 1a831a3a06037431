using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Runtime.Telemetry;

/// <summary>
/// Evaluates latency SLOs over sliding windows, in process (the seed's <c>monitor_slo_compliance</c>): every
/// <see cref="EvaluationInterval"/> it judges each objective on its window, raises <see cref="Violated"/> and adds to the
/// <c>statemachine.slo.violations</c> counter for each exceeded percentile, then rotates the windows.
/// </summary>
/// <remarks>
/// A target's window is split into ceil(window / evaluation interval) intervals, so the window slides by one evaluation
/// interval at a time. Percentiles come from <see cref="LatencyHistogram"/> (within 0.8% of exact). Time comes from the
/// <see cref="TimeProvider"/> given to the constructor, so tests can drive it with a fake one.
/// </remarks>
public sealed class SloMonitor : IDisposable
{
    private readonly TimeProvider _timeProvider;
    private readonly object _gate = new();
    private SloTracker[] _trackers = Array.Empty<SloTracker>();
    private ITimer? _timer;
    private bool _disposed;
    private int _version;

    /// <summary>Creates a monitor; call <see cref="Start"/> to evaluate on a timer, or <see cref="EvaluateAndRotate"/> yourself.</summary>
    /// <param name="evaluationInterval">How often to evaluate (default 10 seconds).</param>
    /// <param name="timeProvider">The clock and timer source (default <see cref="TimeProvider.System"/>).</param>
    public SloMonitor(TimeSpan? evaluationInterval = null, TimeProvider? timeProvider = null)
    {
        EvaluationInterval = evaluationInterval ?? TimeSpan.FromSeconds(10);
        if (EvaluationInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(evaluationInterval), EvaluationInterval, "The evaluation interval must be positive.");
        }

        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>How often the windows are evaluated and slid.</summary>
    public TimeSpan EvaluationInterval { get; }

    /// <summary>Raised once per exceeded percentile per evaluation. Exceptions thrown by handlers are caught so monitoring goes on.</summary>
    public event EventHandler<SloViolationEventArgs>? Violated;

    /// <summary>The tracked targets.</summary>
    public IReadOnlyList<SloTracker> Trackers => Volatile.Read(ref _trackers);

    /// <summary>The window used when <c>Track</c> is given none (default 60 seconds, the seed's one-minute check).</summary>
    public TimeSpan DefaultWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Tracks an objective (e.g. one of a generated machine's <c>SloTargets</c>); record latencies into the returned
    /// tracker, or let a <see cref="StateMachineLatencyListener"/> do it. The window is split into
    /// ceil(window / <see cref="EvaluationInterval"/>) intervals.
    /// </summary>
    /// <param name="machine">The machine type name (the <c>statemachine.type</c> tag).</param>
    /// <param name="message">The message type name, or <see langword="null"/> for every message of the machine.</param>
    /// <param name="p95Seconds">The 95th-percentile target in seconds, if any.</param>
    /// <param name="p99Seconds">The 99th-percentile target in seconds, if any.</param>
    /// <param name="window">The sliding window (default <see cref="DefaultWindow"/>).</param>
    /// <param name="minimumCount">The fewest samples in the window for the objective to be judged (default 1, as in the seed).</param>
    public SloTracker Track(string machine, string? message, double? p95Seconds, double? p99Seconds, TimeSpan? window = null, int minimumCount = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(machine);
        TimeSpan span = window ?? DefaultWindow;
        if (span <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(window), span, "The SLO window must be positive.");
        }

        if (p95Seconds is <= 0 || p99Seconds is <= 0)
        {
            throw new ArgumentOutOfRangeException(p95Seconds is <= 0 ? nameof(p95Seconds) : nameof(p99Seconds), "A percentile target must be positive.");
        }

        int intervals = (int)Math.Min(10_000, Math.Max(1, Math.Ceiling(span.Ticks / (double)EvaluationInterval.Ticks)));
        var tracker = new SloTracker(machine, message, p95Seconds, p99Seconds, span, minimumCount, intervals);
        lock (_gate)
        {
            var next = new SloTracker[_trackers.Length + 1];
            _trackers.CopyTo(next, 0);
            next[^1] = tracker;
            Volatile.Write(ref _trackers, next);
            Interlocked.Increment(ref _version);
        }

        return tracker;
    }

    /// <summary>Tracks a generated machine's objective (one of its <c>SloTargets</c>).</summary>
    /// <param name="target">The objective, as <c>[Slo]</c> declares it.</param>
    /// <param name="window">The sliding window (default <see cref="DefaultWindow"/>).</param>
    /// <param name="minimumCount">The fewest samples in the window for the objective to be judged.</param>
    public SloTracker Track(SloTarget target, TimeSpan? window = null, int minimumCount = 1)
    {
        ArgumentNullException.ThrowIfNull(target);
        return Track(target.Machine, target.Message, target.P95Seconds, target.P99Seconds, window, minimumCount);
    }

    /// <summary>Tracks every objective of a machine type: <c>monitor.TrackAll(EntitlementGovernor.SloTargets)</c>.</summary>
    public IReadOnlyList<SloTracker> TrackAll(IEnumerable<SloTarget> targets, TimeSpan? window = null, int minimumCount = 1)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var trackers = new List<SloTracker>();
        foreach (SloTarget target in targets)
        {
            trackers.Add(Track(target, window, minimumCount));
        }

        return trackers;
    }

    /// <summary>Changes each time a tracker is added (lets listeners refresh their routing caches).</summary>
    internal int Version => Volatile.Read(ref _version);

    /// <summary>Starts evaluating every <see cref="EvaluationInterval"/>. Calling it again has no effect.</summary>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _timer ??= _timeProvider.CreateTimer(static state => ((SloMonitor)state!).OnTimer(), this, EvaluationInterval, EvaluationInterval);
        }
    }

    /// <summary>Judges every target on its current window without sliding it or raising events.</summary>
    public IReadOnlyList<SloEvaluation> Evaluate()
    {
        SloTracker[] trackers = Volatile.Read(ref _trackers);
        var results = new SloEvaluation[trackers.Length];
        for (int i = 0; i < trackers.Length; i++)
        {
            results[i] = trackers[i].Evaluate();
        }

        return results;
    }

    /// <summary>
    /// What the timer does: judges every target, reports each exceeded percentile (event and counter), then slides every
    /// window by one interval. Returns the evaluations.
    /// </summary>
    public IReadOnlyList<SloEvaluation> EvaluateAndRotate()
    {
        lock (_gate)
        {
            IReadOnlyList<SloEvaluation> results = Evaluate();
            DateTimeOffset now = _timeProvider.GetUtcNow();
            foreach (SloEvaluation evaluation in results)
            {
                if (!evaluation.P95Met)
                {
                    Report(evaluation, "p95", evaluation.Tracker.P95Seconds!.Value, evaluation.Window.P95, now);
                }

                if (!evaluation.P99Met)
                {
                    Report(evaluation, "p99", evaluation.Tracker.P99Seconds!.Value, evaluation.Window.P99, now);
                }
            }

            foreach (SloTracker tracker in Volatile.Read(ref _trackers))
            {
                tracker.Histogram.Rotate();
            }

            return results;
        }
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

        EvaluateAndRotate();
    }

    private void Report(SloEvaluation evaluation, string percentile, double targetSeconds, double observedSeconds, DateTimeOffset now)
    {
        SloTracker tracker = evaluation.Tracker;
        var tags = new TagList { { TelemetryNames.MachineTag, tracker.Machine } };
        if (tracker.Message is not null)
        {
            tags.Add(TelemetryNames.MessageTag, tracker.Message);
        }

        tags.Add(TelemetryNames.PercentileTag, percentile);
        TelemetryInstruments.SloViolations.Add(1, tags);

        EventHandler<SloViolationEventArgs>? handlers = Violated;
        if (handlers is null)
        {
            return;
        }

        var args = new SloViolationEventArgs(tracker, percentile, targetSeconds, observedSeconds, evaluation.Window, now);
        foreach (EventHandler<SloViolationEventArgs> handler in handlers.GetInvocationList())
        {
            try
            {
                handler(this, args);
            }
            catch (Exception)
            {
                // A failing subscriber must not stop the monitor or crash the timer thread.
            }
        }
    }
}
