using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Runtime.Tests.StateMachines;

/// <summary><see cref="StateMachineTypeInfo.ToString"/>: what a log line or the debugger shows for a machine type.</summary>
public class TypeInfoTests
{
    [Fact]
    public void ToString_names_the_machine_its_state_type_states_messages_capacity_and_modes()
    {
        Assert.Equal(
            "PerfAnalyzers.Runtime.Tests.StateMachines.RejectMachine (Solo: Running*; messages Work, Block; mailbox 64, Reject; supervision Resume)",
            RejectMachine.StateMachineInfo.ToString());
        Assert.Equal(
            "Tests.RestartMachine (Gate: Open*, Closed; messages Go, Fail, Peek; mailbox 1024, Wait; supervision Restart)",
            RestartMachine.StateMachineInfo.ToString());
    }

    [Fact]
    public void ToString_without_a_state_type_still_lists_the_states()
    {
        var info = new StateMachineTypeInfo("Hand", new[] { "A", "B" }, Array.Empty<string>(), 1, new StateMachineOptions { MailboxCapacity = 2 });
        Assert.Equal("Hand (A, B*; messages none; mailbox 2, Wait; supervision Resume)", info.ToString());
    }
}

/// <summary>Options out of range are refused by the runtime, not clamped (the analyzer reports them in generated code: PERFSM008).</summary>
public class TypeInfoValidationTests
{
    [Theory]
    [InlineData(0, 8, 10, 60)]
    [InlineData(-1, 8, 10, 60)]
    [InlineData(1, 0, 10, 60)]
    [InlineData(1, 8, -1, 60)]
    [InlineData(1, 8, 10, 0)]
    public void Out_of_range_options_throw(int capacity, int starvation, int restarts, int windowSeconds)
    {
        var options = new StateMachineOptions { MailboxCapacity = capacity, StarvationLimit = starvation, MaxRestarts = restarts, RestartWindow = TimeSpan.FromSeconds(windowSeconds) };
        Assert.Throws<ArgumentOutOfRangeException>(() => new StateMachineTypeInfo("M", new[] { "A" }, new[] { "X" }, 0, options));
    }

    [Fact]
    public void Negative_batch_size_or_delay_throws()
    {
        var options = new StateMachineOptions();
        Assert.Throws<ArgumentOutOfRangeException>(() => new StateMachineTypeInfo("M", new[] { "A" }, new[] { "X" }, 0, options, batchSizes: new[] { -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StateMachineTypeInfo("M", new[] { "A" }, new[] { "X" }, 0, options, batchSizes: new[] { 1 }, batchDelaysMilliseconds: new[] { -5 }));
    }

    [Fact]
    public void Enum_values_that_are_not_members_throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StateMachineTypeInfo("M", new[] { "A" }, new[] { "X" }, 0, new StateMachineOptions { FullMode = (MailboxFullMode)7 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StateMachineTypeInfo("M", new[] { "A" }, new[] { "X" }, 0, new StateMachineOptions { Supervision = (SupervisionPolicy)(-1) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StateMachineTypeInfo("M", new[] { "A" }, new[] { "X" }, 0, new StateMachineOptions(), new[] { (MessagePriority)5 }));
    }

    [Fact]
    public void Smallest_valid_options_are_accepted()
    {
        var options = new StateMachineOptions { MailboxCapacity = 1, StarvationLimit = 1, MaxRestarts = 0, RestartWindow = TimeSpan.FromTicks(1) };
        Assert.Equal(1, new StateMachineTypeInfo("M", new[] { "A" }, new[] { "X" }, 0, options, batchSizes: new[] { 0 }, batchDelaysMilliseconds: new[] { 0 }).Options.MailboxCapacity);
    }
}
