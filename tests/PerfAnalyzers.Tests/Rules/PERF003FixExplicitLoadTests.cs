namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 fix, explicit loading: <c>db.Entry(e).Collection(x =&gt; x.Nav).Load()</c> per element of a list the same
/// method loaded from a query of the same context becomes <c>Include(x =&gt; x.Nav)</c> on that query. Exact output,
/// Fix All, compiles; negatives; and a run on SQLite (1 + N round-trips become 1).
/// </summary>
public class PERF003FixExplicitLoadTests
{
    private const int Orders = 12;

    private static Task VerifyFix(string code, string fixedCode) => PERF003Model.VerifyFix(code, fixedCode);

    private static Task VerifyNoFix(string code) => VerifyFix(code, code);

    [Fact]
    public Task Collection_Load_per_element_becomes_Include_and_the_loop_goes() => PERF003RunTests.ProveAsync("""
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var orders = db.Orders.Where(o => o.Id > 0).OrderBy(o => o.Id).ToList();
                foreach (var order in orders)
                {
                    db.Entry(order).Collection(o => o.Lines).[|Load()|];
                }

                return string.Join(";", orders.Select(o => o.Id + ":" + string.Join(",", o.Lines.Select(l => l.Id).OrderBy(i => i))));
            }
        }
        """, """
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var orders = db.Orders.Where(o => o.Id > 0).OrderBy(o => o.Id).Include(o => o.Lines).ToList();

                return string.Join(";", orders.Select(o => o.Id + ":" + string.Join(",", o.Lines.Select(l => l.Id).OrderBy(i => i))));
            }
        }
        """,
        originalRoundTrips: 1 + Orders,
        fixedRoundTrips: 1);

    [Fact]
    public Task Awaited_LoadAsync_in_a_loop_that_does_more_keeps_the_loop() => PERF003RunTests.ProveAsync("""
        public static class Queries
        {
            public static async Task<string> Run(ShopContext db)
            {
                var rows = new List<string>();
                var orders = await db.Orders
                    .OrderBy(o => o.Id)
                    .ToListAsync();
                foreach (var order in orders)
                {
                    await db.Entry(order).Collection(o => o.Lines).[|LoadAsync()|];
                    rows.Add(order.Id + ":" + order.Lines.Sum(l => l.Quantity));
                }

                return string.Join(";", rows);
            }
        }
        """, """
        public static class Queries
        {
            public static async Task<string> Run(ShopContext db)
            {
                var rows = new List<string>();
                var orders = await db.Orders
                    .OrderBy(o => o.Id)
                    .Include(o => o.Lines)
                    .ToListAsync();
                foreach (var order in orders)
                {
                    rows.Add(order.Id + ":" + order.Lines.Sum(l => l.Quantity));
                }

                return string.Join(";", rows);
            }
        }
        """,
        originalRoundTrips: 1 + Orders,
        fixedRoundTrips: 1);

    [Fact]
    public Task No_fix_where_the_query_is_not_visible_or_the_loads_could_differ() => VerifyNoFix("""
        public static class Queries
        {
            public static void Run(ShopContext db, List<Order> given, ShopContext other)
            {
                // The list comes from elsewhere: the query is not visible.
                foreach (var order in given)
                {
                    db.Entry(order).Collection(o => o.Lines).[|Load()|];
                }

                // No tracking: explicit loading and Include need not agree.
                var untracked = db.Orders.AsNoTracking().ToList();
                foreach (var order in untracked)
                {
                    db.Entry(order).Collection(o => o.Lines).[|Load()|];
                }

                // A projection, another context.
                var projected = db.Orders.Select(o => new Order { Id = o.Id }).ToList();
                foreach (var order in projected)
                {
                    db.Entry(order).Collection(o => o.Lines).[|Load()|];
                }

                var fromOther = other.Orders.ToList();
                foreach (var order in fromOther)
                {
                    db.Entry(order).Collection(o => o.Lines).[|Load()|];
                }

                // The navigation is read before the load; a load only for some elements; the loop stops early.
                var orders = db.Orders.ToList();
                foreach (var order in orders)
                {
                    Console.WriteLine(order.Lines.Count);
                    db.Entry(order).Collection(o => o.Lines).[|Load()|];
                }

                var some = db.Orders.ToList();
                foreach (var order in some)
                {
                    if (order.Status == "open")
                    {
                        db.Entry(order).Collection(o => o.Lines).[|Load()|];
                    }
                }

                var first = db.Orders.ToList();
                foreach (var order in first)
                {
                    db.Entry(order).Collection(o => o.Lines).[|Load()|];
                    if (order.Lines.Count > 2)
                    {
                        break;
                    }
                }

                // The list is changed between the query and the loop.
                var changed = db.Orders.ToList();
                changed.Add(new Order());
                foreach (var order in changed)
                {
                    db.Entry(order).Collection(o => o.Lines).[|Load()|];
                }
            }
        }
        """);
}
