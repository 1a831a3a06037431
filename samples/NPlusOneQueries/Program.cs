// PERF003 for real: runs an N+1 method and its batched form (the PERF003 code fix's output) against SQLite and
// prints the database round-trips and the time of each.
//
//   dotnet run --project samples/NPlusOneQueries [-- --orders 1000 --latency-ms 1]
//
// --latency-ms adds a simulated network delay per round-trip (in-memory SQLite has none; a real server has ~0.2-2 ms).
using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

var orderCount = ReadOption(args, "--orders", 1000);
var latencyMs = ReadOption(args, "--latency-ms", 0);

using var connection = new SqliteConnection("Data Source=:memory:");
connection.Open();
Shop.Seed(connection, orderCount, customers: Math.Max(1, orderCount / 5));

Console.WriteLine($"{orderCount} orders, {Math.Max(1, orderCount / 5)} customers, SQLite in memory, simulated latency {latencyMs} ms per round-trip");
Console.WriteLine();
Console.WriteLine($"{"Method",-34} {"Round-trips",12} {"Time (ms)",12}");

var nPlusOne = Measure("N+1 (FirstOrDefault per order)", connection, latencyMs, Reports.CustomerNamesNPlusOne);
var batched = Measure("Batched (PERF003 fix)", connection, latencyMs, Reports.CustomerNamesBatched);

Console.WriteLine();
Console.WriteLine(nPlusOne.SequenceEqual(batched) ? "Both return the same names." : "RESULTS DIFFER");
return nPlusOne.SequenceEqual(batched) ? 0 : 1;

static List<string> Measure(string name, DbConnection connection, int latencyMs, Func<ShopContext, List<string>> method)
{
    // Warm up: the first run builds the EF model and compiles the queries.
    using (var warmup = Shop.Open(connection, new RoundTripCounter(0)))
    {
        method(warmup);
    }

    var counter = new RoundTripCounter(latencyMs);
    using var db = Shop.Open(connection, counter);
    var stopwatch = Stopwatch.StartNew();
    var result = method(db);
    stopwatch.Stop();
    Console.WriteLine($"{name,-34} {counter.Count,12} {stopwatch.Elapsed.TotalMilliseconds,12:F1}");
    return result;
}

static int ReadOption(string[] args, string name, int defaultValue)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], out var value) && value >= 0 ? value : defaultValue;
}

public static class Reports
{
    // The anti-pattern: one query for the orders, then one per order (PERF003 reports it at build time).
    public static List<string> CustomerNamesNPlusOne(ShopContext db)
    {
        var orders = db.Orders.OrderBy(o => o.Id).ToList();
        var names = new List<string>();
        foreach (var order in orders)
        {
            var customer = db.Customers.FirstOrDefault(c => c.Id == order.CustomerId);
            names.Add(customer?.Name ?? "?");
        }

        return names;
    }

    // What the PERF003 code fix turns it into: two queries in all.
    public static List<string> CustomerNamesBatched(ShopContext db)
    {
        var orders = db.Orders.OrderBy(o => o.Id).ToList();
        var names = new List<string>();
        var customerKeys = orders.Select(order => order.CustomerId).Distinct().ToList();
        var customersByKey = db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionary(c => c.Id);
        foreach (var order in orders)
        {
            var customer = customersByKey.GetValueOrDefault(order.CustomerId);
            names.Add(customer?.Name ?? "?");
        }

        return names;
    }
}

public class Customer
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
}

public class Order
{
    public int Id { get; set; }
    public int CustomerId { get; set; }
}

public class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
{
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<Order> Orders => Set<Order>();
}

public static class Shop
{
    public static ShopContext Open(DbConnection connection, IInterceptor interceptor) =>
        new(new DbContextOptionsBuilder<ShopContext>().UseSqlite(connection).AddInterceptors(interceptor).Options);

    public static void Seed(DbConnection connection, int orders, int customers)
    {
        using var db = new ShopContext(new DbContextOptionsBuilder<ShopContext>().UseSqlite(connection).Options);
        db.Database.EnsureCreated();
        for (var i = 1; i <= customers; i++)
        {
            db.Customers.Add(new Customer { Id = i, Name = "Customer " + i });
        }

        for (var i = 1; i <= orders; i++)
        {
            db.Orders.Add(new Order { Id = i, CustomerId = i % customers + 1 });
        }

        db.SaveChanges();
    }
}

/// <summary>Counts the commands EF Core sends (one per round-trip) and optionally adds a simulated network delay to each.</summary>
public sealed class RoundTripCounter(int latencyMs) : DbCommandInterceptor
{
    public int Count { get; private set; }

    private void OnCommand()
    {
        Count++;
        if (latencyMs > 0)
        {
            Thread.Sleep(latencyMs);
        }
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        OnCommand();
        return result;
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        OnCommand();
        return result;
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        OnCommand();
        return result;
    }
}
