namespace AntiPatterns;

/// <summary>PERF009: collections built only to be walked once more (the seed's map |> filter |> map).</summary>
public static class OrderReports
{
    public sealed record Order(int Id, bool Paid, decimal Total);

    // PERF009 twice: the seed's three traversals and two throwaway lists.
    public static decimal[] PaidTotalsWithTax(IEnumerable<Order> orders) =>
        orders.Select(o => o with { Total = o.Total * 1.2m }).ToList()
            .Where(o => o.Paid).ToArray()
            .Select(o => o.Total).ToArray();

    public static int CountLargeOrders(IEnumerable<Order> orders)
    {
        // PERF009: a local used once as the source of a foreach.
        var large = orders.Where(o => o.Total > 1000m).ToList();
        var count = 0;
        foreach (var order in large)
        {
            count++;
        }

        return count;
    }

    // Fine: one lazy pipeline, one final collection.
    public static decimal[] PaidTotalsFused(IEnumerable<Order> orders) =>
        orders.Select(o => o.Total * 1.2m).ToArray();

    // Fine: the snapshot lets the loop change the list it came from.
    public static void RemoveUnpaid(List<Order> orders)
    {
        foreach (var order in orders.Where(o => !o.Paid).ToList())
        {
            orders.Remove(order);
        }
    }
}
