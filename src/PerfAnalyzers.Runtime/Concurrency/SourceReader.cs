using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace PerfAnalyzers.Runtime.Concurrency;

/// <summary>One element taken from the source, with its zero-based position.</summary>
internal readonly struct SourceItem<T>(bool hasValue, T value, long index)
{
    public bool HasValue { get; } = hasValue;

    public T Value { get; } = value;

    public long Index { get; } = index;
}

/// <summary>
/// Hands out the elements of a source one at a time to several workers. The source is enumerated lazily, one
/// element per request, so at most one element per worker has been taken and not yet finished.
/// </summary>
internal abstract class SourceReader<T> : IAsyncDisposable
{
    /// <summary>Elements taken so far.</summary>
    public abstract long Count { get; }

    public abstract ValueTask<SourceItem<T>> ReadAsync();

    public abstract ValueTask DisposeAsync();
}

internal sealed class EnumerableReader<T>(IEnumerable<T> source) : SourceReader<T>
{
    private readonly object _gate = new();
    private IEnumerator<T>? _enumerator;
    private bool _done;
    private long _count;

    public override long Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    public override ValueTask<SourceItem<T>> ReadAsync()
    {
        lock (_gate)
        {
            if (_done)
            {
                return default;
            }

            try
            {
                _enumerator ??= source.GetEnumerator();
                if (!_enumerator.MoveNext())
                {
                    _done = true;
                    return default;
                }

                return new(new SourceItem<T>(true, _enumerator.Current, _count++));
            }
            catch
            {
                _done = true;
                throw;
            }
        }
    }

    public override ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _done = true;
            _enumerator?.Dispose();
            _enumerator = null;
        }

        return default;
    }
}

internal sealed class AsyncEnumerableReader<T>(IAsyncEnumerable<T> source, CancellationToken cancellationToken) : SourceReader<T>
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IAsyncEnumerator<T>? _enumerator;
    private bool _done;
    private long _count;

    public override long Count => Interlocked.Read(ref _count);

    public override async ValueTask<SourceItem<T>> ReadAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_done)
            {
                return default;
            }

            _enumerator ??= source.GetAsyncEnumerator(cancellationToken);
            if (!await _enumerator.MoveNextAsync().ConfigureAwait(false))
            {
                _done = true;
                return default;
            }

            var index = Interlocked.Increment(ref _count) - 1;
            return new SourceItem<T>(true, _enumerator.Current, index);
        }
        catch
        {
            _done = true;
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _done = true;
            if (_enumerator is not null)
            {
                await _enumerator.DisposeAsync().ConfigureAwait(false);
                _enumerator = null;
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
