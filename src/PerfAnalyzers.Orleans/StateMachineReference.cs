using System.Reflection;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Orleans;

/// <summary>Typed references to hosted state machines: <c>grains.GetStateMachine&lt;EntitlementGovernor&gt;("tenant-1")</c>.</summary>
public static class StateMachineGrainFactoryExtensions
{
    /// <summary>
    /// The machine <typeparamref name="TMachine"/> with this key, wherever the cluster activates it (from a client or a
    /// grain). The silos must have called <c>AddStateMachines()</c>.
    /// </summary>
    public static StateMachineReference<TMachine> GetStateMachine<TMachine>(this IGrainFactory grains, string key)
        where TMachine : class, IStateMachine
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(key);
        return new StateMachineReference<TMachine>(grains.GetGrain<IStateMachineGrain<TMachine>>(key), key);
    }
}

/// <summary>
/// A hosted <typeparamref name="TMachine"/>, with the calls of the local machine: <c>AskAsync</c> (reply, timeout,
/// cancellation; the same exceptions: <see cref="MailboxFullException"/>, <see cref="MessageDroppedException"/>,
/// <see cref="StateMachineStoppedException"/>, <see cref="UnhandledMessageException"/>, <see cref="TimeoutException"/>,
/// <see cref="OperationCanceledException"/>, or the handler's own exception as Orleans carries it), and casts that report
/// a <see cref="PostStatus"/> (a cast refused by a full mailbox is <see cref="PostStatus.Rejected"/> for the remote sender too).
/// </summary>
/// <remarks>
/// Each call is one Orleans call, so casts are asynchronous here (<see cref="TryPostAsync"/> returns once the hosting
/// silo's machine accepted or refused the message). A call whose silo fails ends with Orleans' exception
/// (e.g. <c>SiloUnavailableException</c>) or, at the latest, after Orleans' response timeout
/// (<c>MessagingOptions.ResponseTimeout</c>, 30 s by default); an <c>AskAsync</c> with a timeout gives up at most
/// <see cref="TimeoutAllowance"/> after it. When the PerfAnalyzers generator runs in a project that references this
/// package, it generates typed extension methods per message next to the machine (<c>AskAsync(this
/// StateMachineReference&lt;EntitlementGovernor&gt;, Grant)</c> returning <c>Task&lt;EntitlementState&gt;</c>; internal to
/// the machine's assembly); elsewhere, name the reply: <c>AskAsync&lt;EntitlementState&gt;(grant)</c>.
/// </remarks>
/// <typeparam name="TMachine">A generated <c>[StateMachine]</c> class.</typeparam>
public readonly struct StateMachineReference<TMachine> : IEquatable<StateMachineReference<TMachine>>
    where TMachine : class, IStateMachine
{
    /// <summary>How long past its own timeout a remote request may take to come back before the caller gives up (2 s).</summary>
    public static readonly TimeSpan TimeoutAllowance = TimeSpan.FromSeconds(2);

    /// <summary>Wraps a grain reference.</summary>
    public StateMachineReference(IStateMachineGrain<TMachine> grain, string key)
    {
        Grain = grain ?? throw new ArgumentNullException(nameof(grain));
        Key = key ?? throw new ArgumentNullException(nameof(key));
    }

    /// <summary>The Orleans grain reference.</summary>
    public IStateMachineGrain<TMachine> Grain { get; }

    /// <summary>The machine's key.</summary>
    public string Key { get; }

    /// <summary>A request whose reply is <typeparamref name="TReply"/>.</summary>
    public Task<TReply> AskAsync<TReply>(object message, CancellationToken cancellationToken = default)
        => AskAsync<TReply>(message, Timeout.InfiniteTimeSpan, cancellationToken);

    /// <summary>A request whose reply is <typeparamref name="TReply"/>, failing with <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public Task<TReply> AskAsync<TReply>(object message, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        // A token that cannot be canceled stays off the wire (Orleans pays for a CancellationToken parameter on every call).
        var call = cancellationToken.CanBeCanceled ? Grain.AskAsync(message, timeout, cancellationToken) : Grain.AskAsync(message, timeout);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            call = new ValueTask<RemoteReply>(call.AsTask().WaitAsync(timeout + TimeoutAllowance, cancellationToken));
        }

        // One small async state machine (the caller's Task) holding only what the reply needs.
        return Unwrap<TReply>(call, message, cancellationToken);
    }

    private static async Task<TReply> Unwrap<TReply>(ValueTask<RemoteReply> call, object message, CancellationToken cancellationToken)
    {
        var reply = await call.ConfigureAwait(false);
        return reply.Outcome == RemoteOutcome.Handled ? (TReply)reply.Value! : throw ToException(reply, message, cancellationToken);
    }

    /// <summary>
    /// A request whose handler returns no value (or whose reply the caller does not want): completes when handled. (Named
    /// apart from <c>AskAsync</c> so that the generated typed <c>AskAsync</c> extensions are chosen for typed messages.)
    /// </summary>
    public Task RequestAsync(object message, CancellationToken cancellationToken = default)
        => AskAsync<object?>(message, Timeout.InfiniteTimeSpan, cancellationToken);

    /// <summary>A request without a reply value, failing with <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public Task RequestAsync(object message, TimeSpan timeout, CancellationToken cancellationToken = default)
        => AskAsync<object?>(message, timeout, cancellationToken);

    /// <summary>A cast that never waits for room: <see cref="PostStatus.Accepted"/> (handled exactly once), <see cref="PostStatus.Rejected"/> (full), ...</summary>
    public async Task<PostStatus> TryPostAsync(object message)
        => (PostStatus)await Grain.TryPostAsync(message).ConfigureAwait(false);

    /// <summary>A cast that waits for room in a <see cref="MailboxFullMode.Wait"/> mailbox (in the hosting silo; FIFO among waiting senders).</summary>
    public async Task<PostStatus> PostAsync(object message, CancellationToken cancellationToken = default)
        => (PostStatus)await (cancellationToken.CanBeCanceled ? Grain.PostAsync(message, cancellationToken) : Grain.PostAsync(message)).ConfigureAwait(false);

    /// <summary>The machine's status, state, mailbox depth and hosting silo.</summary>
    public Task<RemoteMachineStatus> GetStatusAsync() => Grain.GetStatusAsync().AsTask();

    /// <inheritdoc />
    public bool Equals(StateMachineReference<TMachine> other) => Key == other.Key;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is StateMachineReference<TMachine> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Key?.GetHashCode(StringComparison.Ordinal) ?? 0;

    /// <inheritdoc />
    public override string ToString() => $"{typeof(TMachine).Name}/{Key}";

    private static Exception ToException(RemoteReply reply, object message, CancellationToken cancellationToken)
    {
        var info = MachineInfo.Value;
        var name = info?.Name ?? typeof(TMachine).FullName ?? typeof(TMachine).Name;
        return reply.Outcome switch
        {
            RemoteOutcome.MailboxFull => new MailboxFullException(name, info?.Options.MailboxCapacity ?? 0),
            RemoteOutcome.Dropped => new MessageDroppedException(name, info?.Options.FullMode ?? MailboxFullMode.DropOldest),
            RemoteOutcome.Stopped => new StateMachineStoppedException(name, StateMachineStatus.Stopped),
            RemoteOutcome.Unhandled => new UnhandledMessageException(name, message.GetType().Name, reply.Error ?? "?"),
            RemoteOutcome.TimedOut => new TimeoutException(reply.Error),
            RemoteOutcome.Canceled => new OperationCanceledException(reply.Error, cancellationToken),
            _ => new ArgumentException(reply.Error, nameof(message)),
        };
    }

    // The generated static StateMachineInfo of TMachine (name, capacity, full mode), read once.
    private static class MachineInfo
    {
        public static readonly StateMachineTypeInfo? Value =
            typeof(TMachine).GetProperty("StateMachineInfo", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as StateMachineTypeInfo;
    }
}
