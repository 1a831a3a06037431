using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 fix (issue #17): the first n rows per element (<c>Where(key).OrderBy(..).Take(n)[.Select(..)].ToList()</c>): the
/// batch keeps the ordering, the lookup takes n per key. Exact output, Fix All, look-alikes without a fix;
/// <see cref="PERF003CoverageRunTests"/> runs it on SQLite.
/// </summary>
public class PERF003FixTakePerKeyTests
{
    [Fact]
    public Task Ordered_Take_then_Select_ToListAsync_takes_n_per_key_from_the_lookup() => PERF003Model.VerifyFix("""
        class C
        {
            async Task M(ShopContext db, List<Order> orders, CancellationToken ct)
            {
                foreach (var order in orders)
                {
                    var top = await db.Lines
                        .Where(l => l.OrderId == order.Id && l.Quantity > 0)
                        .OrderByDescending(l => l.Quantity)
                        .Take(2)
                        .Select(l => l.Product)
                        .[|ToListAsync(ct)|];
                    Console.WriteLine(string.Join(",", top));
                }
            }
        }
        """, """
        class C
        {
            async Task M(ShopContext db, List<Order> orders, CancellationToken ct)
            {
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                var linesByOrderId = (await db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId) && l.Quantity > 0)
                    .OrderByDescending(l => l.Quantity)
                    .Select(l => new { Key = l.OrderId, Value = l.Product })
                    .ToListAsync(ct)).ToLookup(l => l.Key, l => l.Value);
                foreach (var order in orders)
                {
                    var top = linesByOrderId[order.Id].Take(2).ToList();
                    Console.WriteLine(string.Join(",", top));
                }
            }
        }
        """);

    [Fact]
    public Task Fix_all_of_Take_with_a_constant_count_and_Take_after_Select() => PERF003Model.VerifyFix("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                const int Count = 5;
                foreach (var order in orders)
                {
                    var first = db.Lines.Where(l => l.OrderId == order.Id).OrderBy(l => l.Id).Take(Count).[|ToArray()|];
                    var quantities = db.Lines.Where(l => l.OrderId == order.Id).OrderBy(l => l.Quantity).ThenBy(l => l.Id).Select(l => l.Quantity).Take(1).[|ToList()|];
                    Console.WriteLine(first.Length + quantities.Sum());
                }
            }
        }
        """, """
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                const int Count = 5;
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                var linesByOrderId = db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId))
                    .OrderBy(l => l.Id)
                    .ToLookup(l => l.OrderId);
                var lineKeys2 = orders.Select(order => order.Id).Distinct().ToList();
                var linesByOrderId2 = db.Lines
                    .Where(l => lineKeys2.Contains(l.OrderId))
                    .OrderBy(l => l.Quantity)
                    .ThenBy(l => l.Id)
                    .Select(l => new { Key = l.OrderId, Value = l.Quantity })
                    .ToLookup(l => l.Key, l => l.Value);
                foreach (var order in orders)
                {
                    var first = linesByOrderId[order.Id].Take(Count).ToArray();
                    var quantities = linesByOrderId2[order.Id].Take(1).ToList();
                    Console.WriteLine(first.Length + quantities.Sum());
                }
            }
        }
        """);

    [Fact]
    public Task Take_without_an_ordering_or_before_it_or_with_a_count_not_a_constant_or_negative_or_before_First_gets_no_fix() => PERF003Model.VerifyNoFix("""
        class C
        {
            void M(ShopContext db, List<Order> orders, int count)
            {
                var n = 1;
                foreach (var order in orders)
                {
                    var unordered = db.Lines.Where(l => l.OrderId == order.Id).Take(2).[|ToList()|];
                    var takeFirst = db.Lines.Where(l => l.OrderId == order.Id).Take(2).OrderBy(l => l.Id).[|ToList()|];
                    var byElement = db.Lines.Where(l => l.OrderId == order.Id).OrderBy(l => l.Id).Take(order.CustomerId).[|ToList()|];
                    var changing = db.Lines.Where(l => l.OrderId == order.Id).OrderBy(l => l.Id).Take(n).[|ToList()|];
                    var byParameter = db.Lines.Where(l => l.OrderId == order.Id).OrderBy(l => l.Id).Take(count).[|ToList()|];
                    var negative = db.Lines.Where(l => l.OrderId == order.Id).OrderBy(l => l.Id).Take(-1).[|ToList()|];
                    var skipped = db.Lines.Where(l => l.OrderId == order.Id).OrderBy(l => l.Id).Skip(1).Take(2).[|ToList()|];
                    var first = db.Lines.Where(l => l.OrderId == order.Id).OrderBy(l => l.Id).Take(2).[|FirstOrDefault()|];
                    n++;
                    Console.WriteLine(unordered.Count + takeFirst.Count + byElement.Count + changing.Count + byParameter.Count + negative.Count + skipped.Count + first?.Id);
                }
            }
        }
        """);
}
