using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF002, a task started per iteration of a loop in synchronous code: the start goes through an async local
/// function that waits for a slot of a SemaphoreSlim; the loop does not wait, and the task is stored, joined or dropped
/// as before. Exact output, Fix All, the fixed code compiles, and the shapes where that would change behaviour get no fix.
/// </summary>
public class PERF002SyncLoopFixTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    private const string Members = """
            Task SendAsync(int x) => Task.CompletedTask;
            int Work(int x) => x;

        """;

    private static CodeFixTest<PERF002UnboundedTaskSpawningAnalyzer, PERF002BoundConcurrencyCodeFix> Test(string body, string fixedBody, string? key = null) =>
        new()
        {
            TestCode = Usings + "class C\n{\n" + Members + body + "\n}\n",
            FixedCode = Usings + "class C\n{\n" + Members + fixedBody + "\n}\n",
            CodeActionEquivalenceKey = key,
            References = TestReferences.WithoutRuntime(),
        };

    [Fact]
    public Task Task_Run_per_element_joined_with_WaitAll_keeps_the_blocking_join() =>
        Test(
            """
                int[] M(List<int> ids)
                {
                    var tasks = new List<Task<int>>();
                    foreach (var id in ids)
                    {
                        tasks.Add([|Task.Run(() => Work(id))|]);
                    }

                    Task.WaitAll(tasks.ToArray());
                    return tasks.Select(t => t.Result).ToArray();
                }
            """,
            """
                int[] M(List<int> ids)
                {
                    var tasks = new List<Task<int>>();
                    var throttle = new SemaphoreSlim(Environment.ProcessorCount);
                    foreach (var id in ids)
                    {
                        tasks.Add(Throttled(() => Task.Run(() => Work(id))));
                    }

                    async Task<int> Throttled(Func<Task<int>> start)
                    {
                        await throttle.WaitAsync().ConfigureAwait(false);
                        try
                        {
                            return await start().ConfigureAwait(false);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }

                    Task.WaitAll(tasks.ToArray());
                    return tasks.Select(t => t.Result).ToArray();
                }
            """,
            PERF002ThrottledLoopTask.Key).RunAsync();

    [Fact]
    public Task Fire_and_forget_in_a_void_method_stays_fire_and_forget() =>
        Test(
            """
                void Publish(List<int> ids, int[] more)
                {
                    foreach (var id in ids)
                    {
                        try
                        {
                            _ = [|SendAsync(id)|];
                        }
                        catch (Exception)
                        {
                        }
                    }

                    for (var i = 0; i < more.Length; i++)
                        [|Task.Factory.StartNew(() => Work(1))|].ContinueWith(t => t.Exception);
                }
            """,
            """
                void Publish(List<int> ids, int[] more)
                {
                    var throttle = new SemaphoreSlim(16);
                    foreach (var id in ids)
                    {
                        try
                        {
                            _ = Throttled(() => SendAsync(id));
                        }
                        catch (Exception)
                        {
                        }
                    }

                    async Task Throttled(Func<Task> start)
                    {
                        await throttle.WaitAsync();
                        try
                        {
                            await start();
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }

                    var throttle2 = new SemaphoreSlim(Environment.ProcessorCount);
                    for (var i = 0; i < more.Length; i++)
                        Throttled2(() => Task.Factory.StartNew(() => Work(1))).ContinueWith(t => t.Exception);

                    async Task<int> Throttled2(Func<Task<int>> start)
                    {
                        await throttle2.WaitAsync();
                        try
                        {
                            return await start();
                        }
                        finally
                        {
                            throttle2.Release();
                        }
                    }
                }
            """).RunAsync();

    [Fact]
    public Task No_fix_where_the_delayed_start_would_change_behaviour() =>
        CodeFixVerifier<PERF002UnboundedTaskSpawningAnalyzer, PERF002BoundConcurrencyCodeFix>.VerifyNoFixAsync(Usings + """
            class C
            {
                int _count;
                Task SendAsync(int x) => Task.CompletedTask;
                Task Counted(int x) { _count++; return Task.CompletedTask; }

                void M(List<int> ids, Action<Exception> log)
                {
                    // A caught synchronous throw would fault the throttled task instead.
                    foreach (var id in ids)
                    {
                        try { _ = {|#0:SendAsync(id)|}; }
                        catch (Exception e) { log(e); }
                    }

                    // The loop variable of a for is assigned after the start: a later start would read another value.
                    var tasks = new List<Task>();
                    for (var i = 0; i < ids.Count; i++) tasks.Add({|#1:SendAsync(i)|});

                    // Shared state written before the first await.
                    foreach (var id in ids) tasks.Add({|#2:Counted(id)|});

                    // An async lambda started with StartNew (a Task<Task>).
                    foreach (var id in ids) tasks.Add({|#3:Task.Factory.StartNew(async () => await SendAsync(id))|});
                    Task.WaitAll(tasks.ToArray());
                }
            }
            """,
            Expect.Diagnostic("PERF002").WithLocation(0).WithArguments("'SendAsync'"),
            Expect.Diagnostic("PERF002").WithLocation(1).WithArguments("'SendAsync'"),
            Expect.Diagnostic("PERF002").WithLocation(2).WithArguments("'Counted'"),
            Expect.Diagnostic("PERF002").WithLocation(3).WithArguments("Task.Factory.StartNew"));
}
