using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
namespace PerfAnalyzers.Runtime.StateMachines;

/// <summary>The message was refused because the machine's mailbox is full (<see cref="MailboxFullMode.Reject"/>).</summary>
public sealed class MailboxFullException : Exception
{
    /// <summary>Creates the exception for a machine type and its mailbox capacity.</summary>
    public MailboxFullException(string machineType, int capacity)
        : base($"The mailbox of state machine '{machineType}' is full ({capacity} messages): the message was rejected. Retry later or send less.")
    {
        MachineType = machineType;
        Capacity = capacity;
    }

    /// <summary>The machine type name.</summary>
    public string MachineType { get; }

    /// <summary>The mailbox capacity.</summary>
    public int Capacity { get; }
}

/// <summary>The queued message was dropped to make room for another (<see cref="MailboxFullMode.DropOldest"/> or <see cref="MailboxFullMode.DropNewest"/>).</summary>
public sealed class MessageDroppedException : Exception
{
    /// <summary>Creates the exception for a machine type and the drop mode.</summary>
    public MessageDroppedException(string machineType, MailboxFullMode mode)
        : base($"The message was dropped from the full mailbox of state machine '{machineType}' ({mode}) before it was handled.")
    {
        MachineType = machineType;
    }

    /// <summary>The machine type name.</summary>
    public string MachineType { get; }
}

/// <summary>The machine is not running (not started, stopping, stopped or faulted): the message was not handled.</summary>
public sealed class StateMachineStoppedException : InvalidOperationException
{
    /// <summary>Creates the exception for a machine type and its status.</summary>
    public StateMachineStoppedException(string machineType, StateMachineStatus status, Exception? innerException = null)
        : base(status == StateMachineStatus.NotStarted
            ? $"State machine '{machineType}' has not been started: call Start() before sending messages."
            : $"State machine '{machineType}' is {status.ToString().ToLowerInvariant()}: the message was not handled.", innerException)
    {
        MachineType = machineType;
        Status = status;
    }

    /// <summary>The machine type name.</summary>
    public string MachineType { get; }

    /// <summary>The status the machine was in.</summary>
    public StateMachineStatus Status { get; }
}

/// <summary>No handler of the message's type applies in the machine's current state.</summary>
public sealed class UnhandledMessageException : InvalidOperationException
{
    /// <summary>Creates the exception for a machine type, message type and state.</summary>
    public UnhandledMessageException(string machineType, string messageType, string state)
        : base($"State machine '{machineType}' does not handle '{messageType}' in state '{state}'.")
    {
        MachineType = machineType;
        MessageType = messageType;
        State = state;
    }

    /// <summary>The machine type name.</summary>
    public string MachineType { get; }

    /// <summary>The message type name.</summary>
    public string MessageType { get; }

    /// <summary>The state the machine was in.</summary>
    public string State { get; }
}
