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
