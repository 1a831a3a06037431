using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Threading.Tasks.Sources;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Orleans;

/// <summary>What the hosting grain does with a request's outcome (records it, turns runtime exceptions into data).</summary>
internal interface IAskHost<TMachine>
    where TMachine : class, IStateMachine
{
    /// <summary>The reply of a handled request (telemetry recorded; <paramref name="end"/>: the clock read that ended it, 0 to read it now).</summary>
    RemoteReply Handled(TMachine machine, string messageName, object? value, long start, long end = 0);

    /// <summary>The reply for a runtime exception, or null for the handler's own exception (Orleans carries it to the caller).</summary>
    RemoteReply? Failed(Exception exception, TMachine machine, string messageName, long start, CancellationToken cancellationToken);
}

/// <summary>
/// One remote request that does not complete on the grain's turn: run on the thread pool (the hop of
/// <see cref="StateMachineHostingOptions.RunHandlersOffActivationTurn"/>) and/or waiting for the machine's reply. It is the
/// grain method's <see cref="ValueTask{TResult}"/> source, and is pooled: a request costs no closure, no <see cref="Task"/>,
/// no async state machine; the object goes back to the pool once Orleans has read the reply.
/// </summary>
internal sealed class RemoteAsk<TMachine, TMessage, TReply> : IValueTaskSource<RemoteReply>, IThreadPoolWorkItem
    where TMachine : class, IStateMachine
{
    private static readonly RemoteAsk<TMachine, TMessage, TReply>?[] Pool = new RemoteAsk<TMachine, TMessage, TReply>?[Math.Max(16, Environment.ProcessorCount * 8)];
    private static readonly ContextCallback RunInContext = static state => ((RemoteAsk<TMachine, TMessage, TReply>)state!).Run();

    private readonly Action _continue;
    private ManualResetValueTaskSourceCore<RemoteReply> _source;
    private Func<TMachine, TMessage, TimeSpan, CancellationToken, ValueTask<TReply>>? _ask;
    private IAskHost<TMachine>? _host;
    private TMachine? _machine;
    private TMessage? _message;
    private string _messageName = "";
    private TimeSpan _timeout;
    private CancellationToken _cancellationToken;
    private long _start;
    private ExecutionContext? _context;
    private TurnTrust? _trust;
    private long _budgetTicks;
    private ValueTask<TReply> _pending;

    private RemoteAsk()
    {
        _continue = Completed;
    }

    /// <summary>Runs the request on the thread pool (with the caller's execution context) and returns its reply.</summary>
    public static ValueTask<RemoteReply> Hop(
        IAskHost<TMachine> host, Func<TMachine, TMessage, TimeSpan, CancellationToken, ValueTask<TReply>> ask, TMachine machine,
        TMessage message, string messageName, TimeSpan timeout, CancellationToken cancellationToken, long start, TurnTrust? trust,
        long budgetTicks)
    {
        var request = Rent(host, ask, machine, message, messageName, timeout, cancellationToken, start);
        request._context = ExecutionContext.Capture();
        request._trust = trust;
        request._budgetTicks = budgetTicks;
        ThreadPool.UnsafeQueueUserWorkItem(request, preferLocal: false);
        return new ValueTask<RemoteReply>(request, request._source.Version);
    }

    /// <summary>Waits for a request the machine accepted but has not answered yet.</summary>
    public static ValueTask<RemoteReply> Await(
        IAskHost<TMachine> host, ValueTask<TReply> pending, TMachine machine, string messageName, CancellationToken cancellationToken, long start)
    {
        var request = Rent(host, null, machine, default!, messageName, default, cancellationToken, start);
        request._pending = pending;
        pending.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(request._continue);
        return new ValueTask<RemoteReply>(request, request._source.Version);
    }

    void IThreadPoolWorkItem.Execute()
    {
        if (_context is { } context)
        {
            ExecutionContext.Run(context, RunInContext, this);
        }
        else
        {
            Run();
        }
    }

    private void Run()
    {
        var began = _trust is null ? 0 : Stopwatch.GetTimestamp();
        try
        {
            _pending = _ask!(_machine!, _message!, _timeout, _cancellationToken);
            if (!_pending.IsCompleted)
            {
                _pending.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_continue);
                return;
            }
        }
        catch (Exception e)
        {
            Fail(e);
            return;
        }

        // Handled synchronously: how long it would have held the activation's turn.
        _trust?.ObserveHopped(Stopwatch.GetTimestamp() - began, _budgetTicks);
        Completed();
    }

    private void Completed()
    {
        object? value;
        try
        {
            var pending = _pending;
            _pending = default;
            value = pending.GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            Fail(e);
            return;
        }

        RemoteReply reply;
        try
        {
            reply = _host!.Handled(_machine!, _messageName, value, _start);
        }
        catch (Exception e)
        {
            // Runs on the thread pool: nothing may escape (it would end the process); the caller gets it instead.
            _source.SetException(e);
            return;
        }

        _source.SetResult(reply);
    }

    private void Fail(Exception exception)
    {
        RemoteReply? reply;
        try
        {
            reply = _host!.Failed(exception, _machine!, _messageName, _start, _cancellationToken);
        }
        catch (Exception e)
        {
            _source.SetException(e);
            return;
        }

        if (reply is { } data)
        {
            _source.SetResult(data);
        }
        else
        {
            _source.SetException(exception);
        }
    }

    /// <inheritdoc />
    public RemoteReply GetResult(short token)
    {
        try
        {
            return _source.GetResult(token);
        }
        finally
        {
            Return(this);
        }
    }

    /// <inheritdoc />
    public ValueTaskSourceStatus GetStatus(short token) => _source.GetStatus(token);

    /// <inheritdoc />
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _source.OnCompleted(continuation, state, token, flags);

    private static RemoteAsk<TMachine, TMessage, TReply> Rent(
        IAskHost<TMachine> host, Func<TMachine, TMessage, TimeSpan, CancellationToken, ValueTask<TReply>>? ask, TMachine machine,
        TMessage message, string messageName, TimeSpan timeout, CancellationToken cancellationToken, long start)
    {
        var request = TakeFromPool() ?? new RemoteAsk<TMachine, TMessage, TReply>();
        request._host = host;
        request._ask = ask;
        request._machine = machine;
        request._message = message;
        request._messageName = messageName;
        request._timeout = timeout;
        request._cancellationToken = cancellationToken;
        request._start = start;
        return request;
    }

    [SuppressMessage("Performance", "CA1508", Justification = "Other threads write the slots.")]
    private static RemoteAsk<TMachine, TMessage, TReply>? TakeFromPool()
    {
        var pool = Pool;
        var first = Environment.CurrentManagedThreadId % pool.Length;
        for (var i = 0; i < pool.Length; i++)
        {
            var index = (first + i) % pool.Length;
            if (Volatile.Read(ref pool[index]) is not null && Interlocked.Exchange(ref pool[index], null) is { } taken)
            {
                return taken;
            }
        }

        return null;
    }

    private static void Return(RemoteAsk<TMachine, TMessage, TReply> request)
    {
        // Nothing that could keep a machine, message or caller alive while pooled.
        request._host = null;
        request._ask = null;
        request._machine = null;
        request._message = default;
        request._cancellationToken = default;
        request._context = null;
        request._trust = null;
        request._pending = default;
        request._source.Reset();

        var pool = Pool;
        var first = Environment.CurrentManagedThreadId % pool.Length;
        for (var i = 0; i < pool.Length; i++)
        {
            var index = (first + i) % pool.Length;
            if (Volatile.Read(ref pool[index]) is null && Interlocked.CompareExchange(ref pool[index], request, null) is null)
            {
                return;
            }
        }
    }
}
