using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace PerfAnalyzers.Runtime.Concurrency;

/// <summary>
/// Bounded concurrency: run an asynchronous operation over every element of a source with never more than
/// <c>maxConcurrency</c> operations in flight, the C# counterpart of Elixir's <c>Task.async_stream</c>.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>The source is read lazily, one element each time a slot frees up: a huge, slow or infinite source is never
/// enumerated up front, and at most <c>maxConcurrency</c> elements are held at once (plus, for the ordered forms, the
/// results).</item>
/// <item>The first failure cancels the run: no new item starts and the token passed to items in flight is cancelled.
/// The returned task then faults with <em>every</em> failure, like <see cref="Task.WhenAll(IEnumerable{Task})"/>:
/// <c>await</c> throws the first, <see cref="Task.Exception"/> (an <see cref="AggregateException"/>) holds all.</item>
/// <item>Cancelling the caller's token stops the run the same way and cancels the returned task.</item>
/// <item>An optional per-item timeout cancels the item's token; see <see cref="BoundedParallelOptions"/>.</item>
/// </list>
/// </remarks>
public static class BoundedParallel
{
    /// <summary>
    /// Applies <paramref name="selector"/> to every element with at most <paramref name="maxConcurrency"/> in flight and
    /// returns the results in source order (like <c>await Task.WhenAll(source.Select(selector))</c>, but bounded).
    /// </summary>
    public static Task<TResult[]> SelectAsync<TSource, TResult>(
        IEnumerable<TSource> source,
        Func<TSource, CancellationToken, ValueTask<TResult>> selector,
        int maxConcurrency,
        CancellationToken cancellationToken = default) =>
        SelectAsync(source, selector, Options(maxConcurrency), cancellationToken);

    /// <summary>As <see cref="SelectAsync{TSource, TResult}(IEnumerable{TSource}, Func{TSource, CancellationToken, ValueTask{TResult}}, int, CancellationToken)"/>, for a selector that takes no token.</summary>
    public static Task<TResult[]> SelectAsync<TSource, TResult>(
        IEnumerable<TSource> source,
        Func<TSource, Task<TResult>> selector,
        int maxConcurrency,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return SelectAsync(source, (item, _) => new ValueTask<TResult>(selector(item)), Options(maxConcurrency), cancellationToken);
    }

    /// <summary>Applies <paramref name="selector"/> to every element under <paramref name="options"/>; results in source order, timed-out items skipped if so configured.</summary>
    public static Task<TResult[]> SelectAsync<TSource, TResult>(
        IEnumerable<TSource> source,
        Func<TSource, CancellationToken, ValueTask<TResult>> selector,
        BoundedParallelOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        return SelectCore(_ => new EnumerableReader<TSource>(source), KnownCount(source), selector, options, cancellationToken);
    }

    /// <summary>Applies <paramref name="selector"/> to every element of an asynchronous source; results in source order.</summary>
    public static Task<TResult[]> SelectAsync<TSource, TResult>(
        IAsyncEnumerable<TSource> source,
        Func<TSource, CancellationToken, ValueTask<TResult>> selector,
        int maxConcurrency,
        CancellationToken cancellationToken = default) =>
        SelectAsync(source, selector, Options(maxConcurrency), cancellationToken);

    /// <summary>Applies <paramref name="selector"/> to every element of an asynchronous source under <paramref name="options"/>; results in source order.</summary>
    public static Task<TResult[]> SelectAsync<TSource, TResult>(
        IAsyncEnumerable<TSource> source,
        Func<TSource, CancellationToken, ValueTask<TResult>> selector,
        BoundedParallelOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        return SelectCore(token => new AsyncEnumerableReader<TSource>(source, token), -1, selector, options, cancellationToken);
    }

    /// <summary>
    /// Applies <paramref name="selector"/> to every element and yields each result as soon as its item completes
    /// (<c>ordered: false</c>). A consumer slower than the items makes the workers wait, so items in flight plus
    /// results not yet consumed stay bounded by <c>MaxConcurrency</c> each. Failures surface after the results that
    /// completed before them, as an <see cref="AggregateException"/> holding every failure.
    /// </summary>
    public static IAsyncEnumerable<TResult> SelectAsCompletedAsync<TSource, TResult>(
        IEnumerable<TSource> source,
        Func<TSource, CancellationToken, ValueTask<TResult>> selector,
        BoundedParallelOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        return StreamCore(_ => new EnumerableReader<TSource>(source), KnownCount(source), selector, options, cancellationToken);
    }

    /// <summary>As the <see cref="IEnumerable{T}"/> overload, for an asynchronous source.</summary>
    public static IAsyncEnumerable<TResult> SelectAsCompletedAsync<TSource, TResult>(
        IAsyncEnumerable<TSource> source,
        Func<TSource, CancellationToken, ValueTask<TResult>> selector,
        BoundedParallelOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        return StreamCore(token => new AsyncEnumerableReader<TSource>(source, token), -1, selector, options, cancellationToken);
    }

    /// <summary>Runs <paramref name="body"/> for every element, for its side effects, with at most <paramref name="maxConcurrency"/> in flight.</summary>
    public static Task ForEachAsync<TSource>(
        IEnumerable<TSource> source,
        Func<TSource, CancellationToken, ValueTask> body,
        int maxConcurrency,
        CancellationToken cancellationToken = default) =>
        ForEachAsync(source, body, Options(maxConcurrency), cancellationToken);

    /// <summary>Runs <paramref name="body"/> for every element under <paramref name="options"/>.</summary>
    public static Task ForEachAsync<TSource>(
        IEnumerable<TSource> source,
        Func<TSource, CancellationToken, ValueTask> body,
        BoundedParallelOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        return ForEachCore(_ => new EnumerableReader<TSource>(source), KnownCount(source), body, options, cancellationToken);
    }

    /// <summary>Runs <paramref name="body"/> for every element of an asynchronous source, with at most <paramref name="maxConcurrency"/> in flight.</summary>
    public static Task ForEachAsync<TSource>(
        IAsyncEnumerable<TSource> source,
        Func<TSource, CancellationToken, ValueTask> body,
        int maxConcurrency,
        CancellationToken cancellationToken = default) =>
        ForEachAsync(source, body, Options(maxConcurrency), cancellationToken);

    /// <summary>Runs <paramref name="body"/> for every element of an asynchronous source under <paramref name="options"/>.</summary>
    public static Task ForEachAsync<TSource>(
        IAsyncEnumerable<TSource> source,
        Func<TSource, CancellationToken, ValueTask> body,
        BoundedParallelOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        return ForEachCore(token => new AsyncEnumerableReader<TSource>(source, token), -1, body, options, cancellationToken);
    }

    private static BoundedParallelOptions Options(int maxConcurrency) => new() { MaxConcurrency = maxConcurrency };

    // The IEnumerable and IAsyncEnumerable overloads differ only in how the source is read and whether its count is known:
    // each public method checks its source and hands a reader factory to one of these three.
    private static Task<TResult[]> SelectCore<TSource, TResult>(
        Func<CancellationToken, SourceReader<TSource>> createReader,
        int knownCount,
        Func<TSource, CancellationToken, ValueTask<TResult>> selector,
        BoundedParallelOptions options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(options);
        var sink = new OrderedSink<TResult>(Math.Max(knownCount, 0));
        var run = new BoundedRun<TSource, TResult>(createReader, selector, null, sink, options, cancellationToken);
        return Complete(RunOrderedAsync(run, sink, Workers(options, knownCount)), cancellationToken);
    }

    private static Task ForEachCore<TSource>(
        Func<CancellationToken, SourceReader<TSource>> createReader,
        int knownCount,
        Func<TSource, CancellationToken, ValueTask> body,
        BoundedParallelOptions options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(options);
        var run = new BoundedRun<TSource, bool>(createReader, null, body, null, options, cancellationToken);
        return Complete(RunAsync(run, Workers(options, knownCount)), cancellationToken);
    }

    private static IAsyncEnumerable<TResult> StreamCore<TSource, TResult>(
        Func<CancellationToken, SourceReader<TSource>> createReader,
        int knownCount,
        Func<TSource, CancellationToken, ValueTask<TResult>> selector,
        BoundedParallelOptions options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(options);
        return StreamAsync(createReader, selector, options, Workers(options, knownCount), cancellationToken);
    }

    private static int KnownCount<TSource>(IEnumerable<TSource> source) => source.TryGetNonEnumeratedCount(out var count) ? count : -1;

    private static int Workers(BoundedParallelOptions options, int knownCount) =>
        knownCount >= 0 ? Math.Min(options.MaxConcurrency, Math.Max(knownCount, 1)) : options.MaxConcurrency;

    private static async Task<TResult[]> RunOrderedAsync<TSource, TResult>(BoundedRun<TSource, TResult> run, OrderedSink<TResult> sink, int workers)
    {
        await run.RunAsync(workers).ConfigureAwait(false);
        return sink.ToArray(run.Count);
    }

    private static async Task<bool> RunAsync<TSource>(BoundedRun<TSource, bool> run, int workers)
    {
        await run.RunAsync(workers).ConfigureAwait(false);
        return true;
    }

    private static async IAsyncEnumerable<TResult> StreamAsync<TSource, TResult>(
        Func<CancellationToken, SourceReader<TSource>> createReader,
        Func<TSource, CancellationToken, ValueTask<TResult>> selector,
        BoundedParallelOptions options,
        int workers,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<TResult>(new BoundedChannelOptions(options.MaxConcurrency)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var run = new BoundedRun<TSource, TResult>(createReader, selector, null, new ChannelSink<TResult>(channel.Writer), options, cancellationToken);
        var runTask = run.RunAsync(workers);
        _ = runTask.ContinueWith(static (_, writer) => ((ChannelWriter<TResult>)writer!).TryComplete(), channel.Writer, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var finished = false;
        try
        {
            while (await channel.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var result))
                {
                    yield return result;
                }
            }

            finished = true;
        }
        finally
        {
            if (!finished)
            {
                // The consumer stopped early: stop the workers and wait for them.
                run.Cancel();
            }

            try
            {
                await runTask.ConfigureAwait(false);
            }
            catch (BoundedRunFailedException failure)
            {
                if (finished)
                {
                    throw new AggregateException(failure.Failures);
                }
            }
            catch (OperationCanceledException) when (!finished)
            {
            }
        }
    }

    /// <summary>Turns the run's outcome into a task faulted with every failure (like Task.WhenAll), or cancelled with the caller's token.</summary>
    private static Task<T> Complete<T>(Task<T> run, CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        run.ContinueWith(
            static (task, state) =>
            {
                var (completion, token) = ((TaskCompletionSource<T>, CancellationToken))state!;
                if (task.IsCompletedSuccessfully)
                {
                    completion.TrySetResult(task.Result);
                }
                else if (task.IsCanceled)
                {
                    completion.TrySetCanceled(token);
                }
                else if (task.Exception!.InnerExceptions is [BoundedRunFailedException failure])
                {
                    completion.TrySetException(failure.Failures);
                }
                else
                {
                    completion.TrySetException(task.Exception.InnerExceptions);
                }
            },
            (completion, cancellationToken),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return completion.Task;
    }
}
