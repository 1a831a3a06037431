using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.TestingHost;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Orleans.Tests;

/// <summary>A silo leaves mid-load: its machines re-activate elsewhere and every caller gets a result or an error in time.</summary>
public sealed class FailoverTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterFixture.DeployAsync<SiloConfigurator>(3);

    public Task DisposeAsync() => ClusterFixture.StopAsync(_cluster);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_silo_leaving_mid_load_never_hangs_a_caller_and_its_machines_come_back_elsewhere(bool kill)
    {
        var prefix = (kill ? "kill-" : "stop-") + Guid.NewGuid().ToString("N");
        var keys = Enumerable.Range(0, 24).Select(i => prefix + "-" + i).ToArray();
        var grains = _cluster.Client;

        // Activate every machine and find one silo (not the primary) that hosts some of them.
        var hosts = new Dictionary<string, string>();
        foreach (var key in keys)
        {
            await grains.GetStateMachine<Turnstile>(key).AskAsync(new Turnstile.Add(0)).WaitAsync(TimeSpan.FromSeconds(20));
            hosts[key] = (await grains.GetStateMachine<Turnstile>(key).GetStatusAsync()).Silo;
        }

        var victim = _cluster.SecondarySilos.First(s => hosts.ContainsValue(ClusterFixture.SiloView(s).Silo));
        var victimName = ClusterFixture.SiloView(victim).Silo;

        long accepted = 0, refused = 0, failed = 0, sent = 0;
        using var stopLoad = new CancellationTokenSource();
#pragma warning disable PERF002 // a fixed number of concurrent senders, on purpose
        var senders = Enumerable.Range(0, 16).Select(sender => Task.Run(async () =>
        {
            var i = sender;
            while (!stopLoad.IsCancellationRequested)
            {
                var key = keys[i++ % keys.Length];
                Interlocked.Increment(ref sent);
                try
                {
                    // Every call is bounded: a cast by Orleans' response timeout (10 s for the client here), guarded again by WaitAsync.
                    var status = await grains.GetStateMachine<Turnstile>(key).TryPostAsync(new Turnstile.Add(1)).WaitAsync(TimeSpan.FromSeconds(15));
                    Interlocked.Increment(ref status == PostStatus.Accepted ? ref accepted : ref refused);
                }
                catch (Exception e) when (e is not TimeoutException || e.Message.Contains("Response did not arrive"))
                {
                    // SiloUnavailableException, OrleansMessageRejectionException, Orleans' response timeout...: an error, not a hang.
                    Interlocked.Increment(ref failed);
                }
            }
        })).ToArray();
#pragma warning restore PERF002

        await Task.Delay(500);
        if (kill)
        {
            await _cluster.KillSiloAsync(victim);
        }
        else
        {
            await _cluster.StopSiloAsync(victim);
        }

        await Task.Delay(1000);
        stopLoad.Cancel();
        await Task.WhenAll(senders).WaitAsync(TimeSpan.FromSeconds(30)); // never a hang

        Assert.True(accepted > 0);
        Assert.Equal(sent, accepted + refused + failed);

        // Every machine answers again, from a live silo.
        foreach (var key in keys)
        {
            var status = await Retry(() => grains.GetStateMachine<Turnstile>(key).GetStatusAsync());
            Assert.NotEqual(victimName, status.Silo);
        }

        if (!kill)
        {
            // A graceful stop drains: every cast a machine accepted was handled (a cast that failed with an error may or
            // may not have been, as with any remote call whose reply was lost).
            var handled = keys.Sum(key => Turnstile.Handled.GetValueOrDefault(key));
            Assert.InRange(handled, accepted, accepted + failed);
        }
    }

    private static async Task<T> Retry<T>(Func<Task<T>> call)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call().WaitAsync(TimeSpan.FromSeconds(15));
            }
            catch (Exception) when (attempt < 20)
            {
                await Task.Delay(250);
            }
        }
    }

    public sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddStateMachines(options => options.DrainTimeout = TimeSpan.FromSeconds(5));
            siloBuilder.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));
        }
    }

}
