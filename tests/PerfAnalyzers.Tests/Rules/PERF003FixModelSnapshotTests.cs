namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// The entity keys the PERF003 fix reads from a migration snapshot, whose builders are named by string
/// (<c>modelBuilder.Entity("Ns.Order", b =&gt; { b.HasKey("Id"); })</c>). Before, any such builder made every key of
/// the compilation unknown, so no code base with EF Core migrations (eShop, jellyfin, Kavita, smartstore) got the
/// dictionary forms or <c>Find</c>. A type name that does not resolve still makes the keys unknown.
/// </summary>
public class PERF003FixModelSnapshotTests
{
    private static Task VerifyFix(string code, string fixedCode) => PERF003Model.VerifyFix(code, fixedCode);

    private const string Snapshot = """
        class ShopContextModelSnapshot
        {
            protected void BuildModel(ModelBuilder modelBuilder)
            {
                modelBuilder.Entity("Customer", b =>
                {
                    b.Property<int>("Id");
                    b.HasKey("Id");
                    b.OwnsOne("Address", "Address", b1 =>
                    {
                        b1.HasKey("CustomerId");
                    });
                });
                modelBuilder.Entity("Line", b =>
                {
                    b.HasKey("Id", "OrderId");
                });
            }
        }

        """;

    [Fact]
    public Task A_single_key_in_the_snapshot_keeps_Find_fixable() => VerifyFix(Snapshot + """
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    Console.WriteLine(db.Customers.[|Find(order.CustomerId)|]?.Name);
                }
            }
        }
        """, Snapshot + """
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                var customerKeys = orders.Select(order => order.CustomerId).Distinct().ToList();
                var customersByKey = db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionary(c => c.Id);
                foreach (var order in orders)
                {
                    Console.WriteLine(customersByKey.GetValueOrDefault(order.CustomerId)?.Name);
                }
            }
        }
        """);

    [Fact]
    public Task A_composite_key_in_the_snapshot_gets_the_lookup_form_and_Find_none() => VerifyFix(Snapshot + """
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    Console.WriteLine(db.Lines.[|FirstOrDefault(l => l.Id == order.Id)|]?.Product);
                    Console.WriteLine(db.Lines.[|Find(order.Id)|]?.Product);
                }
            }
        }
        """, Snapshot + """
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                var linesById = db.Lines.Where(l => lineKeys.Contains(l.Id)).ToLookup(l => l.Id);
                foreach (var order in orders)
                {
                    Console.WriteLine(linesById[order.Id].FirstOrDefault()?.Product);
                    Console.WriteLine(db.Lines.[|Find(order.Id)|]?.Product);
                }
            }
        }
        """);

    [Fact]
    public Task A_snapshot_type_name_that_does_not_resolve_leaves_the_keys_unknown() => VerifyFix("""
        class Snapshot
        {
            protected void BuildModel(ModelBuilder modelBuilder)
            {
                modelBuilder.Entity("Old.Namespace.Customer", b => b.HasKey("Id"));
            }
        }

        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    Console.WriteLine(db.Customers.[|Find(order.CustomerId)|]?.Name);
                }
            }
        }
        """, """
        class Snapshot
        {
            protected void BuildModel(ModelBuilder modelBuilder)
            {
                modelBuilder.Entity("Old.Namespace.Customer", b => b.HasKey("Id"));
            }
        }

        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    Console.WriteLine(db.Customers.[|Find(order.CustomerId)|]?.Name);
                }
            }
        }
        """);
}
