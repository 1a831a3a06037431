using System.Collections.Concurrent;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Benchmarks.StateMachines;

/// <summary>A counter whose handler can be held (for <see cref="SenderPathBenchmarks"/>): casts queue up behind the hold.</summary>
[StateMachine(CounterState.Running, MailboxCapacity = 1 << 18, FullMode = MailboxFullMode.Wait, Name = "Bench.HeldCounter")]
public partial class HeldCounter
{
    private long _total;

    [On] private long Handle(int amount) => _total += amount;

    [On] private void Handle(ManualResetEventSlim hold) => hold.Wait();
}

/// <summary>
/// The sender's own cost, without a consumer running: 100,000 casts into a mailbox whose handler is held (so nothing
/// is taken while the sender writes), against a bounded <see cref="Channel{T}"/> (the actor baseline's queue) and a
/// <see cref="ConcurrentQueue{T}"/> with nobody reading. Time per message; the queued casts are handled after each
/// iteration. <see cref="GeneratedMachine_Drain"/> is the other side: the consumer handling 100,000 queued casts with no
/// sender running.
/// </summary>
[MemoryDiagnoser]
public class SenderPathBenchmarks
{
    private const int Messages = 100_000;
    private HeldCounter _machine = null!;
    private ManualResetEventSlim _hold = null!;
    private Channel<(int, TaskCompletionSource<long>?)> _channel = null!;
    private ConcurrentQueue<Envelope<NoValues>> _queue = null!;

    [GlobalSetup]
    public void Setup()
    {
        _machine = new HeldCounter();
        _machine.Start();
        _channel = Channel.CreateBounded<(int, TaskCompletionSource<long>?)>(new BoundedChannelOptions(1 << 18) { SingleReader = true });
        _queue = new ConcurrentQueue<Envelope<NoValues>>();
    }

    [IterationSetup(Target = nameof(GeneratedMachine_TryPost))]
    public void HoldMachine()
    {
        _hold = new ManualResetEventSlim();
        _machine.TryPost(_hold);
        while (_machine.MailboxDepth != 0)
        {
            Thread.Yield();
        }
    }

    [IterationCleanup(Target = nameof(GeneratedMachine_TryPost))]
    public void ReleaseMachine()
    {
        _hold.Set();
        _machine.AskAsync(0).AsTask().GetAwaiter().GetResult();
    }

    [IterationSetup(Target = nameof(GeneratedMachine_Drain))]
    public void FillHeldMachine()
    {
        HoldMachine();
        for (var i = 0; i < Messages; i++)
        {
            _machine.TryPost(1);
        }
    }

    /// <summary>The consumer's own cost: 100,000 queued casts handled after the hold is released (time per message).</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public long GeneratedMachine_Drain()
    {
        _hold.Set();
        return _machine.AskAsync(0).AsTask().GetAwaiter().GetResult();
    }

    [IterationCleanup(Target = nameof(BoundedChannel_TryWrite))]
    public void DrainChannel()
    {
        while (_channel.Reader.TryRead(out _))
        {
        }
    }

    [IterationCleanup(Target = nameof(ConcurrentQueue_Enqueue))]
    public void DrainQueue()
    {
        // Dequeued, not cleared: the queue keeps its last segment, as a mailbox's does.
        while (_queue.TryDequeue(out _))
        {
        }
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public void GeneratedMachine_TryPost()
    {
        for (var i = 0; i < Messages; i++)
        {
            _machine.TryPost(1);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public void BoundedChannel_TryWrite()
    {
        var writer = _channel.Writer;
        for (var i = 0; i < Messages; i++)
        {
            writer.TryWrite((1, null));
        }
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public void ConcurrentQueue_Enqueue()
    {
        for (var i = 0; i < Messages; i++)
        {
            _queue.Enqueue(new Envelope<NoValues> { Kind = 0 });
        }
    }
}
