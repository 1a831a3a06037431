using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace PerfAnalyzers.Runtime.Concurrency;

/// <summary>Thrown inside a run to carry every failure out to the public method, which faults its task with all of them.</summary>
internal sealed class BoundedRunFailedException(IReadOnlyList<Exception> failures) : Exception("One or more items failed.")
{
    public IReadOnlyList<Exception> Failures { get; } = failures;
}

/// <summary>
/// One bounded run: <c>workerCount</c> workers (at most the configured concurrency) each take the next element from the
/// shared reader, process it, hand the result to the sink, and repeat. Items in flight can therefore never exceed the
/// number of workers, and the source is read only as fast as items finish.
/// </summary>
internal sealed class BoundedRun<TSource, TResult>
{
    private readonly SourceReader<TSource> _reader;
    private readonly Func<TSource, CancellationToken, ValueTask<TResult>>? _selector;
    private readonly Func<TSource, CancellationToken, ValueTask>? _action;
    private readonly ResultSink<TResult>? _sink;
    private readonly BoundedParallelOptions _options;
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource _cts;
    private readonly object _gate = new();
    private List<Exception>? _failures;

    public BoundedRun(
        Func<CancellationToken, SourceReader<TSource>> createReader,
        Func<TSource, CancellationToken, ValueTask<TResult>>? selector,
        Func<TSource, CancellationToken, ValueTask>? action,
        ResultSink<TResult>? sink,
        BoundedParallelOptions options,
        CancellationToken callerToken)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(callerToken);
        _reader = createReader(_cts.Token);
        _selector = selector;
        _action = action;
        _sink = sink;
        _options = options;
        _callerToken = callerToken;
    }

    /// <summary>Elements taken from the source.</summary>
    public long Count => _reader.Count;

    /// <summary>Stops the run: no new item starts, and items in flight see their token cancelled.</summary>
    public void Cancel()
    {
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Runs to the end; throws <see cref="BoundedRunFailedException"/> with every failure, or <see cref="OperationCanceledException"/> if the caller cancelled.</summary>
    public async Task RunAsync(int workerCount)
    {
        try
        {
            var workers = new Task[workerCount];
            for (var i = 0; i < workers.Length; i++)
            {
                workers[i] = Task.Run(WorkerAsync);
            }

            // Workers catch everything they can throw.
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                await _reader.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                Fail(exception);
            }

            // Unregisters from the caller's token. A late Cancel() then meets ObjectDisposedException, which it ignores.
            _cts.Dispose();
        }

        if (_failures is not null)
        {
            throw new BoundedRunFailedException(_failures);
        }

        _callerToken.ThrowIfCancellationRequested();
    }

    private void Fail(Exception exception)
    {
        lock (_gate)
        {
            (_failures ??= new List<Exception>()).Add(exception);
        }

        Cancel();
    }

    private async Task WorkerAsync()
    {
        var token = _cts.Token;
        var timeout = _options.ItemTimeout is { } t && t != Timeout.InfiniteTimeSpan ? t : (TimeSpan?)null;
        CancellationTokenSource? itemCts = null;
        try
        {
            while (!token.IsCancellationRequested)
            {
                SourceItem<TSource> item;
                try
                {
                    item = await _reader.ReadAsync().ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception exception)
                {
                    Fail(exception);
                    return;
                }

                if (!item.HasValue)
                {
                    return;
                }

                var itemToken = token;
                if (timeout is not null)
                {
                    if (itemCts is null || !itemCts.TryReset())
                    {
                        itemCts?.Dispose();
                        itemCts = CancellationTokenSource.CreateLinkedTokenSource(token);
                    }

                    itemCts.CancelAfter(timeout.Value);
                    itemToken = itemCts.Token;
                }

                try
                {
                    if (_action is not null)
                    {
                        await _action(item.Value, itemToken).ConfigureAwait(false);
                    }
                    else
                    {
                        var result = await _selector!(item.Value, itemToken).ConfigureAwait(false);
                        if (_sink is not null)
                        {
                            await _sink.AddAsync(item.Index, result, token).ConfigureAwait(false);
                        }
                    }
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    // The run is stopping (a failure elsewhere or the caller's token): not a failure of this item.
                    return;
                }
                catch (OperationCanceledException exception) when (itemCts is not null && itemCts.IsCancellationRequested)
                {
                    if (_options.OnItemTimeout == ItemTimeoutBehavior.SkipItem)
                    {
                        _sink?.Skip(item.Index);
                        try
                        {
                            _options.ItemSkipped?.Invoke(item.Index);
                        }
                        catch (Exception callbackException)
                        {
                            Fail(callbackException);
                            return;
                        }

                        continue;
                    }

                    Fail(new TimeoutException($"Item {item.Index} did not complete within {timeout}.", exception));
                    return;
                }
                catch (Exception exception)
                {
                    Fail(exception);
                    return;
                }
            }
        }
        finally
        {
            itemCts?.Dispose();
        }
    }
}
