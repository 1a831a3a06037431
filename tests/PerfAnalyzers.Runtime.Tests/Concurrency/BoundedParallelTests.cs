using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using PerfAnalyzers.Runtime.Concurrency;

namespace PerfAnalyzers.Runtime.Tests.Concurrency;

public class BoundedParallelTests
{
    private static IEnumerable<int> SlowSource(int count, InFlightTracker tracker)
    {
        for (var i = 0; i < count; i++)
        {
            Thread.Sleep(1);
            tracker.OnPulled();
            yield return i;
        }
    }

    private static async IAsyncEnumerable<int> SlowAsyncSource(int count, InFlightTracker tracker, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Delay(1, cancellationToken);
            tracker.OnPulled();
            yield return i;
        }
    }

    private static async ValueTask<int> TrackedSquare(int x, InFlightTracker tracker, int maxDelayMs, CancellationToken cancellationToken)
    {
        tracker.OnStarted();
        try
        {
            await Task.Delay(Random.Shared.Next(0, maxDelayMs + 1), cancellationToken);
            return x * x;
        }
        finally
        {
            tracker.OnFinished();
        }
    }

    [Fact]
    public async Task Never_more_than_max_in_flight_with_a_slow_lazy_source()
    {
        var tracker = new InFlightTracker();
        var results = await BoundedParallel.SelectAsync(SlowSource(200, tracker), (x, ct) => TrackedSquare(x, tracker, 10, ct), maxConcurrency: 4);

        Assert.Equal(Enumerable.Range(0, 200).Select(x => x * x), results);
        Assert.InRange(tracker.MaxInFlight, 1, 4);
        // The source is read only as slots free up: never more than 4 elements taken and not finished.
        Assert.InRange(tracker.MaxPulledNotFinished, 1, 4);
    }

    [Fact]
    public async Task Never_more_than_max_in_flight_with_a_slow_async_source()
    {
        var tracker = new InFlightTracker();
        var results = await BoundedParallel.SelectAsync(SlowAsyncSource(200, tracker), (x, ct) => TrackedSquare(x, tracker, 10, ct), maxConcurrency: 3);

        Assert.Equal(Enumerable.Range(0, 200).Select(x => x * x), results);
        Assert.InRange(tracker.MaxInFlight, 1, 3);
        Assert.InRange(tracker.MaxPulledNotFinished, 1, 3);
    }

    [Fact]
    public async Task Concurrency_is_actually_used()
    {
        // Items that wait for each other can only finish if 4 run at once: proves the bound is not 1.
        using var barrier = new Barrier(4);
        var results = await BoundedParallel.SelectAsync(
            Enumerable.Range(0, 8),
            (x, ct) => new ValueTask<int>(Task.Run(() => { Assert.True(barrier.SignalAndWait(TimeSpan.FromSeconds(30))); return x; })),
            maxConcurrency: 4);
        Assert.Equal(Enumerable.Range(0, 8), results);
    }

    [Fact]
    public async Task An_infinite_source_is_not_enumerated_up_front()
    {
        var tracker = new InFlightTracker();
        using var cts = new CancellationTokenSource();

        static IEnumerable<int> Infinite(InFlightTracker tracker)
        {
            for (var i = 0; ; i++)
            {
                tracker.OnPulled();
                yield return i;
            }
        }

        var task = BoundedParallel.ForEachAsync(
            Infinite(tracker),
            async (x, ct) =>
            {
                tracker.OnStarted();
                try
                {
                    await Task.Yield();
                    if (x == 1000)
                    {
                        cts.Cancel();
                    }
                }
                finally
                {
                    tracker.OnFinished();
                }
            },
            maxConcurrency: 8,
            cts.Token);

        var exception = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.Equal(cts.Token, exception.CancellationToken);
        Assert.True(task.IsCanceled);
        Assert.InRange(tracker.MaxPulledNotFinished, 1, 8);
        // How many more items the other workers finish before item 1000 cancels is up to the scheduler; what must hold
        // is that the run never holds more than maxConcurrency elements taken from the source and not finished.
        Assert.True(tracker.Pulled >= 1001, $"pulled {tracker.Pulled}");
        Assert.InRange(tracker.Pulled - tracker.Finished, 0, 8);
    }

    [Fact]
    public async Task Results_keep_source_order_and_nothing_is_lost_or_duplicated_under_random_delays()
    {
        var input = Enumerable.Range(0, 3000).Select(i => i * 7 % 3001).ToList();
        var calls = new ConcurrentDictionary<int, int>();
        var results = await BoundedParallel.SelectAsync(
            input,
            async (x, ct) =>
            {
                calls.AddOrUpdate(x, 1, (_, n) => n + 1);
                if (Random.Shared.Next(3) == 0)
                {
                    await Task.Delay(Random.Shared.Next(0, 3), ct);
                }
                else
                {
                    await Task.Yield();
                }

                return "item" + x;
            },
            maxConcurrency: 16);

        Assert.Equal(input.Select(x => "item" + x), results);
        Assert.Equal(input.Count, calls.Count);
        Assert.All(calls.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task As_completed_yields_every_result_exactly_once()
    {
        var tracker = new InFlightTracker();
        var seen = new List<int>();
        await foreach (var result in BoundedParallel.SelectAsCompletedAsync(
            SlowSource(300, tracker),
            (x, ct) => TrackedSquare(x, tracker, 5, ct),
            new BoundedParallelOptions { MaxConcurrency = 5 }))
        {
            seen.Add(result);
        }

        Assert.Equal(Enumerable.Range(0, 300).Select(x => x * x), seen.Order());
        Assert.InRange(tracker.MaxInFlight, 1, 5);
    }

    [Fact]
    public async Task As_completed_yields_in_completion_order()
    {
        // Item 0 waits until item 1 has been yielded; with ordered results that would deadlock.
        var firstYielded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var order = new List<int>();
        await foreach (var result in BoundedParallel.SelectAsCompletedAsync(
            new[] { 0, 1 },
            async (x, ct) =>
            {
                if (x == 0)
                {
                    await firstYielded.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
                }

                return x;
            },
            new BoundedParallelOptions { MaxConcurrency = 2 }))
        {
            order.Add(result);
            firstYielded.TrySetResult();
        }

        Assert.Equal(new[] { 1, 0 }, order);
    }

    [Fact]
    public async Task As_completed_consumer_breaking_early_stops_the_run()
    {
        var tracker = new InFlightTracker();
        var hanging = 0;
        var cancelledItems = 0;
        var count = 0;
        await foreach (var result in BoundedParallel.SelectAsCompletedAsync(
            SlowSource(100_000, tracker),
            async (x, ct) =>
            {
                if (x < 10)
                {
                    return x;
                }

                // Every later item hangs until cancelled.
                Interlocked.Increment(ref hanging);
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                    return x;
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref cancelledItems);
                    throw;
                }
            },
            new BoundedParallelOptions { MaxConcurrency = 4 }))
        {
            if (++count == 10)
            {
                break;
            }
        }

        // Leaving the loop cancelled the items in flight and waited for them: none is left running.
        Assert.Equal(10, count);
        Assert.Equal(Volatile.Read(ref hanging), Volatile.Read(ref cancelledItems));
        Assert.InRange(tracker.Pulled, 10, 10 + 4);
    }

    [Fact]
    public async Task For_each_runs_every_item_once_within_the_bound()
    {
        var tracker = new InFlightTracker();
        var seen = new ConcurrentBag<int>();
        await BoundedParallel.ForEachAsync(
            SlowSource(250, tracker),
            async (x, ct) =>
            {
                tracker.OnStarted();
                await Task.Delay(Random.Shared.Next(0, 4), ct);
                seen.Add(x);
                tracker.OnFinished();
            },
            maxConcurrency: 6);

        Assert.Equal(Enumerable.Range(0, 250), seen.Order());
        Assert.InRange(tracker.MaxInFlight, 1, 6);
        Assert.InRange(tracker.MaxPulledNotFinished, 1, 6);
    }

    [Fact]
    public async Task For_each_over_an_async_source()
    {
        var tracker = new InFlightTracker();
        var seen = new ConcurrentBag<int>();
        await BoundedParallel.ForEachAsync(SlowAsyncSource(50, tracker), (x, ct) => { seen.Add(x); return ValueTask.CompletedTask; }, maxConcurrency: 2);
        Assert.Equal(Enumerable.Range(0, 50), seen.Order());
    }

    [Fact]
    public async Task First_failure_cancels_the_rest_and_no_new_item_starts()
    {
        var started = new ConcurrentBag<int>();
        var cancelled = new ConcurrentBag<int>();
        var task = BoundedParallel.SelectAsync(
            Enumerable.Range(0, 1000),
            async (x, ct) =>
            {
                started.Add(x);
                if (x == 2)
                {
                    await Task.Delay(20, CancellationToken.None);
                    throw new InvalidOperationException("item 2 failed");
                }

                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    cancelled.Add(x);
                    throw;
                }

                return x;
            },
            maxConcurrency: 4);

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => task);
        Assert.Equal("item 2 failed", thrown.Message);
        Assert.True(task.IsFaulted);
        Assert.Single(task.Exception!.InnerExceptions);
        // Items 0..3 can start; every one but the failing item is cancelled; nothing after them starts.
        Assert.InRange(started.Count, 3, 4);
        Assert.All(started, x => Assert.InRange(x, 0, 3));
        Assert.Equal(started.Where(x => x != 2).Order(), cancelled.Order());
    }

    [Fact]
    public async Task Every_failure_is_reported_like_WhenAll()
    {
        var bothStarted = new CountdownEvent(2);
        var task = BoundedParallel.ForEachAsync(
            new[] { 1, 2 },
            async (x, ct) =>
            {
                bothStarted.Signal();
                await Task.Run(() => bothStarted.Wait(TimeSpan.FromSeconds(30)), CancellationToken.None);
                throw new ArgumentException("item " + x);
            },
            maxConcurrency: 2);

        await Assert.ThrowsAsync<ArgumentException>(() => task);
        var all = task.Exception!.InnerExceptions;
        Assert.Equal(new[] { "item 1", "item 2" }, all.Select(e => e.Message).Order());
        // .Wait() and .Result surface the whole AggregateException, as with Task.WhenAll.
        var aggregate = Assert.Throws<AggregateException>(() => task.Wait());
        Assert.Equal(2, aggregate.InnerExceptions.Count);
    }

    [Fact]
    public async Task A_failing_source_faults_the_run_and_the_enumerator_is_disposed()
    {
        var disposed = false;
        IEnumerable<int> Failing()
        {
            try
            {
                yield return 1;
                yield return 2;
                throw new FormatException("bad element");
            }
            finally
            {
                disposed = true;
            }
        }

        await Assert.ThrowsAsync<FormatException>(() => BoundedParallel.SelectAsync(Failing(), (x, ct) => new ValueTask<int>(x), maxConcurrency: 2));
        Assert.True(disposed);
    }

    [Fact]
    public async Task Caller_cancellation_cancels_items_in_flight_and_the_task()
    {
        using var cts = new CancellationTokenSource();
        var started = new CountdownEvent(3);
        var cancelledItems = 0;
        var task = BoundedParallel.SelectAsync(
            Enumerable.Range(0, 100),
            async (x, ct) =>
            {
                started.Signal();
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref cancelledItems);
                    throw;
                }

                return x;
            },
            maxConcurrency: 3,
            cts.Token);

        Assert.True(started.Wait(TimeSpan.FromSeconds(30)));
        cts.Cancel();
        var exception = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.Equal(cts.Token, exception.CancellationToken);
        Assert.True(task.IsCanceled);
        Assert.Equal(3, cancelledItems);
    }

    [Fact]
    public async Task Already_cancelled_token_starts_nothing()
    {
        var calls = 0;
        var task = BoundedParallel.SelectAsync(Enumerable.Range(0, 10), (x, ct) => { Interlocked.Increment(ref calls); return new ValueTask<int>(x); }, maxConcurrency: 2, new CancellationToken(canceled: true));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task Item_timeout_fail_all_throws_TimeoutException_and_cancels_the_rest()
    {
        var cancelled = new ConcurrentBag<int>();
        var task = BoundedParallel.SelectAsync(
            Enumerable.Range(0, 50),
            async (x, ct) =>
            {
                try
                {
                    // Item 5 hangs; the others take a while but well under the timeout only when run alone.
                    await Task.Delay(x == 5 ? Timeout.Infinite : 1, ct);
                }
                catch (OperationCanceledException)
                {
                    cancelled.Add(x);
                    throw;
                }

                return x;
            },
            new BoundedParallelOptions { MaxConcurrency = 4, ItemTimeout = TimeSpan.FromMilliseconds(200), OnItemTimeout = ItemTimeoutBehavior.FailAll });

        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => task);
        Assert.Contains("Item 5", timeout.Message);
        Assert.IsAssignableFrom<OperationCanceledException>(timeout.InnerException);
        Assert.Single(task.Exception!.InnerExceptions);
        Assert.Contains(5, cancelled);
    }

    [Fact]
    public async Task Item_timeout_skip_drops_and_reports_the_item_and_keeps_going()
    {
        var skipped = new ConcurrentBag<long>();
        var results = await BoundedParallel.SelectAsync(
            Enumerable.Range(0, 40),
            async (x, ct) =>
            {
                await Task.Delay(x is 3 or 17 ? Timeout.Infinite : 0, ct);
                return x;
            },
            new BoundedParallelOptions
            {
                MaxConcurrency = 4,
                ItemTimeout = TimeSpan.FromMilliseconds(100),
                OnItemTimeout = ItemTimeoutBehavior.SkipItem,
                ItemSkipped = skipped.Add,
            });

        Assert.Equal(Enumerable.Range(0, 40).Where(x => x is not 3 and not 17), results);
        Assert.Equal(new long[] { 3, 17 }, skipped.Order());
    }

    [Fact]
    public async Task An_item_that_ignores_its_token_completes_normally()
    {
        // .NET cannot kill a task: an item that ignores the cancelled token simply finishes, and its result counts.
        var results = await BoundedParallel.SelectAsync(
            new[] { 1, 2 },
            async (x, ct) =>
            {
                await Task.Delay(150, CancellationToken.None);
                return x;
            },
            new BoundedParallelOptions { MaxConcurrency = 2, ItemTimeout = TimeSpan.FromMilliseconds(20) });
        Assert.Equal(new[] { 1, 2 }, results);
    }

    [Fact]
    public async Task Empty_source_and_task_overload()
    {
        Assert.Empty(await BoundedParallel.SelectAsync(Array.Empty<int>(), (x, ct) => new ValueTask<int>(x), maxConcurrency: 4));
        Assert.Equal(new[] { "1", "2", "3" }, await BoundedParallel.SelectAsync(new[] { 1, 2, 3 }, x => Task.FromResult(x.ToString()), maxConcurrency: 2));
    }

    [Fact]
    public void Invalid_arguments_throw_immediately()
    {
        // Thrown by the call itself, before any task exists.
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = BoundedParallel.SelectAsync(new[] { 1 }, (x, ct) => new ValueTask<int>(x), maxConcurrency: 0); });
        Assert.Throws<ArgumentNullException>(() => { _ = BoundedParallel.SelectAsync((IEnumerable<int>)null!, (x, ct) => new ValueTask<int>(x), maxConcurrency: 1); });
        Assert.Throws<ArgumentOutOfRangeException>(() => new BoundedParallelOptions { ItemTimeout = TimeSpan.Zero });
    }
}
