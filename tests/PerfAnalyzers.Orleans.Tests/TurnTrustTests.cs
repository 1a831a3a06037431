using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Orleans.Tests;

/// <summary>
/// <see cref="StateMachineHostingOptions.FastHandlerBudget"/>: with the default <c>RunHandlersOffActivationTurn</c>, a
/// message type whose handler proved fast on the thread pool runs on the activation's turn (no hop), and one that took
/// longer there hops again until it proves fast for twice as long. The handlers report whether they ran on Orleans' scheduler (the turn) or the thread pool.
/// </summary>
public sealed class TurnTrustTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterFixture.DeployAsync<SiloConfigurator>(1);

    public Task DisposeAsync() => ClusterFixture.StopAsync(_cluster);

    [Fact]
    public async Task A_fast_handler_runs_on_the_turn_after_proving_fast_on_the_thread_pool()
    {
        var machine = _cluster.Client.GetStateMachine<Turns>("fast-" + Guid.NewGuid().ToString("N"));
        var first = await machine.AskAsync<bool>(new Turns.Quick()).WaitAsync(Bound);
        Assert.False(first); // not trusted yet: hopped
        var onTurn = 0;
        for (var i = 0; i < 300 && onTurn == 0; i++)
        {
            onTurn += await machine.AskAsync<bool>(new Turns.Quick()).WaitAsync(Bound) ? 1 : 0;
        }

        Assert.Equal(1, onTurn);
    }

    [Fact]
    public async Task A_slow_handler_never_runs_on_the_turn()
    {
        var machine = _cluster.Client.GetStateMachine<Turns>("slow-" + Guid.NewGuid().ToString("N"));
        for (var i = 0; i < TurnTrust.FastRunsNeeded + 2; i++)
        {
            Assert.False(await machine.AskAsync<bool>(new Turns.Slow()).WaitAsync(Bound));
        }
    }

    [Fact]
    public async Task A_handler_that_took_longer_on_the_turn_hops_again_for_twice_as_long()
    {
        var machine = _cluster.Client.GetStateMachine<Turns>("flaky-" + Guid.NewGuid().ToString("N"));
        // Until the slow handling runs on the turn (a loaded machine can preempt a fast one past the budget first).
        var sleptOnTurn = false;
        for (var attempt = 0; attempt < 5 && !sleptOnTurn; attempt++)
        {
            var trusted = false;
            for (var i = 0; i < 300 && !trusted; i++)
            {
                trusted = await machine.AskAsync<bool>(new Turns.Flaky(Sleep: false)).WaitAsync(Bound);
            }

            Assert.True(trusted);
            sleptOnTurn = await machine.AskAsync<bool>(new Turns.Flaky(Sleep: true)).WaitAsync(Bound);
        }

        Assert.True(sleptOnTurn);
        for (var i = 0; i < (2 * TurnTrust.FastRunsNeeded) - 1; i++)
        {
            Assert.False(await machine.AskAsync<bool>(new Turns.Flaky(Sleep: false)).WaitAsync(Bound));
        }

        var back = false;
        for (var i = 0; i < 300 && !back; i++)
        {
            back = await machine.AskAsync<bool>(new Turns.Flaky(Sleep: false)).WaitAsync(Bound);
        }

        Assert.True(back);
    }

    [Fact]
    public void Trust_needs_a_run_of_fast_handlings_and_each_slow_one_on_the_turn_doubles_it()
    {
        var trust = new TurnTrust();
        for (var i = 0; i < TurnTrust.FastRunsNeeded - 1; i++)
        {
            trust.ObserveHopped(ticks: 5, budgetTicks: 10);
        }

        Assert.False(trust.Trusted);
        trust.ObserveHopped(ticks: 11, budgetTicks: 10); // a slow one starts the run over
        for (var i = 0; i < TurnTrust.FastRunsNeeded - 1; i++)
        {
            trust.ObserveHopped(ticks: 5, budgetTicks: 10);
        }

        Assert.False(trust.Trusted);
        trust.ObserveHopped(ticks: 5, budgetTicks: 10);
        Assert.True(trust.Trusted);
        trust.ObserveOnTurn(ticks: 10, budgetTicks: 10);
        Assert.True(trust.Trusted);
        trust.ObserveOnTurn(ticks: 11, budgetTicks: 10);
        Assert.False(trust.Trusted);
        Assert.Equal(2 * TurnTrust.FastRunsNeeded, trust.Needed);
        for (var i = 0; i < (2 * TurnTrust.FastRunsNeeded) - 1; i++)
        {
            trust.ObserveHopped(ticks: 1, budgetTicks: 10);
        }

        Assert.False(trust.Trusted);
        trust.ObserveHopped(ticks: 1, budgetTicks: 10);
        Assert.True(trust.Trusted);
        for (var i = 0; i < 30; i++)
        {
            trust.ObserveOnTurn(ticks: 11, budgetTicks: 10);
        }

        Assert.Equal(TurnTrust.MaxFastRunsNeeded, trust.Needed);
    }

    [Fact]
    public void The_budget_is_one_millisecond_by_default_and_zero_turns_the_trust_off()
    {
        var options = new StateMachineHostingOptions();
        Assert.Equal(TimeSpan.FromMilliseconds(1), options.FastHandlerBudget);
        Assert.True(options.FastHandlerBudgetTicks > 0);
        options.FastHandlerBudget = TimeSpan.Zero;
        Assert.Equal(0, options.FastHandlerBudgetTicks);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.FastHandlerBudget = TimeSpan.FromTicks(-1));
    }

    public sealed class SiloConfigurator : ISiloConfigurator
    {
        // A wide budget: on a loaded machine a fast handler can be preempted for milliseconds.
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddStateMachines(options => options.FastHandlerBudget = TimeSpan.FromMilliseconds(20));
            siloBuilder.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
        }
    }
}

public enum TurnsState { Running }

/// <summary>Handlers that say whether they ran on the activation's turn (Orleans' scheduler) rather than the thread pool.</summary>
[StateMachine(TurnsState.Running)]
public partial class Turns(string key)
{
    public string Key { get; } = key;

    private static bool OnTurn => TaskScheduler.Current != TaskScheduler.Default;

    [GenerateSerializer] public sealed record Quick : IMessage;
    [GenerateSerializer] public sealed record Slow : IMessage;
    [GenerateSerializer] public sealed record Flaky([property: Id(0)] bool Sleep) : IMessage;

    [On]
    private bool Handle(Quick quick) => OnTurn;

    [On]
    private bool Handle(Slow slow)
    {
        Thread.Sleep(100);
        return OnTurn;
    }

    [On]
    private bool Handle(Flaky flaky)
    {
        if (flaky.Sleep)
        {
            Thread.Sleep(100);
        }

        return OnTurn;
    }
}
