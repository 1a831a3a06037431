using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 fix (issue #17): per-element queries in a deconstructing <c>foreach (var (id, value) in ...)</c> over a dictionary
/// or a list of tuples. Exact output, Fix All, look-alikes without a fix; <see cref="PERF003CoverageRunTests"/> runs it on SQLite.
/// </summary>
public class PERF003FixDeconstructionTests
{
    [Fact]
    public Task Find_by_the_key_of_a_deconstructed_dictionary_entry() => PERF003Model.VerifyFix("""
        class C
        {
            void M(ShopContext db, Dictionary<int, string> newNames)
            {
                foreach (var (customerId, name) in newNames)
                {
                    var customer = db.Customers.[|Find(customerId)|];
                    if (customer != null)
                    {
                        customer.Name = name;
                    }
                }

                db.SaveChanges();
            }
        }
        """, """
        class C
        {
            void M(ShopContext db, Dictionary<int, string> newNames)
            {
                var customerKeys = newNames.Select(entry => entry.Key).Distinct().ToList();
                var customersByKey = db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionary(c => c.Id);
                foreach (var (customerId, name) in newNames)
                {
                    var customer = customersByKey.GetValueOrDefault(customerId);
                    if (customer != null)
                    {
                        customer.Name = name;
                    }
                }

                db.SaveChanges();
            }
        }
        """);

    [Fact]
    public Task Fix_all_in_a_loop_over_tuples_with_the_key_in_the_second_place() => PERF003Model.VerifyFix("""
        class C
        {
            async Task<List<string>> M(ShopContext db, List<(string Label, int OrderId, int CustomerId)> rows, CancellationToken ct)
            {
                var result = new List<string>();
                foreach (var (label, orderId, _) in rows)
                {
                    var count = await db.Lines.[|CountAsync(l => l.OrderId == orderId, ct)|];
                    var order = await db.Orders.[|FirstOrDefaultAsync(o => o.Id == orderId, ct)|];
                    result.Add(label + count + order?.Status);
                }

                return result;
            }
        }
        """, """
        class C
        {
            async Task<List<string>> M(ShopContext db, List<(string Label, int OrderId, int CustomerId)> rows, CancellationToken ct)
            {
                var result = new List<string>();
                var lineKeys = rows.Select(entry => entry.Item2).Distinct().ToList();
                var lineCountsByOrderId = await db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId))
                    .GroupBy(l => l.OrderId)
                    .Select(g => new { g.Key, Value = g.Count() })
                    .ToDictionaryAsync(g => g.Key, g => g.Value, ct);
                var orderKeys = rows.Select(entry => entry.Item2).Distinct().ToList();
                var ordersByKey = await db.Orders.Where(o => orderKeys.Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
                foreach (var (label, orderId, _) in rows)
                {
                    var count = lineCountsByOrderId.GetValueOrDefault(orderId);
                    var order = ordersByKey.GetValueOrDefault(orderId);
                    result.Add(label + count + order?.Status);
                }

                return result;
            }
        }
        """);

    [Fact]
    public Task Other_variable_in_the_filter_lazy_source_and_nested_or_custom_deconstruction_get_no_fix() => PERF003Model.VerifyNoFix("""
        class Pair
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
            public void Deconstruct(out int id, out string name) => (id, name) = (Id, Name);
        }

        class C
        {
            void M(ShopContext db, List<(string Product, int OrderId)> rows, IEnumerable<(int, int)> lazy, List<(int, (int, int))> nested, List<Pair> pairs)
            {
                foreach (var (product, orderId) in rows)
                {
                    Console.WriteLine(db.Lines.[|Count(l => l.OrderId == orderId && l.Product == product)|]);
                }

                foreach (var (orderId, _) in lazy)
                {
                    Console.WriteLine(db.Lines.[|Count(l => l.OrderId == orderId)|]);
                }

                foreach (var (orderId, (a, b)) in nested)
                {
                    Console.WriteLine(db.Lines.[|Count(l => l.OrderId == orderId)|]);
                }

                foreach (var (id, name) in pairs)
                {
                    Console.WriteLine(db.Customers.[|Find(id)|]?.Name + name);
                }
            }
        }
        """);
}
