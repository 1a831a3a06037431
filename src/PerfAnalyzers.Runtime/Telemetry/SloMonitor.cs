using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace PerfAnalyzers.Runtime.Telemetry;

/// <summary>
/// Evaluates latency SLOs over sliding windows, in process (the seed's <c>monitor_slo_compliance</c>): every
/// <see cref="EvaluationInterval"/> it judges each target on its window, raises <see cref="Violated"/> and adds to the
/// <c>perfanalyzers.slo.violations</c> counter for each exceeded percentile, then rotates the windows.
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

    /// <summary>Tracks a target; record latencies into the returned tracker.</summary>
    public SloTracker Track(SloTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(target), target.Window, "The SLO window must be positive.");
        }

        int intervals = (int)Math.Min(10_000, Math.Max(1, Math.Ceiling(target.Window.Ticks / (double)EvaluationInterval.Ticks)));
        var tracker = new SloTracker(target, intervals);
        lock (_gate)
        {
            var next = new SloTracker[_trackers.Length + 1];
            _trackers.CopyTo(next, 0);
            next[^1] = tracker;
            Volatile.Write(ref _trackers, next);
        }

        return tracker;
    }

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
                    Report(evaluation, "p95", evaluation.Target.P95!.Value, evaluation.Window.P95, now);
                }

                if (!evaluation.P99Met)
                {
                    Report(evaluation, "p99", evaluation.Target.P99!.Value, evaluation.Window.P99, now);
                }
            }

            foreach (SloTracker tracker in Volatile.Read(ref _trackers))
            {
                tracker.Window.Rotate();
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

    private void Report(SloEvaluation evaluation, string percentile, TimeSpan limit, double observedSeconds, DateTimeOffset now)
    {
        SloTarget target = evaluation.Target;
        var tags = new TagList
        {
            { StateMachineTelemetry.Tags.Slo, target.Name },
            { StateMachineTelemetry.Tags.Machine, target.Machine },
            { StateMachineTelemetry.Tags.Message, target.Message },
            { StateMachineTelemetry.Tags.Percentile, percentile },
        };
        StateMachineTelemetry.SloViolationCounter.Add(1, tags);

        EventHandler<SloViolationEventArgs>? handlers = Violated;
        if (handlers is null)
        {
            return;
        }

        var args = new SloViolationEventArgs(target, percentile, limit, observedSeconds, evaluation.Window, now);
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
