namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 fix, loop sources seen on real code (eShop's <c>foreach (var i in @event.OrderStockItems)</c>, Kavita's
/// <c>foreach (var v in list.DistinctBy(...))</c>): a chain of auto-properties over a collection is read twice as is; a
/// lazy sequence, a method result or a property with a body is enumerated once into a list before the loop, and the
/// loop iterates that list. Exact output, Fix All, compiles; the run proof is at the end.
/// </summary>
public class PERF003FixLoopSourceTests
{
    private static Task VerifyFix(string code, string fixedCode) => PERF003Model.VerifyFix(code, fixedCode);

    [Fact]
    public Task An_IEnumerable_record_property_is_materialised_once_before_the_loop() => VerifyFix("""
        record Shipped(int OrderId, IEnumerable<Order> Orders);

        class C
        {
            void M(ShopContext db, Shipped @event)
            {
                foreach (var order in @event.Orders)
                {
                    var customer = db.Customers.[|Find(order.CustomerId)|];
                    Console.WriteLine(customer?.Name);
                }
            }
        }
        """, """
        record Shipped(int OrderId, IEnumerable<Order> Orders);

        class C
        {
            void M(ShopContext db, Shipped @event)
            {
                var orders = @event.Orders.ToList();
                var customerKeys = orders.Select(order => order.CustomerId).Distinct().ToList();
                var customersByKey = db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionary(c => c.Id);
                foreach (var order in orders)
                {
                    var customer = customersByKey.GetValueOrDefault(order.CustomerId);
                    Console.WriteLine(customer?.Name);
                }
            }
        }
        """);

    [Fact]
    public Task An_auto_property_chain_over_a_list_is_read_again_as_is() => VerifyFix("""
        class Batch
        {
            public Customer Owner { get; set; } = new();
            public List<Order> Orders { get; } = new();
        }

        class C
        {
            void M(ShopContext db, Batch batch)
            {
                foreach (var order in batch.Orders)
                {
                    var customer = db.Customers.[|FirstOrDefault(c => c.Id == order.CustomerId)|];
                    Console.WriteLine(customer?.Name);
                }
            }
        }
        """, """
        class Batch
        {
            public Customer Owner { get; set; } = new();
            public List<Order> Orders { get; } = new();
        }

        class C
        {
            void M(ShopContext db, Batch batch)
            {
                var customerKeys = batch.Orders.Select(order => order.CustomerId).Distinct().ToList();
                var customersByKey = db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionary(c => c.Id);
                foreach (var order in batch.Orders)
                {
                    var customer = customersByKey.GetValueOrDefault(order.CustomerId);
                    Console.WriteLine(customer?.Name);
                }
            }
        }
        """);

    [Fact]
    public Task A_lazy_operator_chain_with_a_member_chain_key_and_two_queries_is_materialised_once_by_Fix_All() => VerifyFix("""
        class C
        {
            async Task M(ShopContext db, List<Line> lines)
            {
                foreach (var line in lines.DistinctBy(l => l.OrderId))
                {
                    var order = await db.Orders.[|FirstOrDefaultAsync(o => o.Id == line.OrderId)|];
                    var others = await db.Lines.Where(l => l.OrderId == line.OrderId).[|ToListAsync()|];
                    Console.WriteLine(order?.Status + others.Count);
                }
            }
        }
        """, """
        class C
        {
            async Task M(ShopContext db, List<Line> lines)
            {
                var lineList = lines.DistinctBy(l => l.OrderId).ToList();
                var orderKeys = lineList.Select(line => line.OrderId).Distinct().ToList();
                var ordersByKey = await db.Orders.Where(o => orderKeys.Contains(o.Id)).ToDictionaryAsync(o => o.Id);
                var lineKeys = lineList.Select(line => line.OrderId).Distinct().ToList();
                var linesByOrderId = (await db.Lines.Where(l => lineKeys.Contains(l.OrderId)).ToListAsync()).ToLookup(l => l.OrderId);
                foreach (var line in lineList)
                {
                    var order = ordersByKey.GetValueOrDefault(line.OrderId);
                    var others = linesByOrderId[line.OrderId].ToList();
                    Console.WriteLine(order?.Status + others.Count);
                }
            }
        }
        """);

    [Fact]
    public Task No_fix_over_a_database_query_streamed_by_the_loop() => VerifyFix("""
        class C
        {
            void M(ShopContext db)
            {
                foreach (var order in db.Orders.Where(o => o.Status == "open"))
                {
                    var customer = db.Customers.[|FirstOrDefault(c => c.Id == order.CustomerId)|];
                    Console.WriteLine(customer?.Name);
                }
            }
        }
        """, """
        class C
        {
            void M(ShopContext db)
            {
                foreach (var order in db.Orders.Where(o => o.Status == "open"))
                {
                    var customer = db.Customers.[|FirstOrDefault(c => c.Id == order.CustomerId)|];
                    Console.WriteLine(customer?.Name);
                }
            }
        }
        """);

    [Fact]
    public Task Materialised_source_keeps_results_and_drops_to_two_round_trips() => PERF003RunTests.ProveAsync("""
        public static class Queries
        {
            static IEnumerable<Order> Pending(List<Order> orders) => orders.Where(o => o.Status == "open");

            public static string Run(ShopContext db)
            {
                var all = db.Orders.OrderBy(o => o.Id).ToList();
                var names = new List<string>();
                foreach (var order in Pending(all))
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
            static IEnumerable<Order> Pending(List<Order> orders) => orders.Where(o => o.Status == "open");

            public static string Run(ShopContext db)
            {
                var all = db.Orders.OrderBy(o => o.Id).ToList();
                var names = new List<string>();
                var pending = Pending(all).ToList();
                var customerKeys = pending.Select(order => order.CustomerId).Distinct().ToList();
                var customersByKey = db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionary(c => c.Id);
                foreach (var order in pending)
                {
                    var customer = customersByKey.GetValueOrDefault(order.CustomerId);
                    names.Add(order.Id + ":" + (customer?.Name ?? "none"));
                }

                return string.Join(";", names);
            }
        }
        """,
        originalRoundTrips: 1 + 6,
        fixedRoundTrips: 2);
}
