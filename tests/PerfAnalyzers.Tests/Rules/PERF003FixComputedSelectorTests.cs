using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 fix (issue #17): aggregates whose selector is computed from the row (<c>Sum(l =&gt; l.UnitPrice * l.Quantity)</c>)
/// keep the selector inside the grouped query. Exact output, Fix All, look-alikes without a fix (a selector that calls a
/// method or reads anything but the row); <see cref="PERF003CoverageRunTests"/> runs it on SQLite.
/// </summary>
public class PERF003FixComputedSelectorTests
{
    [Fact]
    public Task Sum_of_a_product_of_two_columns_keeps_the_expression_in_the_group() => PERF003Model.VerifyFix("""
        class C
        {
            int[] M(ShopContext db, List<Order> orders)
            {
                var totals = new int[orders.Count];
                for (var i = 0; i < orders.Count; i++)
                {
                    var order = orders[i];
                    totals[i] = db.Lines.Where(l => l.OrderId == order.Id).[|Sum(l => l.Quantity * l.Id)|];
                }

                return totals;
            }
        }
        """, """
        class C
        {
            int[] M(ShopContext db, List<Order> orders)
            {
                var totals = new int[orders.Count];
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                var lineSumsByOrderId = db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId))
                    .GroupBy(l => l.OrderId)
                    .Select(g => new { g.Key, Value = g.Sum(l => l.Quantity * l.Id) })
                    .ToDictionary(g => g.Key, g => g.Value);
                for (var i = 0; i < orders.Count; i++)
                {
                    var order = orders[i];
                    totals[i] = lineSumsByOrderId.GetValueOrDefault(order.Id);
                }

                return totals;
            }
        }
        """);

    [Fact]
    public Task Fix_all_of_a_computed_Sum_and_a_computed_nullable_Max() => PERF003Model.VerifyFix("""
        class C
        {
            async Task<string> M(ShopContext db, List<Order> orders, CancellationToken ct)
            {
                var text = "";
                foreach (var order in orders)
                {
                    var weighted = await db.Lines.Where(l => l.OrderId == order.Id).[|SumAsync(l => (l.Quantity + 1) * 2 - l.Id % 3, ct)|];
                    var largest = await db.Lines.Where(l => l.OrderId == order.Id).[|MaxAsync(l => (int?)-l.Quantity, ct)|];
                    text += weighted + "/" + largest;
                }

                return text;
            }
        }
        """, """
        class C
        {
            async Task<string> M(ShopContext db, List<Order> orders, CancellationToken ct)
            {
                var text = "";
                var lineKeys = orders.Select(order => order.Id).Distinct().ToList();
                var lineSumsByOrderId = await db.Lines
                    .Where(l => lineKeys.Contains(l.OrderId))
                    .GroupBy(l => l.OrderId)
                    .Select(g => new { g.Key, Value = g.Sum(l => (l.Quantity + 1) * 2 - l.Id % 3) })
                    .ToDictionaryAsync(g => g.Key, g => g.Value, ct);
                var lineKeys2 = orders.Select(order => order.Id).Distinct().ToList();
                var lineMaximaByOrderId = await db.Lines
                    .Where(l => lineKeys2.Contains(l.OrderId))
                    .GroupBy(l => l.OrderId)
                    .Select(g => new { g.Key, Value = g.Max(l => (int?)-l.Quantity) })
                    .ToDictionaryAsync(g => g.Key, g => g.Value, ct);
                foreach (var order in orders)
                {
                    var weighted = lineSumsByOrderId.GetValueOrDefault(order.Id);
                    var largest = lineMaximaByOrderId.GetValueOrDefault(order.Id);
                    text += weighted + "/" + largest;
                }

                return text;
            }
        }
        """);

    [Fact]
    public Task Selectors_that_call_a_method_or_read_the_element_or_a_local_get_no_fix() => PERF003Model.VerifyNoFix("""
        class C
        {
            void M(ShopContext db, List<Order> orders, int factor)
            {
                var scale = 2;
                foreach (var order in orders)
                {
                    var called = db.Lines.Where(l => l.OrderId == order.Id).[|Sum(l => Math.Abs(l.Quantity))|];
                    var element = db.Lines.Where(l => l.OrderId == order.Id).[|Sum(l => l.Quantity * order.CustomerId)|];
                    var parameter = db.Lines.Where(l => l.OrderId == order.Id).[|Sum(l => l.Quantity * factor)|];
                    var local = db.Lines.Where(l => l.OrderId == order.Id).[|Sum(l => l.Quantity * scale)|];
                    var notNullable = db.Lines.Where(l => l.OrderId == order.Id).[|Max(l => l.Quantity * 2)|];
                    Console.WriteLine(called + element + parameter + local + notNullable);
                }
            }
        }
        """);
}
