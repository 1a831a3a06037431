using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
namespace PerfAnalyzers.Runtime.StateMachines;

/// <summary>What every generated state machine exposes, for pools, registries and diagnostics.</summary>
public interface IStateMachine
{
    /// <summary>The machine type name (the <c>statemachine.type</c> metric tag).</summary>
    string MachineType { get; }

    /// <summary>Messages waiting in the mailbox.</summary>
    int MailboxDepth { get; }

    /// <summary>The lifecycle stage.</summary>
    StateMachineStatus Status { get; }

    /// <summary>The name of the current state.</summary>
    string StateName { get; }

    /// <summary>Starts handling messages.</summary>
    void Start();

    /// <summary>Stops: drains the mailbox (<see cref="StopMode.Drain"/>) or fails queued callers (<see cref="StopMode.Immediate"/>).</summary>
    Task StopAsync(StopMode mode = StopMode.Drain);
}
