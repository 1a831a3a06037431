using Orleans.Hosting;
using Orleans.TestingHost;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Orleans.Tests;

/// <summary><c>RunHandlersOffActivationTurn = false</c>: handlers may run on the grain's turn; everything else is the same.</summary>
public sealed class ActivationTurnTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterFixture.DeployAsync<SiloConfigurator>(1);

    public Task DisposeAsync() => ClusterFixture.StopAsync(_cluster);

    [Fact]
    public async Task Requests_and_casts_work_on_the_activation_turn()
    {
        var key = "turn-" + Guid.NewGuid().ToString("N");
        var turnstile = _cluster.Client.GetStateMachine<Turnstile>(key);

        Assert.Equal(TurnstileState.Open, await turnstile.AskAsync(new Turnstile.Coin()).WaitAsync(TimeSpan.FromSeconds(20)));
        await Assert.ThrowsAsync<UnhandledMessageException>(() => turnstile.AskAsync(new Turnstile.Coin()).WaitAsync(TimeSpan.FromSeconds(20)));
        // Turnstile's mailbox holds 8 and rejects beyond that: 8 casts into the empty mailbox are accepted however fast
        // the machine drains it (20 raced the consumer and were rejected on a loaded machine).
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(PostStatus.Accepted, await turnstile.PostAsync(new Turnstile.Add(1)).WaitAsync(TimeSpan.FromSeconds(20)));
        }

        Assert.Equal(8L, await turnstile.AskAsync(new Turnstile.Total()).WaitAsync(TimeSpan.FromSeconds(20)));
    }

    public sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) =>
            siloBuilder.AddStateMachines(options => options.RunHandlersOffActivationTurn = false);
    }
}
