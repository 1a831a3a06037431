using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace PerfAnalyzers.Benchmarks.Database;

/// <summary>
/// PERF003: a key lookup per order (1 + N round-trips) against the batched form the code fix produces (2 round-trips),
/// on EF Core over SQLite in memory: no network, so the difference is per-query overhead alone; a real server adds
/// its round-trip latency N times to the first.
/// Run: dotnet run -c Release --project tests/PerfAnalyzers.Benchmarks -- --filter "*NPlusOne*"
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class NPlusOneBenchmarks
{
    private SqliteConnection _connection = null!;
    private DbContextOptions<ShopContext> _options = null!;

    [Params(10, 100)]
    public int Orders { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _connection = new SqliteConnection("Data Source=:memory:");
        _connection.Open();
        _options = new DbContextOptionsBuilder<ShopContext>().UseSqlite(_connection).Options;
        using var db = new ShopContext(_options);
        db.Database.EnsureCreated();
        var customers = Math.Max(1, Orders / 5);
        for (var i = 1; i <= customers; i++)
        {
            db.Customers.Add(new Customer { Id = i, Name = "Customer " + i });
        }

        for (var i = 1; i <= Orders; i++)
        {
            db.Orders.Add(new Order { Id = i, CustomerId = i % customers + 1 });
        }

        db.SaveChanges();
    }

    [GlobalCleanup]
    public void Cleanup() => _connection.Dispose();

    [Benchmark(Baseline = true, Description = "N+1: FirstOrDefault per order")]
    public int NPlusOne()
    {
        using var db = new ShopContext(_options);
        var orders = db.Orders.ToList();
        var found = 0;
        foreach (var order in orders)
        {
#pragma warning disable PERF003 // the anti-pattern under measurement
            var customer = db.Customers.FirstOrDefault(c => c.Id == order.CustomerId);
#pragma warning restore PERF003
            found += customer is null ? 0 : 1;
        }

        return found;
    }

    [Benchmark(Description = "Batched: Contains + ToDictionary (PERF003 fix)")]
    public int Batched()
    {
        using var db = new ShopContext(_options);
        var orders = db.Orders.ToList();
        var found = 0;
        var customerKeys = orders.Select(order => order.CustomerId).Distinct().ToList();
        var customersByKey = db.Customers.Where(c => customerKeys.Contains(c.Id)).ToDictionary(c => c.Id);
        foreach (var order in orders)
        {
            var customer = customersByKey.GetValueOrDefault(order.CustomerId);
            found += customer is null ? 0 : 1;
        }

        return found;
    }

    public sealed class Customer
    {
        public int Id { get; set; }
        public string Name { get; set; } = "";
    }

    public sealed class Order
    {
        public int Id { get; set; }
        public int CustomerId { get; set; }
    }

    public sealed class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
    {
        public DbSet<Customer> Customers => Set<Customer>();
        public DbSet<Order> Orders => Set<Order>();
    }
}
