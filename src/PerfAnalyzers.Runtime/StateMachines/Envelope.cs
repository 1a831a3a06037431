using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
namespace PerfAnalyzers.Runtime.StateMachines;

/// <summary>
/// A message in a mailbox. Reference-type messages travel in <see cref="Message"/>; value-type messages travel unboxed in
/// <see cref="Values"/>, a struct the generator emits with one field per value-type message.
/// </summary>
/// <typeparam name="TValues">The generated struct of value-type message fields (<see cref="NoValues"/> when there are none).</typeparam>
public struct Envelope<TValues>
    where TValues : struct
{
    /// <summary>The message kind (index into <see cref="StateMachineTypeInfo.MessageNames"/>).</summary>
    public int Kind;

    /// <summary>A reference-type message.</summary>
    public object? Message;

    /// <summary>The caller's reply, for a request; <see langword="null"/> for a cast.</summary>
    public IReplySink? Reply;

    /// <summary><see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> at enqueue, when measured; else 0.</summary>
    public long EnqueuedAt;

    /// <summary>A value-type message.</summary>
    public TValues Values;
}

/// <summary>The <see cref="Envelope{TValues}.Values"/> of machines without value-type messages.</summary>
public struct NoValues
{
}
