// PERF003: database round-trips once per element (N+1). Build this project to see the warnings.
using System.Data.Common;
using Dapper;
using Microsoft.EntityFrameworkCore;

namespace AntiPatterns.Perf003;

public class Customer
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
}

public class Order
{
    public int Id { get; set; }
    public int CustomerId { get; set; }
    public string Status { get; set; } = "";
    public List<OrderLine> Lines { get; set; } = new();
}

public class OrderLine
{
    public int Id { get; set; }
    public int OrderId { get; set; }
    public int Quantity { get; set; }
}

public class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
{
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<OrderLine> Lines => Set<OrderLine>();
}

public class InvoiceService(ShopContext db)
{
    // PERF003 (with a fix): one customer query per order.
    public List<string> CustomerNames(List<Order> orders)
    {
        var names = new List<string>();
        foreach (var order in orders)
        {
            var customer = db.Customers.FirstOrDefault(c => c.Id == order.CustomerId);
            names.Add(customer?.Name ?? "?");
        }

        return names;
    }

    // PERF003 (with a fix): one line query per order.
    public async Task<int> TotalQuantity(List<Order> orders, CancellationToken ct)
    {
        var total = 0;
        foreach (var order in orders)
        {
            var lines = await db.Lines.Where(l => l.OrderId == order.Id).ToListAsync(ct);
            total += lines.Sum(l => l.Quantity);
        }

        return total;
    }

    // PERF003 (with a fix): the per-element lambda shape.
    public List<Customer> Customers(List<Order> orders) =>
        orders.Select(o => db.Customers.Find(o.CustomerId)!).ToList();

    // PERF003 (with a fix): one count per order becomes one grouped query (0 for an order without lines).
    public List<int> LineCounts(List<Order> orders)
    {
        var counts = new List<int>();
        foreach (var order in orders)
        {
            counts.Add(db.Lines.Count(l => l.OrderId == order.Id));
        }

        return counts;
    }

    // PERF003 (with a fix): one Any per customer becomes one query of the customer ids that have orders.
    public async Task<int> CustomersWithOrders(List<Customer> customers, CancellationToken ct)
    {
        var count = 0;
        foreach (var customer in customers)
        {
            if (await db.Orders.AnyAsync(o => o.CustomerId == customer.Id, ct))
            {
                count++;
            }
        }

        return count;
    }

    // PERF003 (with a fix): FirstOrDefault by a column that is not the key becomes one query and a lookup.
    public List<int> LatestOrderIds(List<Customer> customers)
    {
        return customers.Select(c => db.Orders.OrderByDescending(o => o.Id).FirstOrDefault(o => o.CustomerId == c.Id)?.Id ?? 0).ToList();
    }

    // PERF003 (with a fix): SaveChanges per element; the fix saves once after the loop.
    public void Ship(List<Order> orders)
    {
        foreach (var order in orders)
        {
            order.Status = "shipped";
            db.SaveChanges();
        }
    }

    // PERF003 (with a fix): Dapper query per element.
    public List<Customer> WithDapper(DbConnection connection, List<Order> orders)
    {
        var result = new List<Customer>();
        foreach (var order in orders)
        {
            result.Add(connection.QuerySingle<Customer>("select * from Customers where Id = @id", new { id = order.CustomerId }));
        }

        return result;
    }

    // PERF003 (with a fix): a Dapper count per element; the fix runs one grouped count query before the loop.
    public Dictionary<int, int> CountLinesWithDapper(DbConnection connection, List<Order> orders)
    {
        var lineCounts = new Dictionary<int, int>();
        foreach (var order in orders)
        {
            lineCounts[order.Id] = connection.ExecuteScalar<int>("select count(*) from Lines where OrderId = @id", new { id = order.Id });
        }

        return lineCounts;
    }

    // PERF003 (with a fix): one Dapper write per order; the fix passes all rows to one Execute, in one transaction.
    public int ShipWithDapper(DbConnection connection, List<Order> orders)
    {
        connection.Open();
        var updated = 0;
        foreach (var order in orders)
        {
            updated += connection.Execute("update Orders set Status = @Status where Id = @Id", new { Status = "shipped", order.Id });
        }

        return updated;
    }

    // PERF003 (with a fix): a command created per order; the fix creates it once and reuses it in one transaction.
    public int ShipWithAdoNet(DbConnection connection, List<Order> orders)
    {
        connection.Open();
        var updated = 0;
        foreach (var order in orders)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "update Orders set Status = 'shipped' where Id = @id";
            var id = command.CreateParameter();
            id.ParameterName = "@id";
            id.Value = order.Id;
            command.Parameters.Add(id);
            updated += command.ExecuteNonQuery();
        }

        return updated;
    }

    // PERF003 (with a fix): explicit loading per order; the fix puts an Include on the query.
    public async Task<int> LoadLines(CancellationToken ct)
    {
        var orders = await db.Orders.Where(o => o.Status == "open").ToListAsync(ct);
        var total = 0;
        foreach (var order in orders)
        {
            await db.Entry(order).Collection(o => o.Lines).LoadAsync(ct);
            total += order.Lines.Sum(l => l.Quantity);
        }

        return total;
    }

    // Not reported: keyset paging fetches 500 rows per round-trip.
    public int CountShipped()
    {
        var count = 0;
        var lastId = 0;
        while (true)
        {
            var page = db.Orders.Where(o => o.Id > lastId).OrderBy(o => o.Id).Take(500).ToList();
            if (page.Count == 0)
            {
                return count;
            }

            count += page.Count(o => o.Status == "shipped");
            lastId = page[^1].Id;
        }
    }

    // Not reported: the batched form, two round-trips in all.
    public List<string> CustomerNamesBatched(List<Order> orders)
    {
        var customerKeys = orders.Select(order => order.CustomerId).Distinct().ToList();
        var customersByKey = db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionary(c => c.Id);
        return orders.Select(order => customersByKey.GetValueOrDefault(order.CustomerId)?.Name ?? "?").ToList();
    }

    // Not reported: a flush every 500 changes is the batched form.
    public async Task ArchiveAll(CancellationToken ct)
    {
        var pending = 0;
        await foreach (var order in db.Orders.Where(o => o.Status == "shipped").AsAsyncEnumerable().WithCancellation(ct))
        {
            order.Status = "archived";
            if (++pending >= 500)
            {
                await db.SaveChangesAsync(ct);
                pending = 0;
            }
        }

        await db.SaveChangesAsync(ct);
    }
}

public interface IOrderRepository
{
    Task<List<Order>> GetForCustomerAsync(int customerId, CancellationToken ct);
    Task<List<Order>> GetForCustomersAsync(IReadOnlyCollection<int> customerIds, CancellationToken ct);
}

public class OrderQueries(DbConnection connection)
{
    public async Task<int> CountLinesAsync(int orderId) =>
        await connection.ExecuteScalarAsync<int>("select count(*) from Lines where OrderId = @orderId", new { orderId });
}

public class StatementService(IOrderRepository orders, OrderQueries queries)
{
    // PERF003 (no fix): one repository call per customer; add a batched repository method (GetForCustomersAsync).
    public async Task<int> CountOrders(List<Customer> customers, CancellationToken ct)
    {
        var count = 0;
        foreach (var customer in customers)
        {
            count += (await orders.GetForCustomerAsync(customer.Id, ct)).Count;
        }

        return count;
    }

    // PERF003 (no fix): the helper's body runs a Dapper query ('ExecuteScalarAsync'), once per order.
    public async Task<int> CountLines(List<Order> list)
    {
        var total = 0;
        foreach (var order in list)
        {
            total += await queries.CountLinesAsync(order.Id);
        }

        return total;
    }

    // Not reported: one batched repository call.
    public async Task<int> CountOrdersBatched(List<Customer> customers, CancellationToken ct) =>
        (await orders.GetForCustomersAsync(customers.Select(c => c.Id).ToList(), ct)).Count;
}

public class ReportService(ShopContext db)
{
    // PERF003 (with a fix): a computed aggregate per order; the fix groups once and keeps the arithmetic in the query.
    public Dictionary<int, int> DoubledQuantities(List<Order> orders)
    {
        var result = new Dictionary<int, int>();
        foreach (var order in orders)
        {
            result[order.Id] = db.Lines.Where(l => l.OrderId == order.Id).Sum(l => l.Quantity * 2);
        }

        return result;
    }

    // PERF003 (with a fix): the query runs once per order inside ToDictionary's value lambda.
    public Dictionary<int, int> LineCounts(List<Order> orders) =>
        orders.ToDictionary(o => o.Id, o => db.Lines.Count(l => l.OrderId == o.Id));

    // PERF003 (with a fix): a deconstructing foreach over a dictionary; the keys come from each entry's Key.
    public int CustomersFound(Dictionary<int, string> names)
    {
        var found = 0;
        foreach (var (id, name) in names)
        {
            if (db.Customers.Find(id) is { } customer && customer.Name == name)
            {
                found++;
            }
        }

        return found;
    }

    // PERF003 (with a fix): the three newest lines of each order; the fix loads the lines once, ordered, and takes
    // three per order from a lookup.
    public List<List<OrderLine>> NewestLines(List<Order> orders)
    {
        var result = new List<List<OrderLine>>();
        foreach (var order in orders)
        {
            result.Add(db.Lines.Where(l => l.OrderId == order.Id).OrderByDescending(l => l.Id).Take(3).ToList());
        }

        return result;
    }
}
