using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF002's SemaphoreSlim form for a <c>Select</c> whose selector is a method group on another receiver (bitwarden's
/// <c>tasks.AddRange(providerPlans.Select(providerPlanRepository.DeleteAsync));</c> on a primary constructor's
/// parameter): the group read its receiver when it was created, the lambda that replaces it reads it per element, so
/// the fix is offered where both read the same object and call the same method — a variable nothing assigns again
/// (a parameter, also of a primary constructor, a local assigned only in its declaration, a <c>readonly</c> field),
/// not null by nullable analysis, with one method of that name. Exact output, Fix All (the verifier), a run of
/// original and fixed code with a failing element, and the look-alikes that stay without a fix.
/// </summary>
public class PERF002MethodGroupReceiverTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        public interface IPlanRepository
        {
            Task DeleteAsync(int id);
        }

        public class Converter(IPlanRepository planRepository, IPlanRepository archive)
        {
            private readonly IPlanRepository _archive = archive;

            public async Task DeleteAllAsync(List<int> ids, Func<Task> first)
            {
                var tasks = new List<Task> { first() };
                if (ids.Count > 0)
                {
                    tasks.AddRange([|ids.Select(planRepository.DeleteAsync)|]);
                }

                await Task.WhenAll(tasks);
            }

            public Task ArchiveAllAsync(List<int> ids)
            {
                var archived = [|ids.Select(_archive.DeleteAsync)|].ToList();
                return Task.WhenAll(archived);
            }

            public static async Task DeleteWithAsync(IPlanRepository repository, List<int> ids)
            {
                var local = repository;
                var tasks = new List<Task>([|ids.Select(local.DeleteAsync)|]);
                await Task.WhenAll(tasks);
            }
        }
        """;

    private const string Fixed = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        public interface IPlanRepository
        {
            Task DeleteAsync(int id);
        }

        public class Converter(IPlanRepository planRepository, IPlanRepository archive)
        {
            private readonly IPlanRepository _archive = archive;

            public async Task DeleteAllAsync(List<int> ids, Func<Task> first)
            {
                var tasks = new List<Task> { first() };
                if (ids.Count > 0)
                {
                    var throttle = new SemaphoreSlim(16);
                    tasks.AddRange(ids.Select(async item =>
                    {
                        await throttle.WaitAsync();
                        try
                        {
                            await planRepository.DeleteAsync(item);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                }

                await Task.WhenAll(tasks);
            }

            public Task ArchiveAllAsync(List<int> ids)
            {
                var throttle = new SemaphoreSlim(16);
                var archived = ids.Select(async item =>
                {
                    await throttle.WaitAsync();
                    try
                    {
                        await _archive.DeleteAsync(item);
                    }
                    finally
                    {
                        throttle.Release();
                    }
                }).ToList();
                return Task.WhenAll(archived);
            }

            public static async Task DeleteWithAsync(IPlanRepository repository, List<int> ids)
            {
                var local = repository;
                var throttle = new SemaphoreSlim(16);
                var tasks = new List<Task>(ids.Select(async item =>
                {
                    await throttle.WaitAsync();
                    try
                    {
                        await local.DeleteAsync(item);
                    }
                    finally
                    {
                        throttle.Release();
                    }
                }));
                await Task.WhenAll(tasks);
            }
        }
        """;

    [Fact]
    public Task Method_groups_on_receivers_nothing_assigns_again_get_the_SemaphoreSlim_form() =>
        new CodeFixTest<PERF002UnboundedTaskSpawningAnalyzer, PERF002BoundConcurrencyCodeFix>
        {
            TestCode = Source,
            FixedCode = Fixed,
        }.RunAsync();

    private const string Recorder = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;

        public sealed class Recorder : IPlanRepository
        {
            private int _current;
            private int _max;
            public readonly System.Collections.Concurrent.ConcurrentBag<int> Deleted = new();

            public int Max => _max;

            public async Task DeleteAsync(int id)
            {
                var now = System.Threading.Interlocked.Increment(ref _current);
                lock (Deleted)
                {
                    _max = Math.Max(_max, now);
                }

                await Task.Delay(2);
                System.Threading.Interlocked.Decrement(ref _current);
                if (id % 100 == 13)
                {
                    throw new InvalidOperationException("plan " + id);
                }

                Deleted.Add(id);
            }
        }

        public static class Sample
        {
            public static string Run(int count)
            {
                var ids = Enumerable.Range(0, count).ToList();
                var results = new List<string>();
                foreach (var run in new Func<Recorder, Task>[]
                {
                    r => new Converter(r, r).DeleteAllAsync(ids, () => Task.CompletedTask),
                    r => new Converter(r, r).ArchiveAllAsync(ids),
                    r => Converter.DeleteWithAsync(r, ids),
                })
                {
                    var recorder = new Recorder();
                    var task = run(recorder);
                    try
                    {
                        task.GetAwaiter().GetResult();
                    }
                    catch (InvalidOperationException)
                    {
                    }

                    // The awaiting methods rethrow one failure, and which one WhenAll gives first depends on timing
                    // (the unbounded original gave "plan 113" as often as "plan 13"): the type, and that it is a failing element.
                    var outcome = task.IsFaulted
                        ? string.Join(",", task.Exception!.InnerExceptions.Select(e => e.GetType().Name + ": " + (e.Message.EndsWith("13", StringComparison.Ordinal) ? "plan ..13" : e.Message)).Distinct())
                        : "ok";

                    results.Add(outcome + " deleted " + string.Join(",", recorder.Deleted.OrderBy(i => i)) + " max<=16 " + (recorder.Max <= 16));
                }

                return string.Join("\n", results);
            }
        }
        """;

    [Fact]
    public void Original_and_fixed_code_delete_the_same_plans_and_fail_the_same_way()
    {
        var before = TestCompiler.CompileAndLoad(new[] { TestCompiler.StripMarkup(Source), Recorder });
        var after = TestCompiler.CompileAndLoad(new[] { Fixed, Recorder });
        foreach (var count in new[] { 0, 1, 10, 13, 14, 120 })
        {
            var original = (string)TestCompiler.Invoke(before, "Sample", "Run", count)!;
            var fixedRun = (string)TestCompiler.Invoke(after, "Sample", "Run", count)!;
            Assert.Equal(original.Replace("max<=16 False", "max<=16 True", StringComparison.Ordinal), fixedRun);
            Assert.DoesNotContain("max<=16 False", fixedRun, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Still no fix: a parameter assigned in the method, a primary constructor parameter assigned by another member, a
    /// field that is not <c>readonly</c>, a local assigned again, a receiver of unknown null-ness (<c>#nullable disable</c>),
    /// one that may be null, and a name with another overload (the group chose <c>DeleteAsync(object)</c>; a call
    /// <c>DeleteAsync(item)</c> would choose <c>DeleteAsync(int, bool)</c>).
    /// </summary>
    [Fact]
    public Task No_fix_where_the_lambda_could_read_another_receiver_or_call_another_method()
    {
        const string code = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;

            public interface IPlanRepository
            {
                Task DeleteAsync(int id);
            }

            public interface IOverloaded
            {
                Task DeleteAsync(object id);

                Task DeleteAsync(string id, bool force = false);
            }

            public class Reassigned(IPlanRepository planRepository, IPlanRepository first)
            {
                private IPlanRepository _mutable = first;

                public void Swap(IPlanRepository other) => planRepository = other;

                public async Task A(List<int> ids)
                {
                    var tasks = [|ids.Select(planRepository.DeleteAsync)|].ToList();
                    await Task.WhenAll(tasks);
                }

                public async Task B(List<int> ids, IPlanRepository repository, IPlanRepository next)
                {
                    var tasks = [|ids.Select(repository.DeleteAsync)|].ToList();
                    repository = next;
                    await Task.WhenAll(tasks);
                }

                public async Task C(List<int> ids)
                {
                    var tasks = [|ids.Select(_mutable.DeleteAsync)|].ToList();
                    await Task.WhenAll(tasks);
                }

                public async Task D(List<int> ids, IPlanRepository repository, IPlanRepository next)
                {
                    var local = repository;
                    var tasks = [|ids.Select(local.DeleteAsync)|].ToList();
                    local = next;
                    await Task.WhenAll(tasks);
                }

                public async Task E(List<int> ids, IPlanRepository? maybe)
                {
                    var tasks = [|ids.Select(maybe!.DeleteAsync)|].ToList();
                    await Task.WhenAll(tasks);
                }

                public async Task F(List<string> names, IOverloaded overloaded)
                {
                    var tasks = [|names.Select<string, Task>(overloaded.DeleteAsync)|].ToList();
                    await Task.WhenAll(tasks);
                }
            }

            #nullable disable
            public class Oblivious(IPlanRepository planRepository)
            {
                public async Task G(List<int> ids)
                {
                    var tasks = [|ids.Select(planRepository.DeleteAsync)|].ToList();
                    await Task.WhenAll(tasks);
                }
            }
            """;
        return new CodeFixTest<PERF002UnboundedTaskSpawningAnalyzer, PERF002BoundConcurrencyCodeFix> { TestCode = code, FixedCode = code }.RunAsync();
    }
}
