using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Orleans;

/// <summary>
/// The grain that hosts one <typeparamref name="TMachine"/> per key. Use it through
/// <see cref="StateMachineGrainFactoryExtensions.GetStateMachine{TMachine}(IGrainFactory, string)"/>, which returns a
/// <see cref="StateMachineReference{TMachine}"/> with the local machine's calls (<c>AskAsync</c>, <c>TryPostAsync</c>,
/// <c>PostAsync</c>); this interface is the wire contract. Messages and replies travel as <see cref="object"/>: their
/// types need Orleans serialization (<c>[GenerateSerializer]</c>, or a registered serializer). Within a silo they are
/// not deep-copied (<see cref="ImmutableAttribute"/>): as with a local machine, do not change a message after sending it.
/// </summary>
/// <typeparam name="TMachine">A generated <c>[StateMachine]</c> class.</typeparam>
[Alias("PerfAnalyzers.Orleans.IStateMachineGrain`1")]
public interface IStateMachineGrain<TMachine> : IGrainWithStringKey
    where TMachine : class, IStateMachine
{
    /// <summary>A request: the machine's <c>AskAsync(message, timeout)</c>; the outcome travels as data.</summary>
    [Alias("Ask")]
    ValueTask<RemoteReply> AskAsync([Immutable] object message, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>
    /// A request that cannot be canceled: the same without a <see cref="CancellationToken"/> parameter, which costs Orleans
    /// about 180 B per call even when the token cannot be canceled (Orleans 10.4.2).
    /// </summary>
    [Alias("AskUncancelable")]
    ValueTask<RemoteReply> AskAsync([Immutable] object message, TimeSpan timeout);

    /// <summary>A cast that never waits for room: the machine's <c>TryPost(message)</c>.</summary>
    [Alias("TryPost")]
    ValueTask<RemotePostStatus> TryPostAsync([Immutable] object message);

    /// <summary>A cast that waits for room (<see cref="MailboxFullMode.Wait"/>): the machine's <c>PostAsync(message)</c>.</summary>
    [Alias("Post")]
    ValueTask<RemotePostStatus> PostAsync([Immutable] object message, CancellationToken cancellationToken = default);

    /// <summary>A cast that waits for room and cannot be canceled (no <see cref="CancellationToken"/> on the wire).</summary>
    [Alias("PostUncancelable")]
    ValueTask<RemotePostStatus> PostAsync([Immutable] object message);

    /// <summary>The hosted machine's status, state, mailbox depth and silo.</summary>
    [Alias("GetStatus")]
    ValueTask<RemoteMachineStatus> GetStatusAsync();
}

/// <summary>How a remote request ended; <see cref="StateMachineReference{TMachine}"/> turns it back into the local exception.</summary>
[GenerateSerializer]
[Alias("PerfAnalyzers.Orleans.RemoteOutcome")]
public enum RemoteOutcome
{
    /// <summary>Handled; <see cref="RemoteReply.Value"/> is the reply.</summary>
    Handled = 0,

    /// <summary><see cref="MailboxFullException"/>.</summary>
    MailboxFull = 1,

    /// <summary><see cref="MessageDroppedException"/>.</summary>
    Dropped = 2,

    /// <summary><see cref="StateMachineStoppedException"/>.</summary>
    Stopped = 3,

    /// <summary><see cref="UnhandledMessageException"/>.</summary>
    Unhandled = 4,

    /// <summary><see cref="TimeoutException"/>.</summary>
    TimedOut = 5,

    /// <summary><see cref="OperationCanceledException"/>.</summary>
    Canceled = 6,

    /// <summary>The machine has no <c>AskAsync</c> for the message's type (an <see cref="ArgumentException"/>).</summary>
    UnknownMessage = 7,
}

/// <summary>The outcome of a remote request: the reply, or which runtime exception the machine raised.</summary>
/// <param name="Outcome">How the request ended.</param>
/// <param name="Value">The reply (<see cref="RemoteOutcome.Handled"/>; null for a handler that returns no value).</param>
/// <param name="Error">The exception's message for the other outcomes (for <see cref="RemoteOutcome.Unhandled"/>, the machine's state).</param>
/// <param name="Silo">The silo that hosted the machine.</param>
[GenerateSerializer]
[Immutable]
[Alias("PerfAnalyzers.Orleans.RemoteReply")]
public readonly record struct RemoteReply(
    [property: Id(0)] RemoteOutcome Outcome,
    [property: Id(1)] object? Value,
    [property: Id(2)] string? Error,
    [property: Id(3)] string? Silo);

/// <summary>
/// <see cref="PostStatus"/> on the wire (the runtime's enum has no Orleans serializer: the runtime does not depend on Orleans).
/// </summary>
[GenerateSerializer]
[Alias("PerfAnalyzers.Orleans.RemotePostStatus")]
public enum RemotePostStatus
{
    /// <summary><see cref="PostStatus.Accepted"/>.</summary>
    Accepted = 0,

    /// <summary><see cref="PostStatus.Rejected"/>.</summary>
    Rejected = 1,

    /// <summary><see cref="PostStatus.Stopped"/>.</summary>
    Stopped = 2,

    /// <summary><see cref="PostStatus.NotStarted"/>.</summary>
    NotStarted = 3,
}

/// <summary>A hosted machine as seen from a client.</summary>
/// <param name="Key">The grain key.</param>
/// <param name="Silo">The silo hosting the activation.</param>
/// <param name="Status">The machine's <see cref="StateMachineStatus"/> name.</param>
/// <param name="State">The machine's current state name.</param>
/// <param name="MailboxDepth">Messages waiting in its mailbox.</param>
[GenerateSerializer]
[Alias("PerfAnalyzers.Orleans.RemoteMachineStatus")]
public readonly record struct RemoteMachineStatus(
    [property: Id(0)] string Key,
    [property: Id(1)] string Silo,
    [property: Id(2)] string Status,
    [property: Id(3)] string State,
    [property: Id(4)] int MailboxDepth);
