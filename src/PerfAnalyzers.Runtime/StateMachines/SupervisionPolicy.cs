using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
namespace PerfAnalyzers.Runtime.StateMachines;

/// <summary>What a handler exception does to its state machine. The caller of the failed message always gets the exception.</summary>
public enum SupervisionPolicy
{
    /// <summary>Keep the state and go on with the next message.</summary>
    Resume = 0,

    /// <summary>Go back to the initial state (calling <c>OnRestarting</c>) and go on, unless the restart intensity is exceeded: then stop.</summary>
    Restart = 1,

    /// <summary>Stop: the machine becomes <see cref="StateMachineStatus.Faulted"/> and queued callers get <see cref="StateMachineStoppedException"/>.</summary>
    Stop = 2,
}
