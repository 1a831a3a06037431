using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF007UnboundedQueueAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

public class PERF007Tests
{
    private const string Usings = """
        using System;
        using System.Collections.Concurrent;
        using System.Threading.Channels;
        using System.Threading.Tasks;
        using System.Threading.Tasks.Dataflow;

        """;

    [Fact]
    public Task Channel_CreateUnbounded_is_reported_with_its_element_type() =>
        Verify.VerifyAsync(Usings + """
            class Mailbox
            {
                private readonly Channel<string> _inbox = {|#0:Channel.CreateUnbounded<string>()|};
                private readonly Channel<int> _other = [|Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true })|];
            }
            """,
            Expect.Diagnostic("PERF007").WithLocation(0).WithArguments("Channel.CreateUnbounded<string>"));

    [Fact]
    public Task BlockingCollection_without_capacity_is_reported() =>
        Verify.VerifyAsync(Usings + """
            class Work
            {
                BlockingCollection<int> a = {|#0:new BlockingCollection<int>()|};
                BlockingCollection<int> b = [|new BlockingCollection<int>(new ConcurrentStack<int>())|];
                BlockingCollection<int> c = [|new()|];
                BlockingCollection<int> bounded = new BlockingCollection<int>(100);
                BlockingCollection<int> boundedStack = new BlockingCollection<int>(new ConcurrentStack<int>(), 100);
                BlockingCollection<int> named = new(boundedCapacity: 10);
            }
            """,
            Expect.Diagnostic("PERF007").WithLocation(0).WithArguments("new BlockingCollection<int>"));

    [Fact]
    public Task Dataflow_blocks_without_BoundedCapacity_are_reported() =>
        Verify.VerifyAsync(Usings + """
            class Pipeline
            {
                void M(int capacity, ExecutionDataflowBlockOptions shared)
                {
                    var buffer = {|#0:new BufferBlock<int>()|};
                    var action = [|new ActionBlock<int>(x => Console.WriteLine(x))|];
                    var asyncAction = [|new ActionBlock<int>(async x => await Task.Delay(x), new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = 4 })|];
                    var transform = [|new TransformBlock<int, string>(x => x.ToString(), new ExecutionDataflowBlockOptions { BoundedCapacity = DataflowBlockOptions.Unbounded })|];
                    var many = [|new TransformManyBlock<int, int>(x => new[] { x, x }, new ExecutionDataflowBlockOptions { BoundedCapacity = -1 })|];
                    var batch = [|new BatchBlock<int>(10)|];
                    var emptyOptions = [|new BufferBlock<int>(new DataflowBlockOptions())|];

                    var bounded = new BufferBlock<int>(new DataflowBlockOptions { BoundedCapacity = 100 });
                    var boundedByVariable = new ActionBlock<int>(x => { }, new ExecutionDataflowBlockOptions { BoundedCapacity = capacity });
                    var unknownOptions = new ActionBlock<int>(x => { }, shared);
                    var boundedBatch = new BatchBlock<int>(10, new GroupingDataflowBlockOptions { BoundedCapacity = 100 });
                }
            }
            """,
            Expect.Diagnostic("PERF007").WithLocation(0).WithArguments("new BufferBlock<int>"));

    [Fact]
    public Task Look_alikes_are_not_reported() =>
        Verify.VerifyAsync(Usings + """
            using System.Collections.Generic;

            static class Channel2 { public static Channel<T> CreateUnbounded<T>() => Channel.CreateBounded<T>(1); }
            class Other
            {
                Channel<int> a = Channel.CreateBounded<int>(10);
                Channel<int> b = Channel.CreateBounded<int>(new BoundedChannelOptions(10) { FullMode = BoundedChannelFullMode.DropOldest });
                Channel<int> c = Channel2.CreateUnbounded<int>();
                ConcurrentQueue<int> d = new ConcurrentQueue<int>();
                Queue<int> e = new Queue<int>();
                WriteOnceBlock<int> f = new WriteOnceBlock<int>(x => x);
            }
            """);

    [Fact]
    public Task Top_level_statements_and_lambdas() =>
        new AnalyzerTest<PERF007UnboundedQueueAnalyzer>
        {
            TestCode = Usings + """
                var channel = [|Channel.CreateUnbounded<int>()|];
                Func<BlockingCollection<int>> make = () => [|new BlockingCollection<int>()|];
                Console.WriteLine(channel.Reader.Count + make().Count);
                """,
            OutputKind = OutputKind.ConsoleApplication,
        }.RunAsync();

    [Fact]
    public Task Severity_none_silences_the_rule() =>
        new AnalyzerTest<PERF007UnboundedQueueAnalyzer>
        {
            TestCode = Usings + "class C { Channel<int> c = Channel.CreateUnbounded<int>(); }",
            EditorConfig = "dotnet_diagnostic.PERF007.severity = none",
        }.RunAsync();

    [Fact]
    public Task Broken_code_does_not_crash_the_analyzer() =>
        new AnalyzerTest<PERF007UnboundedQueueAnalyzer>
        {
            TestCode = Usings + """
                class C
                {
                    object a = Channel.CreateUnbounded<>();
                    object b = new BlockingCollection<Missing>(;
                    object c = new ActionBlock<int>(x => , new ExecutionDataflowBlockOptions { BoundedCapacity = });
                    object d = Channel.CreateUnbounded();
                }
                """,
            AllowCompilerErrors = true,
            ExpectedDiagnostics =
            {
                // Each creation still binds to its type, so each is still an unbounded queue.
                Expect.Diagnostic("PERF007").WithSpan(8, 16, 8, 43),
                Expect.Diagnostic("PERF007").WithSpan(9, 16, 9, 48),
            },
        }.RunAsync();
}
