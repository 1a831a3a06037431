using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace PerfAnalyzers.Runtime.StateMachines;

/// <summary>The caller's end of a queued request, as the mailbox sees it (without the reply type).</summary>
public interface IReplySink
{
    /// <summary>Claims the request for handling; false if the caller already gave up (canceled or timed out): then skip it.</summary>
    bool TryBeginHandling();

    /// <summary>Completes the request with an exception (no effect if it is already complete).</summary>
    void Fail(Exception exception);
}

/// <summary>
/// The awaitable reply of one queued request: an <see cref="IValueTaskSource{TResult}"/> completed by the machine,
/// by cancellation or by a timeout, whichever comes first. Continuations run asynchronously, never on the machine's thread.
/// </summary>
/// <typeparam name="TReply">The reply type.</typeparam>
public sealed class ReplySlot<TReply> : IReplySink, IValueTaskSource<TReply>, IValueTaskSource
{
    private ManualResetValueTaskSourceCore<TReply> _source = new() { RunContinuationsAsynchronously = true };
    private int _completed;
    private int _started;
    private CancellationTokenRegistration _cancellation;
    private CancellationTokenSource? _timeout;

    /// <summary>The caller's awaitable.</summary>
    public ValueTask<TReply> Task => new(this, _source.Version);

    /// <summary>The caller's awaitable, without the value.</summary>
    public ValueTask VoidTask => new(this, _source.Version);

    /// <summary>Releases the caller when <paramref name="cancellationToken"/> is canceled or <paramref name="timeout"/> elapses (infinite: never).</summary>
    public void Arm(CancellationToken cancellationToken, TimeSpan timeout)
    {
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            _timeout = new CancellationTokenSource(timeout);
            _timeout.Token.UnsafeRegister(static state => ((ReplySlot<TReply>)state!).TimedOut(), this);
        }

        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(static (state, token) => ((ReplySlot<TReply>)state!).Canceled(token), this);
        }
    }

    /// <inheritdoc />
    public bool TryBeginHandling() => Interlocked.CompareExchange(ref _started, 1, 0) == 0 && Volatile.Read(ref _completed) == 0;

    /// <summary>Completes the request with its reply.</summary>
    public void SetResult(TReply reply)
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            Release();
            _source.SetResult(reply);
        }
    }

    /// <inheritdoc />
    public void Fail(Exception exception)
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            Release();
            _source.SetException(exception);
        }
    }

    private void Canceled(CancellationToken token) => Fail(new OperationCanceledException(token));

    private void TimedOut() => Fail(new TimeoutException("The state machine did not reply within the timeout."));

    private void Release()
    {
        // Claims the request, so that a message not yet started is skipped by the machine.
        Interlocked.Exchange(ref _started, 1);
        _cancellation.Dispose();
        _timeout?.Dispose();
    }

    /// <inheritdoc />
    public TReply GetResult(short token) => _source.GetResult(token);

    void IValueTaskSource.GetResult(short token) => _source.GetResult(token);

    /// <inheritdoc />
    public ValueTaskSourceStatus GetStatus(short token) => _source.GetStatus(token);

    /// <inheritdoc />
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _source.OnCompleted(continuation, state, token, flags);
}
