using System.Collections.Concurrent;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Runtime.Tests.StateMachines;

/// <summary>
/// The consumer takes up to 16 normal-priority messages per lock acquisition (a chunk) and handles them without the lock.
/// Each test parks the machine on a <see cref="Block"/> message that is itself inside such a chunk, so the rest of the
/// chunk is taken from the mailbox but not started: it must still count against the capacity, yield to high-priority
/// messages, and fail on an immediate stop or a fault.
/// </summary>
public class MailboxChunkTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Messages_taken_in_a_chunk_but_not_started_still_count_against_the_capacity()
    {
        await using var machine = new RejectMachine();
        machine.Start();
        var first = Block.Create();
        Assert.Equal(PostStatus.Accepted, machine.TryPost(first));
        Assert.True(first.Started.Wait(Long));

        // Block2 then 63 Works: the mailbox (capacity 64) is full.
        var second = Block.Create();
        Assert.Equal(PostStatus.Accepted, machine.TryPost(second));
        for (var i = 0; i < 63; i++)
        {
            Assert.Equal(PostStatus.Accepted, machine.TryPost(new Work(0, i, i)));
        }

        Assert.Equal(PostStatus.Rejected, machine.TryPost(new Work(0, 99, 99)));

        // The consumer takes a chunk (Block2 + 15 Works) and starts Block2: one place is free, not sixteen.
        first.Release.Set();
        Assert.True(second.Started.Wait(Long));
        Assert.Equal(63, machine.MailboxDepth);
        Assert.Equal(PostStatus.Accepted, machine.TryPost(new Work(0, 63, 63)));
        Assert.Equal(64, machine.MailboxDepth);
        Assert.Equal(PostStatus.Rejected, machine.TryPost(new Work(0, 100, 100)));
        await Assert.ThrowsAsync<MailboxFullException>(async () => await machine.AskAsync(new Work(0, 101, 101)));

        // Second round: the backlog (64) is deeper than the first chunk (16), so the consumer now takes all 64 at once.
        var third = Block.Create();
        second.Release.Set();
        SpinWait.SpinUntil(() => machine.MailboxDepth == 0, Long);
        var fourth = Block.Create();
        Assert.Equal(PostStatus.Accepted, machine.TryPost(third));
        Assert.True(third.Started.Wait(Long));
        Assert.Equal(PostStatus.Accepted, machine.TryPost(fourth));
        for (var i = 64; i < 127; i++)
        {
            Assert.Equal(PostStatus.Accepted, machine.TryPost(new Work(0, i, i)));
        }

        Assert.Equal(PostStatus.Rejected, machine.TryPost(new Work(0, 200, 200)));
        third.Release.Set();
        Assert.True(fourth.Started.Wait(Long));
        Assert.Equal(63, machine.MailboxDepth);
        Assert.Equal(PostStatus.Accepted, machine.TryPost(new Work(0, 127, 127)));
        Assert.Equal(PostStatus.Rejected, machine.TryPost(new Work(0, 201, 201)));
        fourth.Release.Set();
        await machine.StopAsync();
        Assert.Equal(Enumerable.Range(0, 128), machine.Handled.Keys.Order());
        Assert.Equal(Enumerable.Range(0, 128).Select(i => (0, i)), machine.Order);
    }

    [Fact]
    public async Task Immediate_stop_fails_the_messages_left_in_a_taken_chunk()
    {
        var machine = new RejectMachine();
        machine.Start();
        var first = Block.Create();
        machine.TryPost(first);
        Assert.True(first.Started.Wait(Long));
        var second = Block.Create();
        Assert.Equal(PostStatus.Accepted, machine.TryPost(second));
        var asks = Enumerable.Range(0, 10).Select(i => machine.AskAsync(new Work(0, i, i)).AsTask()).ToList();

        // All eleven go into one chunk; Block2 starts, the ten asks wait in the chunk, the rings are empty.
        first.Release.Set();
        Assert.True(second.Started.Wait(Long));
        var stopping = machine.StopAsync(StopMode.Immediate);
        Assert.False(stopping.IsCompleted);
        second.Release.Set();
        foreach (var ask in asks)
        {
            var error = await Assert.ThrowsAsync<StateMachineStoppedException>(() => ask);
            Assert.Equal(StateMachineStatus.Stopped, error.Status);
        }

        await stopping;
        Assert.Empty(machine.Handled);
        Assert.Equal(StateMachineStatus.Stopped, machine.Status);
        Assert.Equal(0, machine.MailboxDepth);
    }

    [Fact]
    public async Task Graceful_stop_handles_the_messages_left_in_a_taken_chunk()
    {
        var machine = new RejectMachine();
        machine.Start();
        var first = Block.Create();
        machine.TryPost(first);
        Assert.True(first.Started.Wait(Long));
        var second = Block.Create();
        machine.TryPost(second);
        var asks = Enumerable.Range(0, 10).Select(i => machine.AskAsync(new Work(0, i, i)).AsTask()).ToList();
        first.Release.Set();
        Assert.True(second.Started.Wait(Long));
        var stopping = machine.StopAsync();
        Assert.Equal(PostStatus.Stopped, machine.TryPost(new Work(0, 50, 50)));
        second.Release.Set();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i * 2), await Task.WhenAll(asks));
        await stopping;
        Assert.Equal(Enumerable.Range(0, 10), machine.Handled.Keys.Order());
    }

    [Fact]
    public async Task High_priority_messages_cut_into_a_taken_chunk_with_the_starvation_guard()
    {
        await using var machine = new PriorityMachine();
        machine.Start();
        var first = Block.Create();
        machine.TryPost(first);
        Assert.True(first.Started.Wait(Long));
        var second = Block.Create();
        machine.TryPost(second);
        for (var i = 1; i <= 6; i++)
        {
            machine.TryPost(new Work(0, i, i));
        }

        // Block2 and N1..N6 are taken in one chunk; the urgent messages arrive while Block2 runs.
        first.Release.Set();
        Assert.True(second.Started.Wait(Long));
        for (var i = 1; i <= 5; i++)
        {
            machine.TryPost(new Urgent(i));
        }

        second.Release.Set();
        await machine.StopAsync();

        // StarvationLimit = 2, and Block2 (a normal message) just ran: two urgent, one normal, and so on.
        Assert.Equal(new[] { "H1", "H2", "N1", "H3", "H4", "N2", "H5", "N3", "N4", "N5", "N6" }, machine.Seen);
    }

    [Fact]
    public async Task A_high_priority_batch_kind_cutting_into_a_taken_chunk_is_handled_as_a_batch()
    {
        await using var machine = new PriorityBatchMachine();
        machine.Start();
        var first = Block.Create();
        machine.TryPost(first);
        Assert.True(first.Started.Wait(Long));
        var second = Block.Create();
        machine.TryPost(second);
        for (var i = 1; i <= 3; i++)
        {
            machine.TryPost(new Work(0, i, i));
        }

        // Block2 and N1..N3 are taken in one chunk; the urgent batch kind arrives while Block2 runs. It was once handed
        // to the single-message dispatch ("Unknown message kind"), which faulted the handler.
        first.Release.Set();
        Assert.True(second.Started.Wait(Long));
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(PostStatus.Accepted, machine.TryPost(new UrgentAudit(i)));
        }

        second.Release.Set();
        await machine.StopAsync();

        // Taken at once (no batch delay while the chunk waits), before the rest of the chunk.
        Assert.Equal(new[] { "B1,2,3", "N1", "N2", "N3" }, machine.Seen);
        Assert.Equal(StateMachineStatus.Stopped, machine.Status);
    }

    [Fact]
    public async Task Under_load_high_priority_batch_casts_and_normal_requests_are_each_handled_once()
    {
        // The shape of samples/EntitlementService: requests from many senders, high-priority [Batch] casts in between.
        await using var machine = new PriorityBatchMachine();
        machine.Start();
        var acceptedWork = 0;
        var acceptedAudits = 0;
        var producers = Enumerable.Range(0, 4).Select(sender => Task.Run(async () =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                if (machine.TryPost(new Work(sender, i, i)) == PostStatus.Accepted)
                {
                    Interlocked.Increment(ref acceptedWork);
                }

                if (i % 8 == 0 && machine.TryPost(new UrgentAudit(1)) == PostStatus.Accepted)
                {
                    Interlocked.Increment(ref acceptedAudits);
                }

                if (i % 1_000 == 0)
                {
                    await machine.AskAsync(new Work(sender, -1, 0)); // let the mailbox drain now and then
                    Interlocked.Increment(ref acceptedWork);
                }
            }
        })).ToArray();
        await Task.WhenAll(producers).WaitAsync(Long);
        await machine.StopAsync();

        Assert.Equal(StateMachineStatus.Stopped, machine.Status);
        Assert.True(acceptedAudits > 0);
        Assert.Equal(acceptedWork, machine.Seen.Count(s => s[0] == 'N'));
        var audited = machine.Seen.Where(s => s[0] == 'B').Sum(s => s.Substring(1).Split(',').Length);
        Assert.Equal(acceptedAudits, audited);
    }

    [Fact]
    public async Task A_fault_fails_the_messages_left_in_a_taken_chunk_with_the_handler_exception_as_cause()
    {
        var machine = new StopOnErrorMachine();
        machine.Start();
        var first = Block.Create();
        machine.TryPost(first);
        Assert.True(first.Started.Wait(Long));
        var failing = machine.AskAsync(new Fail()).AsTask();
        var queued = Enumerable.Range(0, 12).Select(i => machine.AskAsync(new Work(0, i, i)).AsTask()).ToList();
        first.Release.Set();
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        foreach (var ask in queued)
        {
            var error = await Assert.ThrowsAsync<StateMachineStoppedException>(() => ask);
            Assert.Equal(StateMachineStatus.Faulted, error.Status);
            Assert.IsType<InvalidOperationException>(error.InnerException);
        }

        Assert.Empty(machine.Handled);
        Assert.Equal(StateMachineStatus.Faulted, machine.Status);
        Assert.Equal(0, machine.MailboxDepth);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Immediate_stop_under_load_every_request_is_handled_once_or_failed(int seed)
    {
        const int Producers = 6;
        var machine = new RejectMachine();
        machine.Start();
        var replied = new ConcurrentDictionary<int, bool>();
        var refused = 0;
        var producers = Enumerable.Range(0, Producers).Select(sender => Task.Run(async () =>
        {
            var random = new Random((seed * 100) + sender);
            var pending = new List<(int Id, Task<int> Reply)>();
            for (var sequence = 0; sequence < 100_000; sequence++)
            {
                var id = (sender * 1_000_000) + sequence;
                var work = new Work(sender, sequence, id, Spin: random.Next(8) == 0 ? random.Next(300) : 0);
                var status = machine.TryPost(work);
                if (status == PostStatus.Stopped)
                {
                    break;
                }

                if (random.Next(4) == 0)
                {
                    pending.Add((id + 500_000, machine.AskAsync(work with { Id = id + 500_000 }).AsTask()));
                }

                if (random.Next(64) == 0)
                {
                    await Task.Yield();
                }
            }

            foreach (var (id, reply) in pending)
            {
                try
                {
                    Assert.Equal(id * 2, await reply);
                    replied[id] = true;
                }
                catch (Exception exception) when (exception is StateMachineStoppedException or MailboxFullException)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        })).ToArray();

        await Task.Delay(30);
        await machine.StopAsync(StopMode.Immediate);
        await Task.WhenAll(producers);
        Assert.Equal(StateMachineStatus.Stopped, machine.Status);
        Assert.All(machine.Handled, pair => Assert.Equal(1, pair.Value));
        Assert.Equal(0, machine.Overlaps);
        var handledAsks = machine.Handled.Keys.Where(id => id % 1_000_000 >= 500_000).Order().ToList();
        Assert.Equal(replied.Keys.Order(), handledAsks);
        foreach (var sender in machine.Order.GroupBy(o => o.Sender))
        {
            var sequences = sender.Select(o => o.Sequence).ToList();
            Assert.Equal(sequences.Order(), sequences);
        }
    }

    [Fact]
    public async Task An_async_handler_pending_inside_a_chunk_keeps_the_machine_claimed_and_the_chunk_resumes_in_order()
    {
        await using var machine = new AsyncMachine();
        machine.Start();
        var first = AsyncBlock.Create();
        Assert.Equal(PostStatus.Accepted, machine.TryPost(first));
        await first.Started.Task.WaitAsync(Long);

        // Block2 and 15 works queue behind the pending handler, then form one chunk: the rings are empty while Block2 waits.
        var second = AsyncBlock.Create();
        Assert.Equal(PostStatus.Accepted, machine.TryPost(second));
        for (var i = 0; i < 15; i++)
        {
            Assert.Equal(PostStatus.Accepted, machine.TryPost(new AsyncWork(0, i, i)));
        }

        first.Release.SetResult();
        await second.Started.Task.WaitAsync(Long);
        Assert.Equal(15, machine.MailboxDepth);

        // The machine is not idle: a request queues behind the chunk instead of running inline.
        var early = machine.AskAsync("total").AsTask();
        Assert.False(early.IsCompleted);

        // When Block2 completes, the consumer must resume with the chunk (not let go of the machine with it).
        second.Release.SetResult();
        Assert.Equal(0L, await early.WaitAsync(Long));
        Assert.Equal(5L, await machine.AskAsync(5).AsTask().WaitAsync(Long));
        Assert.Equal(Enumerable.Range(0, 15).Select(i => (0, i)), machine.Order);
        Assert.Equal(15, machine.Completed);
        Assert.Equal(0, machine.Overlaps);
    }

    [Fact]
    public async Task When_an_async_handler_in_a_chunk_completes_with_empty_rings_the_rest_of_the_chunk_still_runs()
    {
        await using var machine = new AsyncMachine();
        machine.Start();
        var first = AsyncBlock.Create();
        machine.TryPost(first);
        await first.Started.Task.WaitAsync(Long);
        var second = AsyncBlock.Create();
        machine.TryPost(second);
        for (var i = 0; i < 15; i++)
        {
            machine.TryPost(new AsyncWork(0, i, i));
        }

        first.Release.SetResult();
        await second.Started.Task.WaitAsync(Long);
        second.Release.SetResult();

        // Nothing else is sent: only the consumer resuming the chunk can handle the 15 works.
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref machine.Completed) == 15, Long));
        Assert.Equal(Enumerable.Range(0, 15).Select(i => (0, i)), machine.Order);
        Assert.Equal(0, machine.MailboxDepth);
    }

    [Fact]
    public async Task After_a_stream_the_consumer_lets_go_so_requests_run_inline_again()
    {
        await using var machine = new CounterMachine();
        machine.Start();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 5000; i++)
            {
                while (machine.TryPost(1) == PostStatus.Rejected)
                {
                    Thread.SpinWait(20);
                }
            }

            await machine.AskAsync(0);

            // The consumer spins about 2 µs after a stream, then goes idle: a request then completes before AskAsync returns.
            var inline = false;
            for (var attempt = 0; attempt < 200 && !inline; attempt++)
            {
                await Task.Delay(5);
                inline = machine.AskAsync(0).IsCompletedSuccessfully;
            }

            Assert.True(inline);
            Assert.Equal(5000L * (round + 1), machine.Total);
        }
    }

    [Fact]
    public async Task Casts_from_one_producer_are_all_handled_in_order_with_chunks_and_idle_spins()
    {
        // Bursts and pauses: the consumer drains chunks, spins, goes idle and is woken again, many times.
        await using var machine = new RejectMachine();
        machine.Start();
        var sequence = 0;
        for (var burst = 0; burst < 300; burst++)
        {
            var size = (burst * 7) % 50;
            for (var i = 0; i < size; i++)
            {
                while (machine.TryPost(new Work(0, sequence, sequence)) == PostStatus.Rejected)
                {
                    Thread.SpinWait(20);
                }

                sequence++;
            }

            if (burst % 3 == 0)
            {
                await Task.Delay(1);
            }
        }

        await machine.StopAsync();
        Assert.Equal(Enumerable.Range(0, sequence), machine.Order.Select(o => o.Sequence));
        Assert.All(machine.Handled, pair => Assert.Equal(1, pair.Value));
    }
}
