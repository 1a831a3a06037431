using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// <see cref="PERF002ThreadFixTests"/>'s fixes, run: the original and the fixed code give the same results (every
/// element attempted, the same failures), and the fixed code never runs more than the limit at once (4, set with
/// <c>perf_analyzers.default_max_concurrency</c>). A thread or work item whose lambda throws ends the process in both
/// versions, so the failing elements here leave their lambda early (a <c>return</c> inside the <c>try</c>: the slot is
/// still freed) or fail inside a task (<c>StartNew(async ...)</c>: the same exceptions through the unwrapped tasks).
/// </summary>
public class PERF002ThreadFixRunTests
{
    private const string Prelude = """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        public static class Sample
        {
            private static int s_current;
            private static int s_max;
            private static int s_attempted;
            private static readonly ConcurrentBag<int> s_done = new();

            private static void Enter()
            {
                Interlocked.Increment(ref s_attempted);
                var now = Interlocked.Increment(ref s_current);
                int seen;
                while (now > (seen = Volatile.Read(ref s_max)) && Interlocked.CompareExchange(ref s_max, now, seen) != seen)
                {
                }
            }

            // Each element stays until five run at once, or 200 ms: the original reaches five, the fixed code never does.
            private static void Work(int id)
            {
                Enter();
                SpinWait.SpinUntil(() => Volatile.Read(ref s_current) >= 5, 200);
                Interlocked.Decrement(ref s_current);
                s_done.Add(id * 2);
            }

            private static async Task SendAsync(int id)
            {
                Enter();
                for (var waited = 0; waited < 200 && Volatile.Read(ref s_current) < 5; waited += 10)
                {
                    await Task.Delay(10);
                }

                Interlocked.Decrement(ref s_current);
                if (id % 20 == 7) throw new InvalidOperationException("element " + id);
                s_done.Add(id * 2);
            }

            private static string Done() => string.Join(",", s_done.OrderBy(x => x)) + ":" + s_attempted + "|" + s_max;

        """;

    private static async Task<string> AssertSameAndBoundedAsync(string source)
    {
        var code = Prelude + source + "\n}\n";
        var (fixedCode, applied) = await FixApplier.ApplyEachAsync<PERF002UnboundedTaskSpawningAnalyzer, PERF002BoundConcurrencyCodeFix>(
            code, editorConfig: "perf_analyzers.default_max_concurrency = 4");
        Assert.True(applied == 1 && fixedCode.Contains("throttle.Release()", StringComparison.Ordinal), applied + " fixes:\n" + fixedCode);
        var original = Run(code);
        var fixedRun = Run(fixedCode);
        Assert.Equal(original.Result, fixedRun.Result);
        Assert.True(original.Max > 4, "the original should run more than 4 at once: " + original.Max);
        Assert.True(fixedRun.Max <= 4, "the fixed code ran " + fixedRun.Max + " at once:\n" + fixedCode);
        return original.Result;
    }

    private static (string Result, int Max) Run(string code)
    {
        var assembly = TestCompiler.CompileAndLoad(code);
        var run = Task.Run(() => (string)TestCompiler.Invoke(assembly, "Sample", "Run")!);
        Assert.True(run.Wait(TimeSpan.FromSeconds(120)), "The code hung:\n" + code);
        var text = run.Result;
        var bar = text.LastIndexOf('|');
        return (text[..bar], int.Parse(text[(bar + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Threads_per_element_all_run_with_at_most_the_limit_at_once()
    {
        var result = await AssertSameAndBoundedAsync("""
                public static string Run()
                {
                    var ids = Enumerable.Range(0, 60).ToList();
                    using var finished = new CountdownEvent(ids.Count);
                    foreach (var id in ids)
                    {
                        new Thread(() =>
                        {
                            if (id % 20 == 7)
                            {
                                finished.Signal();
                                return;
                            }

                            Work(id);
                            finished.Signal();
                        }).Start();
                    }

                    finished.Wait();
                    return Done();
                }
            """);
        Assert.EndsWith(":57", result, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Work_items_per_element_all_run_with_at_most_the_limit_at_once()
    {
        var result = await AssertSameAndBoundedAsync("""
                public static string Run()
                {
                    // Enough pool threads for the unbounded original to run five at once on a 2-core machine (the pool
                    // otherwise adds threads too slowly for the 200 ms each item waits); the old minimum is restored.
                    ThreadPool.GetMinThreads(out var workers, out var io);
                    ThreadPool.SetMinThreads(Math.Max(workers, 16), io);
                    try
                    {
                        var ids = Enumerable.Range(0, 60).ToList();
                        using var finished = new CountdownEvent(ids.Count);
                        foreach (var id in ids)
                        {
                            ThreadPool.QueueUserWorkItem(_ => { Work(id); finished.Signal(); });
                        }

                        finished.Wait();
                        return Done();
                    }
                    finally
                    {
                        ThreadPool.SetMinThreads(workers, io);
                    }
                }
            """);
        Assert.EndsWith(":60", result, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ForEach_starting_tasks_keeps_results_and_failures()
    {
        var result = await AssertSameAndBoundedAsync("""
                public static string Run() => RunAsync().GetAwaiter().GetResult();

                private static async Task<string> RunAsync()
                {
                    var ids = Enumerable.Range(0, 60).ToList();
                    var tasks = new List<Task>();
                    ids.ForEach(id => tasks.Add(SendAsync(id)));
                    var all = Task.WhenAll(tasks);
                    try
                    {
                        await all;
                    }
                    catch (InvalidOperationException)
                    {
                    }

                    var failures = string.Join(",", all.Exception!.InnerExceptions.Select(e => e.Message).OrderBy(m => m, StringComparer.Ordinal));
                    return failures + ";" + Done();
                }
            """);
        Assert.StartsWith("element 27,element 47,element 7;", result, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartNew_of_async_lambdas_keeps_results_and_failures()
    {
        var result = await AssertSameAndBoundedAsync("""
                public static string Run() => RunAsync().GetAwaiter().GetResult();

                private static async Task<string> RunAsync()
                {
                    var ids = Enumerable.Range(0, 60).ToList();
                    var tasks = new List<Task<Task>>();
                    foreach (var id in ids)
                    {
                        tasks.Add(Task.Factory.StartNew(async () => await SendAsync(id)));
                    }

                    var inner = await Task.WhenAll(tasks);
                    var all = Task.WhenAll(inner);
                    try
                    {
                        await all;
                    }
                    catch (InvalidOperationException)
                    {
                    }

                    var failures = string.Join(",", all.Exception!.InnerExceptions.Select(e => e.Message).OrderBy(m => m, StringComparer.Ordinal));
                    return failures + ";" + Done();
                }
            """);
        Assert.StartsWith("element 27,element 47,element 7;", result, StringComparison.Ordinal);
    }
}
