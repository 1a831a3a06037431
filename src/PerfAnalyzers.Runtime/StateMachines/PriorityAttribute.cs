using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
namespace PerfAnalyzers.Runtime.StateMachines;

/// <summary>Gives every message of this type a priority in state machine mailboxes.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class PriorityAttribute : Attribute
{
    /// <summary>Messages of this type have <paramref name="priority"/>.</summary>
    public PriorityAttribute(MessagePriority priority) => Priority = priority;

    /// <summary>The priority of messages of this type.</summary>
    public MessagePriority Priority { get; }
}

/// <summary>The priority of a message in a state machine mailbox.</summary>
public enum MessagePriority
{
    /// <summary>Served in arrival order.</summary>
    Normal = 0,

    /// <summary>Served before normal messages; a starvation guard still serves one normal message after <see cref="StateMachineAttribute.StarvationLimit"/> high ones.</summary>
    High = 1,
}
