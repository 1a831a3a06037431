using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
namespace PerfAnalyzers.Runtime.StateMachines;

/// <summary>
/// Makes a handler take a batch: up to <see cref="MaxSize"/> consecutive messages of its type from the mailbox, waiting at
/// most <see cref="MaxDelayMilliseconds"/> for more to arrive (the seed's <c>collect_batch(Max, Timeout)</c>). The handler's
/// parameter is <c>IReadOnlyList&lt;T&gt;</c> or <c>ReadOnlySpan&lt;T&gt;</c>, it returns <see langword="void"/>, <c>Task</c> or
/// <c>ValueTask</c>, and it must not keep the list after it returns, or after its task completes (the buffer is reused).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class BatchAttribute : Attribute
{
    /// <summary>Most messages in one batch. Default 100.</summary>
    public int MaxSize { get; set; } = 100;

    /// <summary>How long a partial batch may wait for more messages, in milliseconds. Default 0: take what is queued.</summary>
    public int MaxDelayMilliseconds { get; set; }
}
