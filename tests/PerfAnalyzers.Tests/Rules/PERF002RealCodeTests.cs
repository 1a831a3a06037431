using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF002UnboundedTaskSpawningAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>PERF002 shapes from real code (issues #13 and #18): recall through plumbing, worker pools, severity by evidence.</summary>
public class PERF002RealCodeTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Collections.Immutable;
        using System.Collections.Concurrent;
        using System.Linq;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        """;

    private static DiagnosticResult Diag(string id = "PERF002") => Expect.Diagnostic(id);

    // ---------------------------------------------------------------------------------------------------------
    // Recall: the same fan-out whatever the plumbing (#13)
    // ---------------------------------------------------------------------------------------------------------

    [Fact]
    public Task Select_through_a_local_is_reported() =>
        Verify.VerifyAsync(Usings + """
            class C
            {
                Task SendAsync(int x) => Task.CompletedTask;
                Task<int> LoadAsync(int x) => Task.FromResult(x);
                Task<int[]> _pending = null!;
                async Task<int[]> M(List<int> userIds)
                {
                    var tasks = {|#0:userIds.Select(id => SendAsync(id))|};
                    await Task.WhenAll(tasks);

                    IEnumerable<Task<int>> loads;
                    loads = [|userIds.Select(LoadAsync)|];
                    var list = loads.ToList();
                    Task.WaitAll(list.ToArray());

                    var any = [|userIds.Select(SendAsync)|];
                    await Task.WhenAny(any);

                    var returned = [|userIds.Select(LoadAsync)|];
                    return await Task.WhenAll(returned);
                }

                Task<int[]> Field(List<int> ids)
                {
                    _field = [|ids.Select(LoadAsync)|];
                    return Task.WhenAll(_field);
                }

                IEnumerable<Task<int>> _field = null!;
            }
            """,
            Diag().WithLocation(0).WithArguments("Select").WithSeverity(DiagnosticSeverity.Warning));

    [Fact]
    public Task Select_through_a_local_enumerated_one_by_one_is_not_reported() =>
        Verify.VerifyAsync(Usings + """
            class C
            {
                Task<int> LoadAsync(int x) => Task.FromResult(x);
                async Task<int> M(List<int> ids)
                {
                    // Deferred: each task starts when the foreach reaches it, and is awaited before the next.
                    var tasks = ids.Select(LoadAsync);
                    var sum = 0;
                    foreach (var task in tasks) sum += await task;

                    // Never enumerated as a whole.
                    var unused = ids.Select(LoadAsync);
                    var first = await ids.Select(LoadAsync).First();
                    return sum + first;
                }

                // A field assigned twice in the method may hold something else when it is joined.
                IEnumerable<Task<int>> _field = Enumerable.Empty<Task<int>>();
                Task<int[]> Twice(List<int> ids)
                {
                    _field = ids.Select(LoadAsync);
                    _field = Enumerable.Empty<Task<int>>();
                    return Task.WhenAll(_field);
                }
            }
            """);

    [Fact]
    public Task SelectMany_AddRange_and_list_constructor_are_reported() =>
        Verify.VerifyAsync(Usings + """
            class C
            {
                Task A(int x) => Task.CompletedTask;
                Task B(int x) => Task.CompletedTask;
                Task DeleteAsync(int x) => Task.CompletedTask;
                async Task M(List<int> items)
                {
                    await Task.WhenAll({|#0:items.SelectMany(x => new[] { A(x), B(x) })|});

                    var tasks = new List<Task>();
                    tasks.AddRange({|#1:items.Select(DeleteAsync)|});
                    var copy = new List<Task>([|items.Select(DeleteAsync)|]);
                    await Task.WhenAll(tasks.Concat(copy));

                    // A SelectMany that yields no tasks, and a small constant source, are not reported.
                    var flat = items.SelectMany(x => new[] { x, x + 1 }).ToList();
                    await Task.WhenAll(new[] { 1, 2 }.SelectMany(x => new[] { A(x), B(x) }));
                }
            }
            """,
            Diag().WithLocation(0).WithArguments("SelectMany"),
            Diag().WithLocation(1).WithArguments("Select"));

    [Fact]
    public Task Iterators_yielding_a_task_per_element_are_reported_when_joined() =>
        Verify.VerifyAsync(Usings + """
            class Session { public Task SendAsync(string m) => Task.CompletedTask; }
            class C
            {
                List<Session> _sessions = new();

                IEnumerable<Task> SendAll(string message)
                {
                    foreach (var s in _sessions.ToList()) yield return s.SendAsync(message);
                }

                IEnumerable<Task> Three()
                {
                    for (var i = 0; i < 3; i++) yield return Task.Delay(i);
                }

                async Task M(List<Session> sessions, string message)
                {
                    IEnumerable<Task> Sends()
                    {
                        foreach (var s in sessions) yield return s.SendAsync(message);
                    }

                    await Task.WhenAll({|#0:Sends()|});
                    await Task.WhenAll({|#1:SendAll(message)|});

                    // A constant count, and an iterator only enumerated one by one, are not reported.
                    await Task.WhenAll(Three());
                    foreach (var t in Sends()) await t;
                }
            }
            """,
            Diag().WithLocation(0).WithArguments("'Sends'"),
            Diag().WithLocation(1).WithArguments("'SendAll'"));

    [Fact]
    public Task Nested_loops_filling_one_list_count_as_their_product() =>
        Verify.VerifyAsync(Usings + """
            class C
            {
                Task SendAsync(int x) => Task.CompletedTask;
                async Task M(List<List<int>> groups, int[] ids)
                {
                    var tasks = new List<Task>();
                    foreach (var group in groups)
                        for (var i = 0; i < 3; i++) tasks.Add({|#0:SendAsync(i)|});
                    await Task.WhenAll(tasks);

                    // 10 × 10 = 100 > 64.
                    var grid = new List<Task>();
                    for (var i = 0; i < 10; i++)
                        for (var j = 0; j < 10; j++) grid.Add([|SendAsync(i * j)|]);
                    await Task.WhenAll(grid);

                    // Fire and forget in a constant inner loop of an unbounded outer loop.
                    foreach (var id in ids)
                        for (var k = 0; k < 2; k++) _ = [|Task.Run(() => SendAsync(id))|];
                }
            }
            """,
            Diag().WithLocation(0).WithArguments("'SendAsync'"));

    [Fact]
    public Task Nested_loops_joined_per_outer_iteration_are_not_reported() =>
        Verify.VerifyAsync(Usings + """
            class C
            {
                Task SendAsync(int x) => Task.CompletedTask;
                async Task M(List<int> groups)
                {
                    // 4 × 4 = 16 tasks in all.
                    var small = new List<Task>();
                    for (var i = 0; i < 4; i++)
                        for (var j = 0; j < 4; j++) small.Add(SendAsync(i + j));
                    await Task.WhenAll(small);

                    // The list lives per outer iteration, or is joined in it.
                    foreach (var g in groups)
                    {
                        var batch = new List<Task>();
                        for (var i = 0; i < 3; i++) batch.Add(SendAsync(g + i));
                        await Task.WhenAll(batch);
                    }

                    var shared = new Task[3];
                    foreach (var g in groups)
                    {
                        for (var i = 0; i < 3; i++) shared[i] = SendAsync(g + i);
                        await Task.WhenAll(shared);
                    }
                }
            }
            """);

    [Fact]
    public Task WhenAny_throttle_is_not_reported_but_a_plain_collected_loop_is() =>
        Verify.VerifyAsync(Usings + """
            class C
            {
                Task SendAsync(int x) => Task.CompletedTask;
                async Task M(List<int> items, int max)
                {
                    var running = new List<Task>();
                    foreach (var x in items)
                    {
                        if (running.Count >= max)
                        {
                            var done = await Task.WhenAny(running);
                            running.Remove(done);
                        }

                        running.Add(SendAsync(x));
                    }

                    await Task.WhenAll(running);

                    // The nearest look-alike: WhenAny only after the loop.
                    var all = new List<Task>();
                    foreach (var x in items) all.Add([|SendAsync(x)|]);
                    await Task.WhenAny(all);
                }
            }
            """);

    // ---------------------------------------------------------------------------------------------------------
    // Precision: worker pools sized by the limit (#18 section 1)
    // ---------------------------------------------------------------------------------------------------------

    [Fact]
    public Task Worker_pools_sized_by_a_limit_are_not_reported() =>
        Verify.VerifyAsync(Usings + """
            class WorkerOptions { public int WorkerCount { get; set; } = 4; }
            interface IOptions<T> { T Value { get; } }
            class C
            {
                private readonly IOptions<WorkerOptions> _options = null!;
                private readonly WorkerOptions _settings = new();
                private static readonly int Parallelism = Environment.ProcessorCount;
                private const int Spare = 2;

                Task WorkAsync(int i) => Task.CompletedTask;
                int WorkerCount() => Math.Max(1, Environment.ProcessorCount / 2);

                async Task M(List<int> items)
                {
                    var tasks = new List<Task>();
                    var count = Math.Min(items.Count, Environment.ProcessorCount);
                    for (var i = 0; i < count; i++) tasks.Add(Task.Run(() => WorkAsync(i)));

                    var workers = Environment.ProcessorCount * 2 + Spare;
                    for (var i = 0; i < workers; i++) tasks.Add(WorkAsync(i));

                    for (var i = 0; i < _options.Value.WorkerCount; i++) tasks.Add(WorkAsync(i));
                    for (var i = 0; i < _settings.WorkerCount; i++) _ = Task.Run(() => WorkAsync(i));
                    for (var i = 0; i < Parallelism; i++) tasks.Add(WorkAsync(i));
                    for (var i = 0; i < WorkerCount(); i++) tasks.Add(WorkAsync(i));
                    foreach (var i in Enumerable.Range(0, Math.Max(2, Environment.ProcessorCount))) tasks.Add(WorkAsync(i));
                    await Task.WhenAll(Enumerable.Range(0, _options.Value.WorkerCount).Select(WorkAsync));

                    await Task.WhenAll(tasks);
                }
            }
            """);

    [Fact]
    public Task Loops_sized_by_data_are_still_reported() =>
        Verify.VerifyAsync(Usings + """
            class ImportOptions { public List<int> Items { get; } = new(); }
            class C
            {
                Task WorkAsync(int i) => Task.CompletedTask;
                int Count(List<int> items) => items.Count;
                async Task M(List<int> items, int n, ImportOptions options)
                {
                    var tasks = new List<Task>();
                    // Math.Max with a data count is as large as the data.
                    var count = Math.Max(items.Count, Environment.ProcessorCount);
                    for (var i = 0; i < count; i++) tasks.Add([|WorkAsync(i)|]);
                    for (var i = 0; i < n; i++) tasks.Add([|WorkAsync(i)|]);
                    for (var i = 0; i < options.Items.Count; i++) tasks.Add([|WorkAsync(i)|]);
                    // A local reassigned from data.
                    var limit = Environment.ProcessorCount;
                    limit = items.Count;
                    for (var i = 0; i < limit; i++) tasks.Add([|WorkAsync(i)|]);
                    await Task.WhenAll(tasks);
                }
            }
            """);

    [Fact]
    public Task Consumers_of_a_channel_or_blocking_collection_are_not_reported() =>
        Verify.VerifyAsync(Usings + """
            class C
            {
                private readonly Channel<int> _channel = Channel.CreateBounded<int>(100);
                private readonly BlockingCollection<int> _queue = new(100);

                async Task ConsumeAsync(CancellationToken ct)
                {
                    await foreach (var item in _channel.Reader.ReadAllAsync(ct)) { }
                }

                void Drain()
                {
                    foreach (var item in _queue.GetConsumingEnumerable()) { }
                }

                async Task M(int workers, CancellationToken ct)
                {
                    var tasks = new List<Task>();
                    for (var i = 0; i < workers; i++) tasks.Add(ConsumeAsync(ct));
                    for (var i = 0; i < workers; i++) tasks.Add(Task.Run(() => ConsumeAsync(ct)));
                    for (var i = 0; i < workers; i++) tasks.Add(Task.Run(Drain));
                    for (var i = 0; i < workers; i++) new Thread(Drain).Start();
                    for (var i = 0; i < workers; i++)
                    {
                        tasks.Add(Task.Run(async () =>
                        {
                            while (await _channel.Reader.WaitToReadAsync(ct))
                            {
                                while (_channel.Reader.TryRead(out var item)) { }
                            }
                        }));
                    }

                    await Task.WhenAll(tasks);
                }
            }
            """);

    [Fact]
    public Task A_worker_that_does_not_read_a_queue_is_still_reported() =>
        Verify.VerifyAsync(Usings + """
            class C
            {
                private readonly Channel<int> _channel = Channel.CreateUnbounded<int>();
                async Task ProduceAsync(int i) => await _channel.Writer.WriteAsync(i);
                async Task M(int workers)
                {
                    var tasks = new List<Task>();
                    for (var i = 0; i < workers; i++) tasks.Add([|ProduceAsync(i)|]);
                    for (var i = 0; i < workers; i++) tasks.Add([|Task.Run(() => ProduceAsync(i))|]);
                    await Task.WhenAll(tasks);
                }
            }
            """);

    // ---------------------------------------------------------------------------------------------------------
    // Constant-length sources (#18 section 1) and constant fan-out (#18 section 2)
    // ---------------------------------------------------------------------------------------------------------

    [Fact]
    public Task Readonly_array_fields_with_literal_elements_are_constant_sources() =>
        Verify.VerifyAsync(Usings + """
            class C
            {
                private static readonly string[] Regions = { "eu", "us", "ap" };
                private static readonly string[] Implicit = new[] { "a", "b" };
                private readonly int[] _ports = new int[] { 80, 443 };
                private static readonly ImmutableArray<string> Hosts = ImmutableArray.Create("a", "b", "c");
                private static readonly string[] Sized = new string[4];
                Task PingAsync(string r) => Task.CompletedTask;
                Task PingAsync(int p) => Task.CompletedTask;
                async Task M()
                {
                    await Task.WhenAll(Regions.Select(PingAsync));
                    await Task.WhenAll(Implicit.Select(r => PingAsync(r)));
                    await Task.WhenAll(_ports.Select(PingAsync));
                    var tasks = new List<Task>();
                    foreach (var h in Hosts) tasks.Add(PingAsync(h));
                    foreach (var r in Regions) tasks.Add(PingAsync(r));
                    for (var i = 0; i < Sized.Length; i++) tasks.Add(PingAsync(i));
                    await Task.WhenAll(tasks);
                }
            }
            """);

    [Fact]
    public Task Fields_that_can_change_length_are_not_constant_sources() =>
        Verify.VerifyAsync(Usings + """
            class C
            {
                private static string[] Mutable = { "eu", "us" };
                private readonly string[] _assigned = { "a" };
                private readonly List<string> _list = new() { "a", "b" };
                private readonly string[] _fromCtor;
                C(string[] regions) { _assigned = regions; _fromCtor = regions; }
                Task PingAsync(string r) => Task.CompletedTask;
                async Task M()
                {
                    await Task.WhenAll([|Mutable.Select(PingAsync)|]);
                    await Task.WhenAll([|_assigned.Select(PingAsync)|]);
                    await Task.WhenAll([|_list.Select(PingAsync)|]);
                    await Task.WhenAll([|_fromCtor.Select(PingAsync)|]);
                }
            }
            """);

    [Fact]
    public Task Constant_fan_out_is_reported_only_above_64() =>
        Verify.VerifyAsync(Usings + """
            class C
            {
                Task SendAsync(int x) => Task.CompletedTask;
                async Task M()
                {
                    var tasks = new List<Task>();
                    for (var i = 0; i < 16; i++) tasks.Add(SendAsync(i));
                    for (var i = 0; i < 64; i++) tasks.Add(Task.Run(() => SendAsync(i)));
                    await Task.WhenAll(Enumerable.Range(0, 32).Select(SendAsync));
                    for (var i = 0; i < 65; i++) tasks.Add({|#0:SendAsync(i)|});
                    await Task.WhenAll({|#1:Enumerable.Range(0, 1000).Select(SendAsync)|});
                    await Task.WhenAll(tasks);
                }
            }
            """,
            Diag().WithLocation(0).WithArguments("'SendAsync'").WithSeverity(DiagnosticSeverity.Warning),
            Diag().WithLocation(1).WithArguments("Select").WithSeverity(DiagnosticSeverity.Warning));

    // ---------------------------------------------------------------------------------------------------------
    // Observer fan-out: Info (#18 section 2)
    // ---------------------------------------------------------------------------------------------------------

    [Fact]
    public Task Observer_fan_out_is_reported_as_info() =>
        Verify.VerifyAsync(Usings + """
            interface ISubscriber { Task NotifyAsync(string e); }
            interface IEventHandler { Task HandleAsync(string e); }
            class C
            {
                private readonly List<ISubscriber> _subscribers = new();
                private readonly IEnumerable<IEventHandler> _handlers;
                private readonly List<Func<string, Task>> _callbacks = new();
                public event Func<string, Task>? Changed;
                C(IEnumerable<IEventHandler> handlers) => _handlers = handlers;

                async Task M(string e)
                {
                    await Task.WhenAll({|#0:_subscribers.Select(s => s.NotifyAsync(e))|});
                    await Task.WhenAll({|#1:_handlers.Select(h => h.HandleAsync(e))|});
                    await Task.WhenAll({|#2:_callbacks.Select(c => c(e))|});
                    var tasks = new List<Task>();
                    foreach (var s in _subscribers.ToList()) tasks.Add({|#3:s.NotifyAsync(e)|});
                    await Task.WhenAll(tasks);
                    if (Changed is { } changed)
                    {
                        await Task.WhenAll({|#4:changed.GetInvocationList().Select(d => ((Func<string, Task>)d)(e))|});
                    }
                }
            }
            """,
            Diag().WithLocation(0).WithArguments("Select").WithSeverity(DiagnosticSeverity.Info),
            Diag().WithLocation(1).WithArguments("Select").WithSeverity(DiagnosticSeverity.Info),
            Diag().WithLocation(2).WithArguments("Select").WithSeverity(DiagnosticSeverity.Info),
            Diag().WithLocation(3).WithArguments("'NotifyAsync'").WithSeverity(DiagnosticSeverity.Info),
            Diag().WithLocation(4).WithArguments("Select").WithSeverity(DiagnosticSeverity.Info));

    [Fact]
    public Task Observer_fan_out_through_an_indexed_for_loop_is_reported_as_info() =>
        Verify.VerifyAsync(Usings + """
            interface IWebSocketListener { Task ProcessMessageAsync(string m); }
            class C
            {
                private readonly IWebSocketListener[] _webSocketListeners;
                C(IEnumerable<IWebSocketListener> listeners) => _webSocketListeners = listeners.ToArray();
                Task M(string m)
                {
                    var tasks = new Task[_webSocketListeners.Length];
                    for (var i = 0; i < _webSocketListeners.Length; i++)
                    {
                        tasks[i] = {|#0:_webSocketListeners[i].ProcessMessageAsync(m)|};
                    }

                    return Task.WhenAll(tasks);
                }
            }
            """,
            Diag().WithLocation(0).WithArguments("'ProcessMessageAsync'").WithSeverity(DiagnosticSeverity.Info));

    [Fact]
    public Task Fan_out_over_injected_services_and_providers_is_reported_as_info() =>
        Verify.VerifyAsync(Usings + """
            interface ILiveTvService { Task<int> GetTimersAsync(); }
            interface IIntroProvider { Task<int> GetIntrosAsync(); }
            class C
            {
                private readonly ILiveTvService[] _services;
                private IIntroProvider[] IntroProviders { get; set; } = Array.Empty<IIntroProvider>();
                C(IEnumerable<ILiveTvService> services) => _services = services.ToArray();

                async Task M()
                {
                    var tasks = {|#0:_services.Select(s => s.GetTimersAsync())|};
                    var results = await Task.WhenAll(tasks);
                    await Task.WhenAll({|#1:IntroProviders.Select(p => p.GetIntrosAsync())|});
                }
            }

            class D(IEnumerable<ILiveTvService> services)
            {
                private readonly ILiveTvService[] _all = services.ToArray();
                Task<int[]> M() => Task.WhenAll({|#2:_all.Select(s => s.GetTimersAsync())|});
            }
            """,
            Diag().WithLocation(0).WithArguments("Select").WithSeverity(DiagnosticSeverity.Info),
            Diag().WithLocation(1).WithArguments("Select").WithSeverity(DiagnosticSeverity.Info),
            Diag().WithLocation(2).WithArguments("Select").WithSeverity(DiagnosticSeverity.Info));

    [Fact]
    public Task Interface_arrays_not_injected_stay_a_warning() =>
        Verify.VerifyAsync(Usings + """
            interface IDevice { Task PingAsync(); }
            class C
            {
                private readonly IDevice[] _devices;
                C(IDevice[] devices) => _devices = devices;
                Task M() => Task.WhenAll({|#0:_devices.Select(d => d.PingAsync())|});
            }
            """,
            Diag().WithLocation(0).WithArguments("Select").WithSeverity(DiagnosticSeverity.Warning));

    [Fact]
    public Task Fan_out_over_data_fields_stays_a_warning() =>
        Verify.VerifyAsync(Usings + """
            class Order { public int Id; }
            interface ISubscriber { Task NotifyAsync(string e); }
            class C
            {
                private readonly List<Order> _orders = new();
                private readonly List<string> _urls = new();
                Task SendAsync(Order o) => Task.CompletedTask;
                Task PostAsync(string u) => Task.CompletedTask;
                async Task M(List<ISubscriber> subscribers, string e)
                {
                    await Task.WhenAll({|#0:_orders.Select(SendAsync)|});
                    await Task.WhenAll({|#1:_urls.Select(PostAsync)|});
                    // A parameter, not the type's own registrations.
                    await Task.WhenAll({|#2:subscribers.Select(s => s.NotifyAsync(e))|});
                }
            }
            """,
            Diag().WithLocation(0).WithArguments("Select").WithSeverity(DiagnosticSeverity.Warning),
            Diag().WithLocation(1).WithArguments("Select").WithSeverity(DiagnosticSeverity.Warning),
            Diag().WithLocation(2).WithArguments("Select").WithSeverity(DiagnosticSeverity.Warning));

    [Fact]
    public Task Odd_and_broken_code_does_not_crash_the_analyzer() =>
        new AnalyzerTest<PERF002UnboundedTaskSpawningAnalyzer>
        {
            TestCode = Usings + """
                class C
                {
                    static readonly int[] Bad = { 1, 2, ;
                    readonly string[] _f;
                    C() { (_f) = new[] { "a" }; Init(ref _f); }
                    void Init(ref string[] f) { }
                    IEnumerable<Task> Gen() { for (var i = 0; i < Missing; i++) yield return Nope(i); }
                    int Limit() { return; }
                    async Task M(List<int> items)
                    {
                        var tasks = items.Select(x => Nope(x));
                        await Task.WhenAll(tasks, );
                        await Task.WhenAll(Gen(), Undefined());
                        for (var i = 0; i < Limit(); i++) tasks2.Add([|Task.Run(() => { })|]);
                        for (var i = 0; i < Math.Min(); i++) _ = [|Task.Run(() => { })|];
                        foreach (var x in Bad) _ = Task.Run(() => { });
                        while (await default(ChannelReader<int>)!.WaitToReadAsync()) _ = [|Task.Run(() => { })|];
                    }
                }
                """,
            AllowCompilerErrors = true,
        }.RunAsync();
}
