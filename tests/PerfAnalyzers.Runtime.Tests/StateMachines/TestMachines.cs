using System.Collections.Concurrent;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Runtime.Tests.StateMachines;

public enum Gate { Open, Closed }

/// <summary>One state: for machines whose tests are about the mailbox, not transitions.</summary>
public enum Solo { Running }

public sealed record Work(int Sender, int Sequence, int Id, bool Fail = false, int Spin = 0);

/// <summary>Blocks the machine's handler: <see cref="Started"/> is set when it runs, it returns when <see cref="Release"/> is set.</summary>
public sealed record Block(ManualResetEventSlim Started, ManualResetEventSlim Release)
{
    public static Block Create() => new(new ManualResetEventSlim(), new ManualResetEventSlim());
}

/// <summary>What every test machine records about the work it handled.</summary>
public abstract class Worker
{
    private int _inside;
    private int _overlaps;

    public ConcurrentDictionary<int, int> Handled { get; } = new();

    /// <summary>(Sender, Sequence) in handling order; only written by handlers, which never overlap.</summary>
    public List<(int Sender, int Sequence)> Order { get; } = new();

    public int Overlaps => Volatile.Read(ref _overlaps);

    protected int DoWork(Work work)
    {
        if (Interlocked.Increment(ref _inside) != 1)
        {
            Interlocked.Increment(ref _overlaps);
        }

        try
        {
            if (work.Spin > 0)
            {
                Thread.SpinWait(work.Spin);
            }

            Handled.AddOrUpdate(work.Id, 1, (_, count) => count + 1);
            Order.Add((work.Sender, work.Sequence));
            if (work.Fail)
            {
                throw new InvalidOperationException("work " + work.Id + " failed");
            }

            return work.Id * 2;
        }
        finally
        {
            Interlocked.Decrement(ref _inside);
        }
    }

    protected static void DoBlock(Block block)
    {
        block.Started.Set();
        block.Release.Wait(TimeSpan.FromSeconds(30));
    }
}

[StateMachine(Solo.Running, MailboxCapacity = 64, FullMode = MailboxFullMode.Reject)]
public partial class RejectMachine : Worker
{
    [On] private int Handle(Work work) => DoWork(work);

    [On] private void Handle(Block block) => DoBlock(block);
}

[StateMachine(Solo.Running, MailboxCapacity = 4, FullMode = MailboxFullMode.Wait)]
public partial class WaitMachine : Worker
{
    [On] private int Handle(Work work) => DoWork(work);

    [On] private void Handle(Block block) => DoBlock(block);
}

[StateMachine(Solo.Running, MailboxCapacity = 4, FullMode = MailboxFullMode.DropOldest)]
public partial class DropOldestMachine : Worker
{
    [On] private int Handle(Work work) => DoWork(work);

    [On] private void Handle(Block block) => DoBlock(block);
}

[StateMachine(Solo.Running, MailboxCapacity = 4, FullMode = MailboxFullMode.DropNewest)]
public partial class DropNewestMachine : Worker
{
    [On] private int Handle(Work work) => DoWork(work);

    [On] private void Handle(Block block) => DoBlock(block);
}

[Priority(MessagePriority.High)]
public sealed record Urgent(int Id);

[Priority(MessagePriority.High)]
public sealed record UrgentAudit(int Id);

/// <summary>A high-priority message kind with a [Batch] handler next to normal messages (the sample's Audit).</summary>
[StateMachine(Solo.Running, StarvationLimit = 2)]
public partial class PriorityBatchMachine : Worker
{
    public List<string> Seen { get; } = new();

    [On] private void Handle(Work work) => Seen.Add("N" + work.Id);

    [On, Batch(MaxSize = 10, MaxDelayMilliseconds = 1000)]
    private void Handle(IReadOnlyList<UrgentAudit> batch) => Seen.Add("B" + string.Join(",", batch.Select(a => a.Id)));

    [On] private void Handle(Block block) => DoBlock(block);
}

[StateMachine(Solo.Running, StarvationLimit = 2)]
public partial class PriorityMachine : Worker
{
    public List<string> Seen { get; } = new();

    [On] private void Handle(Work work) => Seen.Add("N" + work.Id);

    [On] private void Handle(Urgent urgent) => Seen.Add("H" + urgent.Id);

    [On] private void Handle(Block block) => DoBlock(block);
}

public sealed record Audit(int Id);

public readonly record struct Sample(int Value);

[StateMachine(Solo.Running)]
public partial class BatchMachine : Worker
{
    public List<int> BatchSizes { get; } = new();

    public List<int> Audited { get; } = new();

    public List<int> SampleBatchSizes { get; } = new();

    [On, Batch(MaxSize = 10)]
    private void Handle(IReadOnlyList<Audit> batch)
    {
        BatchSizes.Add(batch.Count);
        foreach (var audit in batch)
        {
            Audited.Add(audit.Id);
        }
    }

    [On, Batch(MaxSize = 100, MaxDelayMilliseconds = 300)]
    private void Handle(ReadOnlySpan<Sample> batch) => SampleBatchSizes.Add(batch.Length);

    [On] private void Handle(Block block) => DoBlock(block);
}

/// <summary>A batch kind with a long delay, for senders racing with the consumer that collects a partial batch.</summary>
[StateMachine(Solo.Running)]
public partial class SlowBatchMachine : Worker
{
    public List<int> SampleBatchSizes { get; } = new();

    [On, Batch(MaxSize = 1000, MaxDelayMilliseconds = 10_000)]
    private void Handle(ReadOnlySpan<Sample> batch) => SampleBatchSizes.Add(batch.Length);
}

public sealed record Go;

public sealed record Fail;

public sealed record Peek;

[StateMachine(Gate.Open, Supervision = SupervisionPolicy.Restart, MaxRestarts = 2, RestartWindowSeconds = 600, Name = "Tests.RestartMachine")]
public partial class RestartMachine
{
    public int RestartsSeen { get; private set; }

    [On(Gate.Open)] private Gate Handle(Go go) { TransitionTo(Gate.Closed); return Gate.Closed; }

    [On] private void Handle(Fail fail) => throw new InvalidOperationException("fail");

    [On] private Gate Handle(Peek peek) => State;

    partial void OnRestarting() => RestartsSeen++;
}

[StateMachine(Gate.Open, Supervision = SupervisionPolicy.Resume)]
public partial class ResumeMachine
{
    [On(Gate.Open)] private Gate Handle(Go go) { TransitionTo(Gate.Closed); return Gate.Closed; }

    [On] private void Handle(Fail fail) => throw new InvalidOperationException("fail");

    [On] private Gate Handle(Peek peek) => State;
}

[StateMachine(Solo.Running, Supervision = SupervisionPolicy.Stop)]
public partial class StopOnErrorMachine : Worker
{
    [On] private void Handle(Fail fail) => throw new InvalidOperationException("fail");

    [On] private int Handle(Work work) => DoWork(work);

    [On] private void Handle(Block block) => DoBlock(block);
}

/// <summary>A machine with a name of its own, so that metric assertions see only its measurements.</summary>
[StateMachine(Gate.Open, MailboxCapacity = 2, FullMode = MailboxFullMode.Reject, Supervision = SupervisionPolicy.Restart, Name = "Tests.MetricsMachine")]
public partial class MetricsMachine : Worker
{
    [On(Gate.Open)] private Gate Handle(Go go) { TransitionTo(Gate.Closed); return Gate.Closed; }

    [On] private void Handle(Fail fail) => throw new InvalidOperationException("fail");

    [On] private void Handle(Block block) => DoBlock(block);

    [On] private int Handle(Work work) => DoWork(work);
}

/// <summary>The cheapest machine: for allocation and pool tests.</summary>
[StateMachine(Solo.Running, Name = "Tests.CounterMachine")]
public partial class CounterMachine
{
    public long Total { get; private set; }

    [On] private long Handle(int amount) => Total += amount;

    [On] private void Handle(Block block)
    {
        block.Started.Set();
        block.Release.Wait(TimeSpan.FromSeconds(30));
    }
}
