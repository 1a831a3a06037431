using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using System.Diagnostics;

namespace PerfAnalyzers.Runtime.StateMachines;

// Supervision after a handler failed: errors counted, then Resume, Restart (with intensity limit) or Stop.
public abstract partial class StateMachineCore<TValues>
{
    /// <summary>
    /// After a handler threw: counts the error and applies supervision (Resume, Restart with intensity limit, Stop). A
    /// message no handler applies to (<see cref="UnhandledMessageException"/>) is counted but does not trigger supervision.
    /// </summary>
    public void HandlingFailed(int kind, int stateBefore, Exception exception, Activity? activity)
    {
        if (_pendingWaitTicks != 0)
        {
            RecordPendingWait(kind);
        }

        if (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, exception.Message);
            activity.SetTag(StateMachineTelemetry.ErrorTypeTag, exception.GetType().FullName);
            activity.Dispose();
        }

        if (exception is UnhandledMessageException)
        {
            StateMachineTelemetry.Errors.Add(1, _type.TypeTag, _type.MessageTags[kind], new(StateMachineTelemetry.ErrorTypeTag, "unhandled"));
            return;
        }

        StateMachineTelemetry.Errors.Add(1, _type.TypeTag, _type.MessageTags[kind], new(StateMachineTelemetry.ErrorTypeTag, exception.GetType().FullName));
        if (_state != stateBefore)
        {
            RecordTransition(stateBefore, _state);
        }

        switch (_type.Options.Supervision)
        {
            case SupervisionPolicy.Resume:
                return;
            case SupervisionPolicy.Restart when RestartAllowed():
                var from = _state;
                _state = _type.InitialState;
                StateMachineTelemetry.Restarts.Add(1, _type.TypeTag);
                if (from != _state)
                {
                    RecordTransition(from, _state);
                }

                OnRestarting();
                return;
            default:
                Fault(exception);
                return;
        }
    }

    private bool RestartAllowed()
    {
        var max = _type.Options.MaxRestarts;
        if (max <= 0)
        {
            return false;
        }

        // A ring of the last `max` restart times: a new restart is allowed unless the oldest of them is inside the window.
        var times = _restartTimes ??= new long[max];
        var now = Stopwatch.GetTimestamp();
        var slot = _restartCount % max;
        if (_restartCount >= max && now - times[slot] < (long)(_type.Options.RestartWindow.TotalSeconds * Stopwatch.Frequency))
        {
            return false;
        }

        times[slot] = now;
        _restartCount++;
        return true;
    }

    private void Fault(Exception exception)
    {
        List<Envelope<TValues>>? failed;
        lock (OpenMailbox)
        {
            Interlocked.Or(ref OpenMailbox.Reserved, Mailbox<Envelope<TValues>>.ClosedFlag); // no lock-free sender gets in after this
            _status = (int)StateMachineStatus.Faulted;
            OpenMailbox.FaultCause = exception;
            _stopped ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            failed = TakeAllLocked();
            ReleaseSpaceWaitersLocked(all: true);
        }

        FailAll(failed, StateMachineStatus.Faulted, exception);
        Telemetry.MachineRegistry.Shared.Unregister(_owner);
        _stopped.TrySetResult();
    }
}
