using System.Reflection;
using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF007 fixes, run: every fix the provider offers is applied, then the original and the fixed code run with a
/// timeout and count the items that got through. Bounding must neither drop items nor hang.
/// </summary>
public class PERF007SafetyRunTests
{
    private const string Usings = """
        using System;
        using System.Collections.Concurrent;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;
        using System.Threading.Tasks.Dataflow;

        """;

    private static async Task<(int Original, int Fixed, int Applied)> RunBothAsync(string source)
    {
        var code = Usings + source;
        var (fixedCode, applied) = await FixApplier.ApplyEachAsync<PERF007UnboundedQueueAnalyzer, PERF007UseBoundedQueueCodeFix>(code);
        return (await RunAsync(code), await RunAsync(fixedCode), applied);
    }

    private static async Task<int> RunAsync(string code)
    {
        var assembly = TestCompiler.CompileAndLoad(code);
        var run = (Task<int>)TestCompiler.Invoke(assembly, "Sample", "RunAsync")!;
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.True(finished == run, "The code hung (no result within 10 s):\n" + code);
        return await run;
    }

    [Fact]
    public async Task Ignored_TryWrite_results_get_no_fix()
    {
        // The consumer starts only after all writes: a bounded channel would refuse everything past its capacity.
        var (original, fixedCount, applied) = await RunBothAsync("""
            public static class Sample
            {
                public static async Task<int> RunAsync()
                {
                    var channel = Channel.CreateUnbounded<int>();
                    var gate = new TaskCompletionSource();
                    var consumer = Task.Run(async () =>
                    {
                        await gate.Task;
                        var count = 0;
                        await foreach (var item in channel.Reader.ReadAllAsync()) { count++; }
                        return count;
                    });
                    for (var i = 0; i < 5000; i++)
                    {
                        channel.Writer.TryWrite(i);
                    }

                    channel.Writer.Complete();
                    gate.SetResult();
                    return await consumer;
                }
            }
            """);
        Assert.Equal(5000, original);
        Assert.Equal(original, fixedCount);
        Assert.Equal(0, applied);
    }

    [Fact]
    public async Task Ignored_Post_results_get_no_fix()
    {
        var (original, fixedCount, applied) = await RunBothAsync("""
            public static class Sample
            {
                private static int s_count;

                public static async Task<int> RunAsync()
                {
                    var gate = new TaskCompletionSource();
                    var block = new ActionBlock<int>(async i => { await gate.Task; Interlocked.Increment(ref s_count); });
                    for (var i = 0; i < 5000; i++)
                    {
                        block.Post(i);
                    }

                    gate.SetResult();
                    block.Complete();
                    await block.Completion;
                    return s_count;
                }
            }
            """);
        Assert.Equal(5000, original);
        Assert.Equal(original, fixedCount);
        Assert.Equal(0, applied);
    }

    [Fact]
    public async Task Ignored_TryAdd_results_on_a_field_get_no_fix()
    {
        var (original, fixedCount, applied) = await RunBothAsync("""
            public static class Sample
            {
                private static readonly BlockingCollection<int> s_queue = new BlockingCollection<int>();

                private static void Enqueue(int item) => s_queue.TryAdd(item);

                public static Task<int> RunAsync()
                {
                    for (var i = 0; i < 3000; i++)
                    {
                        Enqueue(i);
                    }

                    s_queue.CompleteAdding();
                    return Task.Run(() => Drain());
                }

                private static int Drain()
                {
                    var count = 0;
                    foreach (var item in s_queue.GetConsumingEnumerable()) { count++; }
                    return count;
                }
            }
            """);
        Assert.Equal(3000, original);
        Assert.Equal(original, fixedCount);
        Assert.Equal(0, applied);
    }

    [Fact]
    public async Task Writing_everything_then_reading_in_the_same_method_gets_no_fix()
    {
        // Bounded, the 1,025th WriteAsync waits for a reader that only starts after the loop: a hang.
        var (original, fixedCount, applied) = await RunBothAsync("""
            public static class Sample
            {
                public static async Task<int> RunAsync()
                {
                    var channel = Channel.CreateUnbounded<int>();
                    for (var i = 0; i < 3000; i++)
                    {
                        await channel.Writer.WriteAsync(i);
                    }

                    channel.Writer.Complete();
                    var count = 0;
                    await foreach (var item in channel.Reader.ReadAllAsync()) { count++; }
                    return count;
                }
            }
            """);
        Assert.Equal(3000, original);
        Assert.Equal(original, fixedCount);
        Assert.Equal(0, applied);
    }

    [Fact]
    public async Task A_field_written_by_one_method_and_drained_by_the_next_in_sequence_gets_no_fix()
    {
        var (original, fixedCount, applied) = await RunBothAsync("""
            public static class Sample
            {
                private static readonly Channel<int> s_channel = Channel.CreateUnbounded<int>();

                public static async Task<int> RunAsync()
                {
                    await ProduceAsync();
                    return await ConsumeAsync();
                }

                private static async Task ProduceAsync()
                {
                    for (var i = 0; i < 3000; i++)
                    {
                        await s_channel.Writer.WriteAsync(i);
                    }

                    s_channel.Writer.Complete();
                }

                private static async Task<int> ConsumeAsync()
                {
                    var count = 0;
                    await foreach (var item in s_channel.Reader.ReadAllAsync()) { count++; }
                    return count;
                }
            }
            """);
        Assert.Equal(3000, original);
        Assert.Equal(original, fixedCount);
        Assert.Equal(0, applied);
    }

    [Fact]
    public async Task A_consumer_running_beside_awaited_writes_keeps_the_fix_and_every_item()
    {
        var (original, fixedCount, applied) = await RunBothAsync("""
            public static class Sample
            {
                public static async Task<int> RunAsync()
                {
                    var channel = Channel.CreateUnbounded<int>();
                    var consumer = ConsumeAsync(channel.Reader);
                    for (var i = 0; i < 5000; i++)
                    {
                        await channel.Writer.WriteAsync(i);
                    }

                    channel.Writer.Complete();
                    return await consumer;
                }

                private static async Task<int> ConsumeAsync(ChannelReader<int> reader)
                {
                    var count = 0;
                    await foreach (var item in reader.ReadAllAsync()) { count++; }
                    return count;
                }
            }
            """);
        Assert.Equal(5000, original);
        Assert.Equal(original, fixedCount);
        Assert.Equal(1, applied);
    }

    [Fact]
    public async Task An_action_block_fed_with_awaited_SendAsync_keeps_the_fix_and_every_item()
    {
        var (original, fixedCount, applied) = await RunBothAsync("""
            public static class Sample
            {
                private static int s_count;

                public static async Task<int> RunAsync()
                {
                    var block = new ActionBlock<int>(i => Interlocked.Increment(ref s_count));
                    for (var i = 0; i < 5000; i++)
                    {
                        await block.SendAsync(i);
                    }

                    block.Complete();
                    await block.Completion;
                    return s_count;
                }
            }
            """);
        Assert.Equal(5000, original);
        Assert.Equal(original, fixedCount);
        Assert.Equal(1, applied);
    }

    [Fact]
    public Task Unawaited_SendAsync_and_writes_through_an_exposed_writer_get_no_fix() =>
        new CodeFixTest<PERF007UnboundedQueueAnalyzer, PERF007UseBoundedQueueCodeFix>
        {
            TestCode = Usings + """
                class C
                {
                    private readonly BufferBlock<int> _block = [|new BufferBlock<int>()|];
                    private readonly Channel<int> _channel = [|Channel.CreateUnbounded<int>()|];
                    public ChannelWriter<int> Writer => _channel.Writer;

                    void Send(int i) { _ = _block.SendAsync(i); }
                    void Write(int i) { Writer.TryWrite(i); }
                }
                """,
            FixedCode = Usings + """
                class C
                {
                    private readonly BufferBlock<int> _block = [|new BufferBlock<int>()|];
                    private readonly Channel<int> _channel = [|Channel.CreateUnbounded<int>()|];
                    public ChannelWriter<int> Writer => _channel.Writer;

                    void Send(int i) { _ = _block.SendAsync(i); }
                    void Write(int i) { Writer.TryWrite(i); }
                }
                """,
        }.RunAsync();
}
