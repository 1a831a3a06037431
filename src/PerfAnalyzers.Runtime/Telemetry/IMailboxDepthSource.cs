namespace PerfAnalyzers.Runtime.Telemetry;

/// <summary>
/// Something with a mailbox whose depth can be read, so <see cref="MachineRegistry"/> can find overloaded ones. Generated
/// state machines have it through <see cref="StateMachines.IStateMachine"/> (their <see cref="Name"/> is the machine type
/// name); implement it explicitly on your own types so its members do not clash with yours.
/// </summary>
public interface IMailboxDepthSource
{
    /// <summary>A name for diagnostics, e.g. the machine type and an instance number (<c>EntitlementGovernor#3</c>).</summary>
    string Name { get; }

    /// <summary>Messages waiting in the mailbox now. Reading it must be cheap, thread-safe and must not throw.</summary>
    int MailboxDepth { get; }
}
