namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 fix for writes: <c>SaveChanges</c>/<c>SaveChangesAsync</c> as the last statement of a loop body moves after
/// the loop, only where nothing in the loop can read what a save produced. Exact output, Fix All, compiles.
/// </summary>
public class PERF003FixSaveChangesTests
{
    private static Task VerifyFix(string code, string fixedCode) => PERF003Model.VerifyFix(code, fixedCode);

    private static Task VerifyNoFix(string code) => VerifyFix(code, code);

    [Fact]
    public Task SaveChanges_at_the_end_of_a_foreach_moves_after_the_loop() => VerifyFix("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    order.Status = "paid";
                    db.Lines.Add(new Line { OrderId = order.Id, Product = "fee" });
                    db.[|SaveChanges()|];
                }

                Console.WriteLine("done");
            }
        }
        """, """
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    order.Status = "paid";
                    db.Lines.Add(new Line { OrderId = order.Id, Product = "fee" });
                }

                db.SaveChanges();

                Console.WriteLine("done");
            }
        }
        """);

    [Fact]
    public Task Awaited_SaveChangesAsync_keeps_its_token_and_ConfigureAwait() => VerifyFix("""
        class C
        {
            async Task M(ShopContext db, IReadOnlyList<string> names, CancellationToken ct)
            {
                for (var i = 0; i < names.Count; i++)
                {
                    db.Customers.Add(new Customer { Name = names[i] });
                    await db.[|SaveChangesAsync(ct)|].ConfigureAwait(false);
                }
            }
        }
        """, """
        class C
        {
            async Task M(ShopContext db, IReadOnlyList<string> names, CancellationToken ct)
            {
                for (var i = 0; i < names.Count; i++)
                {
                    db.Customers.Add(new Customer { Name = names[i] });
                }

                await db.SaveChangesAsync(ct).ConfigureAwait(false);
            }
        }
        """);

    [Fact]
    public Task No_fix_where_the_loop_could_see_what_a_save_produced() => VerifyNoFix("""
        class C
        {
            void Log(Customer c) { }

            async Task M(ShopContext db, List<Order> orders, Dictionary<int, Customer> created, CancellationToken ct)
            {
                // A generated key read in a later iteration.
                foreach (var order in orders)
                {
                    if (!created.TryGetValue(order.CustomerId, out var customer))
                    {
                        customer = new Customer();
                        db.Customers.Add(customer);
                        created[order.CustomerId] = customer;
                    }

                    db.Lines.Add(new Line { OrderId = customer.Id });
                    db.[|SaveChanges()|];
                }

                // Not the last statement: what follows reads the saved state.
                foreach (var order in orders)
                {
                    var customer = new Customer { Name = order.Status };
                    db.Customers.Add(customer);
                    db.[|SaveChanges()|];
                    Console.WriteLine(order.Id);
                }

                // A per-element try/catch, a continue, a method of the code base, a query in the loop.
                foreach (var order in orders)
                {
                    try
                    {
                        order.Status = "x";
                    }
                    catch (Exception)
                    {
                    }

                    db.[|SaveChanges()|];
                }

                foreach (var order in orders)
                {
                    if (order.Id == 0)
                    {
                        continue;
                    }

                    order.Status = "x";
                    db.[|SaveChanges()|];
                }

                foreach (var order in orders)
                {
                    Log(new Customer { Name = order.Status });
                    db.[|SaveChanges()|];
                }

                foreach (var order in orders)
                {
                    order.Status = db.Customers.[|First(c => c.Id == order.CustomerId)|].Name;
                    await db.[|SaveChangesAsync(ct)|];
                }

                // The result is used; a context made per iteration; a query streamed by the loop.
                var saved = 0;
                foreach (var order in orders)
                {
                    order.Status = "y";
                    saved += db.[|SaveChanges()|];
                }

                foreach (var order in db.Orders)
                {
                    order.Status = "z";
                    db.[|SaveChanges()|];
                }
            }
        }
        """);

    [Fact]
    public Task A_per_element_lambda_gets_no_fix() => VerifyNoFix("""
        class C
        {
            void M(ShopContext db, List<Order> orders, Queue<Order> queue)
            {
                orders.ForEach(order =>
                {
                    order.Status = "paid";
                    db.[|SaveChanges()|];
                });
            }
        }
        """);
}
