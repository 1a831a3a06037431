namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// The compound-predicate, ordered/projected and DTO-filling fixes of <see cref="PERF003FixCompoundTests"/> run on SQLite
/// (<see cref="PERF003RunTests.ProveAsync"/>: the exact output, then the original and the fixed method against the same
/// seeded database, results equal, round-trips counted). 12 orders (the last of a missing customer), 0-2 lines each.
/// </summary>
public class PERF003CompoundRunTests
{
    private const int Orders = 12;

    [Fact]
    public Task Count_with_a_conjunct_drops_from_1_plus_N_to_2() => PERF003RunTests.ProveAsync("""
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var minimum = 3;
                var orders = db.Orders.OrderBy(o => o.Id).ToList();
                var counts = new List<string>();
                foreach (var order in orders)
                {
                    var count = db.Lines.[|Count(l => l.OrderId == order.Id && l.Quantity >= minimum)|];
                    counts.Add(order.Id + ":" + count);
                }

                return string.Join(";", counts);
            }
        }
        """, """
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var minimum = 3;
                var orders = db.Orders.OrderBy(o => o.Id).ToList();
                var counts = new List<string>();
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                var lineCountsByOrderId = db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId) && l.Quantity >= minimum)
                    .GroupBy(l => l.OrderId)
                    .Select(g => new { g.Key, Value = g.Count() })
                    .ToDictionary(g => g.Key, g => g.Value);
                foreach (var order in orders)
                {
                    var count = lineCountsByOrderId.GetValueOrDefault(order.Id);
                    counts.Add(order.Id + ":" + count);
                }

                return string.Join(";", counts);
            }
        }
        """,
        originalRoundTrips: 1 + Orders,
        fixedRoundTrips: 2);

    [Fact]
    public Task Ordered_lines_with_a_conjunct_keep_their_order_within_each_order() => PERF003RunTests.ProveAsync("""
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var orders = db.Orders.OrderBy(o => o.Id).ToList();
                var rows = new List<string>();
                foreach (var order in orders)
                {
                    var lines = db.Lines.Where(l => l.OrderId == order.Id && l.Product != "P0").OrderByDescending(l => l.Quantity).ThenBy(l => l.Id).[|ToList()|];
                    rows.Add(order.Id + ":" + string.Join(",", lines.Select(l => l.Id + "x" + l.Quantity)));
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
                var linesByOrderId = db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId) && l.Product != "P0")
                    .OrderByDescending(l => l.Quantity)
                    .ThenBy(l => l.Id)
                    .ToLookup(l => l.OrderId);
                foreach (var order in orders)
                {
                    var lines = linesByOrderId[order.Id].ToList();
                    rows.Add(order.Id + ":" + string.Join(",", lines.Select(l => l.Id + "x" + l.Quantity)));
                }

                return string.Join(";", rows);
            }
        }
        """,
        originalRoundTrips: 1 + Orders,
        fixedRoundTrips: 2);

    [Fact]
    public Task Async_ordered_projection_FirstOrDefault_returns_the_same_first_row_per_key() => PERF003RunTests.ProveAsync("""
        public static class Queries
        {
            public static async Task<string> Run(ShopContext db)
            {
                var ct = CancellationToken.None;
                var orders = await db.Orders.OrderBy(o => o.Id).ToListAsync(ct);
                var rows = new List<string>();
                foreach (var order in orders)
                {
                    var product = await db.Lines
                        .Where(l => l.OrderId == order.Id)
                        .OrderByDescending(l => l.Quantity)
                        .Select(l => l.Product + "/" + l.Quantity)
                        .[|FirstOrDefaultAsync(ct)|];
                    rows.Add(order.Id + ":" + (product ?? "none"));
                }

                return string.Join(";", rows);
            }
        }
        """, """
        public static class Queries
        {
            public static async Task<string> Run(ShopContext db)
            {
                var ct = CancellationToken.None;
                var orders = await db.Orders.OrderBy(o => o.Id).ToListAsync(ct);
                var rows = new List<string>();
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                var linesByOrderId = (await db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId))
                    .OrderByDescending(l => l.Quantity)
                    .Select(l => new { Key = l.OrderId, Value = l.Product + "/" + l.Quantity })
                    .ToListAsync(ct)).ToLookup(l => l.Key, l => l.Value);
                foreach (var order in orders)
                {
                    var product = linesByOrderId[order.Id].FirstOrDefault();
                    rows.Add(order.Id + ":" + (product ?? "none"));
                }

                return string.Join(";", rows);
            }
        }
        """,
        originalRoundTrips: 1 + Orders,
        fixedRoundTrips: 2);

    [Fact]
    public Task DTOs_filled_in_the_loop_get_the_same_values_from_two_batches() => PERF003RunTests.ProveAsync("""
        public class OrderView
        {
            public int Id { get; set; }
            public int CustomerId { get; set; }
            public int BigLines { get; set; }
            public bool Paid { get; set; }
        }

        public static class Queries
        {
            public static async Task<string> Run(ShopContext db)
            {
                var views = await db.Orders.OrderBy(o => o.Id).Select(o => new OrderView { Id = o.Id, CustomerId = o.CustomerId }).ToListAsync();
                foreach (var view in views)
                {
                    view.BigLines = await db.Lines.[|CountAsync(l => l.OrderId == view.Id && l.Quantity > 2)|];
                    view.Paid = await db.Orders.[|AnyAsync(o => o.Status == "paid" && o.Id == view.Id)|];
                }

                return string.Join(";", views.Select(v => v.Id + ":" + v.BigLines + ":" + v.Paid));
            }
        }
        """, """
        public class OrderView
        {
            public int Id { get; set; }
            public int CustomerId { get; set; }
            public int BigLines { get; set; }
            public bool Paid { get; set; }
        }

        public static class Queries
        {
            public static async Task<string> Run(ShopContext db)
            {
                var views = await db.Orders.OrderBy(o => o.Id).Select(o => new OrderView { Id = o.Id, CustomerId = o.CustomerId }).ToListAsync();
                var lineKeys = views.Select(view => view.Id).Distinct().ToList();
                var lineCountsByOrderId = await db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId) && l.Quantity > 2)
                    .GroupBy(l => l.OrderId)
                    .Select(g => new { g.Key, Value = g.Count() })
                    .ToDictionaryAsync(g => g.Key, g => g.Value);
                var orderKeys = views.Select(view => view.Id).Distinct().ToList();
                var idsWithOrders = (await db.Orders
                    .Where(o => o.Status == "paid" && orderKeys.Contains(o.Id))
                    .Select(o => o.Id)
                    .Distinct()
                    .ToListAsync()).ToHashSet();
                foreach (var view in views)
                {
                    view.BigLines = lineCountsByOrderId.GetValueOrDefault(view.Id);
                    view.Paid = idsWithOrders.Contains(view.Id);
                }

                return string.Join(";", views.Select(v => v.Id + ":" + v.BigLines + ":" + v.Paid));
            }
        }
        """,
        originalRoundTrips: 1 + 2 * Orders,
        fixedRoundTrips: 3);

    [Fact]
    public Task Operator_predicate_after_the_key_Where_gives_the_same_answers_in_one_query() => PERF003RunTests.ProveAsync("""
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var ids = new List<int> { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 40 };
                var rows = new List<string>();
                foreach (var id in ids)
                {
                    var big = db.Lines.Where(l => l.OrderId == id).[|Count(l => l.Quantity > 4)|];
                    rows.Add(id + ":" + big);
                }

                return string.Join(";", rows);
            }
        }
        """, """
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var ids = new List<int> { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 40 };
                var rows = new List<string>();
                var lineKeys = ids.Select(id => id).Distinct().ToList();
                var lineCountsByOrderId = db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId))
                    .Where(l => l.Quantity > 4)
                    .GroupBy(l => l.OrderId)
                    .Select(g => new { g.Key, Value = g.Count() })
                    .ToDictionary(g => g.Key, g => g.Value);
                foreach (var id in ids)
                {
                    var big = lineCountsByOrderId.GetValueOrDefault(id);
                    rows.Add(id + ":" + big);
                }

                return string.Join(";", rows);
            }
        }
        """,
        originalRoundTrips: 13,
        fixedRoundTrips: 1);
}
