namespace PerfAnalyzers.Runtime.Telemetry;

/// <summary>
/// Something with a mailbox whose depth can be read: what generated state machines implement so
/// <see cref="MachineRegistry"/> can find overloaded ones. Generated code implements it explicitly, so the members do not
/// clash with a user's own <c>Name</c>.
/// </summary>
public interface IMailboxDepthSource
{
    /// <summary>A name for diagnostics, e.g. the machine type and an instance number (<c>EntitlementGovernor#3</c>).</summary>
    string Name { get; }

    /// <summary>Messages waiting in the mailbox now. Reading it must be cheap, thread-safe and must not throw.</summary>
    int MailboxDepth { get; }
}
