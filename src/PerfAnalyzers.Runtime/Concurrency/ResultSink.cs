using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace PerfAnalyzers.Runtime.Concurrency;

/// <summary>Where a run puts each item's result.</summary>
internal abstract class ResultSink<TResult>
{
    public abstract ValueTask AddAsync(long index, TResult result, CancellationToken cancellationToken);

    public virtual void Skip(long index)
    {
    }
}

/// <summary>Keeps results by source index, so that the final array is in source order whatever order items finish in.</summary>
internal sealed class OrderedSink<TResult>(int initialCapacity) : ResultSink<TResult>
{
    private readonly object _gate = new();
    private TResult[] _items = initialCapacity == 0 ? Array.Empty<TResult>() : new TResult[initialCapacity];
    private SortedSet<long>? _skipped;

    public override ValueTask AddAsync(long index, TResult result, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (index >= _items.Length)
            {
                var length = Math.Max(Math.Max(_items.Length * 2L, index + 1), 16);
                if (length > Array.MaxLength)
                {
                    length = Math.Max(index + 1, Array.MaxLength);
                }

                Array.Resize(ref _items, checked((int)length));
            }

            _items[index] = result;
        }

        return default;
    }

    public override void Skip(long index)
    {
        lock (_gate)
        {
            (_skipped ??= new SortedSet<long>()).Add(index);
        }
    }

    /// <summary>The results of the first <paramref name="count"/> source elements, skipped ones left out.</summary>
    public TResult[] ToArray(long count)
    {
        lock (_gate)
        {
            if (_skipped is null)
            {
                if (count == _items.Length)
                {
                    return _items;
                }

                return _items.AsSpan(0, checked((int)count)).ToArray();
            }

            var result = new TResult[count - _skipped.Count];
            var next = 0;
            for (var i = 0; i < count; i++)
            {
                if (!_skipped.Contains(i))
                {
                    result[next++] = _items[i];
                }
            }

            return result;
        }
    }
}

/// <summary>Passes results on as they complete; a full channel makes workers wait (backpressure from the consumer).</summary>
internal sealed class ChannelSink<TResult>(ChannelWriter<TResult> writer) : ResultSink<TResult>
{
    public override ValueTask AddAsync(long index, TResult result, CancellationToken cancellationToken) =>
        writer.WriteAsync(result, cancellationToken);
}
