using System.Collections.Concurrent;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Runtime.Tests.StateMachines;

/// <summary>A message an async handler works on: yields, optionally delays, may fail or be canceled after the await.</summary>
public sealed record AsyncWork(int Sender, int Sequence, int Id, int DelayMilliseconds = 0, bool Fail = false, bool Cancel = false);

/// <summary>Holds an async handler at its await until <see cref="Release"/> completes.</summary>
public sealed record AsyncBlock(TaskCompletionSource Started, TaskCompletionSource Release)
{
    public static AsyncBlock Create() => new(new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>Machines with asynchronous handlers; every handler checks that no other handler of the instance runs meanwhile.</summary>
public abstract class AsyncWorker
{
    private int _inside;
    private int _overlaps;

    public ConcurrentDictionary<int, int> Handled { get; } = new();

    public List<(int Sender, int Sequence)> Order { get; } = new();

    public int Overlaps => Volatile.Read(ref _overlaps);

    public int Completed;

    protected async Task<int> DoWorkAsync(AsyncWork work)
    {
        Enter();
        try
        {
            await Task.Yield();
            if (work.DelayMilliseconds > 0)
            {
                await Task.Delay(work.DelayMilliseconds);
            }

            Handled.AddOrUpdate(work.Id, 1, (_, count) => count + 1);
            Order.Add((work.Sender, work.Sequence));
            if (work.Fail)
            {
                throw new InvalidOperationException("async work " + work.Id + " failed");
            }

            if (work.Cancel)
            {
                throw new OperationCanceledException("async work " + work.Id + " canceled");
            }

            Interlocked.Increment(ref Completed);
            return work.Id * 2;
        }
        finally
        {
            Exit();
        }
    }

    protected async ValueTask DoBlockAsync(AsyncBlock block)
    {
        Enter();
        try
        {
            block.Started.TrySetResult();
            await block.Release.Task.WaitAsync(TimeSpan.FromSeconds(30)); // a failed test does not hang its DisposeAsync
        }
        finally
        {
            Exit();
        }
    }

    protected void Enter()
    {
        if (Interlocked.Increment(ref _inside) != 1)
        {
            Interlocked.Increment(ref _overlaps);
        }
    }

    protected void Exit() => Interlocked.Decrement(ref _inside);
}

[StateMachine(Solo.Running, MailboxCapacity = 4096, FullMode = MailboxFullMode.Reject, Name = "Tests.AsyncMachine")]
public partial class AsyncMachine : AsyncWorker
{
    /// <summary>A Task&lt;T&gt; handler: the reply is the task's result.</summary>
    [On] private Task<int> Handle(AsyncWork work) => DoWorkAsync(work);

    /// <summary>A ValueTask handler without a reply.</summary>
    [On] private ValueTask Handle(AsyncBlock block) => DoBlockAsync(block);

    /// <summary>
    /// A ValueTask&lt;T&gt; handler that completes synchronously for amounts ≥ 0: the idle inline path must not allocate.
    /// (Not an <c>async</c> method itself: a Debug build compiles async methods' state machines as classes, which allocate.)
    /// </summary>
    [On]
    private ValueTask<long> Handle(int amount) => amount >= 0 ? new ValueTask<long>(Total += amount) : AddLaterAsync(amount);

    private async ValueTask<long> AddLaterAsync(int amount)
    {
        await Task.Yield();
        return Total += amount;
    }

    /// <summary>A synchronous handler next to the async ones.</summary>
    [On] private long Handle(string _) => Total;

    public long Total { get; private set; }
}

/// <summary>Transitions after an await; a sync and an async handler for one message in different states.</summary>
[StateMachine(Gate.Open, Supervision = SupervisionPolicy.Restart, MaxRestarts = 2, RestartWindowSeconds = 600, Name = "Tests.AsyncRestartMachine")]
public partial class AsyncRestartMachine
{
    public int RestartsSeen { get; private set; }

    [On(Gate.Open)]
    private async ValueTask<Gate> Handle(Go go)
    {
        await Task.Delay(5);
        TransitionTo(Gate.Closed);
        return Gate.Closed;
    }

    [On(Gate.Closed)] private Gate Handle2(Go go) => Gate.Closed;

    [On]
    private async Task Handle(Fail fail)
    {
        await Task.Yield();
        throw new InvalidOperationException("fail");
    }

    [On] private Gate Handle(Peek peek) => State;

    partial void OnRestarting() => RestartsSeen++;
}

[StateMachine(Gate.Open, Supervision = SupervisionPolicy.Resume, Name = "Tests.AsyncResumeMachine")]
public partial class AsyncResumeMachine : AsyncWorker
{
    [On(Gate.Open)]
    private async Task<Gate> Handle(Go go)
    {
        await Task.Yield();
        TransitionTo(Gate.Closed);
        return Gate.Closed;
    }

    [On] private Task<int> Handle(AsyncWork work) => DoWorkAsync(work);

    [On] private Gate Handle(Peek peek) => State;
}

[StateMachine(Solo.Running, Supervision = SupervisionPolicy.Stop, Name = "Tests.AsyncStopMachine")]
public partial class AsyncStopMachine : AsyncWorker
{
    [On] private Task<int> Handle(AsyncWork work) => DoWorkAsync(work);

    [On] private ValueTask Handle(AsyncBlock block) => DoBlockAsync(block);
}

/// <summary>Async batch handlers: the list stays valid across the await.</summary>
[StateMachine(Solo.Running, Name = "Tests.AsyncBatchMachine")]
public partial class AsyncBatchMachine : AsyncWorker
{
    public List<int> BatchSizes { get; } = new();

    public List<int> Audited { get; } = new();

    public List<int> SampleSums { get; } = new();

    [On, Batch(MaxSize = 10)]
    private async Task Handle(IReadOnlyList<Audit> batch)
    {
        Enter();
        try
        {
            var count = batch.Count;
            await Task.Delay(1);
            BatchSizes.Add(batch.Count);
            Assert.Equal(count, batch.Count);
            foreach (var audit in batch)
            {
                Audited.Add(audit.Id);
            }
        }
        finally
        {
            Exit();
        }
    }

    [On, Batch(MaxSize = 10)]
    private ValueTask Handle(ReadOnlySpan<Sample> batch)
    {
        var sum = 0;
        foreach (var sample in batch)
        {
            sum += sample.Value;
        }

        return RecordAsync(sum);
    }

    private async ValueTask RecordAsync(int sum)
    {
        Enter();
        try
        {
            await Task.Yield();
            SampleSums.Add(sum);
        }
        finally
        {
            Exit();
        }
    }

    [On] private ValueTask Handle(AsyncBlock block) => DoBlockAsync(block);
}
