using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 fix (issue #17) in <c>for (var i = 0; i &lt; list.Count; i++)</c> loops over a list or array local or parameter:
/// with <c>var order = list[i];</c> first in the body, or the key read as <c>list[i].Id</c> / <c>ids[i]</c>. Exact output,
/// Fix All, look-alikes without a fix, and runs on SQLite.
/// </summary>
public class PERF003FixIndexLoopTests
{
    private const int Orders = 12;

    [Fact]
    public Task Element_local_first_in_the_body_is_the_element_of_the_keys() => PERF003Model.VerifyFix("""
        class C
        {
            List<string> M(ShopContext db, List<Order> orders)
            {
                var names = new List<string>();
                for (var i = 0; i < orders.Count; i++)
                {
                    var order = orders[i];
                    var customer = db.Customers.[|FirstOrDefault(c => c.Id == order.CustomerId)|];
                    names.Add(i + ":" + customer?.Name);
                }

                return names;
            }
        }
        """, """
        class C
        {
            List<string> M(ShopContext db, List<Order> orders)
            {
                var names = new List<string>();
                var customerKeys = orders.Select(order => order.CustomerId).Distinct().ToList();
                var customersByKey = db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionary(c => c.Id);
                for (var i = 0; i < orders.Count; i++)
                {
                    var order = orders[i];
                    var customer = customersByKey.GetValueOrDefault(order.CustomerId);
                    names.Add(i + ":" + customer?.Name);
                }

                return names;
            }
        }
        """);

    [Fact]
    public Task Keys_read_through_the_index_become_a_Select_over_the_array_and_Fix_All_batches_both() => PERF003Model.VerifyFix("""
        class C
        {
            async Task<int[]> M(ShopContext db, int[] orderIds, IReadOnlyList<Order> orders, CancellationToken ct)
            {
                var totals = new int[orderIds.Length];
                for (int i = 0; i < orderIds.Length; ++i)
                {
                    totals[i] = await db.Lines.Where(l => l.OrderId == orderIds[i]).[|SumAsync(l => l.Quantity, ct)|];
                }

                for (var i = 0; i < orders.Count; i += 1)
                {
                    Console.WriteLine(db.Customers.[|Find(orders[i].CustomerId)|]?.Name);
                }

                return totals;
            }
        }
        """, """
        class C
        {
            async Task<int[]> M(ShopContext db, int[] orderIds, IReadOnlyList<Order> orders, CancellationToken ct)
            {
                var totals = new int[orderIds.Length];
                var lineKeys = orderIds.Select(orderId => orderId).Distinct().ToList();
                var lineSumsByOrderId = await db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId))
                    .GroupBy(l => l.OrderId)
                    .Select(g => new { g.Key, Value = g.Sum(l => l.Quantity) })
                    .ToDictionaryAsync(g => g.Key, g => g.Value, ct);
                for (int i = 0; i < orderIds.Length; ++i)
                {
                    totals[i] = lineSumsByOrderId.GetValueOrDefault(orderIds[i]);
                }

                var customerKeys = orders.Select(order => order.CustomerId).Distinct().ToList();
                var customersByKey = db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionary(c => c.Id);
                for (var i = 0; i < orders.Count; i += 1)
                {
                    Console.WriteLine(customersByKey.GetValueOrDefault(orders[i].CustomerId)?.Name);
                }

                return totals;
            }
        }
        """);

    [Fact]
    public Task Other_for_loops_get_no_fix() => PERF003Model.VerifyNoFix("""
        class C
        {
            void M(ShopContext db, List<Order> orders, int[] ids)
            {
                for (var i = 1; i < ids.Length; i++)
                {
                    Console.WriteLine(db.Customers.[|Find(ids[i])|]);
                }

                for (var i = 0; i <= ids.Length - 1; i++)
                {
                    Console.WriteLine(db.Customers.[|Find(ids[i])|]);
                }

                for (var i = 0; i < ids.Length - 1; i++)
                {
                    Console.WriteLine(db.Customers.[|Find(ids[i + 1])|]);
                }

                for (var i = 0; i < orders.Count; i++)
                {
                    var order = orders[i];
                    Console.WriteLine(db.Customers.[|Find(order.CustomerId)|]);
                    order = orders[0];
                }

                for (var i = 0; i < orders.Count; i++)
                {
                    Console.WriteLine(db.Customers.[|Find(orders[i].CustomerId)|]);
                    orders[i].CustomerId = 0;
                }

                for (var i = 0; i < orders.Count; i++)
                {
                    Console.WriteLine(db.Customers.[|Find(orders[i].CustomerId)|]);
                    if (i == 0)
                    {
                        orders.Add(new Order());
                    }
                }

                for (var i = 0; i < ids.Length; i++)
                {
                    Console.WriteLine(db.Customers.[|Find(ids[i])|]);
                    i++;
                }
            }
        }
        """);

    [Fact]
    public Task Indexed_FirstOrDefault_drops_from_1_plus_N_to_2_on_SQLite() => PERF003RunTests.ProveAsync("""
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var orders = db.Orders.OrderBy(o => o.Id).ToList();
                var names = new List<string>();
                for (var i = 0; i < orders.Count; i++)
                {
                    var order = orders[i];
                    var customer = db.Customers.[|FirstOrDefault(c => c.Id == order.CustomerId)|];
                    names.Add(i + ":" + (customer?.Name ?? "none"));
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
                for (var i = 0; i < orders.Count; i++)
                {
                    var order = orders[i];
                    var customer = customersByKey.GetValueOrDefault(order.CustomerId);
                    names.Add(i + ":" + (customer?.Name ?? "none"));
                }

                return string.Join(";", names);
            }
        }
        """,
        originalRoundTrips: 1 + Orders,
        fixedRoundTrips: 2);

    [Fact]
    public Task Indexed_ordered_lookup_over_an_array_of_ids_drops_to_1_on_SQLite() => PERF003RunTests.ProveAsync("""
        public static class Queries
        {
            public static async Task<string> Run(ShopContext db)
            {
                var ids = new[] { 3, 1, 2, 5, 3, 99, 8 };
                var rows = new List<string>();
                for (var i = 0; i < ids.Length; i++)
                {
                    var lines = await db.Lines.Where(l => l.OrderId == ids[i]).OrderByDescending(l => l.Quantity).[|ToListAsync()|];
                    rows.Add(ids[i] + ":" + string.Join(",", lines.Select(l => l.Id)));
                }

                return string.Join(";", rows);
            }
        }
        """, """
        public static class Queries
        {
            public static async Task<string> Run(ShopContext db)
            {
                var ids = new[] { 3, 1, 2, 5, 3, 99, 8 };
                var rows = new List<string>();
                var lineKeys = ids.Select(id => id).Distinct().ToList();
                var linesByOrderId = (await db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId))
                    .OrderByDescending(l => l.Quantity)
                    .ToListAsync()).ToLookup(l => l.OrderId);
                for (var i = 0; i < ids.Length; i++)
                {
                    var lines = linesByOrderId[ids[i]].ToList();
                    rows.Add(ids[i] + ":" + string.Join(",", lines.Select(l => l.Id)));
                }

                return string.Join(";", rows);
            }
        }
        """,
        originalRoundTrips: 7,
        fixedRoundTrips: 1);

    [Fact]
    public Task FindAsync_with_a_key_array_and_a_token_in_an_indexed_loop_drops_from_1_plus_distinct_keys_to_2_on_SQLite() => PERF003RunTests.ProveAsync("""
        public static class Queries
        {
            public static async Task<string> Run(ShopContext db)
            {
                var ct = CancellationToken.None;
                var orders = await db.Orders.OrderBy(o => o.Id).ToListAsync(ct);
                var names = new List<string>();
                for (var i = 0; i < orders.Count; i++)
                {
                    var customer = await db.Customers.[|FindAsync(new object[] { orders[i].CustomerId }, ct)|];
                    names.Add(orders[i].Id + ":" + (customer?.Name ?? "none"));
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
                var orders = await db.Orders.OrderBy(o => o.Id).ToListAsync(ct);
                var names = new List<string>();
                var customerKeys = orders.Select(order => order.CustomerId).Distinct().ToList();
                var customersByKey = await db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
                for (var i = 0; i < orders.Count; i++)
                {
                    var customer = customersByKey.GetValueOrDefault(orders[i].CustomerId);
                    names.Add(orders[i].Id + ":" + (customer?.Name ?? "none"));
                }

                return string.Join(";", names);
            }
        }
        """,
        originalRoundTrips: 1 + 6, // Find answers repeated customers from the change tracker: 5 customers and the missing 99
        fixedRoundTrips: 2);
}
