using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
namespace PerfAnalyzers.Runtime.StateMachines;

/// <summary>
/// What the runtime knows about one generated state machine type: names of its states and messages, options and
/// the metric tags, computed once per type so that reporting a measurement allocates nothing.
/// </summary>
public sealed class StateMachineTypeInfo
{
    /// <summary>Created once per generated type (the generator calls this).</summary>
    /// <param name="name">The machine type name.</param>
    /// <param name="stateNames">State names, indexed by the state's ordinal in the generated code.</param>
    /// <param name="messageNames">Message type names, indexed by message kind.</param>
    /// <param name="initialState">The initial state's index.</param>
    /// <param name="options">Mailbox, supervision and priority options.</param>
    /// <param name="messagePriorities">The priority of each message kind.</param>
    /// <param name="batchSizes">The batch size of each message kind (0 = not batched).</param>
    /// <param name="batchDelaysMilliseconds">How long a partial batch of each kind may wait.</param>
    /// <param name="stateType">The enum whose members are the states (shown by <see cref="ToString"/>).</param>
    public StateMachineTypeInfo(
        string name,
        string[] stateNames,
        string[] messageNames,
        int initialState,
        StateMachineOptions options,
        MessagePriority[]? messagePriorities = null,
        int[]? batchSizes = null,
        int[]? batchDelaysMilliseconds = null,
        Type? stateType = null)
    {
        Validate(options, messagePriorities, batchSizes, batchDelaysMilliseconds);
        Name = name;
        StateType = stateType;
        StateNames = stateNames;
        MessageNames = messageNames;
        InitialState = initialState;
        Options = options;
        MessagePriorities = messagePriorities ?? new MessagePriority[messageNames.Length];
        BatchSizes = batchSizes ?? new int[messageNames.Length];
        HasHighPriority = Array.IndexOf(MessagePriorities, MessagePriority.High) >= 0;
        HasBatches = Array.Exists(BatchSizes, static size => size > 0);
        var delays = batchDelaysMilliseconds ?? new int[messageNames.Length];
        BatchDelayTicks = new long[delays.Length];
        for (var i = 0; i < delays.Length; i++)
        {
            BatchDelayTicks[i] = delays[i] * System.Diagnostics.Stopwatch.Frequency / 1000;
        }

        TypeTag = new(StateMachineTelemetry.MachineTag, name);
        MessageTags = new KeyValuePair<string, object?>[messageNames.Length];
        ActivityNames = new string[messageNames.Length];
        for (var i = 0; i < messageNames.Length; i++)
        {
            MessageTags[i] = new(StateMachineTelemetry.MessageTag, messageNames[i]);
            ActivityNames[i] = name + " " + messageNames[i];
        }

        StateTags = new KeyValuePair<string, object?>[stateNames.Length];
        FromTags = new KeyValuePair<string, object?>[stateNames.Length];
        ToTags = new KeyValuePair<string, object?>[stateNames.Length];
        for (var i = 0; i < stateNames.Length; i++)
        {
            StateTags[i] = new(StateMachineTelemetry.StateTag, stateNames[i]);
            FromTags[i] = new(StateMachineTelemetry.FromTag, stateNames[i]);
            ToTags[i] = new(StateMachineTelemetry.ToTag, stateNames[i]);
        }
    }

    /// <summary>The machine type name (the <c>statemachine.type</c> tag).</summary>
    public string Name { get; }

    /// <summary>State names by index.</summary>
    public IReadOnlyList<string> StateNames { get; }

    /// <summary>Message type names by kind.</summary>
    public IReadOnlyList<string> MessageNames { get; }

    /// <summary>The initial state's index.</summary>
    public int InitialState { get; }

    /// <summary>Mailbox, supervision and priority options.</summary>
    public StateMachineOptions Options { get; }

    /// <summary>
    /// Out-of-range options are refused, not clamped. In generated code the analyzer reports them first (PERFSM008, an
    /// error); this catches options built by hand and an error whose severity was lowered.
    /// </summary>
    private static void Validate(StateMachineOptions options, MessagePriority[]? messagePriorities, int[]? batchSizes, int[]? batchDelaysMilliseconds)
    {
        foreach (var priority in messagePriorities ?? Array.Empty<MessagePriority>())
        {
            if (priority is not (MessagePriority.Normal or MessagePriority.High))
            {
                throw new ArgumentOutOfRangeException(nameof(messagePriorities), priority, "A message priority must be Normal or High.");
            }
        }

        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        if (options.MailboxCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MailboxCapacity, "MailboxCapacity must be at least 1.");
        }

        if (options.StarvationLimit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.StarvationLimit, "StarvationLimit must be at least 1.");
        }

        if (options.MaxRestarts < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxRestarts, "MaxRestarts must be 0 or more.");
        }

        if (options.FullMode is < MailboxFullMode.Wait or > MailboxFullMode.DropNewest)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.FullMode, "FullMode must be a member of MailboxFullMode.");
        }

        if (options.Supervision is < SupervisionPolicy.Resume or > SupervisionPolicy.Stop)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Supervision, "Supervision must be a member of SupervisionPolicy.");
        }

        if (options.RestartWindow <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RestartWindow, "RestartWindow must be positive.");
        }

        foreach (var size in batchSizes ?? Array.Empty<int>())
        {
            if (size < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(batchSizes), size, "A batch size must be at least 1 (0: not batched).");
            }
        }

        foreach (var delay in batchDelaysMilliseconds ?? Array.Empty<int>())
        {
            if (delay < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(batchDelaysMilliseconds), delay, "A batch delay must be 0 or more milliseconds.");
            }
        }
    }

    /// <summary>Whether some message kind has high priority (the mailbox then keeps a second ingress queue).</summary>
    internal bool HasHighPriority { get; }

    /// <summary>Whether some message kind has a <c>[Batch]</c> handler (the consumer then looks ahead in the rings).</summary>
    internal bool HasBatches { get; }

    /// <summary>The enum whose members are the states, when the generator passed it.</summary>
    public Type? StateType { get; }

    /// <summary>
    /// For logs and the debugger: name, state type and states (initial first marked), message types, mailbox capacity and
    /// full mode, supervision, e.g. <c>Order (OrderState: New*, Paid, Shipped; messages Pay, Ship; mailbox 1024, Wait; supervision Resume)</c>.
    /// </summary>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder(Name).Append(" (");
        if (StateType is not null)
        {
            text.Append(StateType.Name).Append(": ");
        }

        for (var i = 0; i < StateNames.Count; i++)
        {
            text.Append(i == 0 ? "" : ", ").Append(StateNames[i]).Append(i == InitialState ? "*" : "");
        }

        text.Append("; messages ").Append(MessageNames.Count == 0 ? "none" : string.Join(", ", MessageNames));
        text.Append("; mailbox ").Append(Options.MailboxCapacity.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(", ").Append(Options.FullMode);
        text.Append("; supervision ").Append(Options.Supervision).Append(')');
        return text.ToString();
    }

    internal MessagePriority[] MessagePriorities { get; }

    internal int[] BatchSizes { get; }

    internal long[] BatchDelayTicks { get; }

    internal KeyValuePair<string, object?> TypeTag { get; }

    internal KeyValuePair<string, object?>[] MessageTags { get; }

    internal KeyValuePair<string, object?>[] StateTags { get; }

    internal KeyValuePair<string, object?>[] FromTags { get; }

    internal KeyValuePair<string, object?>[] ToTags { get; }

    internal string[] ActivityNames { get; }

    // The tag sets of the two duration histograms, built on first use and kept: a record passes the cached array (no
    // per-record copy of the tags; the listener sees the same three or two pairs in the same order).
    private KeyValuePair<string, object?>[]?[]? _durationTagSets;
    private KeyValuePair<string, object?>[]?[]? _waitTagSets;

    /// <summary>(machine, message, state): the tags of <c>statemachine.message.duration</c>.</summary>
    internal ReadOnlySpan<KeyValuePair<string, object?>> DurationTags(int kind, int state)
    {
        var sets = _durationTagSets ??= new KeyValuePair<string, object?>[]?[MessageTags.Length * StateTags.Length];
        var index = (kind * StateTags.Length) + state;
        if ((uint)state >= (uint)StateTags.Length || (uint)index >= (uint)sets.Length)
        {
            return new KeyValuePair<string, object?>[] { TypeTag, MessageTags[kind], new(StateMachineTelemetry.StateTag, StateName(state)) };
        }

        return sets[index] ??= [TypeTag, MessageTags[kind], StateTags[state]];
    }

    /// <summary>(machine, message): the tags of <c>statemachine.mailbox.wait.duration</c>.</summary>
    internal ReadOnlySpan<KeyValuePair<string, object?>> WaitTags(int kind)
    {
        var sets = _waitTagSets ??= new KeyValuePair<string, object?>[]?[MessageTags.Length];
        return sets[kind] ??= [TypeTag, MessageTags[kind]];
    }

    internal string StateName(int state) => (uint)state < (uint)StateTags.Length ? (string)StateTags[state].Value! : state.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Options of a state machine type (from <see cref="StateMachineAttribute"/>).</summary>
public sealed class StateMachineOptions
{
    /// <summary>Most messages the mailbox holds.</summary>
    public int MailboxCapacity { get; init; } = 1024;

    /// <summary>What happens to a message sent to a full mailbox.</summary>
    public MailboxFullMode FullMode { get; init; } = MailboxFullMode.Wait;

    /// <summary>What a handler exception does.</summary>
    public SupervisionPolicy Supervision { get; init; } = SupervisionPolicy.Resume;

    /// <summary>More restarts than this within <see cref="RestartWindow"/> stop the machine.</summary>
    public int MaxRestarts { get; init; } = 10;

    /// <summary>The window of the restart intensity limit.</summary>
    public TimeSpan RestartWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>High-priority messages handled in a row before one waiting normal message.</summary>
    public int StarvationLimit { get; init; } = 8;
}
