using System.Collections.Concurrent;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Runtime.Tests.StateMachines;

/// <summary>
/// Correctness under load: many producers, random delays and handler failures, a small bounded mailbox. Every accepted
/// message is handled exactly once, every refused one is reported to its sender, nothing accepted is lost on graceful
/// stop, replies reach their caller, one sender's messages are handled in order, and handlers never overlap.
/// </summary>
public class LoadTests
{
    private enum Outcome { Replied, Failed, Rejected, Accepted }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Many_producers_with_failures_and_backpressure(int seed)
    {
        const int Producers = 8;
        const int PerProducer = 1500;
        var machine = new RejectMachine();
        machine.Start();
        var outcomes = new ConcurrentDictionary<int, Outcome>();

        // Hold the handler at first so that the bounded mailbox certainly fills and refuses some messages.
        var block = Block.Create();
        machine.TryPost(block);
        Assert.True(block.Started.Wait(TimeSpan.FromSeconds(30)));
        const int Filler = 99;
        for (var sequence = 0; ; sequence++)
        {
            var id = 1_000_000 + sequence;
            var status = machine.TryPost(new Work(Filler, sequence, id));
            outcomes[id] = status == PostStatus.Accepted ? Outcome.Accepted : Outcome.Rejected;
            if (status == PostStatus.Rejected)
            {
                break;
            }
        }

        var producers = Enumerable.Range(0, Producers).Select(sender => Task.Run(async () =>
        {
            var random = new Random((seed * 100) + sender);
            for (var sequence = 0; sequence < PerProducer; sequence++)
            {
                var id = (sender * PerProducer) + sequence;
                var work = new Work(sender, sequence, id, Fail: random.Next(20) == 0, Spin: random.Next(4) == 0 ? random.Next(2000) : 0);
                if (random.Next(2) == 0)
                {
                    var status = machine.TryPost(work);
                    Assert.True(status is PostStatus.Accepted or PostStatus.Rejected, status.ToString());
                    outcomes[id] = status == PostStatus.Accepted ? Outcome.Accepted : Outcome.Rejected;
                }
                else
                {
                    try
                    {
                        var reply = await machine.AskAsync(work);
                        Assert.Equal(id * 2, reply);
                        Assert.False(work.Fail);
                        outcomes[id] = Outcome.Replied;
                    }
                    catch (MailboxFullException)
                    {
                        outcomes[id] = Outcome.Rejected;
                    }
                    catch (InvalidOperationException exception) when (exception.Message == "work " + id + " failed")
                    {
                        Assert.True(work.Fail);
                        outcomes[id] = Outcome.Failed;
                    }
                }

                if (random.Next(50) == 0)
                {
                    await Task.Delay(random.Next(3));
                }
            }
        })).ToArray();

        await Task.Delay(20);
        block.Release.Set();
        await Task.WhenAll(producers);
        await machine.StopAsync();

        Assert.Equal((Producers * PerProducer) + 65, outcomes.Count);
        var accepted = outcomes.Where(o => o.Value != Outcome.Rejected).Select(o => o.Key).Order().ToList();
        Assert.Equal(accepted, machine.Handled.Keys.Order());
        Assert.All(machine.Handled, pair => Assert.Equal(1, pair.Value));
        Assert.Equal(0, machine.Overlaps);
        foreach (var sender in machine.Order.GroupBy(o => o.Sender))
        {
            var sequences = sender.Select(o => o.Sequence).ToList();
            Assert.Equal(sequences.Order(), sequences);
        }
    }

    [Fact]
    public async Task Waiting_producers_lose_nothing_and_keep_their_order()
    {
        var machine = new WaitMachine();
        machine.Start();
        const int Producers = 6;
        const int PerProducer = 2000;
        var producers = Enumerable.Range(0, Producers).Select(sender => Task.Run(async () =>
        {
            var pending = new List<Task<PostStatus>>();
            for (var sequence = 0; sequence < PerProducer; sequence++)
            {
                var work = new Work(sender, sequence, (sender * PerProducer) + sequence, Spin: sequence % 7 == 0 ? 500 : 0);
                if (sequence % 3 == 0)
                {
                    Assert.Equal(work.Id * 2, await machine.AskAsync(work));
                }
                else
                {
                    // Not awaited one by one: the FIFO line of waiting senders keeps them in order anyway.
                    pending.Add(machine.PostAsync(work).AsTask());
                }
            }

            Assert.All(await Task.WhenAll(pending), s => Assert.Equal(PostStatus.Accepted, s));
        })).ToArray();

        await Task.WhenAll(producers);
        await machine.StopAsync();
        Assert.Equal(Producers * PerProducer, machine.Handled.Count);
        Assert.All(machine.Handled, pair => Assert.Equal(1, pair.Value));
        Assert.Equal(0, machine.Overlaps);
        foreach (var sender in machine.Order.GroupBy(o => o.Sender))
        {
            var sequences = sender.Select(o => o.Sequence).ToList();
            Assert.Equal(Enumerable.Range(0, PerProducer), sequences);
        }
    }

    [Fact]
    public async Task Graceful_stop_under_load_handles_everything_accepted()
    {
        var machine = new RejectMachine();
        machine.Start();
        var accepted = new ConcurrentBag<int>();
        var refusedAfterStop = 0;
        using var stop = new CancellationTokenSource();
        var producers = Enumerable.Range(0, 4).Select(sender => Task.Run(async () =>
        {
            for (var sequence = 0; ; sequence++)
            {
                var id = (sender * 1_000_000) + sequence;
                var status = machine.TryPost(new Work(sender, sequence, id));
                if (status == PostStatus.Accepted)
                {
                    accepted.Add(id);
                }
                else if (status == PostStatus.Stopped)
                {
                    Interlocked.Increment(ref refusedAfterStop);
                    return;
                }
                else if (sequence % 16 == 0)
                {
                    await Task.Yield();
                }
            }
        })).ToArray();

        await Task.Delay(50);
        await machine.StopAsync();
        await Task.WhenAll(producers);
        Assert.Equal(4, refusedAfterStop);
        Assert.Equal(accepted.Order(), machine.Handled.Keys.Order());
    }

    [Fact]
    public async Task Timeouts_and_cancellations_under_load_release_every_caller()
    {
        var machine = new RejectMachine();
        machine.Start();
        var released = 0;
        var callers = Enumerable.Range(0, 8).Select(sender => Task.Run(async () =>
        {
            var random = new Random(sender);
            for (var sequence = 0; sequence < 300; sequence++)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(random.Next(1, 3)));
                try
                {
                    await machine.AskAsync(new Work(sender, sequence, (sender * 1000) + sequence, Spin: 3000), TimeSpan.FromMilliseconds(random.Next(1, 3)), cts.Token);
                }
                catch (Exception exception) when (exception is TimeoutException or OperationCanceledException or MailboxFullException)
                {
                }

                Interlocked.Increment(ref released);
            }
        })).ToArray();

        await Task.WhenAll(callers);
        await machine.StopAsync();
        Assert.Equal(8 * 300, released);
        Assert.All(machine.Handled, pair => Assert.Equal(1, pair.Value));
        Assert.Equal(0, machine.Overlaps);
    }
}
