using BenchmarkDotNet.Attributes;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Benchmarks.StateMachines;

/// <summary>
/// Request/reply on an idle machine, one caller: the generated machine (handler runs inline on the caller's thread) vs a
/// SemaphoreSlim-guarded class vs a Channel actor. Telemetry: no listener, or the OpenTelemetry SDK reading the Meter.
/// </summary>
[MemoryDiagnoser]
public class IdleRequestReplyBenchmarks
{
    private GeneratedCounter _generated = null!;
    private SemaphoreCounter _semaphore = null!;
    private ChannelCounter _channel = null!;
    private MeterProvider? _meterProvider;

    [Params(false, true)]
    public bool OpenTelemetrySdk { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (OpenTelemetrySdk)
        {
            _meterProvider = Sdk.CreateMeterProviderBuilder()
                .AddMeter(StateMachineTelemetry.MeterName)
                .AddReader(new BaseExportingMetricReader(new DiscardingExporter()))
                .Build();
        }

        _generated = new GeneratedCounter();
        _generated.Start();
        _semaphore = new SemaphoreCounter();
        _channel = new ChannelCounter();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _generated.StopAsync();
        await _channel.DisposeAsync();
        _meterProvider?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public ValueTask<long> SemaphoreSlimClass() => _semaphore.AddAsync(1);

    [Benchmark]
    public ValueTask<long> GeneratedMachine() => _generated.AskAsync(1);

    [Benchmark]
    public Task<long> ChannelActor() => _channel.AddAsync(1);
}

/// <summary>100 concurrent callers on one machine: the time for a batch of 100 request/reply calls.</summary>
#pragma warning disable PERF002 // 100 concurrent callers is the point of this benchmark
[MemoryDiagnoser]
public class ConcurrentCallersBenchmarks
{
    private const int Callers = 100;
    private readonly Task<long>[] _tasks = new Task<long>[Callers];
    private GeneratedCounter _generated = null!;
    private SemaphoreCounter _semaphore = null!;
    private ChannelCounter _channel = null!;

    [GlobalSetup]
    public void Setup()
    {
        _generated = new GeneratedCounter();
        _generated.Start();
        _semaphore = new SemaphoreCounter();
        _channel = new ChannelCounter();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _generated.StopAsync();
        await _channel.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public Task SemaphoreSlimClass()
    {
        for (var i = 0; i < Callers; i++)
        {
            _tasks[i] = Task.Run(() => _semaphore.AddAsync(1).AsTask());
        }

        return Task.WhenAll(_tasks);
    }

    [Benchmark]
    public Task GeneratedMachine()
    {
        for (var i = 0; i < Callers; i++)
        {
            _tasks[i] = Task.Run(() => _generated.AskAsync(1).AsTask());
        }

        return Task.WhenAll(_tasks);
    }

    [Benchmark]
    public Task ChannelActor()
    {
        for (var i = 0; i < Callers; i++)
        {
            _tasks[i] = Task.Run(() => _channel.AddAsync(1));
        }

        return Task.WhenAll(_tasks);
    }

    /// <summary>The harness alone: 100 <c>Task.Run</c>s of a call that is already complete, and the WhenAll.</summary>
    [Benchmark]
    public Task TaskRunFloor()
    {
        for (var i = 0; i < Callers; i++)
        {
            _tasks[i] = Task.Run(static () => Task.FromResult(1L));
        }

        return Task.WhenAll(_tasks);
    }
}

#pragma warning restore PERF002

/// <summary>Casts from one producer: 100,000 fire-and-forget messages, then one request that waits until all are handled; no listener, or the OpenTelemetry SDK reading the Meter.</summary>
[MemoryDiagnoser]
public class CastThroughputBenchmarks
{
    private const int Messages = 100_000;
    private GeneratedCounter _generated = null!;
    private GeneratedInlineCounter _inline = null!;
    private ChannelCounter _channel = null!;
    private MeterProvider? _meterProvider;

    [Params(false, true)]
    public bool OpenTelemetrySdk { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (OpenTelemetrySdk)
        {
            _meterProvider = Sdk.CreateMeterProviderBuilder()
                .AddMeter(StateMachineTelemetry.MeterName)
                .AddReader(new BaseExportingMetricReader(new DiscardingExporter()))
                .Build();
        }

        _generated = new GeneratedCounter();
        _generated.Start();
        _inline = new GeneratedInlineCounter();
        _inline.Start();
        _channel = new ChannelCounter();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _generated.StopAsync();
        await _inline.StopAsync();
        await _channel.DisposeAsync();
        _meterProvider?.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public async Task<long> ChannelActor()
    {
        for (var i = 0; i < Messages; i++)
        {
            if (!_channel.TryPost(1))
            {
                throw new InvalidOperationException("channel full");
            }
        }

        return await _channel.AddAsync(0);
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public async Task<long> GeneratedMachine()
    {
        for (var i = 0; i < Messages; i++)
        {
            if (_generated.TryPost(1) != PostStatus.Accepted)
            {
                throw new InvalidOperationException("mailbox full");
            }
        }

        return await _generated.AskAsync(0);
    }

    /// <summary>The same with <c>[StateMachine(InlineCasts = true)]</c> (opt-in): on an idle machine each cast runs on this thread.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public async Task<long> GeneratedMachine_InlineCasts()
    {
        for (var i = 0; i < Messages; i++)
        {
            if (_inline.TryPost(1) != PostStatus.Accepted)
            {
                throw new InvalidOperationException("mailbox full");
            }
        }

        return await _inline.AskAsync(0);
    }
}

/// <summary>Creating and starting idle machines: time and bytes per instance (the BEAM's reference is ≈ 2.7 KB per process).</summary>
[MemoryDiagnoser]
public class IdleInstanceBenchmarks
{
    private const int Instances = 1_000_000;
    private readonly GeneratedCounter[] _machines = new GeneratedCounter[Instances];

    [Benchmark(OperationsPerInvoke = Instances)]
    public void CreateOneMillion()
    {
        for (var i = 0; i < Instances; i++)
        {
            _machines[i] = new GeneratedCounter();
        }
    }

    [Benchmark(OperationsPerInvoke = Instances)]
    public void CreateAndStartOneMillion()
    {
        for (var i = 0; i < Instances; i++)
        {
            var machine = new GeneratedCounter();
            machine.Start();
            _machines[i] = machine;
        }
    }

    [IterationCleanup]
    public void Forget()
    {
        Array.Clear(_machines);
        GC.Collect();
    }
}
