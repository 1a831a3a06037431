using Microsoft.CodeAnalysis;
using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

public class PERF003FixTests
{
    // ---- Key lookup: FirstOrDefault / First / Single / SingleOrDefault ----

    [Fact]
    public Task FirstOrDefault_key_lookup_becomes_one_Contains_query_and_a_dictionary() => PERF003Model.VerifyFix("""
        class C
        {
            List<string> M(ShopContext db, List<Order> orders)
            {
                var names = new List<string>();
                foreach (var order in orders)
                {
                    var customer = db.Customers.[|FirstOrDefault(c => c.Id == order.CustomerId)|];
                    names.Add(customer?.Name ?? "?");
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
                foreach (var order in orders)
                {
                    var customer = customersByKey.GetValueOrDefault(order.CustomerId);
                    names.Add(customer?.Name ?? "?");
                }

                return names;
            }
        }
        """);

    [Fact]
    public Task First_and_Single_use_the_indexer_and_reversed_equality_is_understood() => PERF003Model.VerifyFix("""
        class C
        {
            void M(ShopContext db, Order[] orders)
            {
                foreach (var order in orders)
                {
                    var first = db.Customers.[|First(c => order.CustomerId == c.Id)|];
                }
            }

            void N(ShopContext db, IReadOnlyList<Order> orders)
            {
                foreach (var order in orders)
                {
                    Console.WriteLine(db.Customers.AsNoTracking().[|Single(c => c.Id == order.CustomerId)|].Name);
                }
            }
        }
        """, """
        class C
        {
            void M(ShopContext db, Order[] orders)
            {
                var customerKeys = orders.Select(order => order.CustomerId).Distinct().ToList();
                var customersByKey = db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionary(c => c.Id);
                foreach (var order in orders)
                {
                    var first = customersByKey[order.CustomerId];
                }
            }

            void N(ShopContext db, IReadOnlyList<Order> orders)
            {
                var customerKeys = orders.Select(order => order.CustomerId).Distinct().ToList();
                var customersByKey = db.Customers.AsNoTracking().Where(c => customerKeys.Contains(c.Id)).ToDictionary(c => c.Id);
                foreach (var order in orders)
                {
                    Console.WriteLine(customersByKey[order.CustomerId].Name);
                }
            }
        }
        """);

    [Fact]
    public Task Async_lookup_becomes_ToDictionaryAsync_with_the_same_token() => PERF003Model.VerifyFix("""
        class C
        {
            async Task<int> M(ShopContext db, List<Order> orders, CancellationToken ct)
            {
                var found = 0;
                foreach (var order in orders)
                {
                    var customer = await db.Customers.[|SingleOrDefaultAsync(c => c.Id == order.CustomerId, ct)|];
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
                var customersByKey = await db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
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
    public Task Names_already_in_use_get_a_number() => PERF003Model.VerifyFix("""
        class C
        {
            void M(ShopContext db, List<Order> orders, List<int> customerKeys)
            {
                var customersByKey = 1;
                foreach (var order in orders)
                {
                    var customer = db.Customers.[|FirstOrDefault(c => c.Id == order.CustomerId)|];
                }
            }
        }
        """, """
        class C
        {
            void M(ShopContext db, List<Order> orders, List<int> customerKeys)
            {
                var customersByKey = 1;
                var customerKeys2 = orders.Select(order => order.CustomerId).Distinct().ToList();
                var customersByKey2 = db.Customers.Where(c => customerKeys2.Contains(c.Id)).ToDictionary(c => c.Id);
                foreach (var order in orders)
                {
                    var customer = customersByKey2.GetValueOrDefault(order.CustomerId);
                }
            }
        }
        """);

    [Fact]
    public Task Fix_all_batches_every_query_of_a_loop_and_of_several_loops() => PERF003Model.VerifyFix("""
        class C
        {
            void M(ShopContext db, List<Order> orders, List<Line> lines)
            {
                foreach (var order in orders)
                {
                    var customer = db.Customers.[|FirstOrDefault(c => c.Id == order.CustomerId)|];
                    var items = db.Lines.Where(l => l.OrderId == order.Id).[|ToList()|];
                }

                foreach (var line in lines)
                {
                    var order = db.Orders.[|Single(o => o.Id == line.OrderId)|];
                }
            }
        }
        """, """
        class C
        {
            void M(ShopContext db, List<Order> orders, List<Line> lines)
            {
                var customerKeys = orders.Select(order => order.CustomerId).Distinct().ToList();
                var customersByKey = db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionary(c => c.Id);
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                var linesByOrderId = db.Lines.Where(l => lineKeys.Contains(l.OrderId)).ToLookup(l => l.OrderId);
                foreach (var order in orders)
                {
                    var customer = customersByKey.GetValueOrDefault(order.CustomerId);
                    var items = linesByOrderId[order.Id].ToList();
                }

                var orderKeys = lines.Select(line => line.OrderId).Distinct().ToList();
                var ordersByKey = db.Orders.Where(o => orderKeys.Contains(o.Id)).ToDictionary(o => o.Id);
                foreach (var line in lines)
                {
                    var order = ordersByKey[line.OrderId];
                }
            }
        }
        """);

    // ---- Find ----

    [Fact]
    public Task Find_by_conventional_key_becomes_a_dictionary() => PERF003Model.VerifyFix("""
        class C
        {
            async Task M(ShopContext db, List<Order> orders, List<Line> lines)
            {
                foreach (var order in orders)
                {
                    var customer = db.Customers.[|Find(order.CustomerId)|];
                }

                foreach (var line in lines)
                {
                    var product = await db.Products.[|FindAsync(line.Quantity)|];
                }
            }
        }
        """, """
        class C
        {
            async Task M(ShopContext db, List<Order> orders, List<Line> lines)
            {
                var customerKeys = orders.Select(order => order.CustomerId).Distinct().ToList();
                var customersByKey = db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionary(c => c.Id);
                foreach (var order in orders)
                {
                    var customer = customersByKey.GetValueOrDefault(order.CustomerId);
                }

                var productKeys = lines.Select(line => line.Quantity).Distinct().ToList();
                var productsByKey = await db.Products.Where(p => productKeys.Contains(p.ProductId)).ToDictionaryAsync(p => p.ProductId);
                foreach (var line in lines)
                {
                    var product = productsByKey.GetValueOrDefault(line.Quantity);
                }
            }
        }
        """);

    // ---- One-to-many ----

    [Fact]
    public Task Where_ToList_becomes_ToLookup_sync_and_async() => PERF003Model.VerifyFix("""
        class C
        {
            async Task M(ShopContext db, List<Order> orders, CancellationToken ct)
            {
                foreach (var order in orders)
                {
                    var lines = db.Lines.Where(l => l.OrderId == order.Id).[|ToArray()|];
                }

                foreach (var order in orders)
                {
                    var lines = await db.Lines.Where(l => l.OrderId == order.Id).[|ToListAsync(ct)|];
                }
            }
        }
        """, """
        class C
        {
            async Task M(ShopContext db, List<Order> orders, CancellationToken ct)
            {
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                var linesByOrderId = db.Lines.Where(l => lineKeys.Contains(l.OrderId)).ToLookup(l => l.OrderId);
                foreach (var order in orders)
                {
                    var lines = linesByOrderId[order.Id].ToArray();
                }

                var lineKeys2 = orders.Select(order => order.Id).Distinct().ToList();
                var linesByOrderId2 = (await db.Lines.Where(l => lineKeys2.Contains(l.OrderId)).ToListAsync(ct)).ToLookup(l => l.OrderId);
                foreach (var order in orders)
                {
                    var lines = linesByOrderId2[order.Id].ToList();
                }
            }
        }
        """);

    // ---- Per-element lambda ----

    [Fact]
    public Task Select_lambda_lookup_is_batched_before_the_statement() => PERF003Model.VerifyFix("""
        class C
        {
            List<Customer> M(ShopContext db, List<Order> orders)
            {
                return orders.Select(o => db.Customers.[|First(c => c.Id == o.CustomerId)|]).ToList();
            }
        }
        """, """
        class C
        {
            List<Customer> M(ShopContext db, List<Order> orders)
            {
                var customerKeys = orders.Select(o => o.CustomerId).Distinct().ToList();
                var customersByKey = db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionary(c => c.Id);
                return orders.Select(o => customersByKey[o.CustomerId]).ToList();
            }
        }
        """);

    [Fact]
    public Task Select_lambda_with_a_block_body_is_fixed_but_an_async_one_is_not() => PERF003Model.VerifyFix("""
        class C
        {
            List<string> M(ShopContext db, Order[] orders)
            {
                var names = orders.Select(o =>
                {
                    var customer = db.Customers.[|SingleOrDefault(c => c.Id == o.CustomerId)|];
                    return customer?.Name ?? "?";
                }).ToArray();
                var tasks = orders.Select(async o => await db.Customers.[|FindAsync(o.CustomerId)|]).ToList();
                return names.ToList();
            }
        }
        """, """
        class C
        {
            List<string> M(ShopContext db, Order[] orders)
            {
                var customerKeys = orders.Select(o => o.CustomerId).Distinct().ToList();
                var customersByKey = db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionary(c => c.Id);
                var names = orders.Select(o =>
                {
                    var customer = customersByKey.GetValueOrDefault(o.CustomerId);
                    return customer?.Name ?? "?";
                }).ToArray();
                var tasks = orders.Select(async o => await db.Customers.[|FindAsync(o.CustomerId)|]).ToList();
                return names.ToList();
            }
        }
        """);

    [Fact]
    public Task Top_level_statements_are_fixed() =>
        new CodeFixTest<PERF003NPlusOneQueryAnalyzer, PERF003BatchQueryCodeFix>
        {
            Sources =
            {
                PERF003Model.FixUsings + """
                var db = new ShopContext(new DbContextOptions<ShopContext>());
                var orders = db.Orders.ToList();
                foreach (var order in orders)
                {
                    Console.WriteLine(db.Customers.[|Find(order.CustomerId)|]?.Name);
                }
                """,
                PERF003Model.Source,
            },
            FixedSources =
            {
                PERF003Model.FixUsings + """
                var db = new ShopContext(new DbContextOptions<ShopContext>());
                var orders = db.Orders.ToList();
                var customerKeys = orders.Select(order => order.CustomerId).Distinct().ToList();
                var customersByKey = db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionary(c => c.Id);
                foreach (var order in orders)
                {
                    Console.WriteLine(customersByKey.GetValueOrDefault(order.CustomerId)?.Name);
                }
                """,
                PERF003Model.Source,
            },
            OutputKind = OutputKind.ConsoleApplication,
        }.RunAsync();

    [Fact]
    public Task Missing_usings_are_added() =>
        new CodeFixTest<PERF003NPlusOneQueryAnalyzer, PERF003BatchQueryCodeFix>
        {
            Sources =
            {
                """
                class C
                {
                    void M(ShopContext db, Order[] orders)
                    {
                        foreach (var order in orders)
                        {
                            var customer = db.Customers.[|Find(order.CustomerId)|];
                        }
                    }
                }
                """,
                PERF003Model.Source,
            },
            FixedSources =
            {
                """
                using System.Linq;
                using System.Collections.Generic;
                class C
                {
                    void M(ShopContext db, Order[] orders)
                    {
                        var customerKeys = orders.Select(order => order.CustomerId).Distinct().ToList();
                        var customersByKey = db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionary(c => c.Id);
                        foreach (var order in orders)
                        {
                            var customer = customersByKey.GetValueOrDefault(order.CustomerId);
                        }
                    }
                }
                """,
                PERF003Model.Source,
            },
        }.RunAsync();

    [Fact]
    public Task Partial_classes_across_two_documents_and_local_functions_are_fixed() =>
        new CodeFixTest<PERF003NPlusOneQueryAnalyzer, PERF003BatchQueryCodeFix>
        {
            Sources =
            {
                PERF003Model.FixUsings + """
                partial class C
                {
                    void M(ShopContext db, List<Order> orders)
                    {
                        Local();

                        void Local()
                        {
                            foreach (var order in orders)
                            {
                                var customer = db.Customers.[|Find(order.CustomerId)|];
                            }
                        }
                    }
                }
                """,
                PERF003Model.FixUsings + """
                partial class C
                {
                    async Task N(ShopContext db, Line[] lines)
                    {
                        foreach (var line in lines)
                        {
                            var order = await db.Orders.[|FirstOrDefaultAsync(o => o.Id == line.OrderId)|];
                        }
                    }
                }
                """,
                PERF003Model.Source,
            },
            FixedSources =
            {
                PERF003Model.FixUsings + """
                partial class C
                {
                    void M(ShopContext db, List<Order> orders)
                    {
                        Local();

                        void Local()
                        {
                            var customerKeys = orders.Select(order => order.CustomerId).Distinct().ToList();
                            var customersByKey = db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionary(c => c.Id);
                            foreach (var order in orders)
                            {
                                var customer = customersByKey.GetValueOrDefault(order.CustomerId);
                            }
                        }
                    }
                }
                """,
                PERF003Model.FixUsings + """
                partial class C
                {
                    async Task N(ShopContext db, Line[] lines)
                    {
                        var orderKeys = lines.Select(line => line.OrderId).Distinct().ToList();
                        var ordersByKey = await db.Orders.Where(o => orderKeys.Contains(o.Id)).ToDictionaryAsync(o => o.Id);
                        foreach (var line in lines)
                        {
                            var order = ordersByKey.GetValueOrDefault(line.OrderId);
                        }
                    }
                }
                """,
                PERF003Model.Source,
            },
        }.RunAsync();

    [Fact]
    public Task Generic_entity_through_Set_of_T_is_fixed_with_its_key() => PERF003Model.VerifyFix("""
        class C
        {
            void M(ShopContext db, Line[] lines)
            {
                foreach (var line in lines)
                {
                    var product = db.Set<Product>().[|FirstOrDefault(p => p.ProductId == line.Quantity)|];
                }
            }
        }
        """, """
        class C
        {
            void M(ShopContext db, Line[] lines)
            {
                var productKeys = lines.Select(line => line.Quantity).Distinct().ToList();
                var productsByKey = db.Set<Product>().Where(p => productKeys.Contains(p.ProductId)).ToDictionary(p => p.ProductId);
                foreach (var line in lines)
                {
                    var product = productsByKey.GetValueOrDefault(line.Quantity);
                }
            }
        }
        """);

    [Fact]
    public Task No_fix_for_ConfigureAwait_async_foreach_or_a_token_made_in_the_loop() => PERF003Model.VerifyNoFix("""
        class C
        {
            async Task M(ShopContext db, List<Order> orders, IAsyncEnumerable<Order> stream)
            {
                foreach (var order in orders)
                {
                    var customer = await db.Customers.[|FirstOrDefaultAsync(c => c.Id == order.CustomerId)|].ConfigureAwait(false);
                }

                await foreach (var order in stream)
                {
                    var customer = await db.Customers.[|FirstOrDefaultAsync(c => c.Id == order.CustomerId)|];
                }

                foreach (var order in orders)
                {
                    using var cts = new CancellationTokenSource();
                    var customer = await db.Customers.[|FirstOrDefaultAsync(c => c.Id == order.CustomerId, cts.Token)|];
                }
            }
        }
        """);

    // ---- No fix where behaviour could change ----

    [Fact]
    public Task No_fix_for_a_string_column_lookup() => PERF003Model.VerifyNoFix("""
        class C
        {
            void M(ShopContext db, List<Customer> people)
            {
                foreach (var person in people)
                {
                    var customer = db.Customers.[|FirstOrDefault(c => c.Email == person.Email)|];
                }
            }
        }
        """);

    [Fact]
    public Task A_call_or_lazy_collection_is_listed_once_before_the_loop() => PERF003Model.VerifyFix("""
        class C
        {
            IEnumerable<Order> Load() => new List<Order>();

            void M(ShopContext db, IEnumerable<Order> lazy)
            {
                foreach (var order in Load())
                {
                    var customer = db.Customers.[|Find(order.CustomerId)|];
                }

                foreach (var order in lazy)
                {
                    var customer = db.Customers.[|Find(order.CustomerId)|];
                }
            }
        }
        """, """
        class C
        {
            IEnumerable<Order> Load() => new List<Order>();

            void M(ShopContext db, IEnumerable<Order> lazy)
            {
                var load = Load().ToList();
                var customerKeys = load.Select(order => order.CustomerId).Distinct().ToList();
                var customersByKey = db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionary(c => c.Id);
                foreach (var order in load)
                {
                    var customer = customersByKey.GetValueOrDefault(order.CustomerId);
                }

                var lazyList = lazy.ToList();
                var customerKeys2 = lazyList.Select(order => order.CustomerId).Distinct().ToList();
                var customersByKey2 = db.Customers.Where(c2 => customerKeys2.Contains(c2.Id)).ToDictionary(c2 => c2.Id);
                foreach (var order in lazyList)
                {
                    var customer = customersByKey2.GetValueOrDefault(order.CustomerId);
                }
            }
        }
        """);

    [Fact]
    public Task No_fix_when_the_key_is_not_computed_from_the_element_alone() => PERF003Model.VerifyNoFix("""
        class C
        {
            int Offset(Order o) => o.CustomerId;

            void M(ShopContext db, List<Order> orders, int shift)
            {
                foreach (var order in orders)
                {
                    var local = order.CustomerId;
                    var a = db.Customers.[|Find(local)|];
                    var b = db.Customers.[|FirstOrDefault(c => c.Id == order.CustomerId + shift)|];
                    var d = db.Customers.[|FirstOrDefault(c => c.Id == Offset(order))|];
                }
            }
        }
        """);

    [Fact]
    public Task No_fix_when_the_loop_writes_or_changes_the_element() => PERF003Model.VerifyNoFix("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    var customer = db.Customers.[|Find(order.CustomerId)|];
                    db.Customers.Add(new Customer());
                }

                foreach (var order in orders)
                {
                    order.CustomerId++;
                    var customer = db.Customers.[|FirstOrDefault(c => c.Id == order.CustomerId)|];
                }
            }
        }
        """);

    [Fact]
    public Task No_fix_for_other_query_shapes_loops_and_lazy_lambdas() => PERF003Model.VerifyNoFix("""
        class C
        {
            void M(ShopContext db, List<Order> orders, int[] ids)
            {
                foreach (var order in orders)
                {
                    // An ordering and a conjunct that read the element (PERF003FixCompoundTests has the ones that get a fix).
                    var sorted = db.Lines.Where(l => l.OrderId == order.Id).OrderBy(l => l.Product == order.Status).[|ToList()|];
                    var customer = db.Customers.[|FirstOrDefault(c => c.Id == order.CustomerId && c.Name != order.Status)|];
                }

                // Every other index (PERF003FixIndexLoopTests has the for loops that get a fix).
                for (var i = 0; i < ids.Length; i += 2)
                {
                    var customer = db.Customers.[|Find(ids[i])|];
                }

                var lazy = orders.Select(o => db.Customers.[|Find(o.CustomerId)|]);
                var conditional = orders.Count > 0 ? orders.Select(o => db.Customers.[|Find(o.CustomerId)|]).ToList() : null;
            }
        }
        """);

    [Fact]
    public Task No_fix_when_the_source_projects_joins_or_pages() => PERF003Model.VerifyNoFix("""
        public class CustomerRow
        {
            public int Id { get; set; }
        }

        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    var row = db.Customers.Select(c => new CustomerRow { Id = c.Id }).[|FirstOrDefault(r => r.Id == order.CustomerId)|];
                    var twice = db.Customers.Concat(db.Customers).[|FirstOrDefault(c => c.Id == order.CustomerId)|];
                    var paged = db.Lines.Take(10).Where(l => l.OrderId == order.Id).[|ToList()|];
                }
            }
        }
        """);

    [Fact]
    public Task No_fix_for_string_keys_or_configured_keys() => PERF003Model.VerifyNoFix("""
        using System.ComponentModel.DataAnnotations;

        public class Tag
        {
            public int Id { get; set; }
            [Key] public int Code { get; set; }
        }

        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    var byStatus = db.Orders.[|FirstOrDefault(o => o.Status == order.Status)|];
                }
            }
        }
        """);
}
