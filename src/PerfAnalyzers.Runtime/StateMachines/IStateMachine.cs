using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using PerfAnalyzers.Runtime.Telemetry;

namespace PerfAnalyzers.Runtime.StateMachines;

/// <summary>
/// What every generated state machine exposes, for pools, the <see cref="Telemetry.MachineRegistry"/> and diagnostics.
/// Its <see cref="IMailboxDepthSource.MailboxDepth"/> is the number of messages waiting in the mailbox.
/// </summary>
public interface IStateMachine : IMailboxDepthSource
{
    /// <summary>The machine type name (the <c>statemachine.type</c> metric tag).</summary>
    string MachineType { get; }

    /// <summary>For diagnostics, the machine type name, unless the class has a public <c>string Name</c> of its own.</summary>
    string IMailboxDepthSource.Name => MachineType;

    /// <summary>The lifecycle stage.</summary>
    StateMachineStatus Status { get; }

    /// <summary>The name of the current state.</summary>
    string StateName { get; }

    /// <summary>Starts handling messages.</summary>
    void Start();

    /// <summary>Stops: drains the mailbox (<see cref="StopMode.Drain"/>) or fails queued callers (<see cref="StopMode.Immediate"/>).</summary>
    Task StopAsync(StopMode mode = StopMode.Drain);
}
