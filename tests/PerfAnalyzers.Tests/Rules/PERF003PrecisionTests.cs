using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 on the shapes real code showed to be false or harmless (issue #18): expression trees, flushes every N,
/// saves per chunk or page, SaveChanges that is not EF Core's, set-at-a-time loops; and their nearest look-alikes,
/// which stay reported. Severity by evidence: small constant counts and loops over injected services are suggestions.
/// </summary>
public class PERF003PrecisionTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Data.Common;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Dapper;
        using Microsoft.EntityFrameworkCore;

        """;

    private static DiagnosticResult Diag(string id) => Expect.Diagnostic(id);

    private static Task Verify(string code, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer> { Sources = { Usings + code, PERF003Model.Source } };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    // ---- Expression trees: every enclosing lambda counts ----

    [Fact]
    public Task Query_in_a_per_element_lambda_nested_in_an_expression_tree_is_not_reported() => Verify("""
        class C
        {
            void M(ShopContext db, List<int> blocked)
            {
                var blockedIds = db.Lines.Where(l => blocked.Contains(l.Quantity)).Select(l => l.OrderId);
                var orders = db.Orders
                    .Where(o => !o.Lines.Any(l => blockedIds.Contains(l.Id)))
                    .Where(o => o.Lines.Any(l => db.Customers.Any(c => c.Id == l.OrderId && c.Name == l.Product)))
                    .ToList();
            }
        }
        """);

    [Fact]
    public Task ExecuteUpdate_setter_lambdas_are_expression_trees() => Verify("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                db.Orders.Where(o => o.Id > 0).ExecuteUpdate(s => s.SetProperty(o => o.Status, o => o.Lines.Select(l => l.Product).FirstOrDefault() ?? ""));
            }
        }
        """);

    [Fact]
    public Task Per_element_lambda_over_memory_is_still_reported() => Verify("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                var withLines = orders.Where(o => o.Lines.Any(l => db.Customers.[|Any(c => c.Id == l.OrderId)|])).ToList();
            }
        }
        """);

    // ---- Flush every N ----

    [Fact]
    public Task SaveChanges_flushed_every_N_is_not_reported() => Verify("""
        class C
        {
            private const int BatchSize = 100;

            async Task M(ShopContext db, List<Order> orders, CancellationToken ct)
            {
                var pending = 0;
                foreach (var order in orders)
                {
                    order.Status = "archived";
                    if (++pending >= BatchSize)
                    {
                        await db.SaveChangesAsync(ct);
                        pending = 0;
                    }
                }

                await db.SaveChangesAsync(ct);

                for (var i = 0; i < orders.Count; i++)
                {
                    orders[i].Status = "x";
                    if (i % 500 == 0)
                    {
                        db.SaveChanges();
                    }
                }

                var processed = 0;
                await foreach (var order in db.Orders.AsAsyncEnumerable())
                {
                    order.Status = "y";
                    processed++;
                    if (processed >= BatchSize || ct.IsCancellationRequested)
                    {
                        await db.SaveChangesAsync(ct);
                        db.ChangeTracker.Clear();
                        processed = 0;
                    }
                }
            }
        }
        """);

    [Fact]
    public Task SaveChanges_guarded_by_an_element_property_is_still_per_element() => Verify("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                var count = 0;
                foreach (var order in orders)
                {
                    order.Status = "x";
                    count++;
                    if (order.Lines.Count > 3)
                    {
                        db.[|SaveChanges()|];
                    }

                    if (count > order.CustomerId)
                    {
                        db.[|SaveChanges()|];
                    }
                }
            }
        }
        """);

    [Fact]
    public Task A_counter_reassigned_from_the_element_is_not_a_counter() => Verify("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                var last = 0;
                foreach (var order in orders)
                {
                    order.Status = "x";
                    last = order.Id;
                    if (last > 10)
                    {
                        db.[|SaveChanges()|];
                    }
                }
            }
        }
        """);

    // ---- Saves per chunk or page ----

    [Fact]
    public Task SaveChanges_per_chunk_or_page_is_not_reported() => Verify("""
        class C
        {
            void M(ShopContext db, List<Order> orders, List<List<Order>> pages)
            {
                foreach (var chunk in orders.Chunk(500))
                {
                    foreach (var order in chunk)
                    {
                        order.Status = "x";
                    }

                    db.SaveChanges();
                }

                foreach (var page in pages)
                {
                    page.ForEach(o => o.Status = "y");
                    db.SaveChanges();
                }

                var lastId = 0;
                while (true)
                {
                    var batch = db.Orders.Where(o => o.Id > lastId).OrderBy(o => o.Id).Take(500).ToList();
                    if (batch.Count == 0)
                    {
                        break;
                    }

                    foreach (var order in batch)
                    {
                        order.Status = "z";
                    }

                    db.SaveChanges();
                    lastId = batch[batch.Count - 1].Id;
                }
            }
        }
        """);

    [Fact]
    public Task SaveChanges_per_element_of_a_chunk_is_still_reported() => Verify("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                foreach (var chunk in orders.Chunk(500))
                {
                    foreach (var order in chunk)
                    {
                        order.Status = "x";
                        db.[|SaveChanges()|];
                    }
                }
            }
        }
        """);

    // ---- SaveChanges that is not EF Core's ----

    [Fact]
    public Task SaveChanges_hidden_with_new_or_on_another_type_is_not_reported() => Verify("""
        public class BufferedContext : DbContext
        {
            public BufferedContext(DbContextOptions<BufferedContext> options) : base(options) { }
            public DbSet<Order> Orders => Set<Order>();
            public new int SaveChanges() => 0;
            public new Task<int> SaveChangesAsync(CancellationToken ct = default) => Task.FromResult(0);
        }

        public class UnitOfWork
        {
            public void SaveChanges() { }
            public Task SaveChangesAsync() => Task.CompletedTask;
        }

        class C
        {
            async Task M(BufferedContext db, UnitOfWork work, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    order.Status = "x";
                    db.SaveChanges();
                    await db.SaveChangesAsync();
                    work.SaveChanges();
                    await work.SaveChangesAsync();
                }
            }
        }
        """);

    [Fact]
    public Task SaveChanges_override_is_still_EF_Core_s() => Verify("""
        public class AuditedContext : DbContext
        {
            public AuditedContext(DbContextOptions<AuditedContext> options) : base(options) { }
            public override int SaveChanges() => base.SaveChanges();
        }

        class C
        {
            void M(AuditedContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    db.Add(order);
                    db.[|SaveChanges()|];
                }
            }
        }
        """);

    // ---- Set-at-a-time loops ----

    [Fact]
    public Task Bfs_frontier_used_as_a_set_is_not_reported() => Verify("""
        class C
        {
            void M(ShopContext db, int rootId)
            {
                var visited = new HashSet<int> { rootId };
                var frontier = new List<int> { rootId };
                while (frontier.Count != 0)
                {
                    var lineIds = db.Lines.Where(l => frontier.Contains(l.OrderId)).Select(l => l.Id);
                    var next = db.Orders
                        .Where(o => lineIds.Contains(o.CustomerId))
                        .Select(o => o.Id)
                        .ToHashSet();
                    var children = db.Orders.Where(o => frontier.Contains(o.CustomerId)).Select(o => o.Id).ToArray();
                    frontier = new List<int>();
                    foreach (var id in next.Concat(children))
                    {
                        if (visited.Add(id))
                        {
                            frontier.Add(id);
                        }
                    }
                }
            }
        }
        """);

    [Fact]
    public Task Bfs_frontier_read_one_element_at_a_time_is_still_reported() => Verify("""
        class C
        {
            void M(ShopContext db, int rootId)
            {
                var frontier = new List<int> { rootId };
                while (frontier.Count != 0)
                {
                    var first = frontier[0];
                    var children = db.Orders.Where(o => o.CustomerId == first).Select(o => o.Id).[|ToList()|];
                    frontier = children;
                }
            }
        }
        """);

    [Fact]
    public Task Key_collection_derived_from_the_current_element_is_per_element() => Verify("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    var lineIds = order.Lines.Select(l => l.Id).ToList();
                    var lines = db.Lines.Where(l => lineIds.Contains(l.Id)).[|ToList()|];
                }

                foreach (var chunk in orders.Chunk(100))
                {
                    var ids = chunk.Select(o => o.Id).ToList();
                    var batch = db.Lines.Where(l => ids.Contains(l.OrderId)).ToList();
                }
            }
        }
        """);

    // ---- Severity by evidence ----

    [Fact]
    public Task Constant_count_above_the_retry_bound_is_a_suggestion() => Verify("""
        class C
        {
            void M(ShopContext db)
            {
                foreach (var id in new[] { 1, 2, 3, 4, 5, 6, 7, 8 })
                {
                    var customer = db.Customers.{|#0:Find(id)|};
                }
            }
        }
        """,
        Diag("PERF003").WithLocation(0).WithSeverity(DiagnosticSeverity.Info));

    [Fact]
    public Task Loop_over_injected_services_is_a_suggestion() => Verify("""
        public interface ISegmentProvider
        {
            string Name { get; }
        }

        class C
        {
            private readonly IEnumerable<ISegmentProvider> _providers;

            public C(IEnumerable<ISegmentProvider> providers) => _providers = providers;

            void M(ShopContext db)
            {
                foreach (var provider in _providers)
                {
                    var count = db.Orders.{|#0:Count(o => o.Status == provider.Name)|};
                }

                var enabled = _providers.Where(p => p.Name.Length > 0).OrderBy(p => p.Name).ToList();
                foreach (var provider in enabled)
                {
                    var count = db.Orders.{|#1:Count(o => o.Status == provider.Name)|};
                }
            }
        }
        """,
        Diag("PERF003").WithLocation(0).WithSeverity(DiagnosticSeverity.Info),
        Diag("PERF003").WithLocation(1).WithSeverity(DiagnosticSeverity.Info));

    [Fact]
    public Task Loop_over_data_stays_a_warning_including_one_off_migrations() => Verify("""
        class Migration
        {
            async Task Run(ShopContext db, CancellationToken ct)
            {
                var orders = await db.Orders.ToListAsync(ct);
                foreach (var order in orders)
                {
                    await db.Lines.Where(l => l.OrderId == order.Id).{|#0:ExecuteUpdateAsync(s => s.SetProperty(l => l.Product, "x"), ct)|};
                }
            }
        }
        """,
        Diag("PERF003").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning));

    // ---- Odd and broken code ----

    [Fact]
    public Task Broken_flush_and_frontier_code_does_not_throw() =>
        new AnalyzerTest<PERF003NPlusOneQueryAnalyzer>
        {
            Sources =
            {
                Usings + """
                class C
                {
                    void M(ShopContext db, List<Order> orders)
                    {
                        var pending = 0;
                        foreach (var order in orders)
                        {
                            if (++pending >= )
                            {
                                db.SaveChanges(;
                            }

                            if (pending % == 0) db.SaveChanges();
                        }

                        var frontier = new List<int>();
                        while (frontier.Count != 0
                        {
                            var x = db.Orders.Where(o => frontier.Contains(o.)).ToList();
                            frontier =
                        }
                    }
                }
                """,
                PERF003Model.Source,
            },
            AllowCompilerErrors = true,
        }.RunAsync();
}
