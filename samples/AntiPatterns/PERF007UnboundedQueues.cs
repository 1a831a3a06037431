using System.Collections.Concurrent;
using System.Threading.Channels;
using System.Threading.Tasks.Dataflow;

namespace AntiPatterns;

/// <summary>PERF007: queues and mailboxes that grow without limit when producers outpace consumers.</summary>
public sealed class OrderIngestion
{
    // PERF007: a burst of orders piles up in memory; latency of every later order climbs.
    private readonly Channel<string> _orders = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    // PERF007: BlockingCollection without a bounded capacity.
    private readonly BlockingCollection<string> _audit = new BlockingCollection<string>();

    // Fine: bounded, writers wait when 256 orders are pending.
    private readonly Channel<string> _bounded = Channel.CreateBounded<string>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.Wait });

    public async Task AcceptAsync(string order, CancellationToken cancellationToken)
    {
        await _orders.Writer.WriteAsync(order, cancellationToken);
        _audit.Add(order, cancellationToken);
        await _bounded.Writer.WriteAsync(order, cancellationToken);
    }

    public ActionBlock<string> CreateMailer() =>
        // PERF007: a dataflow block with options but no BoundedCapacity.
        new ActionBlock<string>(SendMailAsync, new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = 4 });

    public BufferBlock<string> CreateInbox() =>
        // PERF007: explicitly unbounded.
        new BufferBlock<string>(new DataflowBlockOptions { BoundedCapacity = DataflowBlockOptions.Unbounded });

    private static Task SendMailAsync(string order) => Task.Delay(10);
}
