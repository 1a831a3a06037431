namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// Proof on a real SQLite database for the fix shapes added for coverage (aggregates, Any, lookups by a non-key column,
/// SaveChanges once, batch_size chunks): exact fix output, then the original and the fixed method run on the same
/// seeded database (<see cref="PERF003RunTests"/>: 5 customers, 12 orders of which 4 have no lines and one has a
/// missing customer) with a command interceptor counting round-trips. Results equal; 1 + N round-trips become 1 + 1
/// per batch (or per chunk).
/// </summary>
public class PERF003RoundTripRunTests
{
    private const int Orders = 12;

    [Fact]
    public Task Count_Sum_nullable_Max_and_Any_keep_empty_group_defaults_and_drop_to_one_query_each() => PERF003RunTests.ProveAsync("""
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var orders = db.Orders.OrderBy(o => o.Id).ToList();
                var rows = new List<string>();
                foreach (var order in orders)
                {
                    var count = db.Lines.[|Count(l => l.OrderId == order.Id)|];
                    var quantity = db.Lines.Where(l => l.OrderId == order.Id).[|Sum(l => l.Quantity)|];
                    var largest = db.Lines.Where(l => l.OrderId == order.Id).[|Max(l => (int?)l.Quantity)|];
                    var any = db.Lines.[|Any(l => l.OrderId == order.Id)|];
                    rows.Add(order.Id + ":" + count + "/" + quantity + "/" + (largest?.ToString() ?? "null") + "/" + any);
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
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                var lineCountsByOrderId = db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId))
                    .GroupBy(l => l.OrderId)
                    .Select(g => new { g.Key, Value = g.Count() })
                    .ToDictionary(g => g.Key, g => g.Value);
                var lineKeys2 = orders.Select(order => order.Id).Distinct().ToList();
                var lineSumsByOrderId = db.Lines
                    .Where(l => lineKeys2.Contains(l.OrderId))
                    .GroupBy(l => l.OrderId)
                    .Select(g => new { g.Key, Value = g.Sum(l => l.Quantity) })
                    .ToDictionary(g => g.Key, g => g.Value);
                var lineKeys3 = orders.Select(order => order.Id).Distinct().ToList();
                var lineMaximaByOrderId = db.Lines
                    .Where(l => lineKeys3.Contains(l.OrderId))
                    .GroupBy(l => l.OrderId)
                    .Select(g => new { g.Key, Value = g.Max(l => (int?)l.Quantity) })
                    .ToDictionary(g => g.Key, g => g.Value);
                var lineKeys4 = orders.Select(order => order.Id).Distinct().ToList();
                var orderIdsWithLines = db.Lines
                    .Where(l => lineKeys4.Contains(l.OrderId))
                    .Select(l => l.OrderId)
                    .Distinct()
                    .ToHashSet();
                foreach (var order in orders)
                {
                    var count = lineCountsByOrderId.GetValueOrDefault(order.Id);
                    var quantity = lineSumsByOrderId.GetValueOrDefault(order.Id);
                    var largest = lineMaximaByOrderId.GetValueOrDefault(order.Id);
                    var any = orderIdsWithLines.Contains(order.Id);
                    rows.Add(order.Id + ":" + count + "/" + quantity + "/" + (largest?.ToString() ?? "null") + "/" + any);
                }

                return string.Join(";", rows);
            }
        }
        """,
        originalRoundTrips: 1 + 4 * Orders,
        fixedRoundTrips: 1 + 4);

    [Fact]
    public Task Ordered_FirstOrDefault_by_a_non_key_column_keeps_the_first_row_per_key() => PERF003RunTests.ProveAsync("""
        public static class Queries
        {
            public static async Task<string> Run(ShopContext db)
            {
                var customers = await db.Customers.OrderBy(c => c.Id).ToListAsync();
                var rows = new List<string>();
                foreach (var customer in customers)
                {
                    var latest = await db.Orders.OrderByDescending(o => o.Id).[|FirstOrDefaultAsync(o => o.CustomerId == customer.Id)|];
                    rows.Add(customer.Id + ":" + (latest?.Id.ToString() ?? "none"));
                }

                return string.Join(";", rows);
            }
        }
        """, """
        public static class Queries
        {
            public static async Task<string> Run(ShopContext db)
            {
                var customers = await db.Customers.OrderBy(c => c.Id).ToListAsync();
                var rows = new List<string>();
                var orderKeys = customers.Select(customer => customer.Id).Distinct().ToList();
                var ordersByCustomerId = (await db.Orders.OrderByDescending(o => o.Id).Where(o => orderKeys.Contains(o.CustomerId)).ToListAsync()).ToLookup(o => o.CustomerId);
                foreach (var customer in customers)
                {
                    var latest = ordersByCustomerId[customer.Id].FirstOrDefault();
                    rows.Add(customer.Id + ":" + (latest?.Id.ToString() ?? "none"));
                }

                return string.Join(";", rows);
            }
        }
        """,
        originalRoundTrips: 1 + 5,
        fixedRoundTrips: 2);

    [Fact]
    public Task SingleOrDefault_by_a_non_key_column_still_throws_on_duplicates() => PERF003RunTests.ProveAsync("""
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var customers = db.Customers.OrderBy(c => c.Id).ToList();
                try
                {
                    foreach (var customer in customers)
                    {
                        var only = db.Orders.[|SingleOrDefault(o => o.CustomerId == customer.Id)|];
                    }

                    return "no duplicates";
                }
                catch (InvalidOperationException)
                {
                    return "threw";
                }
            }
        }
        """, """
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var customers = db.Customers.OrderBy(c => c.Id).ToList();
                try
                {
                    var orderKeys = customers.Select(customer => customer.Id).Distinct().ToList();
                    var ordersByCustomerId = db.Orders.Where(o => orderKeys.Contains(o.CustomerId)).ToLookup(o => o.CustomerId);
                    foreach (var customer in customers)
                    {
                        var only = ordersByCustomerId[customer.Id].SingleOrDefault();
                    }

                    return "no duplicates";
                }
                catch (InvalidOperationException)
                {
                    return "threw";
                }
            }
        }
        """,
        originalRoundTrips: 1 + 1,
        fixedRoundTrips: 2);

    [Fact]
    public Task Batch_size_loads_the_keys_in_chunks() => PERF003RunTests.ProveAsync("""
        public static class Queries
        {
            public static async Task<string> Run(ShopContext db)
            {
                var orders = await db.Orders.OrderBy(o => o.Id).ToListAsync();
                var rows = new List<string>();
                foreach (var order in orders)
                {
                    var customer = db.Customers.AsNoTracking().[|FirstOrDefault(c => c.Id == order.CustomerId)|];
                    var count = await db.Lines.[|CountAsync(l => l.OrderId == order.Id, CancellationToken.None)|];
                    rows.Add(order.Id + ":" + (customer?.Name ?? "none") + "/" + count);
                }

                return string.Join(";", rows);
            }
        }
        """, """
        public static class Queries
        {
            public static async Task<string> Run(ShopContext db)
            {
                var orders = await db.Orders.OrderBy(o => o.Id).ToListAsync();
                var rows = new List<string>();
                var customerKeys = orders.Select(order => order.CustomerId).Distinct().ToList();
                var customerRows = new List<Customer>();
                foreach (var chunk in customerKeys.Chunk(5))
                {
                    customerRows.AddRange(db.Customers.AsNoTracking().Where(c => chunk.Contains(c.Id)));
                }
                var customersByKey = customerRows.ToDictionary(c => c.Id);
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                var lineCountsByOrderId = new Dictionary<int, int>();
                foreach (var chunk2 in lineKeys.Chunk(5))
                {
                    foreach (var row in await db.Lines
                        .Where(l => chunk2.Contains(l.OrderId))
                        .GroupBy(l => l.OrderId)
                        .Select(g => new { g.Key, Value = g.Count() })
                        .ToListAsync(CancellationToken.None))
                    {
                        lineCountsByOrderId.Add(row.Key, row.Value);
                    }
                }
                foreach (var order in orders)
                {
                    var customer = customersByKey.GetValueOrDefault(order.CustomerId);
                    var count = lineCountsByOrderId.GetValueOrDefault(order.Id);
                    rows.Add(order.Id + ":" + (customer?.Name ?? "none") + "/" + count);
                }

                return string.Join(";", rows);
            }
        }
        """,
        originalRoundTrips: 1 + 2 * Orders,
        fixedRoundTrips: 1 + 2 + 3, // 6 customer keys in chunks of 5, 12 order keys in chunks of 5
        editorConfig: "perf_analyzers.PERF003.batch_size = 5");

    [Fact]
    public Task SaveChanges_once_after_the_loop_saves_the_same_rows() => PERF003RunTests.ProveAsync("""
        public static class Queries
        {
            public static async Task<string> Run(ShopContext db)
            {
                var orders = await db.Orders.OrderBy(o => o.Id).ToListAsync();
                foreach (var order in orders)
                {
                    order.Status = order.Status + "-checked";
                    db.Lines.Add(new Line { Id = 100 + order.Id, OrderId = order.Id, Product = "fee", Quantity = 1 });
                    await db.[|SaveChangesAsync()|];
                }

                db.ChangeTracker.Clear();
                var statuses = string.Join(",", await db.Orders.OrderBy(o => o.Id).Select(o => o.Status).ToListAsync());
                return statuses + "|" + await db.Lines.CountAsync(l => l.Product == "fee");
            }
        }
        """, """
        public static class Queries
        {
            public static async Task<string> Run(ShopContext db)
            {
                var orders = await db.Orders.OrderBy(o => o.Id).ToListAsync();
                foreach (var order in orders)
                {
                    order.Status = order.Status + "-checked";
                    db.Lines.Add(new Line { Id = 100 + order.Id, OrderId = order.Id, Product = "fee", Quantity = 1 });
                }

                await db.SaveChangesAsync();

                db.ChangeTracker.Clear();
                var statuses = string.Join(",", await db.Orders.OrderBy(o => o.Id).Select(o => o.Status).ToListAsync());
                return statuses + "|" + await db.Lines.CountAsync(l => l.Product == "fee");
            }
        }
        """,
        // SQLite runs each statement of a save as its own command (no batching), so the commands stay 2 per order;
        // the saves (each its own transaction) drop from 12 to 1. A provider that batches (SQL Server) also sends one batch.
        originalRoundTrips: 1 + 2 * Orders + 2,
        fixedRoundTrips: 1 + 2 * Orders + 2,
        transactions: (Orders, 1));
}
