using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PerfAnalyzers.Runtime.StateMachines;

// The idle path with a synchronously completing handler completes synchronously: reading GetResult() is the point.
#pragma warning disable xUnit1031

namespace PerfAnalyzers.Runtime.Tests.StateMachines;

/// <summary>Handlers returning Task, Task&lt;T&gt;, ValueTask or ValueTask&lt;T&gt; (docs/state-machines.md, "Asynchronous handlers").</summary>
[Collection(PerfAnalyzers.Runtime.Tests.Telemetry.SerialTelemetryCollection.Name)] // listeners and allocation counts must not overlap other such tests
public class AsyncHandlerTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Concurrent_senders_never_overlap_keep_their_order_and_get_their_replies(int seed)
    {
        const int Senders = 8;
        const int PerSender = 150;
        await using var machine = new AsyncMachine();
        machine.Start();
        var replies = new ConcurrentDictionary<int, int>();
        var senders = Enumerable.Range(0, Senders).Select(sender => Task.Run(async () =>
        {
            var random = new Random((seed * 100) + sender);
            var casts = new List<int>();
            for (var sequence = 0; sequence < PerSender; sequence++)
            {
                var id = (sender * PerSender) + sequence;
                var work = new AsyncWork(sender, sequence, id, DelayMilliseconds: random.Next(30) == 0 ? 1 : 0);
                if (random.Next(3) == 0)
                {
                    Assert.Equal(PostStatus.Accepted, machine.TryPost(work));
                    casts.Add(id);
                }
                else
                {
                    replies[id] = await machine.AskAsync(work);
                }
            }
        })).ToList();
        await Task.WhenAll(senders).WaitAsync(Long);
        await machine.StopAsync().WaitAsync(Long);

        Assert.Equal(0, machine.Overlaps);
        Assert.Equal(Senders * PerSender, machine.Handled.Count);
        Assert.All(machine.Handled.Values, count => Assert.Equal(1, count));
        Assert.All(replies, pair => Assert.Equal(pair.Key * 2, pair.Value));
        for (var sender = 0; sender < Senders; sender++)
        {
            var sequences = machine.Order.Where(o => o.Sender == sender).Select(o => o.Sequence).ToList();
            Assert.Equal(Enumerable.Range(0, PerSender), sequences);
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Load_with_failures_cancellations_and_a_graceful_stop_loses_nothing(int seed)
    {
        const int Senders = 6;
        const int PerSender = 120;
        var machine = new AsyncResumeMachine();
        machine.Start();
        var failed = new ConcurrentDictionary<int, bool>();
        var accepted = new ConcurrentDictionary<int, bool>();
        var senders = Enumerable.Range(0, Senders).Select(sender => Task.Run(async () =>
        {
            var random = new Random((seed * 100) + sender);
            for (var sequence = 0; sequence < PerSender; sequence++)
            {
                var id = (sender * PerSender) + sequence;
                var fail = random.Next(15) == 0;
                var cancel = !fail && random.Next(15) == 0;
                var work = new AsyncWork(sender, sequence, id, DelayMilliseconds: random.Next(40) == 0 ? 1 : 0, Fail: fail, Cancel: cancel);
                if (random.Next(2) == 0)
                {
                    Assert.Equal(PostStatus.Accepted, machine.TryPost(work));
                    accepted[id] = true;
                    continue;
                }

                try
                {
                    Assert.Equal(id * 2, await machine.AskAsync(work));
                    Assert.False(fail || cancel);
                }
                catch (InvalidOperationException)
                {
                    Assert.True(fail);
                    failed[id] = true;
                }
                catch (OperationCanceledException)
                {
                    Assert.True(cancel);
                    failed[id] = true;
                }

                accepted[id] = true;
            }
        })).ToList();
        await Task.WhenAll(senders).WaitAsync(Long);
        await machine.StopAsync().WaitAsync(Long);

        Assert.Equal(StateMachineStatus.Stopped, machine.Status);
        Assert.Equal(0, machine.Overlaps);
        Assert.Equal(accepted.Keys.Order(), machine.Handled.Keys.Order());
        Assert.All(machine.Handled.Values, count => Assert.Equal(1, count));
        for (var sender = 0; sender < Senders; sender++)
        {
            var sequences = machine.Order.Where(o => o.Sender == sender).Select(o => o.Sequence).ToList();
            Assert.Equal(Enumerable.Range(0, PerSender), sequences);
        }
    }

    [Fact]
    public async Task An_idle_request_whose_handler_awaits_gives_the_caller_its_span_back()
    {
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == StateMachineTelemetry.MeterName,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        using var outer = new System.Diagnostics.Activity("caller").Start();

        await using var machine = new AsyncMachine();
        machine.Start();
        var block = AsyncBlock.Create();
        var pending = machine.AskAsync(block);
        var completed = pending.IsCompleted;
        var current = System.Diagnostics.Activity.Current;
        block.Release.SetResult();
        await pending.AsTask().WaitAsync(Long);
        Assert.False(completed);
        Assert.Same(outer, current);
    }

    [Fact]
    public async Task The_mailbox_keeps_accepting_while_a_handler_is_pending_and_the_next_waits_for_it()
    {
        await using var machine = new AsyncMachine();
        machine.Start();
        var block = AsyncBlock.Create();
        Assert.Equal(PostStatus.Accepted, machine.TryPost(block));
        await block.Started.Task.WaitAsync(Long);

        var asks = Enumerable.Range(0, 5).Select(i => machine.AskAsync(new AsyncWork(0, i, i)).AsTask()).ToList();
        Assert.Equal(5, machine.MailboxDepth);
        Assert.Empty(machine.Handled);
        Assert.All(asks, ask => Assert.False(ask.IsCompleted));

        block.Release.SetResult();
        Assert.Equal(new[] { 0, 2, 4, 6, 8 }, await Task.WhenAll(asks).WaitAsync(Long));
        Assert.Equal(0, machine.Overlaps);
    }

    [Fact]
    public async Task Idle_request_whose_handler_awaits_keeps_the_machine_claimed_until_it_completes()
    {
        await using var machine = new AsyncMachine();
        machine.Start();
        var block = AsyncBlock.Create();
        var pending = machine.AskAsync(block); // idle: runs inline on this thread, then awaits
        Assert.True(block.Started.Task.IsCompleted);
        Assert.False(pending.IsCompleted);

        // The machine stays claimed: a second request queues instead of running inline.
        var next = machine.AskAsync(new AsyncWork(0, 0, 21));
        Assert.False(next.IsCompleted);
        Assert.Equal(1, machine.MailboxDepth);

        block.Release.SetResult();
        await pending.AsTask().WaitAsync(Long);
        Assert.Equal(42, await next.AsTask().WaitAsync(Long));
        Assert.Equal(0, machine.Overlaps);
    }

    [Fact]
    public async Task Idle_request_with_a_synchronously_completing_ValueTask_handler_allocates_nothing()
    {
        await using var machine = new AsyncMachine();
        machine.Start();
        for (var i = 0; i < 100; i++)
        {
            machine.AskAsync(1).GetAwaiter().GetResult();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            machine.AskAsync(1).GetAwaiter().GetResult();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(1100, machine.Total);

        // The same handler, when it does await (amount < 0), still replies.
        Assert.Equal(1099, await machine.AskAsync(-1));
        Assert.Equal(1099, await machine.AskAsync("total"));
    }

    [Fact]
    public async Task Resume_a_fault_or_cancellation_after_an_await_fails_only_that_call()
    {
        await using var machine = new AsyncResumeMachine();
        machine.Start();
        Assert.Equal(Gate.Closed, await machine.AskAsync(new Go()));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await machine.AskAsync(new AsyncWork(0, 0, 1, Fail: true)));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await machine.AskAsync(new AsyncWork(0, 1, 2, Cancel: true)));
        Assert.Equal(6, await machine.AskAsync(new AsyncWork(0, 2, 3)));
        Assert.Equal(Gate.Closed, await machine.AskAsync(new Peek()));
        Assert.Equal(StateMachineStatus.Running, machine.Status);
        Assert.Equal(0, machine.Overlaps);
    }

    [Fact]
    public async Task Restart_after_an_async_fault_until_the_intensity_limit_stops_the_machine()
    {
        var machine = new AsyncRestartMachine();
        machine.Start();
        for (var restart = 1; restart <= 2; restart++)
        {
            Assert.Equal(Gate.Closed, await machine.AskAsync(new Go()));   // transition made after an await
            Assert.Equal(Gate.Closed, machine.State);
            Assert.Equal(Gate.Closed, await machine.AskAsync(new Go()));   // the synchronous handler of Closed
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await machine.AskAsync(new Fail()));
            Assert.Equal(Gate.Open, await machine.AskAsync(new Peek()));
            Assert.Equal(restart, machine.RestartsSeen);
        }

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await machine.AskAsync(new Fail()));
        Assert.Equal(StateMachineStatus.Faulted, machine.Status);
        await Assert.ThrowsAsync<StateMachineStoppedException>(async () => await machine.AskAsync(new Peek()));
        await machine.StopAsync().WaitAsync(Long);
    }

    [Fact]
    public async Task Stop_policy_an_async_fault_faults_the_machine_and_fails_queued_callers()
    {
        var machine = new AsyncStopMachine();
        machine.Start();
        var block = AsyncBlock.Create();
        machine.TryPost(block);
        await block.Started.Task.WaitAsync(Long);
        var failing = machine.AskAsync(new AsyncWork(0, 0, 1, Fail: true)).AsTask();
        var queued = Enumerable.Range(1, 3).Select(i => machine.AskAsync(new AsyncWork(0, i, 10 + i)).AsTask()).ToList();
        block.Release.SetResult();
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing.WaitAsync(Long));
        foreach (var ask in queued)
        {
            var error = await Assert.ThrowsAsync<StateMachineStoppedException>(() => ask.WaitAsync(Long));
            Assert.IsType<InvalidOperationException>(error.InnerException);
        }

        Assert.Equal(StateMachineStatus.Faulted, machine.Status);
        Assert.Equal(new[] { 1 }, machine.Handled.Keys);
        await machine.StopAsync().WaitAsync(Long);
    }

    [Fact]
    public async Task Timeout_of_an_idle_callers_pending_handler_releases_the_caller_and_the_handler_still_completes()
    {
        await using var machine = new AsyncMachine();
        machine.Start();
        var block = AsyncBlock.Create();
        await Assert.ThrowsAsync<TimeoutException>(async () => await machine.AskAsync(block, TimeSpan.FromMilliseconds(20)));
        Assert.True(block.Started.Task.IsCompleted);
        var next = machine.AskAsync(new AsyncWork(0, 0, 5)).AsTask();
        Assert.False(next.IsCompleted); // the pending handler still holds the machine
        block.Release.SetResult();
        Assert.Equal(10, await next.WaitAsync(Long));
    }

    [Fact]
    public async Task Cancellation_of_a_queued_callers_pending_handler_releases_the_caller_and_the_queue_resumes_after_it()
    {
        await using var machine = new AsyncMachine();
        machine.Start();
        var first = AsyncBlock.Create();
        machine.TryPost(first);
        await first.Started.Task.WaitAsync(Long);

        using var cts = new CancellationTokenSource();
        var second = AsyncBlock.Create();
        var canceled = machine.AskAsync(second, cts.Token).AsTask(); // queued behind the first
        machine.TryPost(new AsyncWork(0, 0, 7));
        first.Release.SetResult();
        await second.Started.Task.WaitAsync(Long);                  // now the second handler is pending
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceled.WaitAsync(Long));
        Assert.Empty(machine.Handled);                              // the work waits for the pending handler
        second.Release.SetResult();
        Assert.Equal(16, await machine.AskAsync(new AsyncWork(0, 1, 8)));
        Assert.True(machine.Handled.ContainsKey(7));
        Assert.Equal(0, machine.Overlaps);
    }

    [Fact]
    public async Task Graceful_stop_waits_for_the_pending_handler_and_drains_the_mailbox()
    {
        var machine = new AsyncMachine();
        machine.Start();
        var block = AsyncBlock.Create();
        machine.TryPost(block);
        await block.Started.Task.WaitAsync(Long);
        for (var i = 0; i < 3; i++)
        {
            machine.TryPost(new AsyncWork(0, i, i));
        }

        var stop = machine.StopAsync();
        Assert.False(stop.IsCompleted);
        Assert.Equal(StateMachineStatus.Stopping, machine.Status);
        Assert.Equal(PostStatus.Stopped, machine.TryPost(new AsyncWork(0, 9, 9)));
        block.Release.SetResult();
        await stop.WaitAsync(Long);
        Assert.Equal(StateMachineStatus.Stopped, machine.Status);
        Assert.Equal(new[] { 0, 1, 2 }, machine.Handled.Keys.Order());
    }

    [Fact]
    public async Task Immediate_stop_fails_queued_callers_but_completes_after_the_pending_handler()
    {
        var machine = new AsyncMachine();
        machine.Start();
        var block = AsyncBlock.Create();
        var pending = machine.AskAsync(block).AsTask();
        var queued = machine.AskAsync(new AsyncWork(0, 0, 1)).AsTask();
        var stop = machine.StopAsync(StopMode.Immediate);
        await Assert.ThrowsAsync<StateMachineStoppedException>(() => queued.WaitAsync(Long));
        Assert.False(stop.IsCompleted);
        Assert.False(pending.IsCompleted);
        block.Release.SetResult();
        await pending.WaitAsync(Long);
        await stop.WaitAsync(Long);
        Assert.Equal(StateMachineStatus.Stopped, machine.Status);
        Assert.Empty(machine.Handled);
    }

    [Fact]
    public async Task Async_batch_handlers_keep_their_list_until_they_complete()
    {
        await using var machine = new AsyncBatchMachine();
        machine.Start();
        var block = AsyncBlock.Create();
        machine.TryPost(block);
        await block.Started.Task.WaitAsync(Long);
        for (var i = 0; i < 25; i++)
        {
            Assert.Equal(PostStatus.Accepted, machine.TryPost(new Audit(i)));
        }

        var lastAudit = machine.AskAsync(new Audit(25)).AsTask();
        for (var i = 1; i <= 4; i++)
        {
            machine.TryPost(new Sample(i));
        }

        var lastSample = machine.AskAsync(new Sample(5)).AsTask();
        block.Release.SetResult();
        await Task.WhenAll(lastAudit, lastSample).WaitAsync(Long);
        Assert.Equal(Enumerable.Range(0, 26), machine.Audited);
        Assert.Equal(new[] { 10, 10, 6 }, machine.BatchSizes);
        Assert.Equal(new[] { 15 }, machine.SampleSums);
        Assert.Equal(0, machine.Overlaps);
    }

    [Fact]
    public async Task Duration_covers_the_whole_async_handler()
    {
        var durations = new ConcurrentQueue<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == StateMachineTelemetry.MeterName && instrument.Name == "statemachine.message.duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == StateMachineTelemetry.MachineTag && (string?)tag.Value == "Tests.AsyncMachine")
                {
                    durations.Enqueue(value);
                }
            }
        });
        listener.Start();

        await using var machine = new AsyncMachine();
        machine.Start();
        Assert.Equal(2, await machine.AskAsync(new AsyncWork(0, 0, 1, DelayMilliseconds: 100)));       // inline, then pending
        machine.TryPost(new AsyncWork(0, 1, 2, DelayMilliseconds: 100));                                // queued, then pending
        await machine.StopAsync().WaitAsync(Long);

        // Task.Delay(100) never completes early; a duration measured up to the first await would be ~0.
        Assert.True(durations.Count >= 2, "durations: " + durations.Count);
        Assert.True(durations.Count(d => d >= 0.09) >= 2, "durations: " + string.Join(", ", durations));
    }
}
