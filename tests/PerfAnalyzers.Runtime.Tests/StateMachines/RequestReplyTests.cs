using PerfAnalyzers.Runtime.StateMachines;

// The idle path completes synchronously: reading .Result / GetResult() is the point of these tests, and cannot block.
#pragma warning disable xUnit1031

namespace PerfAnalyzers.Runtime.Tests.StateMachines;

[Collection(PerfAnalyzers.Runtime.Tests.Telemetry.SerialTelemetryCollection.Name)] // listeners and allocation counts must not overlap other such tests
public class RequestReplyTests
{
    [Fact]
    public async Task Idle_machine_replies_on_the_callers_thread()
    {
        await using var machine = new CounterMachine();
        machine.Start();
        var reply = machine.AskAsync(5);
        Assert.True(reply.IsCompletedSuccessfully);
        Assert.Equal(5, reply.Result);
    }

    [Fact]
    public async Task Idle_request_reply_allocates_nothing()
    {
        await using var machine = new CounterMachine();
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
    }

    [Fact]
    public async Task Timeout_releases_the_caller_and_the_message_is_never_handled()
    {
        await using var machine = new RejectMachine();
        machine.Start();
        var block = Block.Create();
        machine.TryPost(block);
        Assert.True(block.Started.Wait(TimeSpan.FromSeconds(30)));
        await Assert.ThrowsAsync<TimeoutException>(async () => await machine.AskAsync(new Work(0, 0, 1), TimeSpan.FromMilliseconds(50)));
        var after = machine.AskAsync(new Work(0, 1, 2));
        block.Release.Set();
        Assert.Equal(4, await after);
        Assert.Equal(new[] { 2 }, machine.Handled.Keys);
    }

    [Fact]
    public async Task Cancellation_releases_the_caller_and_the_message_is_never_handled()
    {
        await using var machine = new RejectMachine();
        machine.Start();
        var block = Block.Create();
        machine.TryPost(block);
        Assert.True(block.Started.Wait(TimeSpan.FromSeconds(30)));
        using var cts = new CancellationTokenSource();
        var canceled = machine.AskAsync(new Work(0, 0, 1), cts.Token).AsTask();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceled);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await machine.AskAsync(new Work(0, 1, 3), cts.Token));
        block.Release.Set();
        await machine.StopAsync();
        Assert.Empty(machine.Handled);
    }

    [Fact]
    public async Task Replies_go_to_the_right_caller_under_concurrency()
    {
        await using var machine = new RejectMachine();
        machine.Start();
        var callers = Enumerable.Range(0, 16).Select(sender => Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                var id = (sender * 1000) + i;
                while (true)
                {
                    try
                    {
                        Assert.Equal(id * 2, await machine.AskAsync(new Work(sender, i, id)));
                        break;
                    }
                    catch (MailboxFullException)
                    {
                        await Task.Yield();
                    }
                }
            }
        })).ToList();
        await Task.WhenAll(callers);
        Assert.Equal(16 * 200, machine.Handled.Count);
        Assert.Equal(0, machine.Overlaps);
    }
}
