using System.Threading.Channels;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Benchmarks.StateMachines;

public enum CounterState { Running }

/// <summary>The generated machine under test: one handler adding to a total and replying with it.</summary>
[StateMachine(CounterState.Running, MailboxCapacity = 1 << 18, FullMode = MailboxFullMode.Wait, Name = "Bench.Counter")]
public partial class GeneratedCounter
{
    private long _total;

    [On] private long Handle(int amount) => _total += amount;
}

/// <summary>The same machine with <c>InlineCasts = true</c>: a cast to an idle machine runs on the sender's thread.</summary>
[StateMachine(CounterState.Running, MailboxCapacity = 1 << 18, FullMode = MailboxFullMode.Wait, InlineCasts = true, Name = "Bench.InlineCounter")]
public partial class GeneratedInlineCounter
{
    private long _total;

    [On] private long Handle(int amount) => _total += amount;
}

/// <summary>Baseline 1: a hand-written class whose calls are serialized by a SemaphoreSlim.</summary>
public sealed class SemaphoreCounter
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _total;

    public async ValueTask<long> AddAsync(int amount)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            return _total += amount;
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>Baseline 2: a hand-written actor — a bounded Channel, one consumer loop, TaskCompletionSource replies.</summary>
public sealed class ChannelCounter : IAsyncDisposable
{
    private readonly Channel<(int Amount, TaskCompletionSource<long>? Reply)> _channel;
    private readonly Task _loop;
    private long _total;

    public ChannelCounter(int capacity = 1 << 18)
    {
        _channel = Channel.CreateBounded<(int, TaskCompletionSource<long>?)>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(RunAsync);
    }

    public Task<long> AddAsync(int amount)
    {
        var reply = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_channel.Writer.TryWrite((amount, reply)))
        {
            return WriteSlowAsync(amount, reply);
        }

        return reply.Task;
    }

    public bool TryPost(int amount) => _channel.Writer.TryWrite((amount, null));

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task<long> WriteSlowAsync(int amount, TaskCompletionSource<long> reply)
    {
        await _channel.Writer.WriteAsync((amount, reply)).ConfigureAwait(false);
        return await reply.Task.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var message))
            {
                _total += message.Amount;
                message.Reply?.SetResult(_total);
            }
        }
    }
}
