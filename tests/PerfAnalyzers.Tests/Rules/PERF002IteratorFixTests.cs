using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF002, an iterator that yields one task per element joined with Task.WhenAll: each yielded task goes through an
/// async local function that waits for a slot of a SemaphoreSlim declared at the top of the iterator. Exact output,
/// Fix All in document/project/solution, and the fixed code compiles; the shapes where a delayed start would read
/// another value or race get no fix.
/// </summary>
public class PERF002IteratorFixTests
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
            Task<string> LoadAsync(int x) => Task.FromResult(x.ToString());

        """;

    private static CodeFixTest<PERF002UnboundedTaskSpawningAnalyzer, PERF002BoundConcurrencyCodeFix> Test(string body, string fixedBody, string? key = null) =>
        new()
        {
            TestCode = Usings + "class C\n{\n" + Members + body + "\n}\n",
            FixedCode = Usings + "class C\n{\n" + Members + fixedBody + "\n}\n",
            CodeActionEquivalenceKey = key,
            References = TestReferences.WithoutRuntime(),
        };

    private static CodeFixTest<PERF002UnboundedTaskSpawningAnalyzer, PERF002BoundConcurrencyCodeFix> NoFix(string body) =>
        Test(body, body);

    [Fact]
    public Task A_local_iterator_awaited_with_WhenAll() =>
        Test(
            """
                async Task M(List<int> ids)
                {
                    IEnumerable<Task> Sends()
                    {
                        foreach (var id in ids)
                        {
                            yield return SendAsync(id);
                        }
                    }

                    await Task.WhenAll([|Sends()|]).ConfigureAwait(false);
                }
            """,
            """
                async Task M(List<int> ids)
                {
                    IEnumerable<Task> Sends()
                    {
                        var throttle = new SemaphoreSlim(16);
                        foreach (var id in ids)
                        {
                            yield return Throttled(() => SendAsync(id));
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
                    }

                    await Task.WhenAll(Sends()).ConfigureAwait(false);
                }
            """,
            PERF002ThrottledIterator.Key).RunAsync();

    [Fact]
    public Task A_method_iterator_of_tasks_with_results_in_nested_loops() =>
        Test(
            """
                IEnumerable<Task<string>> Loads(List<List<int>> groups)
                {
                    var offset = groups.Count;
                    foreach (var group in groups)
                    {
                        var first = group[0];
                        foreach (var id in group)
                            yield return LoadAsync(id + first + offset);
                    }
                }

                Task<string[]> M(List<List<int>> groups) => Task.WhenAll([|Loads(groups)|]);
            """,
            """
                IEnumerable<Task<string>> Loads(List<List<int>> groups)
                {
                    var throttle = new SemaphoreSlim(16);
                    var offset = groups.Count;
                    foreach (var group in groups)
                    {
                        var first = group[0];
                        foreach (var id in group)
                            yield return Throttled(() => LoadAsync(id + first + offset));
                    }

                    async Task<string> Throttled(Func<Task<string>> start)
                    {
                        await throttle.WaitAsync();
                        try
                        {
                            return await start();
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }
                }

                Task<string[]> M(List<List<int>> groups) => Task.WhenAll(Loads(groups));
            """).RunAsync();

    [Fact]
    public Task A_blocking_join_awaits_the_slot_without_the_context() =>
        Test(
            """
                void M(List<int> ids)
                {
                    IEnumerable<Task> Sends()
                    {
                        foreach (var id in ids) yield return SendAsync(id);
                    }

                    Task.WhenAll([|Sends()|]).Wait();
                }
            """,
            """
                void M(List<int> ids)
                {
                    IEnumerable<Task> Sends()
                    {
                        var throttle = new SemaphoreSlim(16);
                        foreach (var id in ids) yield return Throttled(() => SendAsync(id));

                        async Task Throttled(Func<Task> start)
                        {
                            await throttle.WaitAsync().ConfigureAwait(false);
                            try
                            {
                                await start().ConfigureAwait(false);
                            }
                            finally
                            {
                                throttle.Release();
                            }
                        }
                    }

                    Task.WhenAll(Sends()).Wait();
                }
            """).RunAsync();

    [Fact]
    public Task Fix_all_rewrites_each_iterator_once_with_names_that_do_not_clash() =>
        Test(
            """
                async Task M(List<int> ids, int throttle)
                {
                    IEnumerable<Task> Sends()
                    {
                        foreach (var id in ids) yield return SendAsync(id + throttle);
                    }

                    IEnumerable<Task<string>> Loads()
                    {
                        foreach (var id in ids) yield return LoadAsync(id);
                    }

                    await Task.WhenAll([|Sends()|]);
                    await Task.WhenAll([|Sends()|]);
                    var texts = await Task.WhenAll([|Loads()|]);
                }
            """,
            """
                async Task M(List<int> ids, int throttle)
                {
                    IEnumerable<Task> Sends()
                    {
                        var throttle2 = new SemaphoreSlim(16);
                        foreach (var id in ids) yield return Throttled(() => SendAsync(id + throttle));

                        async Task Throttled(Func<Task> start)
                        {
                            await throttle2.WaitAsync();
                            try
                            {
                                await start();
                            }
                            finally
                            {
                                throttle2.Release();
                            }
                        }
                    }

                    IEnumerable<Task<string>> Loads()
                    {
                        var throttle2 = new SemaphoreSlim(16);
                        foreach (var id in ids) yield return Throttled(() => LoadAsync(id));

                        async Task<string> Throttled(Func<Task<string>> start)
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

                    await Task.WhenAll(Sends());
                    await Task.WhenAll(Sends());
                    var texts = await Task.WhenAll(Loads());
                }
            """).RunAsync();

    [Fact]
    public Task No_fix_when_the_work_reads_a_local_assigned_later() =>
        NoFix(
            """
                async Task M(List<int> ids)
                {
                    IEnumerable<Task> Sends()
                    {
                        var n = 0;
                        foreach (var id in ids)
                        {
                            n++;
                            yield return SendAsync(id + n);
                        }
                    }

                    await Task.WhenAll([|Sends()|]);
                }
            """).RunAsync();

    [Fact]
    public Task No_fix_when_the_work_writes_shared_state_before_its_first_await() =>
        NoFix(
            """
                private int _started;

                Task Track(int id)
                {
                    _started++;
                    return SendAsync(id);
                }

                async Task M(List<int> ids)
                {
                    IEnumerable<Task> Sends()
                    {
                        foreach (var id in ids) yield return Track(id);
                    }

                    await Task.WhenAll([|Sends()|]);
                }
            """).RunAsync();

    [Fact]
    public Task No_fix_for_an_iterator_of_value_tasks_or_of_a_struct() =>
        new CodeFixTest<PERF002UnboundedTaskSpawningAnalyzer, PERF002BoundConcurrencyCodeFix>
        {
            TestCode = Usings + """
                struct S
                {
                    List<int> _ids;
                    Task SendAsync(int x) => Task.CompletedTask;

                    IEnumerable<Task> Sends()
                    {
                        foreach (var id in _ids) yield return SendAsync(id);
                    }

                    Task M() => Task.WhenAll([|Sends()|]);
                }
                """,
            FixedCode = Usings + """
                struct S
                {
                    List<int> _ids;
                    Task SendAsync(int x) => Task.CompletedTask;

                    IEnumerable<Task> Sends()
                    {
                        foreach (var id in _ids) yield return SendAsync(id);
                    }

                    Task M() => Task.WhenAll([|Sends()|]);
                }
                """,
            References = TestReferences.WithoutRuntime(),
        }.RunAsync();
}
