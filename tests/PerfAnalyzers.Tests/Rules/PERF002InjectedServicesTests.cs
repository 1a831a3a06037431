using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF002UnboundedTaskSpawningAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF002 over services injected as <c>IEnumerable&lt;T&gt;</c> (issue #18): a field filled with a subset or an order
/// of them (smartstore HybridCacheManager: <c>_stores = stores.Distinct().OrderBy(x =&gt; x.IsDistributed).ToArray()</c>)
/// and a field of a service type the compilation cannot resolve (bitwarden NotificationHubClientProxy, whose
/// <c>INotificationHubClient</c> package did not restore) are Info like the plain injected form. A field filled from
/// a projection of the services, or a data field, stays a warning.
/// </summary>
public class PERF002InjectedServicesTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;

        """;

    private static DiagnosticResult Diag(int location, DiagnosticSeverity severity) =>
        Expect.Diagnostic("PERF002").WithLocation(location).WithArguments("'RefreshAsync'").WithSeverity(severity);

    [Fact]
    public Task Injected_services_ordered_and_distinct_are_info() =>
        Verify.VerifyAsync(Usings + """
            public interface ICacheStore { bool IsDistributed { get; } Task RefreshAsync(string key); }

            public class HybridCacheManager
            {
                private readonly ICacheStore[] _stores;

                public HybridCacheManager(IEnumerable<ICacheStore> stores)
                {
                    _stores = stores.Distinct().OrderBy(x => x.IsDistributed).ToArray();
                }

                public void Touch(string key)
                {
                    foreach (var store in _stores)
                    {
                        _ = {|#0:store.RefreshAsync(key)|};
                    }
                }
            }
            """,
            Diag(0, DiagnosticSeverity.Info));

    [Fact]
    public Task A_projection_of_the_services_stays_a_warning() =>
        Verify.VerifyAsync(Usings + """
            public interface ICacheStore { IEnumerable<ICacheStore> Replicas { get; } Task RefreshAsync(string key); }

            public class ReplicaManager
            {
                private readonly ICacheStore[] _stores;

                public ReplicaManager(IEnumerable<ICacheStore> stores)
                {
                    _stores = stores.SelectMany(s => s.Replicas).ToArray();
                }

                public void Touch(string key)
                {
                    foreach (var store in _stores)
                    {
                        _ = {|#0:store.RefreshAsync(key)|};
                    }
                }
            }
            """,
            Diag(0, DiagnosticSeverity.Warning));

    [Fact]
    public Task Injected_services_of_an_unresolved_type_are_info() =>
        new AnalyzerTest<PERF002UnboundedTaskSpawningAnalyzer>
        {
            TestCode = Usings + """
                public class NotificationHubClientProxy
                {
                    private readonly IEnumerable<INotificationHubClient> _clients;

                    public NotificationHubClientProxy(IEnumerable<INotificationHubClient> clients)
                    {
                        _clients = clients;
                    }

                    public async Task<(INotificationHubClient, T)[]> ApplyToAllClientsAsync<T>(Func<INotificationHubClient, Task<T>> action)
                    {
                        var tasks = {|#0:_clients.Select(async c => (c, await action(c)))|};
                        return await Task.WhenAll(tasks);
                    }
                }
                """,
            AllowCompilerErrors = true,
            ExpectedDiagnostics = { Expect.Diagnostic("PERF002").WithLocation(0).WithArguments("Select").WithSeverity(DiagnosticSeverity.Info) },
        }.RunAsync();

    [Fact]
    public Task Unresolved_elements_of_a_data_field_stay_warnings() =>
        new AnalyzerTest<PERF002UnboundedTaskSpawningAnalyzer>
        {
            TestCode = Usings + """
                public class Sender
                {
                    // Unresolved element type, but loaded from storage, not injected.
                    private readonly IEnumerable<Receiver> _receivers;

                    public Sender(IReceiverStore store)
                    {
                        _receivers = store.Load();
                    }

                    public Task SendAll() => Task.WhenAll({|#0:_receivers.Select(r => Send(r))|});

                    private static Task Send(Receiver r) => Task.Delay(1);
                }
                """,
            AllowCompilerErrors = true,
            ExpectedDiagnostics = { Expect.Diagnostic("PERF002").WithLocation(0).WithArguments("Select").WithSeverity(DiagnosticSeverity.Warning) },
        }.RunAsync();
}
