using Microsoft.CodeAnalysis;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF002UnboundedTaskSpawningAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF002 observer fan-out reached through plumbing (issue #18 section 2, shapes from jellyfin SearchManager,
/// smartstore EventPublisher, Sonarr EventAggregator): Info like the field form; the nearest look-alikes stay warnings.
/// </summary>
public class PERF002ObserverLocalsTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    private static DiagnosticResult Diag() => Expect.Diagnostic("PERF002");

    // jellyfin SearchManager: a private method whose every caller passes the type's own providers; a filtered local.
    [Fact]
    public Task Local_filtered_from_a_parameter_every_caller_fills_with_observer_fields_is_info() =>
        Verify.VerifyAsync(Usings + """
            interface ISearchProvider { bool CanSearch(string q); Task<int> SearchAsync(string q); }
            class SearchManager
            {
                private ISearchProvider[] _externalProviders = Array.Empty<ISearchProvider>();
                private ISearchProvider[] _internalProviders = Array.Empty<ISearchProvider>();

                public void AddParts(IEnumerable<ISearchProvider> providers)
                {
                    _externalProviders = providers.Where(p => p.CanSearch("x")).ToArray();
                    _internalProviders = providers.ToArray();
                }

                public async Task<int> SearchAsync(string q, bool all)
                {
                    var external = CollectAsync(_externalProviders, q);
                    var inner = all ? CollectAsync(_internalProviders, q) : Task.FromResult(0);
                    return await external + await inner;
                }

                private async Task<int> CollectAsync(IEnumerable<ISearchProvider> providers, string q)
                {
                    var applicable = providers.Where(p => p.CanSearch(q)).ToArray();
                    var perProvider = await Task.WhenAll({|#0:applicable.Select(p => p.SearchAsync(q))|});
                    return perProvider.Sum();
                }
            }
            """,
            Diag().WithLocation(0).WithArguments("Select").WithSeverity(DiagnosticSeverity.Info));

    [Fact]
    public Task Parameter_look_alikes_stay_warnings() =>
        Verify.VerifyAsync(Usings + """
            interface ISearchProvider { Task<int> SearchAsync(string q); }
            class Order { }
            class SearchManager
            {
                private ISearchProvider[] _providers = Array.Empty<ISearchProvider>();

                public Task<int[]> A(string q) => CollectAsync(_providers, q);
                public Task<int[]> B(List<ISearchProvider> fromRequest, string q) => CollectAsync(fromRequest, q);

                // One caller passes a parameter of its own: the count is not the type's registrations.
                private Task<int[]> CollectAsync(IEnumerable<ISearchProvider> providers, string q)
                {
                    var applicable = providers.ToArray();
                    return Task.WhenAll({|#0:applicable.Select(p => p.SearchAsync(q))|});
                }

                // A public method: any caller may pass any collection.
                public Task<int[]> Public(IEnumerable<ISearchProvider> providers, string q)
                {
                    var all = providers.ToList();
                    return Task.WhenAll({|#1:all.Select(p => p.SearchAsync(q))|});
                }

                // A local derived from data, not from observers.
                private Task Data(List<Order> orders)
                {
                    var some = orders.Where(o => o != null).ToList();
                    return Task.WhenAll({|#2:some.Select(o => Task.Run(() => o.ToString()))|});
                }

                public Task D(List<Order> orders) => Data(orders);
            }
            """,
            Diag().WithLocation(0).WithArguments("Select").WithSeverity(DiagnosticSeverity.Warning),
            Diag().WithLocation(1).WithArguments("Select").WithSeverity(DiagnosticSeverity.Warning),
            Diag().WithLocation(2).WithArguments("Select").WithSeverity(DiagnosticSeverity.Warning));

    // smartstore EventPublisher: descriptors = _registry.GetConsumers(message); for (i < descriptors.Length) fire and forget.
    [Fact]
    public Task Local_from_a_get_consumers_call_is_info() =>
        Verify.VerifyAsync(Usings + """
            class ConsumerDescriptor { public bool FireForget; }
            class ConsumerRegistry { public ConsumerDescriptor[] GetConsumers(object message) => Array.Empty<ConsumerDescriptor>(); }
            class Invoker { public Task InvokeAsync(ConsumerDescriptor d, object message, CancellationToken ct) => Task.CompletedTask; }
            class EventPublisher
            {
                private readonly ConsumerRegistry _registry = new();
                private readonly Invoker _invoker = new();

                public async Task PublishAsync(object message, CancellationToken cancelToken = default)
                {
                    var descriptors = _registry.GetConsumers(message);
                    for (var i = 0; i < descriptors.Length; i++)
                    {
                        var d = descriptors[i];
                        if (d.FireForget)
                        {
                            _ = {|#0:_invoker.InvokeAsync(d, message, cancelToken)|};
                        }
                        else
                        {
                            await _invoker.InvokeAsync(d, message, cancelToken);
                        }
                    }
                }
            }
            """,
            Diag().WithLocation(0).WithArguments("'InvokeAsync'").WithSeverity(DiagnosticSeverity.Info));

    [Fact]
    public Task Local_from_a_data_call_stays_a_warning() =>
        Verify.VerifyAsync(Usings + """
            class Descriptor { }
            class Registry { public Descriptor[] GetOrders(object message) => Array.Empty<Descriptor>(); }
            class Invoker { public Task InvokeAsync(Descriptor d) => Task.CompletedTask; }
            class EventPublisher
            {
                private readonly Registry _registry = new();
                private readonly Invoker _invoker = new();

                public void Publish(object message)
                {
                    var descriptors = _registry.GetOrders(message);
                    for (var i = 0; i < descriptors.Length; i++)
                    {
                        _ = {|#0:_invoker.InvokeAsync(descriptors[i])|};
                    }
                }
            }
            """,
            Diag().WithLocation(0).WithArguments("'InvokeAsync'").WithSeverity(DiagnosticSeverity.Warning));

    // Sonarr EventAggregator: foreach (var handler in subscribers._asyncHandlers) _taskFactory.StartNew(...).
    [Fact]
    public Task Handler_field_of_a_subscriptions_object_is_info() =>
        Verify.VerifyAsync(Usings + """
            interface IHandleAsync<T> { void HandleAsync(T e); }
            class EventSubscribers<T>
            {
                public IHandleAsync<T>[] _asyncHandlers = Array.Empty<IHandleAsync<T>>();
                public List<Action<T>> GlobalHandlers { get; } = new();
            }
            class EventAggregator
            {
                private readonly TaskFactory _taskFactory = new();
                private readonly Dictionary<string, object> _eventSubscribers = new();

                public void PublishEvent<TEvent>(TEvent @event)
                {
                    var subscribers = (EventSubscribers<TEvent>)_eventSubscribers[typeof(TEvent).Name];
                    foreach (var handler in subscribers._asyncHandlers)
                    {
                        var handlerLocal = handler;
                        {|#0:_taskFactory.StartNew(() => handlerLocal.HandleAsync(@event), TaskCreationOptions.PreferFairness)|};
                    }

                    foreach (var handler in subscribers.GlobalHandlers)
                    {
                        {|#1:_taskFactory.StartNew(() => handler(@event))|};
                    }
                }
            }
            """,
            Diag().WithLocation(0).WithArguments("Task.Factory.StartNew").WithSeverity(DiagnosticSeverity.Info),
            Diag().WithLocation(1).WithArguments("Task.Factory.StartNew").WithSeverity(DiagnosticSeverity.Info));

    [Fact]
    public Task Data_field_of_another_object_stays_a_warning() =>
        Verify.VerifyAsync(Usings + """
            class Item { }
            interface IDevice { Task PingAsync(); }
            class Batch { public Item[] _items = Array.Empty<Item>(); public IDevice[] Devices = Array.Empty<IDevice>(); }
            class C
            {
                private readonly TaskFactory _taskFactory = new();

                public void Run(Batch batch)
                {
                    foreach (var item in batch._items)
                    {
                        {|#0:_taskFactory.StartNew(() => item.ToString())|};
                    }

                    // Interface elements, but not named as observers: devices are data.
                    foreach (var device in batch.Devices)
                    {
                        {|#1:_taskFactory.StartNew(() => device.PingAsync())|};
                    }
                }
            }
            """,
            Diag().WithLocation(0).WithArguments("Task.Factory.StartNew").WithSeverity(DiagnosticSeverity.Warning),
            Diag().WithLocation(1).WithArguments("Task.Factory.StartNew").WithSeverity(DiagnosticSeverity.Warning));
}
