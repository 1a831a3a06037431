using PerfAnalyzers.Runtime.Telemetry;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Runtime.Tests.StateMachines;

public class LifecycleTests
{
    [Fact]
    public async Task Messages_before_start_are_refused_with_a_clear_error()
    {
        var machine = new CounterMachine();
        Assert.Equal(StateMachineStatus.NotStarted, machine.Status);
        Assert.Equal(PostStatus.NotStarted, machine.TryPost(1));
        var error = await Assert.ThrowsAsync<StateMachineStoppedException>(async () => await machine.AskAsync(1));
        Assert.Contains("Start()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Graceful_stop_drains_every_queued_message_then_refuses_new_ones()
    {
        var machine = new RejectMachine();
        machine.Start();
        var block = Block.Create();
        machine.TryPost(block);
        Assert.True(block.Started.Wait(TimeSpan.FromSeconds(30)));
        var asks = Enumerable.Range(0, 30).Select(i => machine.AskAsync(new Work(0, i, i)).AsTask()).ToList();
        var stopping = machine.StopAsync();
        Assert.Equal(StateMachineStatus.Stopping, machine.Status);
        Assert.Equal(PostStatus.Stopped, machine.TryPost(new Work(0, 99, 99)));
        Assert.False(stopping.IsCompleted);

        block.Release.Set();
        await stopping;
        Assert.Equal(StateMachineStatus.Stopped, machine.Status);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => i * 2), await Task.WhenAll(asks));
        Assert.Equal(30, machine.Handled.Count);
        var error = await Assert.ThrowsAsync<StateMachineStoppedException>(async () => await machine.AskAsync(new Work(0, 100, 100)));
        Assert.Equal(StateMachineStatus.Stopped, error.Status);
    }

    [Fact]
    public async Task Immediate_stop_fails_queued_callers()
    {
        var machine = new RejectMachine();
        machine.Start();
        var block = Block.Create();
        machine.TryPost(block);
        Assert.True(block.Started.Wait(TimeSpan.FromSeconds(30)));
        var asks = Enumerable.Range(0, 5).Select(i => machine.AskAsync(new Work(0, i, i)).AsTask()).ToList();
        var stopping = machine.StopAsync(StopMode.Immediate);
        foreach (var ask in asks)
        {
            await Assert.ThrowsAsync<StateMachineStoppedException>(() => ask);
        }

        block.Release.Set();
        await stopping;
        Assert.Empty(machine.Handled);
        Assert.Equal(StateMachineStatus.Stopped, machine.Status);
    }

    [Fact]
    public async Task DisposeAsync_stops_gracefully()
    {
        var machine = new CounterMachine();
        machine.Start();
        for (var i = 0; i < 100; i++)
        {
            machine.TryPost(1);
        }

        await machine.DisposeAsync();
        Assert.Equal(100, machine.Total);
        Assert.Equal(StateMachineStatus.Stopped, machine.Status);
    }

    [Fact]
    public async Task Started_machines_are_listed_live_until_stopped()
    {
        var machine = new CounterMachine();
        Assert.DoesNotContain(machine, MachineRegistry.GetLiveStateMachines());
        machine.Start();
        Assert.Contains(machine, MachineRegistry.GetLiveStateMachines());
        await machine.StopAsync();
        Assert.DoesNotContain(machine, MachineRegistry.GetLiveStateMachines());
    }

    [Fact]
    public void The_registry_does_not_keep_machines_alive()
    {
        var weak = StartAndForget();
        for (var i = 0; i < 5 && weak.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(weak.IsAlive);

        static WeakReference StartAndForget()
        {
            var machine = new CounterMachine();
            machine.Start();
            machine.AskAsync(5).AsTask().GetAwaiter().GetResult();
            return new WeakReference(machine);
        }
    }
}
