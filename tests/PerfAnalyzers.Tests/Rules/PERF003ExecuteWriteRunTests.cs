namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// Proof on a real SQLite database for the batched <c>ExecuteDelete</c>/<c>ExecuteUpdate</c> fix
/// (<see cref="PERF003FixExecuteWriteTests"/>): exact output, then the original and the fixed method run on the same
/// seeded database (<see cref="PERF003RunTests"/>) with a command interceptor counting round-trips. The rows left
/// afterwards are equal; N writes become one (or one per chunk under <c>batch_size</c>).
/// </summary>
public class PERF003ExecuteWriteRunTests
{
    [Fact]
    public Task ExecuteDeleteAsync_per_key_becomes_one_delete() => PERF003RunTests.ProveAsync("""
        public static class Queries
        {
            public static async Task<string> Run(ShopContext db)
            {
                var ids = new List<int> { 2, 4, 5, 7, 11, 5 };
                foreach (var id in ids)
                {
                    await db.Lines.Where(l => l.OrderId == id).[|ExecuteDeleteAsync()|].ConfigureAwait(false);
                }

                return string.Join(",", db.Lines.OrderBy(l => l.Id).Select(l => l.OrderId + "/" + l.Id));
            }
        }
        """, """
        public static class Queries
        {
            public static async Task<string> Run(ShopContext db)
            {
                var ids = new List<int> { 2, 4, 5, 7, 11, 5 };
                var lineKeys = ids.Distinct().ToList();
                await db.Lines.Where(l => lineKeys.Contains(l.OrderId)).ExecuteDeleteAsync().ConfigureAwait(false);

                return string.Join(",", db.Lines.OrderBy(l => l.Id).Select(l => l.OrderId + "/" + l.Id));
            }
        }
        """,
        originalRoundTrips: 6 + 1,
        fixedRoundTrips: 1 + 1);

    [Fact]
    public Task ExecuteUpdate_per_element_becomes_one_update_per_chunk() => PERF003RunTests.ProveAsync("""
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var paid = db.Orders.Where(o => o.Status == "paid").OrderBy(o => o.Id).ToList();
                foreach (var order in paid)
                {
                    db.Orders.Where(o => o.Id == order.Id && o.CustomerId != 3).[|ExecuteUpdate(s => s.SetProperty(o => o.Status, "shipped"))|];
                }

                return string.Join(",", db.Orders.OrderBy(o => o.Id).Select(o => o.Id + ":" + o.Status));
            }
        }
        """, """
        public static class Queries
        {
            public static string Run(ShopContext db)
            {
                var paid = db.Orders.Where(o => o.Status == "paid").OrderBy(o => o.Id).ToList();
                var orderKeys = paid.Select(order => order.Id).Distinct().ToList();
                foreach (var chunk in orderKeys.Chunk(4))
                {
                    db.Orders.Where(o => chunk.Contains(o.Id) && o.CustomerId != 3).ExecuteUpdate(s => s.SetProperty(o => o.Status, "shipped"));
                }

                return string.Join(",", db.Orders.OrderBy(o => o.Id).Select(o => o.Id + ":" + o.Status));
            }
        }
        """,
        originalRoundTrips: 1 + 6 + 1,
        fixedRoundTrips: 1 + 2 + 1,
        editorConfig: """
        root = true

        [*.cs]
        perf_analyzers.PERF003.batch_size = 4
        """);
}
