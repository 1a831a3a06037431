using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 fix (issue #17): compound predicates whose other conjuncts do not depend on the iteration, <c>OrderBy</c>/<c>ThenBy</c>
/// and a <c>Select</c> projection after the key <c>Where</c>, and loops that fill the element's own members (DTOs).
/// Exact output, Fix All, look-alikes without a fix; <see cref="PERF003CompoundRunTests"/> runs them on SQLite.
/// </summary>
public class PERF003FixCompoundTests
{
    [Fact]
    public Task Count_with_an_element_independent_conjunct_keeps_it_in_the_batch_filter() => PERF003Model.VerifyFix("""
        class C
        {
            Dictionary<int, int> M(ShopContext db, List<Order> orders, int minimum)
            {
                var counts = new Dictionary<int, int>();
                foreach (var order in orders)
                {
                    counts[order.Id] = db.Lines.[|Count(l => l.Quantity >= minimum && l.OrderId == order.Id && l.Product != "")|];
                }

                return counts;
            }
        }
        """, """
        class C
        {
            Dictionary<int, int> M(ShopContext db, List<Order> orders, int minimum)
            {
                var counts = new Dictionary<int, int>();
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                var lineCountsByOrderId = db.Lines
                    .Where(l => l.Quantity >= minimum && lineKeys.Contains(l.OrderId) && l.Product != "")
                    .GroupBy(l => l.OrderId)
                    .Select(g => new { g.Key, Value = g.Count() })
                    .ToDictionary(g => g.Key, g => g.Value);
                foreach (var order in orders)
                {
                    counts[order.Id] = lineCountsByOrderId.GetValueOrDefault(order.Id);
                }

                return counts;
            }
        }
        """);

    [Fact]
    public Task Async_Any_and_FirstOrDefault_by_key_with_a_conjunct() => PERF003Model.VerifyFix("""
        class C
        {
            async Task<int> M(ShopContext db, List<Order> orders, CancellationToken ct)
            {
                var found = 0;
                foreach (var order in orders)
                {
                    var customer = await db.Customers.[|FirstOrDefaultAsync(c => c.Id == order.CustomerId && c.Email != "", ct)|];
                    if (customer is not null)
                    {
                        found++;
                    }
                }

                return found;
            }
        }
        """, """
        class C
        {
            async Task<int> M(ShopContext db, List<Order> orders, CancellationToken ct)
            {
                var found = 0;
                var customerKeys = orders.Select(order => order.CustomerId).Distinct().ToList();
                var customersByKey = await db.Customers.Where(c => customerKeys.Contains(c.Id) && c.Email != "").ToDictionaryAsync(c => c.Id, ct);
                foreach (var order in orders)
                {
                    var customer = customersByKey.GetValueOrDefault(order.CustomerId);
                    if (customer is not null)
                    {
                        found++;
                    }
                }

                return found;
            }
        }
        """);

    [Fact]
    public Task OrderBy_and_ThenBy_after_the_key_Where_stay_in_the_batch_query() => PERF003Model.VerifyFix("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    var lines = db.Lines.Where(l => l.OrderId == order.Id && l.Quantity > 1).OrderByDescending(l => l.Quantity).ThenBy(l => l.Id).[|ToList()|];
                    Console.WriteLine(lines.Count);
                }
            }
        }
        """, """
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                var linesByOrderId = db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId) && l.Quantity > 1)
                    .OrderByDescending(l => l.Quantity)
                    .ThenBy(l => l.Id)
                    .ToLookup(l => l.OrderId);
                foreach (var order in orders)
                {
                    var lines = linesByOrderId[order.Id].ToList();
                    Console.WriteLine(lines.Count);
                }
            }
        }
        """);

    [Fact]
    public Task Ordered_projection_FirstOrDefaultAsync_carries_the_key_through_the_Select() => PERF003Model.VerifyFix("""
        class C
        {
            async Task<List<string>> M(ShopContext db, IReadOnlyList<Order> orders, CancellationToken ct)
            {
                var products = new List<string>();
                foreach (var order in orders)
                {
                    var product = await db.Lines
                        .Where(l => l.OrderId == order.Id)
                        .OrderByDescending(l => l.Quantity)
                        .Select(l => l.Product)
                        .[|FirstOrDefaultAsync(ct)|];
                    products.Add(product ?? "-");
                }

                return products;
            }
        }
        """, """
        class C
        {
            async Task<List<string>> M(ShopContext db, IReadOnlyList<Order> orders, CancellationToken ct)
            {
                var products = new List<string>();
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                var linesByOrderId = (await db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId))
                    .OrderByDescending(l => l.Quantity)
                    .Select(l => new { Key = l.OrderId, Value = l.Product })
                    .ToListAsync(ct)).ToLookup(l => l.Key, l => l.Value);
                foreach (var order in orders)
                {
                    var product = linesByOrderId[order.Id].FirstOrDefault();
                    products.Add(product ?? "-");
                }

                return products;
            }
        }
        """);

    [Fact]
    public Task Projection_into_a_DTO_with_ToList() => PERF003Model.VerifyFix("""
        record LineDto(int Id, int Quantity);

        class C
        {
            void M(ShopContext db, Order[] orders)
            {
                foreach (var order in orders)
                {
                    var lines = db.Lines.Where(l => l.OrderId == order.Id).Select(l => new LineDto(l.Id, l.Quantity * 2)).[|ToList()|];
                    Console.WriteLine(lines.Count);
                }
            }
        }
        """, """
        record LineDto(int Id, int Quantity);

        class C
        {
            void M(ShopContext db, Order[] orders)
            {
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                var linesByOrderId = db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId))
                    .Select(l => new { Key = l.OrderId, Value = new LineDto(l.Id, l.Quantity * 2) })
                    .ToLookup(l => l.Key, l => l.Value);
                foreach (var order in orders)
                {
                    var lines = linesByOrderId[order.Id].ToList();
                    Console.WriteLine(lines.Count);
                }
            }
        }
        """);

    [Fact]
    public Task A_DTO_filled_in_the_loop_gets_both_queries_batched_one_by_one_and_by_Fix_All() => PERF003Model.VerifyFix("""
        class OrderView
        {
            public int Id { get; set; }
            public int CustomerId { get; set; }
            public int LineCount { get; set; }
            public string? CustomerName { get; set; }
        }

        class C
        {
            void M(ShopContext db, List<OrderView> views)
            {
                foreach (var view in views)
                {
                    view.LineCount = db.Lines.[|Count(l => l.OrderId == view.Id && l.Quantity > 0)|];
                    view.CustomerName = db.Customers.Where(c => c.Id == view.CustomerId).Select(c => c.Name).[|FirstOrDefault()|];
                }
            }
        }
        """, """
        class OrderView
        {
            public int Id { get; set; }
            public int CustomerId { get; set; }
            public int LineCount { get; set; }
            public string? CustomerName { get; set; }
        }

        class C
        {
            void M(ShopContext db, List<OrderView> views)
            {
                var lineKeys = views.Select(view => view.Id).Distinct().ToList();
                var lineCountsByOrderId = db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId) && l.Quantity > 0)
                    .GroupBy(l => l.OrderId)
                    .Select(g => new { g.Key, Value = g.Count() })
                    .ToDictionary(g => g.Key, g => g.Value);
                var customerKeys = views.Select(view => view.CustomerId).Distinct().ToList();
                var customersById = db.Customers
                    .Where(c => customerKeys.Contains(c.Id))
                    .Select(c => new { Key = c.Id, Value = c.Name })
                    .ToLookup(c => c.Key, c => c.Value);
                foreach (var view in views)
                {
                    view.LineCount = lineCountsByOrderId.GetValueOrDefault(view.Id);
                    view.CustomerName = customersById[view.CustomerId].FirstOrDefault();
                }
            }
        }
        """);

    [Fact]
    public Task The_operator_predicate_after_the_key_Where_becomes_a_second_Where() => PERF003Model.VerifyFix("""
        class C
        {
            async Task<int> M(ShopContext db, List<Order> orders, CancellationToken ct)
            {
                var withBigLines = 0;
                foreach (var order in orders)
                {
                    if (await db.Lines.Where(l => l.OrderId == order.Id).[|AnyAsync(l => l.Quantity > 5, ct)|])
                    {
                        withBigLines++;
                    }
                }

                return withBigLines;
            }
        }
        """, """
        class C
        {
            async Task<int> M(ShopContext db, List<Order> orders, CancellationToken ct)
            {
                var withBigLines = 0;
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                var orderIdsWithLines = (await db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId))
                    .Where(l => l.Quantity > 5)
                    .Select(l => l.OrderId)
                    .Distinct()
                    .ToListAsync(ct)).ToHashSet();
                foreach (var order in orders)
                {
                    if (orderIdsWithLines.Contains(order.Id))
                    {
                        withBigLines++;
                    }
                }

                return withBigLines;
            }
        }
        """);

    [Fact]
    public Task An_operator_predicate_that_reads_the_element_gets_no_fix() => PERF003Model.VerifyNoFix("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    Console.WriteLine(db.Lines.Where(l => l.OrderId == order.Id).[|Count(l => l.Quantity > order.CustomerId)|]);
                }
            }
        }
        """);

    [Fact]
    public Task A_foreach_over_an_array_a_method_returns_is_listed_once_before_the_loop() => PERF003Model.VerifyFix("""
        class C
        {
            static int[] OpenOrderIds() => new[] { 1, 2, 3 };

            void M(ShopContext db)
            {
                foreach (var id in OpenOrderIds())
                {
                    Console.WriteLine(db.Lines.[|Count(l => l.OrderId == id)|]);
                }
            }
        }
        """, """
        class C
        {
            static int[] OpenOrderIds() => new[] { 1, 2, 3 };

            void M(ShopContext db)
            {
                var openOrderIds = OpenOrderIds().ToList();
                var lineKeys = openOrderIds.Select(id => id).Distinct().ToList();
                var lineCountsByOrderId = db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId))
                    .GroupBy(l => l.OrderId)
                    .Select(g => new { g.Key, Value = g.Count() })
                    .ToDictionary(g => g.Key, g => g.Value);
                foreach (var id in openOrderIds)
                {
                    Console.WriteLine(lineCountsByOrderId.GetValueOrDefault(id));
                }
            }
        }
        """);

    [Fact]
    public Task With_batch_size_a_compound_ordered_lookup_is_loaded_chunk_by_chunk() => new CodeFixTest<PERF003NPlusOneQueryAnalyzer, PERF003BatchQueryCodeFix>
    {
        Sources =
        {
            PERF003Model.FixUsings + """
                class C
                {
                    void M(ShopContext db, List<Order> orders)
                    {
                        foreach (var order in orders)
                        {
                            var lines = db.Lines.Where(l => l.OrderId == order.Id && l.Quantity > 1).OrderBy(l => l.Quantity).[|ToList()|];
                        }
                    }
                }
                """,
            PERF003Model.Source,
        },
        FixedSources =
        {
            PERF003Model.FixUsings + """
                class C
                {
                    void M(ShopContext db, List<Order> orders)
                    {
                        var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                        var lineRows = new List<Line>();
                        foreach (var chunk in lineKeys.Chunk(100))
                        {
                            lineRows.AddRange(db.Lines
                                .Where(l => chunk.Contains(l.OrderId) && l.Quantity > 1)
                                .OrderBy(l => l.Quantity));
                        }
                        var linesByOrderId = lineRows.ToLookup(l => l.OrderId);
                        foreach (var order in orders)
                        {
                            var lines = linesByOrderId[order.Id].ToList();
                        }
                    }
                }
                """,
            PERF003Model.Source,
        },
        EditorConfig = "perf_analyzers.PERF003.batch_size = 100",
    }.RunAsync();

    // ---- Look-alikes without a fix ----

    [Fact]
    public Task A_conjunct_that_reads_the_element_gets_no_fix() => PERF003Model.VerifyNoFix("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    Console.WriteLine(db.Lines.[|Count(l => l.OrderId == order.Id && l.Quantity > order.CustomerId)|]);
                }
            }
        }
        """);

    [Fact]
    public Task A_conjunct_that_calls_a_method_or_reads_a_static_property_gets_no_fix() => PERF003Model.VerifyNoFix("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    Console.WriteLine(db.Lines.[|Count(l => l.OrderId == order.Id && l.Product.StartsWith("P"))|]);
                    Console.WriteLine(db.Lines.[|Any(l => l.OrderId == order.Id && l.Quantity > Environment.ProcessorCount)|]);
                }
            }
        }
        """);

    [Fact]
    public Task A_conjunct_reading_a_local_of_the_loop_or_one_the_loop_changes_gets_no_fix() => PERF003Model.VerifyNoFix("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                var threshold = 0;
                foreach (var order in orders)
                {
                    var minimum = 2;
                    Console.WriteLine(db.Lines.[|Count(l => l.OrderId == order.Id && l.Quantity > minimum)|]);
                    Console.WriteLine(db.Lines.[|Count(l => l.OrderId == order.Id && l.Quantity > threshold)|]);
                    threshold++;
                }
            }
        }
        """);

    [Fact]
    public Task A_projection_calling_a_method_Take_after_the_Where_and_an_ordering_by_the_element_get_no_fix() => PERF003Model.VerifyNoFix("""
        class C
        {
            static string Describe(Line line) => line.Product + line.Quantity;

            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    var described = db.Lines.Where(l => l.OrderId == order.Id).Select(l => Describe(l)).[|ToList()|];
                    var top = db.Lines.Where(l => l.OrderId == order.Id).Take(2).OrderBy(l => l.Quantity).[|ToList()|];
                    var near = db.Lines.Where(l => l.OrderId == order.Id).OrderBy(l => l.Quantity - order.CustomerId).[|FirstOrDefault()|];
                }
            }
        }
        """);

    [Fact]
    public Task Assigning_the_key_member_or_a_nested_member_of_the_element_gets_no_fix() => PERF003Model.VerifyNoFix("""
        class OrderView
        {
            private int _customerId;
            public int Id { get; set; }
            public int CustomerId { get => _customerId; set => _customerId = value; }
            public int LineCount { get; set; }
            public Order Order { get; set; } = new();
        }

        class C
        {
            void M(ShopContext db, List<OrderView> views)
            {
                foreach (var view in views)
                {
                    view.LineCount = db.Lines.[|Count(l => l.OrderId == view.Id)|];
                    view.Id = 0;
                }
            }

            void N(ShopContext db, List<OrderView> views)
            {
                foreach (var view in views)
                {
                    view.LineCount = db.Lines.[|Count(l => l.OrderId == view.Order.Id)|];
                    view.Order.Id = 0;
                }
            }

            void P(ShopContext db, List<OrderView> views)
            {
                foreach (var view in views)
                {
                    view.CustomerId = db.Lines.[|Count(l => l.OrderId == view.Id)|];
                }
            }
        }
        """);

    [Fact]
    public Task An_aggregate_after_an_ordering_and_a_projection_with_chunks_get_no_fix() => new CodeFixTest<PERF003NPlusOneQueryAnalyzer, PERF003BatchQueryCodeFix>
    {
        Sources =
        {
            PERF003Model.FixUsings + """
                class C
                {
                    void M(ShopContext db, List<Order> orders)
                    {
                        foreach (var order in orders)
                        {
                            Console.WriteLine(db.Lines.Where(l => l.OrderId == order.Id).OrderBy(l => l.Id).[|Count()|]);
                            Console.WriteLine(db.Lines.Where(l => l.OrderId == order.Id).Select(l => l.Quantity).[|ToList()|]);
                        }
                    }
                }
                """,
            PERF003Model.Source,
        },
        FixedSources =
        {
            PERF003Model.FixUsings + """
                class C
                {
                    void M(ShopContext db, List<Order> orders)
                    {
                        foreach (var order in orders)
                        {
                            Console.WriteLine(db.Lines.Where(l => l.OrderId == order.Id).OrderBy(l => l.Id).[|Count()|]);
                            Console.WriteLine(db.Lines.Where(l => l.OrderId == order.Id).Select(l => l.Quantity).[|ToList()|]);
                        }
                    }
                }
                """,
            PERF003Model.Source,
        },
        EditorConfig = "perf_analyzers.PERF003.batch_size = 100",
    }.RunAsync();
}
