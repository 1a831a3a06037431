namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 fix for set-based writes: a per-element <c>Where(x =&gt; x.Key == element.K).ExecuteDelete/ExecuteUpdate</c>
/// in a <c>foreach</c> becomes one <c>Where(x =&gt; keys.Contains(x.Key))</c> write before the loop, only where it is
/// the loop's only database effect (shapes from jellyfin's MigrateLibraryUserData and ReseedFolderFlag). Exact output,
/// Fix All, compiles; and the no-fix cases with the reason. Run proofs on SQLite are in <see cref="PERF003ExecuteWriteRunTests"/>.
/// </summary>
public class PERF003FixExecuteWriteTests
{
    private static Task VerifyFix(string code, string fixedCode, string? editorConfig = null) => PERF003Model.VerifyFix(code, fixedCode, editorConfig: editorConfig);

    private static Task VerifyNoFix(string code) => VerifyFix(code, code);

    [Fact]
    public Task ExecuteDeleteAsync_with_ConfigureAwait_before_tracked_adds_moves_before_the_loop() => VerifyFix("""
        class C
        {
            async Task M(ShopContext db, Dictionary<int, List<Line>> imported, CancellationToken ct)
            {
                foreach (var item in imported)
                {
                    await db.Lines.Where(l => l.OrderId == item.Key).[|ExecuteDeleteAsync(ct)|].ConfigureAwait(false);
                    db.Lines.AddRange(item.Value.DistinctBy(l => l.Product));
                }

                await db.SaveChangesAsync(ct).ConfigureAwait(false);
            }
        }
        """, """
        class C
        {
            async Task M(ShopContext db, Dictionary<int, List<Line>> imported, CancellationToken ct)
            {
                var lineKeys = imported.Select(item => item.Key).Distinct().ToList();
                await db.Lines.Where(l => lineKeys.Contains(l.OrderId)).ExecuteDeleteAsync(ct).ConfigureAwait(false);
                foreach (var item in imported)
                {
                    db.Lines.AddRange(item.Value.DistinctBy(l => l.Product));
                }

                await db.SaveChangesAsync(ct).ConfigureAwait(false);
            }
        }
        """);

    [Fact]
    public Task ExecuteUpdate_with_a_constant_setter_replaces_a_loop_that_only_writes() => VerifyFix("""
        class C
        {
            void M(ShopContext db, List<int> ids)
            {
                Console.WriteLine(ids.Count);
                foreach (var id in ids)
                {
                    db.Orders.Where(o => o.Id == id).[|ExecuteUpdate(s => s.SetProperty(o => o.Status, "paid"))|];
                }

                Console.WriteLine("done");
            }
        }
        """, """
        class C
        {
            void M(ShopContext db, List<int> ids)
            {
                Console.WriteLine(ids.Count);
                var orderKeys = ids.Distinct().ToList();
                db.Orders.Where(o => orderKeys.Contains(o.Id)).ExecuteUpdate(s => s.SetProperty(o => o.Status, "paid"));

                Console.WriteLine("done");
            }
        }
        """);

    [Fact]
    public Task Invariant_conditions_and_a_multi_line_chain_are_kept() => VerifyFix("""
        class C
        {
            async Task M(ShopContext db, Order[] orders, string product, CancellationToken ct)
            {
                foreach (var order in orders)
                {
                    await db.Lines
                        .Where(l => l.Product == product && l.OrderId == order.Id && l.Quantity > 0)
                        .[|ExecuteDeleteAsync(ct)|];
                }
            }
        }
        """, """
        class C
        {
            async Task M(ShopContext db, Order[] orders, string product, CancellationToken ct)
            {
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                await db.Lines
                    .Where(l => l.Product == product && lineKeys.Contains(l.OrderId) && l.Quantity > 0)
                    .ExecuteDeleteAsync(ct);
            }
        }
        """);

    [Fact]
    public Task Batch_size_chunks_the_keys() => VerifyFix("""
        class C
        {
            async Task M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    await db.Lines.Where(l => l.OrderId == order.Id).[|ExecuteDeleteAsync()|];
                }
            }
        }
        """, """
        class C
        {
            async Task M(ShopContext db, List<Order> orders)
            {
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                foreach (var chunk in lineKeys.Chunk(500))
                {
                    await db.Lines.Where(l => chunk.Contains(l.OrderId)).ExecuteDeleteAsync();
                }
            }
        }
        """, """
        root = true

        [*.cs]
        perf_analyzers.PERF003.batch_size = 500
        """);

    // ---- no fix, and why ----

    [Fact]
    public Task No_fix_where_the_setter_depends_on_the_element() => VerifyNoFix("""
        class C
        {
            async Task M(ShopContext db, List<Order> orders, CancellationToken ct)
            {
                foreach (var order in orders)
                {
                    var keeperId = order.CustomerId;
                    await db.Lines.Where(l => l.OrderId == order.Id).[|ExecuteUpdateAsync(s => s.SetProperty(l => l.Quantity, keeperId), ct)|];
                    await db.Orders.Where(o => o.Id == order.Id).[|ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, order.Status + "!"), ct)|];
                }
            }
        }
        """);

    [Fact]
    public Task No_fix_where_the_loop_reads_the_database_too() => VerifyNoFix("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    db.Lines.Where(l => l.OrderId == order.Id).[|ExecuteDelete()|];
                    Console.WriteLine(db.Lines.[|Count(l => l.OrderId == order.Id)|]);
                }
            }
        }
        """);

    [Fact]
    public Task No_fix_for_two_writes_in_one_loop_their_order_could_matter() => VerifyNoFix("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                // Batched, all line deletes would run before all order updates: with cascades or triggers the order can matter.
                foreach (var order in orders)
                {
                    db.Lines.Where(l => l.OrderId == order.Id).[|ExecuteDelete()|];
                    db.Orders.Where(o => o.Id == order.Id).[|ExecuteUpdate(s => s.SetProperty(o => o.Status, "emptied"))|];
                }
            }
        }
        """);

    [Fact]
    public Task No_fix_where_the_affected_row_count_is_used() => VerifyNoFix("""
        class C
        {
            int M(ShopContext db, List<Order> orders)
            {
                var deleted = 0;
                foreach (var order in orders)
                {
                    deleted += db.Lines.Where(l => l.OrderId == order.Id).[|ExecuteDelete()|];
                }

                return deleted;
            }
        }
        """);

    [Fact]
    public Task No_fix_where_the_write_is_conditional_or_the_loop_may_stop() => VerifyNoFix("""
        class C
        {
            void Log(Order o) { }

            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    if (order.Status == "open")
                    {
                        db.Lines.Where(l => l.OrderId == order.Id).[|ExecuteDelete()|];
                    }
                }

                foreach (var order in orders)
                {
                    if (order.Status == "stop")
                    {
                        break;
                    }

                    db.Lines.Where(l => l.OrderId == order.Id).[|ExecuteDelete()|];
                }

                foreach (var order in orders)
                {
                    db.Lines.Where(l => l.OrderId == order.Id).[|ExecuteDelete()|];
                    Log(order); // a method of the code base may reach the database
                }
            }
        }
        """);

    [Fact]
    public Task No_fix_for_a_string_key_a_non_key_predicate_or_a_lazy_source() => VerifyNoFix("""
        class C
        {
            void M(ShopContext db, List<Customer> customers, IEnumerable<Order> orders)
            {
                foreach (var customer in customers)
                {
                    db.Customers.Where(c => c.Name == customer.Name).[|ExecuteDelete()|];
                }

                foreach (var customer in customers)
                {
                    db.Orders.Where(o => o.CustomerId > customer.Id).[|ExecuteDelete()|];
                }

                foreach (var order in orders.Where(o => o.Status == "open"))
                {
                    db.Lines.Where(l => l.OrderId == order.Id).[|ExecuteDelete()|];
                }
            }
        }
        """);
}
