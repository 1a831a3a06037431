using System.Collections.Concurrent;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Orleans.Tests;

[GenerateSerializer]
public enum TurnstileState { Locked, Open }

/// <summary>A counter with a small rejecting mailbox. Handled casts are also counted process-wide (silos run in this process).</summary>
[StateMachine(TurnstileState.Locked, MailboxCapacity = 8, FullMode = MailboxFullMode.Reject)]
public partial class Turnstile(string key)
{
    /// <summary>Handled <see cref="Add"/> amounts per key, across activations and silos (the tests' ledger).</summary>
    public static readonly ConcurrentDictionary<string, long> Handled = new();

    /// <summary>Blocks a <see cref="Block"/> handler until released (per key).</summary>
    public static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new();

    private long _total;

    public string Key { get; } = key;

    [GenerateSerializer] public sealed record Add([property: Id(0)] int Amount) : IMessage;
    [GenerateSerializer] public sealed record Total : IMessage;
    [GenerateSerializer] public sealed record Coin : IMessage;
    [GenerateSerializer] public sealed record Push : IMessage;
    [GenerateSerializer] public sealed record Block : IMessage;
    [GenerateSerializer] public sealed record Fail([property: Id(0)] string Reason) : IMessage;

    [On]
    private void Handle(Add add)
    {
        _total += add.Amount;
        Handled.AddOrUpdate(Key, add.Amount, (_, sum) => sum + add.Amount);
    }

    [On]
    private long Handle(Total total) => _total;

    [On(TurnstileState.Locked)]
    private TurnstileState Handle(Coin coin)
    {
        TransitionTo(TurnstileState.Open);
        return State;
    }

    [On(TurnstileState.Open)]
    private TurnstileState Handle(Push push)
    {
        TransitionTo(TurnstileState.Locked);
        return State;
    }

    [On]
    private void Handle(Block block) => Gates.GetOrAdd(Key, static _ => new SemaphoreSlim(0)).Wait(TimeSpan.FromSeconds(30));

    [On]
    private int Handle(Fail fail) => throw new InvalidOperationException(fail.Reason);
}

/// <summary>The same shape with a waiting mailbox (<see cref="MailboxFullMode.Wait"/>).</summary>
public enum InboxState { Open }

[StateMachine(InboxState.Open, MailboxCapacity = 2, FullMode = MailboxFullMode.Wait)]
public partial class Inbox(string key)
{
    public static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new();
    public static readonly ConcurrentDictionary<string, long> Handled = new();

    public string Key { get; } = key;

    [GenerateSerializer] public sealed record Item([property: Id(0)] int Value) : IMessage;
    [GenerateSerializer] public sealed record Block : IMessage;

    [On]
    private void Handle(Item item) => Handled.AddOrUpdate(Key, 1, (_, n) => n + 1);

    [On]
    private void Handle(Block block) => Gates.GetOrAdd(Key, static _ => new SemaphoreSlim(0)).Wait(TimeSpan.FromSeconds(30));
}

/// <summary>A grain that talks to a hosted machine (grain-to-machine calls).</summary>
[Alias("PerfAnalyzers.Orleans.Tests.IRelayGrain")]
public interface IRelayGrain : IGrainWithStringKey
{
    [Alias("AddThenTotal")]
    Task<long> AddThenTotal(string machineKey, int amount);
}

public sealed class RelayGrain : Grain, IRelayGrain
{
    public async Task<long> AddThenTotal(string machineKey, int amount)
    {
        var turnstile = GrainFactory.GetStateMachine<Turnstile>(machineKey);
        await turnstile.AskAsync(new Turnstile.Add(amount));
        return await turnstile.AskAsync<long>(new Turnstile.Total());
    }
}

public enum PingState { Up }

/// <summary>A machine with SLOs (the silo tracks them).</summary>
[StateMachine(PingState.Up)]
[Slo(P95Milliseconds = 500, P99Milliseconds = 1000)]
public partial class Sloppy(string key)
{
    private int _pings;

    public string Key { get; } = key;

    [GenerateSerializer] public sealed record Ping : IMessage;

    [On]
    private int Handle(Ping ping) => ++_pings;
}

/// <summary>Supervision Stop: a handler exception stops the machine.</summary>
[StateMachine(PingState.Up, Supervision = SupervisionPolicy.Stop)]
public partial class Fragile(string key)
{
    private int _count;

    public string Key { get; } = key;

    [GenerateSerializer] public sealed record Count : IMessage;
    [GenerateSerializer] public sealed record Crash : IMessage;

    [On]
    private int Handle(Count count) => ++_count;

    [On]
    private void Handle(Crash crash) => throw new InvalidOperationException("crash");
}

/// <summary><see cref="MailboxFullMode.DropOldest"/>: a full mailbox evicts its oldest message for the new one.</summary>
[StateMachine(InboxState.Open, MailboxCapacity = 2, FullMode = MailboxFullMode.DropOldest)]
public partial class Dropper(string key)
{
    public static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new();

    private readonly List<int> _seen = new();

    public string Key { get; } = key;

    [GenerateSerializer] public sealed record Item([property: Id(0)] int Value) : IMessage;
    [GenerateSerializer] public sealed record Seen : IMessage;
    [GenerateSerializer] public sealed record Block : IMessage;

    [On]
    private int Handle(Item item)
    {
        _seen.Add(item.Value);
        return item.Value;
    }

    [On]
    private int[] Handle(Seen seen) => _seen.ToArray();

    [On]
    private void Handle(Block block) => Gates.GetOrAdd(Key, static _ => new SemaphoreSlim(0)).Wait(TimeSpan.FromSeconds(30));
}
