using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 over a collection held by configuration (issue #18 section 2, jellyfin TrickplayManager:
/// <c>foreach (var width in options.WidthResolutions)</c> with <c>options = _config.Configuration.TrickplayOptions</c>):
/// the count is set by an administrator, not by data, so it is a suggestion (Info); the nearest look-alikes (a request
/// object's collection, data reached through a settings-named parameter) stay warnings.
/// </summary>
public class PERF003SettingsCollectionsTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.Options;

        """;

    private const string Settings = """
        public class TrickplayOptions
        {
            public int[] WidthResolutions { get; set; } = new[] { 320 };
            public List<string> Statuses { get; set; } = new();
        }

        public class ServerConfiguration
        {
            public TrickplayOptions TrickplayOptions { get; set; } = new();
        }

        public interface IConfigurationManager
        {
            ServerConfiguration Configuration { get; }
        }

        public class SearchOptions
        {
            public List<int> CustomerIds { get; set; } = new();
        }

        """;

    private static DiagnosticResult Diag() => Expect.Diagnostic("PERF003");

    private static Task Verify(string code, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer> { Sources = { Usings + Settings + code, PERF003Model.Source } };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    [Fact]
    public Task Loop_over_a_collection_of_the_services_configuration_is_a_suggestion() => Verify("""
        class TrickplayManager
        {
            private readonly IConfigurationManager _config;
            private readonly IOptions<TrickplayOptions> _options;
            private readonly TrickplayOptions _plain;

            public TrickplayManager(IConfigurationManager config, IOptions<TrickplayOptions> options, TrickplayOptions plain)
            {
                _config = config;
                _options = options;
                _plain = plain;
            }

            async Task Refresh(ShopContext db, CancellationToken ct)
            {
                var options = _config.Configuration.TrickplayOptions;
                foreach (var width in options.WidthResolutions)
                {
                    await SaveAsync(db, width, ct);
                }

                foreach (var status in _options.Value.Statuses)
                {
                    var count = db.Orders.{|#1:Count(o => o.Status == status)|};
                }

                foreach (var status in _plain.Statuses.Where(s => s.Length > 0))
                {
                    var count = db.Orders.{|#2:Count(o => o.Status == status)|};
                }
            }

            private async Task SaveAsync(ShopContext db, int width, CancellationToken ct)
            {
                db.Orders.Add(new Order { Status = width.ToString() });
                await db.SaveChangesAsync(ct);
            }
        }
        """.Replace("await SaveAsync(db, width, ct);", "await {|#0:SaveAsync(db, width, ct)|};"),
        Diag().WithLocation(0).WithSeverity(DiagnosticSeverity.Info),
        Diag().WithLocation(1).WithSeverity(DiagnosticSeverity.Info),
        Diag().WithLocation(2).WithSeverity(DiagnosticSeverity.Info));

    [Fact]
    public Task Request_collections_and_data_stay_warnings() => Verify("""
        class SearchService
        {
            private readonly SearchOptions _defaults = new();

            // A settings-named parameter of the method carries the request's data.
            void Search(ShopContext db, SearchOptions options)
            {
                foreach (var id in options.CustomerIds)
                {
                    var customer = db.Customers.{|#0:FirstOrDefault(c => c.Id == id)|};
                }
            }

            // Orders loaded from the database are data even next to options.
            void Data(ShopContext db)
            {
                var orders = db.Orders.ToList();
                foreach (var order in orders)
                {
                    var customer = db.Customers.{|#1:FirstOrDefault(c => c.Id == order.CustomerId)|};
                }
            }

            // A settings object built from a parameter of the method is a request too.
            void Local(ShopContext db, List<int> ids)
            {
                var options = new SearchOptions { CustomerIds = ids };
                foreach (var id in options.CustomerIds)
                {
                    var customer = db.Customers.{|#2:FirstOrDefault(c => c.Id == id)|};
                }
            }
        }
        """,
        Diag().WithLocation(0).WithSeverity(DiagnosticSeverity.Warning),
        Diag().WithLocation(1).WithSeverity(DiagnosticSeverity.Warning),
        Diag().WithLocation(2).WithSeverity(DiagnosticSeverity.Warning));
}
