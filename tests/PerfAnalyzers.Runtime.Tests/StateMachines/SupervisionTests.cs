using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Runtime.Tests.StateMachines;

public class SupervisionTests
{
    [Fact]
    public async Task Resume_keeps_the_state_and_faults_only_the_failing_call()
    {
        await using var machine = new ResumeMachine();
        machine.Start();
        Assert.Equal(Gate.Closed, await machine.AskAsync(new Go()));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await machine.AskAsync(new Fail()));
        Assert.Equal(Gate.Closed, await machine.AskAsync(new Peek()));
        Assert.Equal(StateMachineStatus.Running, machine.Status);
    }

    [Fact]
    public async Task Restart_goes_back_to_the_initial_state_until_the_intensity_limit_stops_the_machine()
    {
        var machine = new RestartMachine();
        machine.Start();
        for (var restart = 1; restart <= 2; restart++)
        {
            Assert.Equal(Gate.Closed, await machine.AskAsync(new Go()));
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await machine.AskAsync(new Fail()));
            Assert.Equal(Gate.Open, await machine.AskAsync(new Peek()));
            Assert.Equal(restart, machine.RestartsSeen);
        }

        // The third failure within the window exceeds MaxRestarts = 2: the machine stops.
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await machine.AskAsync(new Fail()));
        Assert.Equal(StateMachineStatus.Faulted, machine.Status);
        Assert.Equal(2, machine.RestartsSeen);
        await Assert.ThrowsAsync<StateMachineStoppedException>(async () => await machine.AskAsync(new Peek()));
        await machine.StopAsync();
    }

    [Fact]
    public async Task Stop_policy_faults_the_machine_and_fails_queued_callers()
    {
        var machine = new StopOnErrorMachine();
        machine.Start();
        var block = Block.Create();
        machine.TryPost(block);
        Assert.True(block.Started.Wait(TimeSpan.FromSeconds(30)));
        var failing = machine.AskAsync(new Fail()).AsTask();
        var queued = Enumerable.Range(0, 3).Select(i => machine.AskAsync(new Work(0, i, i)).AsTask()).ToList();
        block.Release.Set();
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        foreach (var ask in queued)
        {
            var error = await Assert.ThrowsAsync<StateMachineStoppedException>(() => ask);
            Assert.IsType<InvalidOperationException>(error.InnerException);
        }

        Assert.Equal(StateMachineStatus.Faulted, machine.Status);
        Assert.Empty(machine.Handled);
        await machine.StopAsync();
    }

    [Fact]
    public async Task A_message_not_handled_in_the_current_state_faults_the_call_without_supervision()
    {
        var machine = new RestartMachine();
        machine.Start();
        await machine.AskAsync(new Go());
        var error = await Assert.ThrowsAsync<UnhandledMessageException>(async () => await machine.AskAsync(new Go()));
        Assert.Equal("Closed", error.State);
        Assert.Equal(0, machine.RestartsSeen);
        Assert.Equal(Gate.Closed, machine.State);
        await machine.StopAsync();
    }
}
