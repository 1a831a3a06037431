using Microsoft.CodeAnalysis;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF002UnboundedTaskSpawningAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF002 over the type's own subscription tokens (issue #18, eShop BasketState, OrderStatusNotificationService,
/// HooksRepository): a disposable class that holds a callback, handed out by a Subscribe method. Their number is the
/// number of subscriptions, not data: Info like a delegate list. A data class named like a subscription (eShop's stored
/// WebhookSubscription, one per registered URL) stays a warning.
/// </summary>
public class PERF002CallbackSubscriptionTests
{
    private const string Usings = """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;

        """;

    private static DiagnosticResult Info(int location, string name) =>
        Expect.Diagnostic("PERF002").WithLocation(location).WithArguments(name).WithSeverity(DiagnosticSeverity.Info);

    // eShop WebApp BasketState: a field set of subscription tokens (primary-constructor class with a callback).
    [Fact]
    public Task Field_of_subscription_tokens_is_info() =>
        Verify.VerifyAsync(Usings + """
            class BasketState
            {
                private readonly HashSet<ChangedSubscription> _changeSubscriptions = new();

                public IDisposable NotifyOnChange(Func<Task> callback)
                {
                    var subscription = new ChangedSubscription(this, callback);
                    _changeSubscriptions.Add(subscription);
                    return subscription;
                }

                public Task NotifyChangeSubscribersAsync()
                    => Task.WhenAll({|#0:_changeSubscriptions.Select(s => s.NotifyAsync())|});

                private class ChangedSubscription(BasketState owner, Func<Task> callback) : IDisposable
                {
                    public Task NotifyAsync() => callback();
                    public void Dispose() => owner._changeSubscriptions.Remove(this);
                }
            }
            """,
            Info(0, "Select"));

    // eShop OrderStatusNotificationService: the tokens of one buyer, read with TryGetValue into an out local.
    [Fact]
    public Task Out_local_of_subscription_tokens_is_info() =>
        Verify.VerifyAsync(Usings + """
            class OrderStatusNotificationService
            {
                private readonly object _lock = new();
                private readonly Dictionary<string, HashSet<Subscription>> _byBuyer = new();

                public Task NotifyAsync(string buyerId)
                {
                    lock (_lock)
                    {
                        return _byBuyer.TryGetValue(buyerId, out var subscriptions)
                            ? Task.WhenAll({|#0:subscriptions.Select(s => s.NotifyAsync())|})
                            : Task.CompletedTask;
                    }
                }

                private sealed class Subscription : IDisposable
                {
                    private readonly Func<Task> _callback;
                    public Subscription(Func<Task> callback) => _callback = callback;
                    public Task NotifyAsync() => _callback();
                    public void Dispose() { }
                }
            }
            """,
            Info(0, "Select"));

    // eShop HooksRepository: tokens as the keys of a ConcurrentDictionary, each notified fire-and-forget in a foreach.
    [Fact]
    public Task Dictionary_keyed_by_subscription_tokens_is_info() =>
        Verify.VerifyAsync(Usings + """
            class HooksRepository
            {
                private readonly ConcurrentDictionary<OnChangeSubscription, object?> _onChangeSubscriptions = new();

                public Task AddNew()
                {
                    foreach (var subscription in _onChangeSubscriptions)
                    {
                        _ = {|#0:subscription.Key.NotifyAsync()|};
                    }

                    return Task.CompletedTask;
                }

                private class OnChangeSubscription(Func<Task> callback, HooksRepository owner) : IDisposable
                {
                    public Task NotifyAsync() => callback();
                    public void Dispose() => owner._onChangeSubscriptions.TryRemove(this, out _);
                }
            }
            """,
            Info(0, "'NotifyAsync'"));

    // eShop Webhooks.API WebhooksSender: stored subscriptions (one per registered URL, from the database) are data.
    [Fact]
    public Task Data_class_named_subscription_stays_a_warning() =>
        Verify.VerifyAsync(Usings + """
            public class WebhookSubscription
            {
                public string DestUrl { get; set; } = "";
                public string? Token { get; set; }
            }

            public class WebhooksSender
            {
                public async Task SendAll(IEnumerable<WebhookSubscription> receivers, string json)
                {
                    var tasks = {|#0:receivers.Select(r => OnSendData(r, json))|};
                    await Task.WhenAll(tasks);
                }

                private Task OnSendData(WebhookSubscription subscription, string json) => Task.Delay(1);
            }
            """,
            Expect.Diagnostic("PERF002").WithLocation(0).WithArguments("Select"));

    // Disposable elements without a callback (connections, clients) are not subscriptions.
    [Fact]
    public Task Disposable_elements_without_a_callback_stay_warnings() =>
        Verify.VerifyAsync(Usings + """
            public sealed class Connection : IDisposable
            {
                public Connection(string url) => Url = url;
                public string Url { get; }
                public Task SendAsync(string message) => Task.Delay(1);
                public void Dispose() { }
            }

            public class Broadcaster
            {
                private readonly List<Connection> _connections = new();

                public Task Broadcast(string message) => Task.WhenAll({|#0:_connections.Select(c => c.SendAsync(message))|});
            }
            """,
            Expect.Diagnostic("PERF002").WithLocation(0).WithArguments("Select"));
}
