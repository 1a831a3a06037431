using System.Collections.Concurrent;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;

namespace PerfAnalyzers.Benchmarks.StateMachines;

/// <summary>
/// The raw ceiling for <see cref="CastThroughputBenchmarks"/>: the same 100,000 one-producer casts (add an int to a
/// total) then a wait until all are handled, through queues with no mailbox semantics at all (no bound, no priorities,
/// no telemetry): an unbounded single-reader <see cref="Channel{T}"/> with an async consumer loop, and a
/// <see cref="ConcurrentQueue{T}"/> drained by a dedicated thread that spins instead of sleeping (it holds a core for the
/// whole run, which a real mailbox cannot afford). Time per message.
/// </summary>
[MemoryDiagnoser]
public class MailboxCeilingBenchmarks
{
    private const int Messages = 100_000;
    private Channel<int> _channel = null!;
    private Task _channelLoop = null!;
    private long _channelHandled;
    private long _channelTotal;
    private ConcurrentQueue<int> _queue = null!;
    private ConcurrentQueue<PerfAnalyzers.Runtime.StateMachines.Envelope<PerfAnalyzers.Runtime.StateMachines.NoValues>> _envelopes = null!;
    private Thread _spinner = null!;
    private volatile bool _stop;
    private long _queueHandled;
    private long _queueTotal;

    [GlobalSetup]
    public void Setup()
    {
        _channel = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true });
        _channelLoop = Task.Run(ChannelLoopAsync);
        _queue = new ConcurrentQueue<int>();
        _envelopes = new();
        _spinner = new Thread(Spin) { IsBackground = true };
        _spinner.Start();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _channel.Writer.TryComplete();
        await _channelLoop;
        _stop = true;
        _spinner.Join();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public long UnboundedChannel_SingleReader()
    {
        var target = Volatile.Read(ref _channelHandled) + Messages;
        for (var i = 0; i < Messages; i++)
        {
            _channel.Writer.TryWrite(1);
        }

        var spin = default(SpinWait);
        while (Volatile.Read(ref _channelHandled) < target)
        {
            spin.SpinOnce();
        }

        return _channelTotal;
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public long ConcurrentQueue_SpinningConsumer()
    {
        var target = Volatile.Read(ref _queueHandled) + Messages;
        for (var i = 0; i < Messages; i++)
        {
            _queue.Enqueue(1);
        }

        var spin = default(SpinWait);
        while (Volatile.Read(ref _queueHandled) < target)
        {
            spin.SpinOnce();
        }

        return _queueTotal;
    }

    /// <summary>
    /// The same with the mailbox's element: a 40-byte <c>Envelope</c> (48 bytes per queue slot) instead of an int (8), so
    /// that the consumer pulls about one cache line per message from the producer's core instead of one per eight.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public long ConcurrentQueue_SpinningConsumer_Envelope()
    {
        var target = Volatile.Read(ref _queueHandled) + Messages;
        for (var i = 0; i < Messages; i++)
        {
            _envelopes.Enqueue(new() { Kind = 1 });
        }

        var spin = default(SpinWait);
        while (Volatile.Read(ref _queueHandled) < target)
        {
            spin.SpinOnce();
        }

        return _queueTotal;
    }

    private async Task ChannelLoopAsync()
    {
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var amount))
            {
                _channelTotal += amount;
                Volatile.Write(ref _channelHandled, _channelHandled + 1);
            }
        }
    }

    private void Spin()
    {
        while (!_stop)
        {
            if (_queue.TryDequeue(out var amount))
            {
                _queueTotal += amount;
                Volatile.Write(ref _queueHandled, _queueHandled + 1);
            }
            else if (_envelopes.TryDequeue(out var envelope))
            {
                _queueTotal += envelope.Kind;
                Volatile.Write(ref _queueHandled, _queueHandled + 1);
            }
            else
            {
                Thread.SpinWait(20);
            }
        }
    }
}
