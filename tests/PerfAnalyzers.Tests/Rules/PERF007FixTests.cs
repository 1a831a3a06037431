using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

public class PERF007FixTests
{
    private const string Usings = """
        using System;
        using System.Collections.Concurrent;
        using System.Threading.Channels;
        using System.Threading.Tasks;
        using System.Threading.Tasks.Dataflow;

        """;

    private static Task Verify(string source, string fixedSource, string? editorConfig = null, string? batchFixed = null)
    {
        var test = new CodeFixTest<PERF007UnboundedQueueAnalyzer, PERF007UseBoundedQueueCodeFix>
        {
            TestCode = Usings + source,
            FixedCode = Usings + fixedSource,
            EditorConfig = editorConfig,
            CodeActionEquivalenceKey = PERF007UseBoundedQueueCodeFix.EquivalenceKey,
        };
        if (batchFixed is not null)
        {
            test.BatchFixedCode = Usings + batchFixed;
        }

        return test.RunAsync();
    }

    [Fact]
    public Task Channel_becomes_bounded_with_wait_mode() =>
        Verify(
            "class C { Channel<int> c = [|Channel.CreateUnbounded<int>()|]; }",
            "class C { Channel<int> c = Channel.CreateBounded<int>(\n    new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.Wait }); }");

    [Fact]
    public Task Channel_options_are_kept() =>
        Verify(
            """
            class C
            {
                Channel<int> a = [|Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false })|];
                Channel<int> b = [|Channel.CreateUnbounded<int>(new UnboundedChannelOptions
                {
                    SingleWriter = true,
                    SingleReader = true,
                })|];
                Channel<int> c = [|Channel.CreateUnbounded<int>(new UnboundedChannelOptions())|];
            }
            """,
            """
            class C
            {
                Channel<int> a = Channel.CreateBounded<int>(
                    new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true, AllowSynchronousContinuations = false });
                Channel<int> b = Channel.CreateBounded<int>(new BoundedChannelOptions(1024)
                {
                    FullMode = BoundedChannelFullMode.Wait,
                    SingleWriter = true,
                    SingleReader = true,
                });
                Channel<int> c = Channel.CreateBounded<int>(
                    new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.Wait });
            }
            """);

    [Fact]
    public Task Capacity_comes_from_editorconfig_and_full_names_stay_full() =>
        Verify(
            "class C { object c = [|System.Threading.Channels.Channel.CreateUnbounded<string>()|]; }",
            "class C { object c = System.Threading.Channels.Channel.CreateBounded<string>(\n    new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.Wait }); }",
            editorConfig: "perf_analyzers.default_queue_capacity = 64");

    [Fact]
    public Task Channel_with_options_in_a_variable_is_reported_without_fix() =>
        new CodeFixTest<PERF007UnboundedQueueAnalyzer, PERF007UseBoundedQueueCodeFix>
        {
            TestCode = Usings + "class C { static UnboundedChannelOptions O = new(); Channel<int> c = [|Channel.CreateUnbounded<int>(O)|]; }",
            FixedCode = Usings + "class C { static UnboundedChannelOptions O = new(); Channel<int> c = [|Channel.CreateUnbounded<int>(O)|]; }",
        }.RunAsync();

    [Fact]
    public Task BlockingCollection_gets_a_capacity() =>
        Verify(
            """
            class C
            {
                BlockingCollection<int> a = [|new BlockingCollection<int>()|];
                BlockingCollection<int> b = [|new BlockingCollection<int>(new ConcurrentStack<int>())|];
                BlockingCollection<int> c = [|new()|];
            }
            """,
            """
            class C
            {
                BlockingCollection<int> a = new BlockingCollection<int>(100);
                BlockingCollection<int> b = new BlockingCollection<int>(new ConcurrentStack<int>(), 100);
                BlockingCollection<int> c = new(100);
            }
            """,
            editorConfig: "perf_analyzers.PERF007.default_queue_capacity = 100");

    [Fact]
    public Task BlockingCollection_with_a_collection_initializer_has_no_fix() =>
        new CodeFixTest<PERF007UnboundedQueueAnalyzer, PERF007UseBoundedQueueCodeFix>
        {
            TestCode = Usings + "class C { BlockingCollection<int> a = [|new BlockingCollection<int> { 1, 2 }|]; }",
            FixedCode = Usings + "class C { BlockingCollection<int> a = [|new BlockingCollection<int> { 1, 2 }|]; }",
        }.RunAsync();

    [Fact]
    public Task Dataflow_blocks_get_BoundedCapacity() =>
        Verify(
            """
            class C
            {
                void M()
                {
                    var buffer = [|new BufferBlock<int>()|];
                    var action = [|new ActionBlock<int>(x => Console.WriteLine(x))|];
                    var asyncAction = [|new ActionBlock<int>(async x => await Task.Delay(x), new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = 4 })|];
                    var transform = [|new TransformBlock<int, string>(x => x.ToString(), new ExecutionDataflowBlockOptions { BoundedCapacity = DataflowBlockOptions.Unbounded })|];
                    var many = [|new TransformManyBlock<int, int>(x => new[] { x, x })|];
                    var empty = [|new BufferBlock<int>(new DataflowBlockOptions())|];
                    var multiLine = [|new ActionBlock<int>(x => { }, new ExecutionDataflowBlockOptions
                    {
                        MaxDegreeOfParallelism = 2,
                    })|];
                }
            }
            """,
            """
            class C
            {
                void M()
                {
                    var buffer = new BufferBlock<int>(new DataflowBlockOptions { BoundedCapacity = 1024 });
                    var action = new ActionBlock<int>(
                        x => Console.WriteLine(x),
                        new ExecutionDataflowBlockOptions { BoundedCapacity = 1024 });
                    var asyncAction = new ActionBlock<int>(
                        async x => await Task.Delay(x),
                        new ExecutionDataflowBlockOptions { BoundedCapacity = 1024, MaxDegreeOfParallelism = 4 });
                    var transform = new TransformBlock<int, string>(
                        x => x.ToString(),
                        new ExecutionDataflowBlockOptions { BoundedCapacity = 1024 });
                    var many = new TransformManyBlock<int, int>(
                        x => new[] { x, x },
                        new ExecutionDataflowBlockOptions { BoundedCapacity = 1024 });
                    var empty = new BufferBlock<int>(new DataflowBlockOptions { BoundedCapacity = 1024 });
                    var multiLine = new ActionBlock<int>(x => { }, new ExecutionDataflowBlockOptions
                    {
                        BoundedCapacity = 1024,
                        MaxDegreeOfParallelism = 2,
                    });
                }
            }
            """);

    [Fact]
    public Task BatchBlock_capacity_is_at_least_the_batch_size() =>
        Verify(
            """
            class C
            {
                void M(int size)
                {
                    var small = [|new BatchBlock<int>(10)|];
                    var large = [|new BatchBlock<int>(5000)|];
                    var unknown = [|new BatchBlock<int>(size)|];
                }
            }
            """,
            """
            class C
            {
                void M(int size)
                {
                    var small = new BatchBlock<int>(10, new GroupingDataflowBlockOptions { BoundedCapacity = 1024 });
                    var large = new BatchBlock<int>(5000, new GroupingDataflowBlockOptions { BoundedCapacity = 5000 });
                    var unknown = [|new BatchBlock<int>(size)|];
                }
            }
            """);

    [Fact]
    public void Fixed_channel_runs_and_applies_backpressure()
    {
        // The fixed code, compiled and run: with capacity 2, TryWrite refuses a third item until one is read.
        var assembly = TestCompiler.CompileAndLoad(Usings + """
            public static class P
            {
                public static string Run()
                {
                    var channel = Channel.CreateBounded<int>(new BoundedChannelOptions(2) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
                    var first = channel.Writer.TryWrite(1) && channel.Writer.TryWrite(2);
                    var third = channel.Writer.TryWrite(3);
                    channel.Reader.TryRead(out var read);
                    var afterRead = channel.Writer.TryWrite(3);
                    return $"{first} {third} {read} {afterRead}";
                }
            }
            """);
        Assert.Equal("True False 1 True", TestCompiler.Invoke(assembly, "P", "Run"));
    }
}
