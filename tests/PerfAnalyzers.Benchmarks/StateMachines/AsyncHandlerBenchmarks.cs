using BenchmarkDotNet.Attributes;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Benchmarks.StateMachines;

/// <summary>A machine whose handlers are asynchronous (docs/state-machines.md, "Asynchronous handlers").</summary>
[StateMachine(CounterState.Running, MailboxCapacity = 1 << 18, FullMode = MailboxFullMode.Wait, Name = "Bench.AsyncCounter")]
public partial class AsyncGeneratedCounter
{
    private long _total;

    /// <summary>Completes synchronously (a ValueTask with the result): the idle request path stays allocation-free.</summary>
    [On] private ValueTask<long> Handle(int amount) => new(_total += amount);

    /// <summary>An <c>async</c> method that completes without awaiting (Release build: its state machine stays on the stack).</summary>
    [On]
    private async ValueTask<long> Handle(short amount)
    {
        if (amount < 0)
        {
            await Task.Yield();
        }

        return _total += amount;
    }

    /// <summary>Really awaits (one Task.Yield): the machine stays claimed until it completes.</summary>
    [On]
    private async ValueTask<long> Handle(long amount)
    {
        await Task.Yield();
        return _total += amount;
    }
}

/// <summary>Baseline: a SemaphoreSlim-guarded class whose critical section awaits the same Task.Yield.</summary>
public sealed class SemaphoreYieldingCounter
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _total;

    public async ValueTask<long> AddAsync(long amount)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await Task.Yield();
            return _total += amount;
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>
/// Request/reply on an idle machine, one caller: a synchronous handler (the existing path), an async handler that
/// completes synchronously (inline, no allocation expected), and an async handler that awaits, against a SemaphoreSlim
/// class doing the same await.
/// </summary>
[MemoryDiagnoser]
public class AsyncHandlerBenchmarks
{
    private GeneratedCounter _sync = null!;
    private AsyncGeneratedCounter _async = null!;
    private SemaphoreYieldingCounter _semaphore = null!;

    [GlobalSetup]
    public void Setup()
    {
        _sync = new GeneratedCounter();
        _sync.Start();
        _async = new AsyncGeneratedCounter();
        _async.Start();
        _semaphore = new SemaphoreYieldingCounter();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _sync.StopAsync();
        await _async.StopAsync();
    }

    [Benchmark(Baseline = true)]
    public ValueTask<long> SyncHandler() => _sync.AskAsync(1);

    [Benchmark]
    public ValueTask<long> AsyncHandlerCompletingSynchronously() => _async.AskAsync(1);

    [Benchmark]
    public ValueTask<long> AsyncMethodCompletingSynchronously() => _async.AskAsync((short)1);

    [Benchmark]
    public async Task<long> AsyncHandlerAwaiting() => await _async.AskAsync(1L);

    [Benchmark]
    public async Task<long> SemaphoreSlimAwaiting() => await _semaphore.AddAsync(1L);
}
