using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF002 fixes must not introduce a data race: code before each element's first await ran one element at a time
/// on the caller's thread, and Parallel.ForEachAsync/BoundedParallel would run it on several threads at once.
/// </summary>
public class PERF002SafetyRunTests
{
    private const string Usings = """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    private static async Task<(string Original, string Fixed, int Applied)> RunBothAsync(string source)
    {
        var code = Usings + source;
        var (fixedCode, applied) = await FixApplier.ApplyEachAsync<PERF002UnboundedTaskSpawningAnalyzer, PERF002BoundConcurrencyCodeFix>(code);
        return (await RunAsync(code), await RunAsync(fixedCode), applied);
    }

    private static async Task<string> RunAsync(string code)
    {
        var assembly = TestCompiler.CompileAndLoad(code);
        var run = (Task<string>)TestCompiler.Invoke(assembly, "Sample", "RunAsync")!;
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.True(finished == run, "The code hung:\n" + code);
        return await run;
    }

    private const string Send = """
            private static async Task SendAsync(int id)
            {
                await Task.Yield();
                Thread.SpinWait(50);
            }

        """;

    [Fact]
    public async Task Fields_and_a_shared_list_written_before_the_first_await_get_no_fix()
    {
        var (original, fixedResult, applied) = await RunBothAsync("public static class Sample\n{\n" + Send + """
                private static int s_started;
                private static readonly List<int> s_log = new();

                public static async Task<string> RunAsync()
                {
                    var ids = Enumerable.Range(0, 5000).ToList();
                    await Task.WhenAll(ids.Select(async id =>
                    {
                        s_started++;
                        s_log.Add(id);
                        await SendAsync(id);
                    }));
                    return s_started + "/" + s_log.Count + "/" + string.Join(",", s_log.Take(5));
                }
            }
            """);
        Assert.Equal("5000/5000/0,1,2,3,4", original);
        Assert.Equal(original, fixedResult);
        Assert.Equal(0, applied);
    }

    [Fact]
    public async Task A_captured_local_counted_before_the_first_await_gets_no_fix()
    {
        var (original, fixedResult, applied) = await RunBothAsync("public static class Sample\n{\n" + Send + """
                public static async Task<string> RunAsync()
                {
                    var ids = Enumerable.Range(0, 5000).ToList();
                    var count = 0;
                    var order = new List<int>();
                    var results = await Task.WhenAll(ids.Select(async id =>
                    {
                        count++;
                        order.Add(id);
                        await SendAsync(id);
                        return id * 2;
                    }));
                    return count + "/" + order.Count + "/" + results.Sum();
                }
            }
            """);
        Assert.Equal(original, fixedResult);
        Assert.Equal(0, applied);
    }

    [Fact]
    public async Task A_loop_whose_work_method_writes_a_field_first_keeps_it_on_the_loop_thread()
    {
        var (original, fixedResult, applied) = await RunBothAsync("public static class Sample\n{\n" + Send + """
                private static int s_queued;

                private static Task TrackAsync(int id)
                {
                    s_queued++;
                    return SendAsync(id);
                }

                public static async Task<string> RunAsync()
                {
                    var ids = Enumerable.Range(0, 5000).ToList();
                    var tasks = new List<Task>();
                    foreach (var id in ids)
                    {
                        tasks.Add(TrackAsync(id));
                    }

                    await Task.WhenAll(tasks);
                    return s_queued.ToString();
                }
            }
            """);
        Assert.Equal("5000", original);
        Assert.Equal(original, fixedResult);
        // Changed with the slot form: TrackAsync still starts on the loop's thread, one element at a time, so the
        // loop is fixed (a slot awaited per iteration); it was left without a fix before.
        Assert.Equal(1, applied);
    }

    [Fact]
    public async Task Thread_safe_work_before_the_first_await_keeps_the_fix()
    {
        var (original, fixedResult, applied) = await RunBothAsync("public static class Sample\n{\n" + Send + """
                private static int s_started;
                private static readonly ConcurrentBag<int> s_log = new();

                public static async Task<string> RunAsync()
                {
                    var ids = Enumerable.Range(0, 2000).ToList();
                    await Task.WhenAll(ids.Select(async id =>
                    {
                        Interlocked.Increment(ref s_started);
                        var local = id * 2;
                        s_log.Add(local);
                        await SendAsync(id);
                    }));
                    return s_started + "/" + s_log.Count + "/" + s_log.Sum();
                }
            }
            """);
        Assert.Equal(original, fixedResult);
        Assert.Equal(1, applied);
    }

    [Fact]
    public Task The_callers_token_flows_into_ParallelOptions_and_the_body_uses_the_loops_token() =>
        new CodeFixTest<PERF002UnboundedTaskSpawningAnalyzer, PERF002BoundConcurrencyCodeFix>
        {
            TestCode = Usings + """
                class C
                {
                    Task SendAsync(int id, CancellationToken token) => Task.Delay(id, token);

                    async Task NotifyAll(List<int> ids, CancellationToken cancellationToken)
                    {
                        await Task.WhenAll([|ids.Select(id => SendAsync(id, cancellationToken))|]);
                    }

                    async Task NotifyAllInLoop(List<int> ids, CancellationToken ct)
                    {
                        var tasks = new List<Task>();
                        foreach (var id in ids)
                        {
                            tasks.Add([|SendAsync(id, ct)|]);
                        }

                        await Task.WhenAll(tasks);
                    }
                }
                """,
            FixedCode = Usings + """
                class C
                {
                    Task SendAsync(int id, CancellationToken token) => Task.Delay(id, token);

                    async Task NotifyAll(List<int> ids, CancellationToken cancellationToken)
                    {
                        await Parallel.ForEachAsync(
                            ids,
                            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
                            (id, cancellationToken) => new ValueTask(SendAsync(id, cancellationToken)));
                    }

                    async Task NotifyAllInLoop(List<int> ids, CancellationToken ct)
                    {
                        await Parallel.ForEachAsync(
                            ids,
                            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
                            (id, ct) => new ValueTask(SendAsync(id, ct)));
                    }
                }
                """,
        }.RunAsync();
}
