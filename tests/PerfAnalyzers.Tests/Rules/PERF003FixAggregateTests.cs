using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 fix, the shapes added for coverage: per-element aggregates (one grouped query into a dictionary), Any (one
/// query of the keys that have rows), First/Single by a column that is not the single key (a lookup), and the chunked
/// forms under <c>perf_analyzers.PERF003.batch_size</c>. Exact output, Fix All, and the fixed code compiles.
/// </summary>
public class PERF003FixAggregateTests
{
    // ---- Count / LongCount / Sum / nullable Min, Max, Average ----

    [Fact]
    public Task Count_with_a_key_predicate_becomes_one_grouped_query_and_a_dictionary() => PERF003Model.VerifyFix("""
        class C
        {
            List<int> M(ShopContext db, List<Order> orders)
            {
                var counts = new List<int>();
                foreach (var order in orders)
                {
                    counts.Add(db.Lines.[|Count(l => l.OrderId == order.Id)|]);
                }

                return counts;
            }
        }
        """, """
        class C
        {
            List<int> M(ShopContext db, List<Order> orders)
            {
                var counts = new List<int>();
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                var lineCountsByOrderId = db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId))
                    .GroupBy(l => l.OrderId)
                    .Select(g => new { g.Key, Value = g.Count() })
                    .ToDictionary(g => g.Key, g => g.Value);
                foreach (var order in orders)
                {
                    counts.Add(lineCountsByOrderId.GetValueOrDefault(order.Id));
                }

                return counts;
            }
        }
        """);

    [Fact]
    public Task Where_then_LongCount_and_Sum_are_grouped_too() => PERF003Model.VerifyFix("""
        class C
        {
            void M(ShopContext db, Order[] orders)
            {
                foreach (var order in orders)
                {
                    long n = db.Lines.Where(l => l.OrderId == order.Id).[|LongCount()|];
                    int quantity = db.Lines.Where(l => order.Id == l.OrderId).[|Sum(x => x.Quantity)|];
                }
            }
        }
        """, """
        class C
        {
            void M(ShopContext db, Order[] orders)
            {
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                var lineCountsByOrderId = db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId))
                    .GroupBy(l => l.OrderId)
                    .Select(g => new { g.Key, Value = g.LongCount() })
                    .ToDictionary(g => g.Key, g => g.Value);
                var lineKeys2 = orders.Select(order => order.Id).Distinct().ToList();
                var lineSumsByOrderId = db.Lines
                    .Where(l => lineKeys2.Contains(l.OrderId))
                    .GroupBy(l => l.OrderId)
                    .Select(g => new { g.Key, Value = g.Sum(x => x.Quantity) })
                    .ToDictionary(g => g.Key, g => g.Value);
                foreach (var order in orders)
                {
                    long n = lineCountsByOrderId.GetValueOrDefault(order.Id);
                    int quantity = lineSumsByOrderId.GetValueOrDefault(order.Id);
                }
            }
        }
        """);

    [Fact]
    public Task Async_count_and_nullable_Max_keep_the_token() => PERF003Model.VerifyFix("""
        class C
        {
            async Task<int> M(ShopContext db, List<Order> orders, CancellationToken ct)
            {
                var total = 0;
                foreach (var order in orders)
                {
                    total += await db.Lines.[|CountAsync(l => l.OrderId == order.Id, ct)|];
                    total += await db.Lines.Where(l => l.OrderId == order.Id).[|MaxAsync(l => (int?)l.Quantity, ct)|] ?? -1;
                }

                return total;
            }
        }
        """, """
        class C
        {
            async Task<int> M(ShopContext db, List<Order> orders, CancellationToken ct)
            {
                var total = 0;
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                var lineCountsByOrderId = await db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId))
                    .GroupBy(l => l.OrderId)
                    .Select(g => new { g.Key, Value = g.Count() })
                    .ToDictionaryAsync(g => g.Key, g => g.Value, ct);
                var lineKeys2 = orders.Select(order => order.Id).Distinct().ToList();
                var lineMaximaByOrderId = await db.Lines
                    .Where(l => lineKeys2.Contains(l.OrderId))
                    .GroupBy(l => l.OrderId)
                    .Select(g => new { g.Key, Value = g.Max(l => (int?)l.Quantity) })
                    .ToDictionaryAsync(g => g.Key, g => g.Value, ct);
                foreach (var order in orders)
                {
                    total += lineCountsByOrderId.GetValueOrDefault(order.Id);
                    total += lineMaximaByOrderId.GetValueOrDefault(order.Id) ?? -1;
                }

                return total;
            }
        }
        """);

    [Fact]
    public Task Any_becomes_a_set_of_the_keys_that_have_rows() => PERF003Model.VerifyFix("""
        class C
        {
            async Task<int> M(ShopContext db, List<Order> orders, List<Customer> customers)
            {
                var flags = orders.Select(o => db.Lines.[|Any(l => l.OrderId == o.Id)|]).ToList();
                var active = 0;
                foreach (var customer in customers)
                {
                    if (await db.Orders.Where(o => o.CustomerId == customer.Id).[|AnyAsync()|])
                    {
                        active++;
                    }
                }

                return flags.Count(f => f) + active;
            }
        }
        """, """
        class C
        {
            async Task<int> M(ShopContext db, List<Order> orders, List<Customer> customers)
            {
                var lineKeys = orders.Select(o => o.Id).Distinct().ToList();
                var orderIdsWithLines = db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId))
                    .Select(l => l.OrderId)
                    .Distinct()
                    .ToHashSet();
                var flags = orders.Select(o => orderIdsWithLines.Contains(o.Id)).ToList();
                var active = 0;
                var orderKeys = customers.Select(customer => customer.Id).Distinct().ToList();
                var customerIdsWithOrders = (await db.Orders
                    .Where(o => orderKeys.Contains(o.CustomerId))
                    .Select(o => o.CustomerId)
                    .Distinct()
                    .ToListAsync()).ToHashSet();
                foreach (var customer in customers)
                {
                    if (customerIdsWithOrders.Contains(customer.Id))
                    {
                        active++;
                    }
                }

                return flags.Count(f => f) + active;
            }
        }
        """);

    [Fact]
    public Task Min_Max_Average_of_non_nullable_values_throw_on_an_empty_set_and_get_no_fix() => PERF003Model.VerifyNoFix("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    var min = db.Lines.Where(l => l.OrderId == order.Id).[|Min(l => l.Quantity)|];
                    var max = db.Lines.Where(l => l.OrderId == order.Id).[|Max(l => l.Quantity)|];
                    var average = db.Lines.Where(l => l.OrderId == order.Id).[|Average(l => l.Quantity)|];
                    var nullableSum = db.Lines.Where(l => l.OrderId == order.Id).[|Sum(l => (int?)l.Quantity)|];
                    var twoConditions = db.Lines.[|Count(l => l.OrderId == order.Id && l.Quantity > order.CustomerId)|];
                    var byName = db.Customers.[|Any(c => c.Name == order.Status)|];
                }
            }
        }
        """);

    // ---- First/Single by a column that is not the key: a lookup ----

    [Fact]
    public Task FirstOrDefault_and_SingleOrDefault_by_a_non_key_column_use_a_lookup() => PERF003Model.VerifyFix("""
        class C
        {
            async Task M(ShopContext db, List<Customer> customers, CancellationToken ct)
            {
                foreach (var customer in customers)
                {
                    var latest = db.Orders.OrderByDescending(o => o.Id).[|FirstOrDefault(o => o.CustomerId == customer.Id)|];
                    var only = await db.Orders.Where(o => o.CustomerId == customer.Id).[|SingleOrDefaultAsync(ct)|];
                    Console.WriteLine(latest?.Id + " " + only?.Id);
                }
            }
        }
        """, """
        class C
        {
            async Task M(ShopContext db, List<Customer> customers, CancellationToken ct)
            {
                var orderKeys = customers.Select(customer => customer.Id).Distinct().ToList();
                var ordersByCustomerId = db.Orders.OrderByDescending(o => o.Id).Where(o => orderKeys.Contains(o.CustomerId)).ToLookup(o => o.CustomerId);
                var orderKeys2 = customers.Select(customer => customer.Id).Distinct().ToList();
                var ordersByCustomerId2 = (await db.Orders.Where(o => orderKeys2.Contains(o.CustomerId)).ToListAsync(ct)).ToLookup(o => o.CustomerId);
                foreach (var customer in customers)
                {
                    var latest = ordersByCustomerId[customer.Id].FirstOrDefault();
                    var only = ordersByCustomerId2[customer.Id].SingleOrDefault();
                    Console.WriteLine(latest?.Id + " " + only?.Id);
                }
            }
        }
        """);

    // ---- batch_size: the key list in chunks ----

    [Fact]
    public Task Batch_size_chunks_the_keys_sync_and_async() => PERF003Model.VerifyFix("""
        class C
        {
            async Task M(ShopContext db, List<Order> orders, CancellationToken ct)
            {
                foreach (var order in orders)
                {
                    var customer = db.Customers.[|Find(order.CustomerId)|];
                    var lines = await db.Lines.Where(l => l.OrderId == order.Id).[|ToListAsync(ct)|];
                    var count = await db.Lines.[|CountAsync(l => l.OrderId == order.Id, ct)|];
                    var any = db.Lines.[|Any(l => l.OrderId == order.Id)|];
                }
            }
        }
        """, """
        class C
        {
            async Task M(ShopContext db, List<Order> orders, CancellationToken ct)
            {
                var customerKeys = orders.Select(order => order.CustomerId).Distinct().ToList();
                var customerRows = new List<Customer>();
                foreach (var chunk in customerKeys.Chunk(500))
                {
                    customerRows.AddRange(db.Customers.Where(c => chunk.Contains(c.Id)));
                }
                var customersByKey = customerRows.ToDictionary(c => c.Id);
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                var lineRows = new List<Line>();
                foreach (var chunk2 in lineKeys.Chunk(500))
                {
                    lineRows.AddRange(await db.Lines.Where(l => chunk2.Contains(l.OrderId)).ToListAsync(ct));
                }
                var linesByOrderId = lineRows.ToLookup(l => l.OrderId);
                var lineKeys2 = orders.Select(order => order.Id).Distinct().ToList();
                var lineCountsByOrderId = new Dictionary<int, int>();
                foreach (var chunk3 in lineKeys2.Chunk(500))
                {
                    foreach (var row in await db.Lines
                        .Where(l => chunk3.Contains(l.OrderId))
                        .GroupBy(l => l.OrderId)
                        .Select(g => new { g.Key, Value = g.Count() })
                        .ToListAsync(ct))
                    {
                        lineCountsByOrderId.Add(row.Key, row.Value);
                    }
                }
                var lineKeys3 = orders.Select(order => order.Id).Distinct().ToList();
                var orderIdsWithLines = new HashSet<int>();
                foreach (var chunk4 in lineKeys3.Chunk(500))
                {
                    orderIdsWithLines.UnionWith(db.Lines
                        .Where(l => chunk4.Contains(l.OrderId))
                        .Select(l => l.OrderId)
                        .Distinct());
                }
                foreach (var order in orders)
                {
                    var customer = customersByKey.GetValueOrDefault(order.CustomerId);
                    var lines = linesByOrderId[order.Id].ToList();
                    var count = lineCountsByOrderId.GetValueOrDefault(order.Id);
                    var any = orderIdsWithLines.Contains(order.Id);
                }
            }
        }
        """,
        editorConfig: "perf_analyzers.PERF003.batch_size = 500");

    [Fact]
    public Task Through_call_diagnostics_get_no_fix() => PERF003Model.VerifyNoFix("""
        public interface IOrderRepository
        {
            Task<int> CountLinesAsync(int orderId);
        }

        class C
        {
            async Task M(IOrderRepository repository, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    var count = await repository.[|CountLinesAsync(order.Id)|];
                }
            }
        }
        """);

    [Fact]
    public Task Top_level_statements_get_the_aggregate_and_the_save_fixes() =>
        new CodeFixTest<PERF003NPlusOneQueryAnalyzer, PERF003BatchQueryCodeFix>
        {
            OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication,
            Sources =
            {
                PERF003Model.FixUsings + """
                var db = new ShopContext(new DbContextOptionsBuilder<ShopContext>().Options);
                var orders = new List<Order>();
                foreach (var order in orders)
                {
                    Console.WriteLine(db.Lines.[|Count(l => l.OrderId == order.Id)|]);
                }

                foreach (var order in orders)
                {
                    order.Status = "seen";
                    db.[|SaveChanges()|];
                }
                """,
                PERF003Model.Source,
            },
            FixedSources =
            {
                PERF003Model.FixUsings + """
                var db = new ShopContext(new DbContextOptionsBuilder<ShopContext>().Options);
                var orders = new List<Order>();
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                var lineCountsByOrderId = db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId))
                    .GroupBy(l => l.OrderId)
                    .Select(g => new { g.Key, Value = g.Count() })
                    .ToDictionary(g => g.Key, g => g.Value);
                foreach (var order in orders)
                {
                    Console.WriteLine(lineCountsByOrderId.GetValueOrDefault(order.Id));
                }

                foreach (var order in orders)
                {
                    order.Status = "seen";
                }

                db.SaveChanges();
                """,
                PERF003Model.Source,
            },
        }.RunAsync();
}
