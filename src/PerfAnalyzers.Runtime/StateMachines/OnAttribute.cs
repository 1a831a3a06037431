using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
namespace PerfAnalyzers.Runtime.StateMachines;

/// <summary>
/// Marks an instance method of a <see cref="StateMachineAttribute">[StateMachine]</see> class as the handler of its
/// parameter's message type in the given states (none: in every state). The method is synchronous, takes the message
/// (or, with <see cref="BatchAttribute"/>, an <c>IReadOnlyList&lt;T&gt;</c> or <c>ReadOnlySpan&lt;T&gt;</c> of messages) and
/// returns the reply, or <see langword="void"/>. Change state with the generated <c>TransitionTo(state)</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnAttribute : Attribute
{
    /// <summary>The handler applies in <paramref name="states"/> (members of the state enum); none means every state.</summary>
    public OnAttribute(params object[] states) => States = states;

    /// <summary>The states this handler applies in; empty means every state.</summary>
    public object[] States { get; }
}
