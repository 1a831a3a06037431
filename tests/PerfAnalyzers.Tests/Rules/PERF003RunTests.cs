using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// Proof against a real database: for each fix shape, the fix's output is checked exactly, then the original and the
/// fixed method are compiled at test time and run against the same seeded SQLite in-memory database with a command
/// interceptor counting round-trips. The results must be equal; the round-trips drop from 1 + N to 2 (or 3 for two batches).
/// </summary>
public class PERF003RunTests
{
    private const string Usings = PERF003Model.FixUsings;

    /// <summary>Opens contexts on a shared connection and seeds 5 customers, 12 orders (one of a missing customer), 0-2 lines per order, 3 products.</summary>
    private const string Harness = """
        using System.Data.Common;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Diagnostics;

        public static class Harness
        {
            public const int Orders = 12;
            public const int Customers = 5;

            public static ShopContext Open(DbConnection connection, IInterceptor? interceptor)
            {
                var builder = new DbContextOptionsBuilder<ShopContext>().UseSqlite(connection);
                if (interceptor is not null)
                {
                    builder.AddInterceptors(interceptor);
                }

                return new ShopContext(builder.Options);
            }

            public static void Seed(DbConnection connection)
            {
                using var db = Open(connection, null);
                db.Database.EnsureCreated();
                for (var i = 1; i <= Customers; i++)
                {
                    db.Customers.Add(new Customer { Id = i, Name = "Customer " + i, Email = "c" + i + "@example.com" });
                }

                var lineId = 1;
                for (var i = 1; i <= Orders; i++)
                {
                    db.Orders.Add(new Order { Id = i, CustomerId = i == Orders ? 99 : i % Customers + 1, Status = i % 2 == 0 ? "paid" : "open" });
                    for (var j = 0; j < i % 3; j++)
                    {
                        db.Lines.Add(new Line { Id = lineId, OrderId = i, Product = "P" + (lineId % 4), Quantity = lineId });
                        lineId++;
                    }
                }

                for (var i = 1; i <= 3; i++)
                {
                    db.Products.Add(new Product { ProductId = i, Name = "Product " + i });
                }

                db.SaveChanges();
            }
        }
        """;

    private const int Orders = 12;

    private sealed class RoundTripCounter : DbCommandInterceptor, IDbTransactionInterceptor
    {
        private int _count;
        private int _transactions;

        public int Count => _count;

        /// <summary>Transactions started (SaveChanges opens one per call; SQLite runs each statement of a save as its own command).</summary>
        public int Transactions => _transactions;

        public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
        {
            Interlocked.Increment(ref _transactions);
            return result;
        }

        public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _transactions);
            return new(result);
        }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Interlocked.Increment(ref _count);
            return result;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return new(result);
        }

        public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
        {
            Interlocked.Increment(ref _count);
            return result;
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return new(result);
        }

        public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        {
            Interlocked.Increment(ref _count);
            return result;
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return new(result);
        }
    }

    /// <summary>Compiles <paramref name="source"/> with the model and harness, runs <c>Queries.Run(db)</c> on a fresh seeded database, and counts its round-trips.</summary>
    internal static async Task<(string Result, int RoundTrips, int Transactions)> RunAsync(string source)
    {
        var assembly = TestCompiler.CompileAndLoad(new[] { Usings + source, PERF003Model.Source, Harness });
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        TestCompiler.Invoke(assembly, "Harness", "Seed", connection);

        var counter = new RoundTripCounter();
        using var db = (IDisposable)TestCompiler.Invoke(assembly, "Harness", "Open", connection, counter)!;
        var returned = TestCompiler.Invoke(assembly, "Queries", "Run", db);
        var result = returned is Task<string> task ? await task : (string)returned!;
        return (result, counter.Count, counter.Transactions);
    }

    /// <summary>Checks the fix output exactly (one by one and Fix All), then runs both and compares results and round-trips.</summary>
    internal static async Task ProveAsync(string markup, string expectedFixed, int originalRoundTrips, int fixedRoundTrips, string? editorConfig = null, (int Original, int Fixed)? transactions = null)
    {
        await new CodeFixTest<PERF003NPlusOneQueryAnalyzer, PERF003BatchQueryCodeFix>
        {
            Sources = { Usings + markup, PERF003Model.Source },
            FixedSources = { Usings + expectedFixed, PERF003Model.Source },
            EditorConfig = editorConfig,
        }.RunAsync();

        var original = await RunAsync(TestCompiler.StripMarkup(markup));
        var fixedRun = await RunAsync(expectedFixed);

        Assert.False(string.IsNullOrEmpty(original.Result));
        Assert.Equal(original.Result, fixedRun.Result);
        Assert.Equal(originalRoundTrips, original.RoundTrips);
        Assert.Equal(fixedRoundTrips, fixedRun.RoundTrips);
        if (transactions is { } expected)
        {
            Assert.Equal(expected.Original, original.Transactions);
            Assert.Equal(expected.Fixed, fixedRun.Transactions);
        }
    }

    [Fact]
    public Task FirstOrDefault_key_lookup_drops_from_1_plus_N_to_2() => ProveAsync("""
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var orders = db.Orders.OrderBy(o => o.Id).ToList();
                var names = new List<string>();
                foreach (var order in orders)
                {
                    var customer = db.Customers.[|FirstOrDefault(c => c.Id == order.CustomerId)|];
                    names.Add(order.Id + ":" + (customer?.Name ?? "none"));
                }

                return string.Join(";", names);
            }
        }
        """, """
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var orders = db.Orders.OrderBy(o => o.Id).ToList();
                var names = new List<string>();
                var customerKeys = orders.Select(order => order.CustomerId).Distinct().ToList();
                var customersByKey = db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionary(c => c.Id);
                foreach (var order in orders)
                {
                    var customer = customersByKey.GetValueOrDefault(order.CustomerId);
                    names.Add(order.Id + ":" + (customer?.Name ?? "none"));
                }

                return string.Join(";", names);
            }
        }
        """,
        originalRoundTrips: 1 + Orders,
        fixedRoundTrips: 2);

    [Fact]
    public Task Async_Single_lookup_drops_from_1_plus_N_to_2() => ProveAsync("""
        public static class Queries
        {
            public static async Task<string> Run(ShopContext db)
            {
                var ct = CancellationToken.None;
                var orders = await db.Orders.Where(o => o.CustomerId != 99).OrderBy(o => o.Id).ToListAsync(ct);
                var names = new List<string>();
                foreach (var order in orders)
                {
                    var customer = await db.Customers.[|SingleAsync(c => c.Id == order.CustomerId, ct)|];
                    names.Add(order.Id + ":" + customer.Name);
                }

                return string.Join(";", names);
            }
        }
        """, """
        public static class Queries
        {
            public static async Task<string> Run(ShopContext db)
            {
                var ct = CancellationToken.None;
                var orders = await db.Orders.Where(o => o.CustomerId != 99).OrderBy(o => o.Id).ToListAsync(ct);
                var names = new List<string>();
                var customerKeys = orders.Select(order => order.CustomerId).Distinct().ToList();
                var customersByKey = await db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
                foreach (var order in orders)
                {
                    var customer = customersByKey[order.CustomerId];
                    names.Add(order.Id + ":" + customer.Name);
                }

                return string.Join(";", names);
            }
        }
        """,
        originalRoundTrips: 1 + (Orders - 1),
        fixedRoundTrips: 2);

    [Fact]
    public Task Find_drops_from_1_plus_distinct_keys_to_2() => ProveAsync("""
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var orders = db.Orders.OrderBy(o => o.Id).ToList();
                var names = new List<string>();
                foreach (var order in orders)
                {
                    names.Add(order.Id + ":" + (db.Customers.[|Find(order.CustomerId)|]?.Name ?? "none"));
                }

                return string.Join(";", names);
            }
        }
        """, """
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var orders = db.Orders.OrderBy(o => o.Id).ToList();
                var names = new List<string>();
                var customerKeys = orders.Select(order => order.CustomerId).Distinct().ToList();
                var customersByKey = db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionary(c => c.Id);
                foreach (var order in orders)
                {
                    names.Add(order.Id + ":" + (customersByKey.GetValueOrDefault(order.CustomerId)?.Name ?? "none"));
                }

                return string.Join(";", names);
            }
        }
        """,
        // Find answers from the change tracker once an entity is loaded, so it queries once per distinct key: 5 customers + the missing 99.
        originalRoundTrips: 1 + 6,
        fixedRoundTrips: 2);

    [Fact]
    public Task One_to_many_ToList_drops_from_1_plus_N_to_2() => ProveAsync("""
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var orders = db.Orders.OrderBy(o => o.Id).ToList();
                var summary = new List<string>();
                foreach (var order in orders)
                {
                    var lines = db.Lines.Where(l => l.OrderId == order.Id).[|ToList()|];
                    summary.Add(order.Id + ":" + string.Join(",", lines.Select(l => l.Product + "x" + l.Quantity)));
                }

                return string.Join(";", summary);
            }
        }
        """, """
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var orders = db.Orders.OrderBy(o => o.Id).ToList();
                var summary = new List<string>();
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                var linesByOrderId = db.Lines.Where(l => lineKeys.Contains(l.OrderId)).ToLookup(l => l.OrderId);
                foreach (var order in orders)
                {
                    var lines = linesByOrderId[order.Id].ToList();
                    summary.Add(order.Id + ":" + string.Join(",", lines.Select(l => l.Product + "x" + l.Quantity)));
                }

                return string.Join(";", summary);
            }
        }
        """,
        originalRoundTrips: 1 + Orders,
        fixedRoundTrips: 2);

    [Fact]
    public Task One_to_many_ToListAsync_drops_from_1_plus_N_to_2() => ProveAsync("""
        public static class Queries
        {
            public static async Task<string> Run(ShopContext db)
            {
                var orders = await db.Orders.OrderBy(o => o.Id).ToArrayAsync();
                var total = new List<string>();
                foreach (var order in orders)
                {
                    var lines = await db.Lines.Where(l => l.OrderId == order.Id).[|ToListAsync()|];
                    total.Add(order.Id + "=" + lines.Sum(l => l.Quantity));
                }

                return string.Join(";", total);
            }
        }
        """, """
        public static class Queries
        {
            public static async Task<string> Run(ShopContext db)
            {
                var orders = await db.Orders.OrderBy(o => o.Id).ToArrayAsync();
                var total = new List<string>();
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                var linesByOrderId = (await db.Lines.Where(l => lineKeys.Contains(l.OrderId)).ToListAsync()).ToLookup(l => l.OrderId);
                foreach (var order in orders)
                {
                    var lines = linesByOrderId[order.Id].ToList();
                    total.Add(order.Id + "=" + lines.Sum(l => l.Quantity));
                }

                return string.Join(";", total);
            }
        }
        """,
        originalRoundTrips: 1 + Orders,
        fixedRoundTrips: 2);

    [Fact]
    public Task Per_element_Select_lambda_drops_from_1_plus_N_to_2() => ProveAsync("""
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var orders = db.Orders.Where(o => o.CustomerId != 99).OrderBy(o => o.Id).ToList();
                var customers = orders.Select(o => db.Customers.[|First(c => c.Id == o.CustomerId)|]).ToList();
                return string.Join(";", customers.Select(c => c.Name));
            }
        }
        """, """
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var orders = db.Orders.Where(o => o.CustomerId != 99).OrderBy(o => o.Id).ToList();
                var customerKeys = orders.Select(o => o.CustomerId).Distinct().ToList();
                var customersByKey = db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionary(c => c.Id);
                var customers = orders.Select(o => customersByKey[o.CustomerId]).ToList();
                return string.Join(";", customers.Select(c => c.Name));
            }
        }
        """,
        originalRoundTrips: 1 + (Orders - 1),
        fixedRoundTrips: 2);

    [Fact]
    public Task Fix_all_of_two_queries_per_element_drops_from_1_plus_2N_to_3() => ProveAsync("""
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var orders = db.Orders.OrderBy(o => o.Id).ToList();
                var rows = new List<string>();
                foreach (var order in orders)
                {
                    var customer = db.Customers.[|SingleOrDefault(c => c.Id == order.CustomerId)|];
                    var lines = db.Lines.Where(l => l.OrderId == order.Id).[|ToArray()|];
                    rows.Add((customer?.Name ?? "none") + "/" + lines.Length);
                }

                return string.Join(";", rows);
            }
        }
        """, """
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var orders = db.Orders.OrderBy(o => o.Id).ToList();
                var rows = new List<string>();
                var customerKeys = orders.Select(order => order.CustomerId).Distinct().ToList();
                var customersByKey = db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionary(c => c.Id);
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                var linesByOrderId = db.Lines.Where(l => lineKeys.Contains(l.OrderId)).ToLookup(l => l.OrderId);
                foreach (var order in orders)
                {
                    var customer = customersByKey.GetValueOrDefault(order.CustomerId);
                    var lines = linesByOrderId[order.Id].ToArray();
                    rows.Add((customer?.Name ?? "none") + "/" + lines.Length);
                }

                return string.Join(";", rows);
            }
        }
        """,
        originalRoundTrips: 1 + 2 * Orders,
        fixedRoundTrips: 3);
}
