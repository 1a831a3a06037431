using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 fix (issue #17): the query in a per-element lambda of an expression-bodied method or local function (the
/// body becomes a block that returns the expression), and in the selectors of <c>ToDictionary</c>/<c>ToLookup</c>.
/// Exact output, Fix All, look-alikes without a fix; <see cref="PERF003CoverageRunTests"/> runs them on SQLite.
/// </summary>
public class PERF003FixExpressionBodyTests
{
    [Fact]
    public Task Select_in_an_expression_bodied_method_gets_a_block_body_and_the_batch_before_the_return() => PERF003Model.VerifyFix("""
        class C
        {
            List<int> M(ShopContext db, List<Order> orders) =>
                orders.Select(o => db.Lines.[|Count(l => l.OrderId == o.Id)|]).ToList();
        }
        """, """
        class C
        {
            List<int> M(ShopContext db, List<Order> orders)
            {
                var lineKeys = orders.Select(o => o.Id).Distinct().ToList();
                var lineCountsByOrderId = db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId))
                    .GroupBy(l => l.OrderId)
                    .Select(g => new { g.Key, Value = g.Count() })
                    .ToDictionary(g => g.Key, g => g.Value);
                return orders.Select(o => lineCountsByOrderId.GetValueOrDefault(o.Id)).ToList();
            }
        }
        """);

    [Fact]
    public Task ToDictionary_value_selector_in_an_expression_bodied_method() => PERF003Model.VerifyFix("""
        class C
        {
            public Dictionary<int, bool> HasOrders(ShopContext db, List<Customer> customers) => customers.ToDictionary(c => c.Id, c => db.Orders.[|Any(o => o.CustomerId == c.Id && o.Status == "open")|]);
        }
        """, """
        class C
        {
            public Dictionary<int, bool> HasOrders(ShopContext db, List<Customer> customers)
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
        """);

    [Fact]
    public Task ToLookup_element_selector_in_a_block_and_a_void_local_function() => PERF003Model.VerifyFix("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                var byStatus = orders.ToLookup(o => o.Status, o => db.Customers.[|FirstOrDefault(c => c.Id == o.CustomerId)|]);
                Print();

                void Print() => Console.WriteLine(orders.Select(o => db.Lines.Where(l => l.OrderId == o.Id).[|ToList()|]).ToList().Count + byStatus.Count);
            }
        }
        """, """
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                var customerKeys = orders.Select(o => o.CustomerId).Distinct().ToList();
                var customersByKey = db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionary(c => c.Id);
                var byStatus = orders.ToLookup(o => o.Status, o => customersByKey.GetValueOrDefault(o.CustomerId));
                Print();

                void Print()
                {
                    var lineKeys = orders.Select(o => o.Id).Distinct().ToList();
                    var linesByOrderId = db.Lines.Where(l => lineKeys.Contains(l.OrderId)).ToLookup(l => l.OrderId);
                    Console.WriteLine(orders.Select(o => linesByOrderId[o.Id].ToList()).ToList().Count + byStatus.Count);
                }
            }
        }
        """);

    [Fact]
    public Task Fix_all_of_two_queries_in_one_expression_bodied_method() => PERF003Model.VerifyFix("""
        class C
        {
            List<string> M(ShopContext db, Order[] orders) =>
                orders.Select(o => db.Lines.[|Count(l => l.OrderId == o.Id)|] + ":" + db.Customers.[|Any(c => c.Id == o.CustomerId)|]).ToList();
        }
        """, """
        class C
        {
            List<string> M(ShopContext db, Order[] orders)
            {
                var lineKeys = orders.Select(o => o.Id).Distinct().ToList();
                var lineCountsByOrderId = db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId))
                    .GroupBy(l => l.OrderId)
                    .Select(g => new { g.Key, Value = g.Count() })
                    .ToDictionary(g => g.Key, g => g.Value);
                var customerKeys = orders.Select(o => o.CustomerId).Distinct().ToList();
                var idsWithCustomers = db.Customers
                    .Where(c => customerKeys.Contains(c.Id))
                    .Select(c => c.Id)
                    .Distinct()
                    .ToHashSet();
                return orders.Select(o => lineCountsByOrderId.GetValueOrDefault(o.Id) + ":" + idsWithCustomers.Contains(o.CustomerId)).ToList();
            }
        }
        """);

    [Fact]
    public Task Expression_bodied_property_lazy_source_and_queryable_ToDictionary_get_no_fix() => PERF003Model.VerifyNoFix("""
        class C
        {
            private readonly ShopContext _db;
            private readonly List<Order> _orders = new();

            C(ShopContext db) => _db = db;

            List<int> Counts => _orders.Select(o => _db.Lines.[|Count(l => l.OrderId == o.Id)|]).ToList();

            Dictionary<int, bool> Lazy(IEnumerable<Customer> customers) => customers.ToDictionary(c => c.Id, c => _db.Orders.[|Any(o => o.CustomerId == c.Id)|]);
        }
        """);
}
