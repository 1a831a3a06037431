using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Runtime.Tests.StateMachines;

[StateMachine(Solo.Running, MailboxCapacity = 64, FullMode = MailboxFullMode.Reject, InlineCasts = true)]
public partial class InlineCastMachine : Worker
{
    public int LastThread;

    [On]
    private int Handle(Work work)
    {
        LastThread = Environment.CurrentManagedThreadId;
        return DoWork(work);
    }

    [On] private void Handle(Block block) => DoBlock(block);
}

/// <summary>[StateMachine(InlineCasts = true)]: a cast to an idle machine runs on the sender's thread; a busy one queues it.</summary>
[Collection(PerfAnalyzers.Runtime.Tests.Telemetry.SerialTelemetryCollection.Name)] // listeners and allocation counts must not overlap other such tests
public class InlineCastTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_cast_to_an_idle_machine_is_handled_before_TryPost_returns_on_the_senders_thread()
    {
        await using var machine = new InlineCastMachine();
        machine.Start();
        Assert.Equal(PostStatus.Accepted, machine.TryPost(new Work(0, 0, 1)));
        Assert.Equal(1, machine.Handled[1]);
        Assert.Equal(Environment.CurrentManagedThreadId, machine.LastThread);
        Assert.Equal(PostStatus.Accepted, await machine.PostAsync(new Work(0, 1, 2)));
        Assert.Equal(1, machine.Handled[2]);
        Assert.Equal(0, machine.MailboxDepth);
    }

    [Fact]
    public async Task A_cast_to_a_busy_machine_is_queued_and_keeps_its_place()
    {
        await using var machine = new InlineCastMachine();
        machine.Start();
        var block = Block.Create();

        // The blocking cast itself runs inline, on the thread that sends it.
        var blocking = Task.Run(() => machine.TryPost(block));
        Assert.True(block.Started.Wait(Long));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(PostStatus.Accepted, machine.TryPost(new Work(0, i, i)));
        }

        Assert.Equal(5, machine.MailboxDepth);
        Assert.Empty(machine.Handled);
        block.Release.Set();
        Assert.Equal(PostStatus.Accepted, await blocking);
        await machine.StopAsync();
        Assert.Equal(Enumerable.Range(0, 5).Select(i => (0, i)), machine.Order);
    }

    [Fact]
    public async Task A_failing_inline_cast_returns_Accepted_and_the_machine_resumes()
    {
        await using var machine = new InlineCastMachine();
        machine.Start();
        Assert.Equal(PostStatus.Accepted, machine.TryPost(new Work(0, 0, 1, Fail: true)));
        Assert.Equal(StateMachineStatus.Running, machine.Status);
        Assert.Equal(PostStatus.Accepted, machine.TryPost(new Work(0, 1, 2)));
        Assert.Equal(new[] { 1, 2 }, machine.Handled.Keys.Order());
    }

    [Fact]
    public async Task Inline_casts_allocate_nothing()
    {
        await using var machine = new InlineCastMachine();
        machine.Start();
        var work = new Work(0, 0, 7);
        for (var i = 0; i < 100; i++)
        {
            machine.TryPost(work);
        }

        var best = long.MaxValue;
        for (var pass = 0; pass < 3; pass++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1000; i++)
            {
                machine.TryPost(work);
            }

            best = Math.Min(best, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, best);
    }

    [Fact]
    public async Task Many_senders_inline_and_queued_casts_each_handled_once_in_sender_order_never_overlapping()
    {
        var machine = new InlineCastMachine();
        machine.Start();
        const int Senders = 6;
        const int PerSender = 3000;
        var producers = Enumerable.Range(0, Senders).Select(sender => Task.Run(async () =>
        {
            var random = new Random(sender);
            for (var sequence = 0; sequence < PerSender; sequence++)
            {
                var work = new Work(sender, sequence, (sender * PerSender) + sequence, Spin: random.Next(6) == 0 ? random.Next(500) : 0);
                while (machine.TryPost(work) == PostStatus.Rejected)
                {
                    await Task.Yield();
                }
            }
        })).ToArray();

        await Task.WhenAll(producers);
        await machine.StopAsync();
        Assert.Equal(Senders * PerSender, machine.Handled.Count);
        Assert.All(machine.Handled, pair => Assert.Equal(1, pair.Value));
        Assert.Equal(0, machine.Overlaps);
        foreach (var sender in machine.Order.GroupBy(o => o.Sender))
        {
            Assert.Equal(Enumerable.Range(0, PerSender), sender.Select(o => o.Sequence));
        }
    }
}
