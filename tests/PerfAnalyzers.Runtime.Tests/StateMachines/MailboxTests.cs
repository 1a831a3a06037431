using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Runtime.Tests.StateMachines;

/// <summary>Full modes, priorities and batching: each test blocks the machine's handler, fills the mailbox, then releases it.</summary>
public class MailboxTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    private static Block BlockMachine(Func<Block, PostStatus> post)
    {
        var block = Block.Create();
        Assert.Equal(PostStatus.Accepted, post(block));
        Assert.True(block.Started.Wait(Long));
        return block;
    }

    [Fact]
    public async Task Reject_mode_refuses_without_exception_on_TryPost_and_with_MailboxFullException_on_AskAsync()
    {
        await using var machine = new RejectMachine();
        machine.Start();
        var block = BlockMachine(machine.TryPost);
        for (var i = 0; i < 64; i++)
        {
            Assert.Equal(PostStatus.Accepted, machine.TryPost(new Work(0, i, i)));
        }

        Assert.Equal(64, machine.MailboxDepth);
        Assert.Equal(PostStatus.Rejected, machine.TryPost(new Work(0, 64, 64)));
        var full = await Assert.ThrowsAsync<MailboxFullException>(async () => await machine.AskAsync(new Work(0, 65, 65)));
        Assert.Equal(64, full.Capacity);

        block.Release.Set();
        await machine.StopAsync();
        Assert.Equal(64, machine.Handled.Count);
        Assert.DoesNotContain(64, machine.Handled.Keys);
        Assert.DoesNotContain(65, machine.Handled.Keys);
    }

    [Fact]
    public async Task Wait_mode_makes_PostAsync_and_AskAsync_wait_for_room()
    {
        await using var machine = new WaitMachine();
        machine.Start();
        var block = BlockMachine(machine.TryPost);
        var posts = Enumerable.Range(0, 10).Select(i => machine.PostAsync(new Work(0, i, i)).AsTask()).ToList();
        var ask = machine.AskAsync(new Work(0, 10, 10)).AsTask();
        Assert.Equal(4, posts.Count(p => p.IsCompleted));
        Assert.Equal(PostStatus.Rejected, machine.TryPost(new Work(1, 0, 100)));
        Assert.False(ask.IsCompleted);

        block.Release.Set();
        Assert.All(await Task.WhenAll(posts), s => Assert.Equal(PostStatus.Accepted, s));
        Assert.Equal(20, await ask);
        await machine.StopAsync();
        Assert.Equal(Enumerable.Range(0, 11), machine.Handled.Keys.Order());
        Assert.Equal(Enumerable.Range(0, 11).Select(i => (0, i)), machine.Order);
    }

    [Fact]
    public async Task Wait_mode_waiting_sender_can_cancel()
    {
        await using var machine = new WaitMachine();
        machine.Start();
        var block = BlockMachine(machine.TryPost);
        for (var i = 0; i < 4; i++)
        {
            machine.TryPost(new Work(0, i, i));
        }

        using var cts = new CancellationTokenSource();
        var waiting = machine.PostAsync(new Work(0, 4, 4), cts.Token).AsTask();
        var asking = machine.AskAsync(new Work(0, 5, 5), cts.Token).AsTask();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => asking);
        block.Release.Set();
        await machine.StopAsync();
        Assert.Equal(new[] { 0, 1, 2, 3 }, machine.Handled.Keys.Order());
    }

    [Fact]
    public async Task DropOldest_evicts_the_oldest_queued_message_and_tells_its_caller()
    {
        await using var machine = new DropOldestMachine();
        machine.Start();
        var block = BlockMachine(machine.TryPost);
        var asks = Enumerable.Range(1, 6).Select(i => machine.AskAsync(new Work(0, i, i)).AsTask()).ToList();
        await Assert.ThrowsAsync<MessageDroppedException>(() => asks[0]);
        await Assert.ThrowsAsync<MessageDroppedException>(() => asks[1]);
        block.Release.Set();
        Assert.Equal(new[] { 6, 8, 10, 12 }, await Task.WhenAll(asks.Skip(2)));
        Assert.Equal(new[] { 3, 4, 5, 6 }, machine.Handled.Keys.Order());
    }

    [Fact]
    public async Task DropNewest_evicts_the_newest_queued_message_and_tells_its_caller()
    {
        await using var machine = new DropNewestMachine();
        machine.Start();
        var block = BlockMachine(machine.TryPost);
        var asks = Enumerable.Range(1, 6).Select(i => machine.AskAsync(new Work(0, i, i)).AsTask()).ToList();
        await Assert.ThrowsAsync<MessageDroppedException>(() => asks[3]);
        await Assert.ThrowsAsync<MessageDroppedException>(() => asks[4]);
        block.Release.Set();
        Assert.Equal(new[] { 2, 4, 6, 12 }, await Task.WhenAll(asks[0], asks[1], asks[2], asks[5]));
        Assert.Equal(new[] { 1, 2, 3, 6 }, machine.Handled.Keys.Order());
    }

    [Fact]
    public async Task High_priority_goes_first_and_the_starvation_guard_serves_normal_messages()
    {
        await using var machine = new PriorityMachine();
        machine.Start();
        var block = BlockMachine(machine.TryPost);
        for (var i = 1; i <= 4; i++)
        {
            machine.TryPost(new Work(0, i, i));
        }

        for (var i = 1; i <= 6; i++)
        {
            machine.TryPost(new Urgent(i));
        }

        block.Release.Set();
        await machine.StopAsync();
        // StarvationLimit = 2: two urgent messages, then one normal one while both wait.
        Assert.Equal(new[] { "H1", "H2", "N1", "H3", "H4", "N2", "H5", "H6", "N3", "N4" }, machine.Seen);
    }

    [Fact]
    public async Task Batch_handler_takes_up_to_MaxSize_consecutive_messages()
    {
        await using var machine = new BatchMachine();
        machine.Start();
        var block = BlockMachine(machine.TryPost);
        var asks = new List<Task>();
        for (var i = 0; i < 25; i++)
        {
            if (i % 5 == 0)
            {
                asks.Add(machine.AskAsync(new Audit(i)).AsTask());
            }
            else
            {
                Assert.Equal(PostStatus.Accepted, machine.TryPost(new Audit(i)));
            }
        }

        block.Release.Set();
        await Task.WhenAll(asks);
        await machine.StopAsync();
        Assert.Equal(new[] { 10, 10, 5 }, machine.BatchSizes);
        Assert.Equal(Enumerable.Range(0, 25), machine.Audited);
    }

    [Fact]
    public async Task Batch_with_delay_waits_for_more_messages_before_handling()
    {
        await using var machine = new BatchMachine();
        machine.Start();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(PostStatus.Accepted, machine.TryPost(new Sample(i)));
        }

        var last = machine.AskAsync(new Sample(3));
        await last;
        await machine.StopAsync();
        Assert.Equal(new[] { 4 }, machine.SampleBatchSizes);
    }

    [Fact]
    public async Task A_partial_batch_waits_for_messages_that_lock_free_senders_appended_meanwhile()
    {
        // Two producer threads post 600 samples (more than the consumer moves from its ingress at a time) within far
        // less than the batch delay (10 s): whatever the interleaving with the consumer, every one is accepted before
        // the delay ends, so they form one batch (a consumer that took only what its rings held left early with part).
        for (var round = 0; round < 3; round++)
        {
            await using var machine = new SlowBatchMachine();
            machine.Start();
            using var go = new ManualResetEventSlim();
            var refused = 0;
            var producers = new Thread[2];
            for (var p = 0; p < producers.Length; p++)
            {
                var offset = p * 300;
                producers[p] = new Thread(() =>
                {
                    go.Wait();
                    for (var i = 0; i < 300; i++)
                    {
                        if (machine.TryPost(new Sample(offset + i)) != PostStatus.Accepted)
                        {
                            Interlocked.Increment(ref refused);
                        }
                    }
                });
                producers[p].Start();
            }

            go.Set();
            foreach (var producer in producers)
            {
                producer.Join();
            }

            Assert.Equal(0, refused);

            // Stopping gracefully hands the partial batch over at once (the delay is 10 s: never reached here).
            await machine.StopAsync();
            Assert.Equal(new[] { 600 }, machine.SampleBatchSizes);
        }
    }
}
