using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;
using Orleans.Hosting;
using PerfAnalyzers.Orleans;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Benchmarks.Orleans;

/// <summary>
/// A request through Orleans to a hosted [StateMachine] (PerfAnalyzers.Orleans) against a plain Orleans grain doing the
/// same work (add to a total, reply with it), same silo, same run. Calls come from the silo's own grain factory (no
/// network hop), which leaves Orleans' cost as small as it gets and so shows our overhead at its largest. One caller
/// awaiting each call, and 16 concurrent callers on one key (one batch of 16 per invocation).
/// </summary>
[MemoryDiagnoser]
public class OrleansHostingBenchmarks
{
    private IHost _silo = null!;
    private IGrainFactory _grains = null!;
    private IPlainCounterGrain _plain = null!;
    private StateMachineReference<HostedCounter> _hosted;
    private readonly Task<long>[] _batch = new Task<long>[16];

    /// <summary><see cref="StateMachineHostingOptions.RunHandlersOffActivationTurn"/> (true: the safe default, a thread-pool hop per request).</summary>
    [Params(true, false)]
    public bool OffActivationTurn { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Free ports: other processes on the machine may hold Orleans' defaults (11111, 30000).
        var ports = new[] { new TcpListener(IPAddress.Loopback, 0), new TcpListener(IPAddress.Loopback, 0) };
        Array.ForEach(ports, p => p.Start());
        var siloPort = ((IPEndPoint)ports[0].LocalEndpoint).Port;
        var gatewayPort = ((IPEndPoint)ports[1].LocalEndpoint).Port;
        Array.ForEach(ports, p => p.Stop());

        _silo = new HostBuilder()
            .UseOrleans(silo => silo.UseLocalhostClustering(siloPort, gatewayPort).AddStateMachines(o => o.RunHandlersOffActivationTurn = OffActivationTurn))
            .Build();
        _silo.StartAsync().GetAwaiter().GetResult();
        _grains = _silo.Services.GetRequiredService<IGrainFactory>();
        _plain = _grains.GetGrain<IPlainCounterGrain>("bench");
        _hosted = _grains.GetStateMachine<HostedCounter>("bench");
        _plain.Add(1).GetAwaiter().GetResult();
        _hosted.AskAsync(new HostedCounter.Add(1)).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _silo.StopAsync().GetAwaiter().GetResult();
        _silo.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Task<long> PlainGrain() => _plain.Add(1);

    [Benchmark]
    public Task<long> HostedMachine() => _hosted.AskAsync(new HostedCounter.Add(1));

    [Benchmark]
    public Task<long[]> PlainGrain_16Concurrent()
    {
        for (var i = 0; i < _batch.Length; i++)
        {
            _batch[i] = _plain.Add(1);
        }

        return Task.WhenAll(_batch);
    }

    [Benchmark]
    public Task<long[]> HostedMachine_16Concurrent()
    {
        for (var i = 0; i < _batch.Length; i++)
        {
            _batch[i] = _hosted.AskAsync(new HostedCounter.Add(1));
        }

        return Task.WhenAll(_batch);
    }
}

[Alias("PerfAnalyzers.Benchmarks.Orleans.IPlainCounterGrain")]
public interface IPlainCounterGrain : IGrainWithStringKey
{
    [Alias("Add")]
    Task<long> Add(int amount);
}

/// <summary>The baseline: an ordinary (non-reentrant) grain with the same handler.</summary>
public sealed class PlainCounterGrain : Grain, IPlainCounterGrain
{
    private long _total;

    public Task<long> Add(int amount) => Task.FromResult(_total += amount);
}

public enum HostedCounterState { Counting }

/// <summary>The same counter as a generated state machine, hosted by PerfAnalyzers.Orleans.</summary>
[StateMachine(HostedCounterState.Counting)]
public partial class HostedCounter(string key)
{
    private long _total;

    public string Key { get; } = key;

    [GenerateSerializer]
    public sealed record Add([property: Id(0)] int Amount) : IMessage;

    [On]
    private long Handle(Add add) => _total += add.Amount;
}
