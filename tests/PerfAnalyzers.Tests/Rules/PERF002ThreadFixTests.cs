using Verify = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF002UnboundedTaskSpawningAnalyzer, PerfAnalyzers.CodeFixes.PERF002BoundConcurrencyCodeFix>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF002 fixes for the shapes that had none (issue #17): a thread or a thread-pool work item started per element
/// (a slot taken by the loop, freed in a <c>finally</c> of the started lambda: "the loop waits for a free thread"), and
/// <c>Task.Factory.StartNew(async ...)</c> per element in async code (the slot is freed when the unwrapped inner task
/// ends; the stored outer task is unchanged). Run tests: <see cref="PERF002ThreadFixRunTests"/>.
/// </summary>
public class PERF002ThreadFixTests
{
    [Fact]
    public Task Thread_per_element_takes_a_slot_in_the_loop_and_frees_it_when_the_thread_ends() => Verify.VerifyFixAsync("""
        using System.Collections.Generic;
        using System.Threading;

        class C
        {
            void Work(int id) { }

            void M(List<int> ids)
            {
                foreach (var id in ids)
                {
                    [|new Thread(() => Work(id)) { IsBackground = true }.Start()|];
                }
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Threading;

        class C
        {
            void Work(int id) { }

            void M(List<int> ids)
            {
                var throttle = new SemaphoreSlim(System.Environment.ProcessorCount);
                foreach (var id in ids)
                {
                    throttle.Wait();
                    new Thread(() => { try { Work(id); } finally { throttle.Release(); } }) { IsBackground = true }.Start();
                }
            }
        }
        """);

    [Fact]
    public Task Work_items_per_element_in_async_code_await_the_slot() => Verify.VerifyFixAsync("""
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            void Work(int id) { }

            async Task M(List<int> ids)
            {
                await Task.Yield();
                for (var i = 0; i < ids.Count; i++)
                {
                    var id = ids[i];
                    [|ThreadPool.QueueUserWorkItem(_ =>
                    {
                        if (id < 0)
                        {
                            return;
                        }

                        Work(id);
                    })|];
                }
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            void Work(int id) { }

            async Task M(List<int> ids)
            {
                await Task.Yield();
                var throttle = new SemaphoreSlim(System.Environment.ProcessorCount);
                for (var i = 0; i < ids.Count; i++)
                {
                    var id = ids[i];
                    await throttle.WaitAsync();
                    ThreadPool.QueueUserWorkItem(_ =>
                    {
                        try
                        {
                            if (id < 0)
                            {
                                return;
                            }

                            Work(id);
                        }
                        finally { throttle.Release(); }
                    });
                }
            }
        }
        """);

    [Fact]
    public Task StartNew_of_an_async_lambda_frees_the_slot_when_the_inner_task_ends() => Verify.VerifyFixAsync("""
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            Task SendAsync(int id) => Task.CompletedTask;

            async Task M(List<int> ids)
            {
                var tasks = new List<Task<Task>>();
                foreach (var id in ids)
                {
                    tasks.Add([|Task.Factory.StartNew(async () => await SendAsync(id))|]);
                }

                await Task.WhenAll(await Task.WhenAll(tasks));
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            Task SendAsync(int id) => Task.CompletedTask;

            async Task M(List<int> ids)
            {
                var tasks = new List<Task<Task>>();
                var throttle = new SemaphoreSlim(System.Environment.ProcessorCount);
                foreach (var id in ids)
                {
                    await throttle.WaitAsync();
                    var task = Task.Factory.StartNew(async () => await SendAsync(id));
                    _ = task.Unwrap().ContinueWith(_ => throttle.Release(), TaskScheduler.Default);
                    tasks.Add(task);
                }

                await Task.WhenAll(await Task.WhenAll(tasks));
            }
        }
        """);

    [Fact]
    public Task List_ForEach_lambda_starting_a_task_per_element_goes_through_Throttled() => Verify.VerifyFixAsync("""
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            Task SendAsync(int id) => Task.CompletedTask;

            async Task M(List<int> ids)
            {
                var tasks = new List<Task>();
                ids.ForEach(id => tasks.Add([|SendAsync(id)|]));
                await Task.WhenAll(tasks);
            }
        }
        """, """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            Task SendAsync(int id) => Task.CompletedTask;

            async Task M(List<int> ids)
            {
                var tasks = new List<Task>();
                var throttle = new SemaphoreSlim(16);
                ids.ForEach(id => tasks.Add(Throttled(() => SendAsync(id))));

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
                await Task.WhenAll(tasks);
            }
        }
        """);

    [Fact]
    public Task No_fix_for_async_lambdas_method_groups_or_a_used_result() => Verify.VerifyNoFixAsync("""
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            void Work(object state) { }
            Task SendAsync(int id) => Task.CompletedTask;

            async Task N(List<int> ids)
            {
                // (DotnetFormatAllFixesTests' site without a fix:) the work passes a local by ref, which a delayed start would read later.
                var started = 0;
                ids.ForEach(id => _ = [|Task.Run(() => Interlocked.Increment(ref started))|]);
                await Task.Yield();
            }

            void M(List<int> ids, List<Task<Task>> tasks)
            {
                // async void: the slot would be freed at the first await.
                foreach (var id in ids) [|ThreadPool.QueueUserWorkItem(async _ => await SendAsync(id))|];
                // A method group: not rewritten.
                foreach (var id in ids) [|new Thread(Work).Start(id)|];
                // The result is used.
                foreach (var id in ids) if (![|ThreadPool.QueueUserWorkItem(_ => Work(id))|]) break;
                // StartNew of an async lambda in synchronous code.
                foreach (var id in ids) tasks.Add([|Task.Factory.StartNew(async () => await SendAsync(id))|]);
            }
        }
        """);
}
