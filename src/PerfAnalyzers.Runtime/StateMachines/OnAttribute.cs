using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
namespace PerfAnalyzers.Runtime.StateMachines;

/// <summary>
/// Marks an instance method of a <see cref="StateMachineAttribute">[StateMachine]</see> class as the handler of its
/// parameter's message type in the given states (none: in every state). The method takes the message (or, with
/// <see cref="BatchAttribute"/>, an <c>IReadOnlyList&lt;T&gt;</c> or <c>ReadOnlySpan&lt;T&gt;</c> of messages) and returns the
/// reply or <see langword="void"/>, or asynchronously <c>Task&lt;TReply&gt;</c> / <c>ValueTask&lt;TReply&gt;</c> or
/// <c>Task</c> / <c>ValueTask</c>: the machine then waits for the task before it handles the next message. Change state
/// with the generated <c>TransitionTo(state)</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnAttribute : Attribute
{
    /// <summary>The handler applies in <paramref name="states"/> (members of the state enum); none means every state.</summary>
    public OnAttribute(params object[] states) => States = states;

    /// <summary>The states this handler applies in; empty means every state.</summary>
    public object[] States { get; }
}
