namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// The fix shapes added for the corpus coverage of issue #17 run on SQLite (<see cref="PERF003RunTests.ProveAsync"/>:
/// the exact output, then the original and the fixed method against the same seeded database, results equal,
/// round-trips counted). 5 customers, 12 orders (the last of a missing customer), 0-2 lines each.
/// </summary>
public class PERF003CoverageRunTests
{
    private const int Orders = 12;
    private const int Customers = 5;

    [Fact]
    public Task Computed_Sum_selector_drops_from_1_plus_N_to_2() => PERF003RunTests.ProveAsync("""
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var orders = db.Orders.OrderBy(o => o.Id).ToList();
                var totals = new int[orders.Count];
                for (var i = 0; i < orders.Count; i++)
                {
                    var order = orders[i];
                    totals[i] = db.Lines.Where(l => l.OrderId == order.Id).[|Sum(l => l.Quantity * 3 - l.Id)|];
                }

                return string.Join(";", totals);
            }
        }
        """, """
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var orders = db.Orders.OrderBy(o => o.Id).ToList();
                var totals = new int[orders.Count];
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                var lineSumsByOrderId = db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId))
                    .GroupBy(l => l.OrderId)
                    .Select(g => new { g.Key, Value = g.Sum(l => l.Quantity * 3 - l.Id) })
                    .ToDictionary(g => g.Key, g => g.Value);
                for (var i = 0; i < orders.Count; i++)
                {
                    var order = orders[i];
                    totals[i] = lineSumsByOrderId.GetValueOrDefault(order.Id);
                }

                return string.Join(";", totals);
            }
        }
        """,
        originalRoundTrips: 1 + Orders,
        fixedRoundTrips: 2);

    [Fact]
    public Task Expression_bodied_Select_of_a_nullable_Average_keeps_null_for_orders_without_lines() => PERF003RunTests.ProveAsync("""
        public static class Queries
        {
            public static string Run(ShopContext db) => string.Join(";", Averages(db, db.Orders.OrderBy(o => o.Id).ToList()).Select(a => a?.ToString() ?? "null"));

            private static List<double?> Averages(ShopContext db, List<Order> orders) =>
                orders.Select(o => db.Lines.Where(l => l.OrderId == o.Id).[|Average(l => (double?)l.Quantity)|]).ToList();
        }
        """, """
        public static class Queries
        {
            public static string Run(ShopContext db) => string.Join(";", Averages(db, db.Orders.OrderBy(o => o.Id).ToList()).Select(a => a?.ToString() ?? "null"));

            private static List<double?> Averages(ShopContext db, List<Order> orders)
            {
                var lineKeys = orders.Select(o => o.Id).Distinct().ToList();
                var lineAveragesByOrderId = db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId))
                    .GroupBy(l => l.OrderId)
                    .Select(g => new { g.Key, Value = g.Average(l => (double?)l.Quantity) })
                    .ToDictionary(g => g.Key, g => g.Value);
                return orders.Select(o => lineAveragesByOrderId.GetValueOrDefault(o.Id)).ToList();
            }
        }
        """,
        originalRoundTrips: 1 + Orders,
        fixedRoundTrips: 2);

    [Fact]
    public Task ToDictionary_with_an_Any_value_selector_drops_from_1_plus_N_to_2() => PERF003RunTests.ProveAsync("""
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var customers = db.Customers.OrderBy(c => c.Id).ToList();
                var open = OpenOrders(db, customers);
                return string.Join(";", open.Select(p => p.Key + ":" + p.Value));
            }

            private static Dictionary<int, bool> OpenOrders(ShopContext db, List<Customer> customers) => customers.ToDictionary(c => c.Id, c => db.Orders.[|Any(o => o.CustomerId == c.Id && o.Status == "open")|]);
        }
        """, """
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var customers = db.Customers.OrderBy(c => c.Id).ToList();
                var open = OpenOrders(db, customers);
                return string.Join(";", open.Select(p => p.Key + ":" + p.Value));
            }

            private static Dictionary<int, bool> OpenOrders(ShopContext db, List<Customer> customers)
            {
                var orderKeys = customers.Select(c => c.Id).Distinct().ToList();
                var customerIdsWithOrders = db.Orders
                    .Where(o => orderKeys.Contains(o.CustomerId) && o.Status == "open")
                    .Select(o => o.CustomerId)
                    .Distinct()
                    .ToHashSet();
                return customers.ToDictionary(c => c.Id, c => customerIdsWithOrders.Contains(c.Id));
            }
        }
        """,
        originalRoundTrips: 1 + Customers,
        fixedRoundTrips: 2);

    [Fact]
    public Task Find_in_a_deconstructing_loop_over_a_dictionary_drops_from_one_per_entry_to_1() => PERF003RunTests.ProveAsync("""
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var wanted = new Dictionary<int, string> { [1] = "a", [3] = "b", [99] = "missing", [5] = "c" };
                var names = new List<string>();
                foreach (var (customerId, label) in wanted)
                {
                    var customer = db.Customers.[|Find(customerId)|];
                    names.Add(label + "=" + (customer?.Name ?? "none"));
                }

                return string.Join(";", names);
            }
        }
        """, """
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var wanted = new Dictionary<int, string> { [1] = "a", [3] = "b", [99] = "missing", [5] = "c" };
                var names = new List<string>();
                var customerKeys = wanted.Select(entry => entry.Key).Distinct().ToList();
                var customersByKey = db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionary(c => c.Id);
                foreach (var (customerId, label) in wanted)
                {
                    var customer = customersByKey.GetValueOrDefault(customerId);
                    names.Add(label + "=" + (customer?.Name ?? "none"));
                }

                return string.Join(";", names);
            }
        }
        """,
        originalRoundTrips: 4,
        fixedRoundTrips: 1);

    [Fact]
    public Task Count_in_a_deconstructing_loop_over_tuples_drops_from_1_plus_N_to_2() => PERF003RunTests.ProveAsync("""
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var rows = db.Orders.OrderBy(o => o.Id).Select(o => new { o.Id, o.Status }).ToList().Select(o => (o.Status, o.Id)).ToList();
                var counts = new List<string>();
                foreach (var (status, orderId) in rows)
                {
                    counts.Add(status + ":" + db.Lines.[|Count(l => l.OrderId == orderId)|]);
                }

                return string.Join(";", counts);
            }
        }
        """, """
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var rows = db.Orders.OrderBy(o => o.Id).Select(o => new { o.Id, o.Status }).ToList().Select(o => (o.Status, o.Id)).ToList();
                var counts = new List<string>();
                var lineKeys = rows.Select(entry => entry.Item2).Distinct().ToList();
                var lineCountsByOrderId = db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId))
                    .GroupBy(l => l.OrderId)
                    .Select(g => new { g.Key, Value = g.Count() })
                    .ToDictionary(g => g.Key, g => g.Value);
                foreach (var (status, orderId) in rows)
                {
                    counts.Add(status + ":" + lineCountsByOrderId.GetValueOrDefault(orderId));
                }

                return string.Join(";", counts);
            }
        }
        """,
        originalRoundTrips: 1 + Orders,
        fixedRoundTrips: 2);

    [Fact]
    public Task Top_one_line_per_order_drops_from_1_plus_N_to_2() => PERF003RunTests.ProveAsync("""
        public static class Queries
        {
            public static async Task<string> Run(ShopContext db)
            {
                var orders = await db.Orders.OrderBy(o => o.Id).ToListAsync();
                var rows = new List<string>();
                foreach (var order in orders)
                {
                    var top = await db.Lines
                        .Where(l => l.OrderId == order.Id)
                        .OrderByDescending(l => l.Quantity)
                        .Take(1)
                        .Select(l => l.Product + "/" + l.Quantity)
                        .[|ToListAsync()|];
                    rows.Add(order.Id + ":" + string.Join(",", top));
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
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                var linesByOrderId = (await db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId))
                    .OrderByDescending(l => l.Quantity)
                    .Select(l => new { Key = l.OrderId, Value = l.Product + "/" + l.Quantity })
                    .ToListAsync()).ToLookup(l => l.Key, l => l.Value);
                foreach (var order in orders)
                {
                    var top = linesByOrderId[order.Id].Take(1).ToList();
                    rows.Add(order.Id + ":" + string.Join(",", top));
                }

                return string.Join(";", rows);
            }
        }
        """,
        originalRoundTrips: 1 + Orders,
        fixedRoundTrips: 2);
}
