using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace PerfAnalyzers.Benchmarks.Analyzers;

/// <summary>
/// A large, realistic C# code base made up for the analyzer benchmarks: a shared model (EF Core context, entities)
/// and many modules, each with report formatting, data access, async fan-out, recursion, caching, queues, registries
/// and plain business logic. Every area holds both anti-patterns the rules report and look-alikes they must not,
/// so analyzers do their full work (cheap filters and semantic checks). It compiles without errors against .NET 10
/// and the libraries the rules know (EF Core, Dapper, Microsoft.Extensions.Caching, System.Runtime.Caching).
/// </summary>
public static class SyntheticCodebase
{
    public static CSharpCompilation Create(int modules, out int lines) =>
        Build("SyntheticShop", GlobalUsings, ("Model/Shop.cs", SharedModel), ModuleTemplate, "Modules/Module", modules, out lines);

    /// <summary>
    /// One compilation of a global-usings file, a shared model and <paramref name="modules"/> copies of a module template
    /// (<c>__N__</c> replaced by the module number); <paramref name="lines"/> counts every line. Shared with
    /// <see cref="SyntheticEfCodebase"/>.
    /// </summary>
    internal static CSharpCompilation Build(string assemblyName, string globalUsings, (string Path, string Text) model, string moduleTemplate, string modulePathPrefix, int modules, out int lines)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = new List<SyntaxTree>(modules + 2)
        {
            CSharpSyntaxTree.ParseText(globalUsings, parseOptions, path: "GlobalUsings.cs", encoding: Encoding.UTF8),
            CSharpSyntaxTree.ParseText(model.Text, parseOptions, path: model.Path, encoding: Encoding.UTF8),
        };
        for (var i = 0; i < modules; i++)
        {
            var text = moduleTemplate.Replace("__N__", i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            trees.Add(CSharpSyntaxTree.ParseText(text, parseOptions, path: $"{modulePathPrefix}{i}.cs", encoding: Encoding.UTF8));
        }

        lines = 0;
        foreach (var tree in trees)
        {
            lines += tree.GetText().Lines.Count;
        }

        return CSharpCompilation.Create(
            assemblyName,
            trees,
            MetadataReferences,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    /// <summary>The .NET 10 reference assemblies and the libraries the rules know; shared with <see cref="SyntheticEfCodebase"/>.</summary>
    public static ImmutableArray<MetadataReference> MetadataReferences => References.Value;

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var builder = ImmutableArray.CreateBuilder<MetadataReference>();
        builder.AddRange(Basic.Reference.Assemblies.Net100.References.All);
        var libraries = new[]
        {
            typeof(Microsoft.EntityFrameworkCore.DbContext).Assembly,
            typeof(Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions).Assembly,
            typeof(Dapper.SqlMapper).Assembly,
            typeof(Microsoft.Extensions.Caching.Memory.IMemoryCache).Assembly,
            typeof(Microsoft.Extensions.Caching.Memory.MemoryCache).Assembly,
            typeof(Microsoft.Extensions.Caching.Distributed.IDistributedCache).Assembly,
            typeof(Microsoft.Extensions.Options.IOptions<>).Assembly,
            typeof(Microsoft.Extensions.Primitives.IChangeToken).Assembly,
            typeof(Microsoft.Extensions.Internal.ISystemClock).Assembly,
            typeof(Microsoft.Extensions.DependencyInjection.IServiceCollection).Assembly,
            typeof(Microsoft.Extensions.Logging.ILogger).Assembly,
            typeof(System.Runtime.Caching.MemoryCache).Assembly,
            typeof(PerfAnalyzers.Runtime.RuntimeAssemblyMarker).Assembly,
        };
        foreach (var location in libraries.Select(a => a.Location).Distinct(StringComparer.Ordinal))
        {
            builder.Add(MetadataReference.CreateFromFile(location));
        }

        return builder.ToImmutable();
    });

    private const string GlobalUsings = """
        global using System;
        global using System.Collections.Concurrent;
        global using System.Collections.Generic;
        global using System.Data;
        global using System.Linq;
        global using System.Text;
        global using System.Threading;
        global using System.Threading.Channels;
        global using System.Threading.Tasks;
        global using Dapper;
        global using Microsoft.EntityFrameworkCore;
        global using Microsoft.Extensions.Caching.Memory;
        global using Synthetic.Model;
        """;

    private const string SharedModel = """
        namespace Synthetic.Model;

        public sealed class Customer
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
            public string Email { get; set; } = "";
            public List<Order> Orders { get; set; } = new();
        }

        public sealed class Order
        {
            public int Id { get; set; }
            public int CustomerId { get; set; }
            public Customer? Customer { get; set; }
            public decimal Total { get; set; }
            public DateTime PlacedAt { get; set; }
            public List<OrderLine> Lines { get; set; } = new();
        }

        public sealed class OrderLine
        {
            public int Id { get; set; }
            public int OrderId { get; set; }
            public string Sku { get; set; } = "";
            public int Quantity { get; set; }
            public decimal Price { get; set; }
        }

        public sealed class ShopContext : DbContext
        {
            public ShopContext(DbContextOptions<ShopContext> options) : base(options) { }
            public DbSet<Customer> Customers => Set<Customer>();
            public DbSet<Order> Orders => Set<Order>();
            public DbSet<OrderLine> OrderLines => Set<OrderLine>();
        }

        public sealed class Node
        {
            public int Value { get; init; }
            public Node? Next { get; init; }
        }

        public sealed class TreeNode
        {
            public int Value { get; init; }
            public TreeNode? Left { get; init; }
            public TreeNode? Right { get; init; }
        }

        public interface IClock
        {
            DateTime UtcNow { get; }
        }

        public sealed record Money(decimal Amount, string Currency)
        {
            public Money Add(Money other) =>
                other.Currency == Currency ? this with { Amount = Amount + other.Amount } : throw new InvalidOperationException("Currency mismatch");
        }
        """;

    // One module: about 520 lines. "__N__" is replaced by the module number.
    private const string ModuleTemplate = """
        namespace Synthetic.Module__N__;

        /// <summary>Formats reports: string building done well and badly.</summary>
        public sealed class ReportFormatter__N__
        {
            private string _log = "";

            public string Title { get; set; } = "Report __N__";

            public string Table(IReadOnlyList<Order> orders)
            {
                var table = "Id,Customer,Total\n";
                foreach (var order in orders)
                {
                    table += order.Id + "," + order.CustomerId + "," + order.Total + "\n";
                }

                return table;
            }

            public string TableWithBuilder(IReadOnlyList<Order> orders)
            {
                var builder = new StringBuilder("Id,Customer,Total\n");
                foreach (var order in orders)
                {
                    builder.Append(order.Id).Append(',').Append(order.CustomerId).Append(',').Append(order.Total).Append('\n');
                }

                return builder.ToString();
            }

            public string Csv(string[] cells)
            {
                var line = "";
                for (var i = 0; i < cells.Length; i++)
                {
                    line = line + cells[i] + (i < cells.Length - 1 ? "," : "");
                }

                return line;
            }

            public string Header()
            {
                var rule = "";
                for (var i = 0; i < 4; i++)
                {
                    rule += "=";
                }

                return rule + Title + rule;
            }

            public void Log(IEnumerable<string> messages)
            {
                foreach (var message in messages)
                {
                    _log += DateTime.UtcNow.ToString("O") + " " + message + Environment.NewLine;
                }
            }

            public int Labels(IEnumerable<Customer> customers)
            {
                var total = 0;
                foreach (var customer in customers)
                {
                    var label = "Customer: ";
                    label += customer.Name;
                    total += label.Length;
                }

                return total;
            }

            public string Joined(IEnumerable<string> names) => names.Aggregate("", (acc, name) => acc + name + ";");

            public string JoinedWell(IEnumerable<string> names) => string.Join(";", names);

            public string Interpolated(IEnumerable<Customer> customers)
            {
                var text = "";
                foreach (var customer in customers)
                {
                    text = $"{text}{customer.Name} <{customer.Email}>\n";
                }

                return text;
            }

            public string FirstMatch(IEnumerable<string> words, string prefix)
            {
                var found = "";
                foreach (var word in words)
                {
                    if (word.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        found += word;
                        break;
                    }
                }

                return found;
            }
        }

        /// <summary>Data access: N+1 queries and their batched forms.</summary>
        public sealed class OrderService__N__
        {
            private readonly ShopContext _db;
            private readonly IDbConnection _connection;

            public OrderService__N__(ShopContext db, IDbConnection connection)
            {
                _db = db;
                _connection = connection;
            }

            public List<string> CustomerNames(IEnumerable<Order> orders)
            {
                var names = new List<string>();
                foreach (var order in orders)
                {
                    var customer = _db.Customers.FirstOrDefault(c => c.Id == order.CustomerId);
                    if (customer is not null)
                    {
                        names.Add(customer.Name);
                    }
                }

                return names;
            }

            public List<string> CustomerNamesBatched(IEnumerable<Order> orders)
            {
                var ids = orders.Select(o => o.CustomerId).Distinct().ToList();
                var customers = _db.Customers.Where(c => ids.Contains(c.Id)).ToDictionary(c => c.Id);
                var names = new List<string>();
                foreach (var order in orders)
                {
                    if (customers.TryGetValue(order.CustomerId, out var customer))
                    {
                        names.Add(customer.Name);
                    }
                }

                return names;
            }

            public async Task<decimal> TotalsAsync(IEnumerable<int> customerIds, CancellationToken cancellationToken)
            {
                decimal total = 0;
                foreach (var id in customerIds)
                {
                    total += await _db.Orders.Where(o => o.CustomerId == id).SumAsync(o => o.Total, cancellationToken);
                }

                return total;
            }

            public async Task<List<Order>> RecentAsync(DateTime since, CancellationToken cancellationToken) =>
                await _db.Orders.Include(o => o.Lines).Where(o => o.PlacedAt >= since).OrderByDescending(o => o.PlacedAt).ToListAsync(cancellationToken);

            public List<Customer> WithDapper(IEnumerable<int> ids)
            {
                var result = new List<Customer>();
                foreach (var id in ids)
                {
                    var customer = _connection.QueryFirstOrDefault<Customer>("select * from Customers where Id = @id", new { id });
                    if (customer is not null)
                    {
                        result.Add(customer);
                    }
                }

                return result;
            }

            public List<Customer> WithDapperBatched(IEnumerable<int> ids) =>
                _connection.Query<Customer>("select * from Customers where Id in @ids", new { ids = ids.ToArray() }).ToList();

            public Dictionary<int, decimal> Revenue(IReadOnlyList<Order> orders)
            {
                var revenue = new Dictionary<int, decimal>();
                foreach (var order in orders)
                {
                    revenue[order.CustomerId] = revenue.TryGetValue(order.CustomerId, out var sum) ? sum + order.Total : order.Total;
                }

                return revenue;
            }
        }

        /// <summary>Async fan-out, bounded and unbounded.</summary>
        public sealed class Fetcher__N__
        {
            private readonly SemaphoreSlim _gate = new(8);

            public async Task<string[]> FetchAllAsync(IEnumerable<string> urls) =>
                await Task.WhenAll(urls.Select(url => FetchAsync(url)));

            public async Task FetchAllBoundedAsync(IEnumerable<string> urls, CancellationToken cancellationToken) =>
                await Parallel.ForEachAsync(urls, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (url, ct) => await FetchAsync(url));

            public async Task StartAllAsync(IEnumerable<int> ids)
            {
                var tasks = new List<Task>();
                foreach (var id in ids)
                {
                    tasks.Add(Task.Run(() => Process(id)));
                }

                await Task.WhenAll(tasks);
            }

            public async Task<int> GatedAsync(IEnumerable<string> urls)
            {
                var tasks = urls.Select(async url =>
                {
                    await _gate.WaitAsync();
                    try
                    {
                        return (await FetchAsync(url)).Length;
                    }
                    finally
                    {
                        _gate.Release();
                    }
                });
                var lengths = await Task.WhenAll(tasks);
                return lengths.Sum();
            }

            public async Task<int> SequentialAsync(IEnumerable<string> urls)
            {
                var length = 0;
                foreach (var url in urls)
                {
                    length += (await FetchAsync(url)).Length;
                }

                return length;
            }

            public async Task PairAsync()
            {
                var first = FetchAsync("a__N__");
                var second = FetchAsync("b__N__");
                await Task.WhenAll(first, second);
            }

            private static async Task<string> FetchAsync(string url)
            {
                await Task.Yield();
                return url.ToUpperInvariant();
            }

            private static int Process(int id) => id * 31 % 17;
        }

        /// <summary>Recursion: linear depth, tail calls, and the loop forms.</summary>
        public static class TreeMath__N__
        {
            public static int Sum(Node? node) => node is null ? 0 : node.Value + Sum(node.Next);

            public static int SumTail(Node? node, int accumulator) => node is null ? accumulator : SumTail(node.Next, accumulator + node.Value);

            public static int SumLoop(Node? node)
            {
                var sum = 0;
                for (var current = node; current is not null; current = current.Next)
                {
                    sum += current.Value;
                }

                return sum;
            }

            public static long Factorial(int n)
            {
                if (n <= 1)
                {
                    return 1;
                }

                return n * Factorial(n - 1);
            }

            public static int Depth(TreeNode? node) => node is null ? 0 : 1 + Math.Max(Depth(node.Left), Depth(node.Right));

            public static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

            public static int Count(IReadOnlyList<int> items, int index)
            {
                if (index >= items.Count)
                {
                    return 0;
                }

                return (items[index] > 0 ? 1 : 0) + Count(items, index + 1);
            }

            public static IEnumerable<int> Flatten(TreeNode? node)
            {
                var stack = new Stack<TreeNode>();
                if (node is not null)
                {
                    stack.Push(node);
                }

                while (stack.Count > 0)
                {
                    var current = stack.Pop();
                    yield return current.Value;
                    if (current.Right is not null)
                    {
                        stack.Push(current.Right);
                    }

                    if (current.Left is not null)
                    {
                        stack.Push(current.Left);
                    }
                }
            }
        }

        /// <summary>Caching with and without expiration.</summary>
        public sealed class CatalogCache__N__
        {
            private readonly IMemoryCache _cache;
            private readonly System.Runtime.Caching.MemoryCache _legacy = System.Runtime.Caching.MemoryCache.Default;

            public CatalogCache__N__(IMemoryCache cache) => _cache = cache;

            public void Remember(string key, Customer customer) => _cache.Set(key, customer);

            public void RememberFor(string key, Customer customer) => _cache.Set(key, customer, TimeSpan.FromMinutes(5));

            public void RememberWithOptions(string key, Customer customer) =>
                _cache.Set(key, customer, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(10), Size = 1 });

            public Customer? Lookup(int id) =>
                _cache.GetOrCreate("customer:" + id, entry =>
                {
                    entry.SetSlidingExpiration(TimeSpan.FromMinutes(2));
                    return new Customer { Id = id };
                });

            public Customer? LookupForever(int id) =>
                _cache.GetOrCreate("forever:" + id, entry => new Customer { Id = id });

            public void Legacy(string key, object value) => _legacy.Set(key, value, DateTimeOffset.UtcNow.AddMinutes(1));

            public bool TryGet(string key, out Customer? customer) => _cache.TryGetValue(key, out customer);
        }

        /// <summary>Queues and mailboxes, bounded and unbounded.</summary>
        public sealed class Pipeline__N__
        {
            private readonly Channel<Order> _unbounded = Channel.CreateUnbounded<Order>();
            private readonly Channel<Order> _bounded = Channel.CreateBounded<Order>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.Wait });
            private readonly BlockingCollection<int> _work = new();
            private readonly BlockingCollection<int> _boundedWork = new(boundedCapacity: 100);
            private readonly ConcurrentQueue<string> _events = new();

            public async Task ProduceAsync(IEnumerable<Order> orders, CancellationToken cancellationToken)
            {
                foreach (var order in orders)
                {
                    await _bounded.Writer.WriteAsync(order, cancellationToken);
                    _unbounded.Writer.TryWrite(order);
                }
            }

            public async Task<decimal> ConsumeAsync(CancellationToken cancellationToken)
            {
                decimal total = 0;
                await foreach (var order in _bounded.Reader.ReadAllAsync(cancellationToken))
                {
                    total += order.Total;
                }

                return total;
            }

            public void Enqueue(int item)
            {
                _work.Add(item);
                _boundedWork.Add(item);
                _events.Enqueue("added " + item);
            }
        }

        /// <summary>Static registries: one only grows, one is bounded by its keys, one is trimmed.</summary>
        public static class Registry__N__
        {
            private static readonly Dictionary<string, Customer> s_byEmail = new();
            private static readonly ConcurrentDictionary<Guid, Order> s_orders = new();
            private static readonly Dictionary<DayOfWeek, int> s_byDay = new();
            private static readonly Dictionary<int, string> s_trimmed = new();

            public static void Register(Customer customer) => s_byEmail[customer.Email] = customer;

            public static void Track(Order order) => s_orders.TryAdd(Guid.NewGuid(), order);

            public static void Count(DateTime when) => s_byDay[when.DayOfWeek] = s_byDay.TryGetValue(when.DayOfWeek, out var n) ? n + 1 : 1;

            public static void Remember(int id, string name)
            {
                s_trimmed[id] = name;
                if (s_trimmed.Count > 1000)
                {
                    s_trimmed.Remove(s_trimmed.Keys.First());
                }
            }

            public static Customer? Find(string email) => s_byEmail.TryGetValue(email, out var customer) ? customer : null;
        }

        /// <summary>Plain business logic: LINQ, pattern matching, records; nothing to report.</summary>
        public sealed class Pricing__N__
        {
            private readonly IClock _clock;

            public Pricing__N__(IClock clock) => _clock = clock;

            public decimal Discount(Customer customer, decimal total) => (customer.Orders.Count, total) switch
            {
                ( > 100, _) => total * 0.15m,
                ( > 10, > 1000m) => total * 0.10m,
                (_, > 500m) => total * 0.05m,
                _ => 0m,
            };

            public decimal Subtotal(Order order) => order.Lines.Sum(line => line.Quantity * line.Price);

            public IEnumerable<(string Sku, int Quantity)> TopSkus(IEnumerable<Order> orders, int count) =>
                orders.SelectMany(o => o.Lines)
                    .GroupBy(l => l.Sku)
                    .Select(g => (Sku: g.Key, Quantity: g.Sum(l => l.Quantity)))
                    .OrderByDescending(x => x.Quantity)
                    .Take(count);

            public bool IsLate(Order order) => _clock.UtcNow - order.PlacedAt > TimeSpan.FromDays(__N__ % 7 + 1);

            public Money Total(IEnumerable<Money> amounts)
            {
                var total = new Money(0m, "EUR");
                foreach (var amount in amounts)
                {
                    total = total.Add(amount);
                }

                return total;
            }

            public string Describe(object value) => value switch
            {
                null => "nothing",
                int i when i < 0 => "negative",
                int i => "number " + i,
                string { Length: 0 } => "empty",
                string s => "text " + s,
                Order { Total: > 1000m } o => "big order " + o.Id,
                Order o => "order " + o.Id,
                _ => value.GetType().Name,
            };

            public int[] Histogram(IEnumerable<decimal> totals, int buckets)
            {
                var histogram = new int[buckets];
                foreach (var total in totals)
                {
                    var bucket = (int)Math.Min(buckets - 1, Math.Max(0, total / 100m));
                    histogram[bucket]++;
                }

                return histogram;
            }

            public async IAsyncEnumerable<Order> Filter(IAsyncEnumerable<Order> orders, decimal minimum)
            {
                await foreach (var order in orders)
                {
                    if (order.Total >= minimum)
                    {
                        yield return order;
                    }
                }
            }

            public Dictionary<string, List<Order>> ByCustomerName(IEnumerable<Order> orders) =>
                orders.Where(o => o.Customer is not null)
                    .GroupBy(o => o.Customer!.Name)
                    .ToDictionary(g => g.Key, g => g.OrderBy(o => o.PlacedAt).ToList());

            public void Each(List<string> names, Action<string> sink)
            {
                var prefix = "";
                names.ForEach(name =>
                {
                    prefix += name[0];
                    sink(prefix + name);
                });
            }
        }

        /// <summary>Pipelines and HTTP calls: intermediate collections and per-call clients, and their look-alikes.</summary>
        public sealed class Gateway__N__
        {
            private static readonly System.Net.Http.HttpClient s_http = new System.Net.Http.HttpClient();
            private readonly List<Order> _pending = new();

            public decimal[] PaidTotals(IEnumerable<Order> orders) =>
                orders.Where(o => o.Total > 0).ToList().Select(o => o.Total).ToArray();

            public int CountBig(IEnumerable<Order> orders)
            {
                var big = orders.Where(o => o.Total > 100).ToList();
                var n = 0;
                foreach (var order in big)
                {
                    n += order.Id;
                }

                return n;
            }

            public void DropPaid()
            {
                foreach (var order in _pending.Where(o => o.Total == 0).ToList())
                {
                    _pending.Remove(order);
                }
            }

            public List<Order> Twice(IEnumerable<Order> orders)
            {
                var list = orders.ToList();
                return list.Count > 10 ? list.Take(10).ToList() : list;
            }

            public List<Order> FromDb(ShopContext db) => db.Orders.Where(o => o.Total > 1).ToList().Where(o => o.Id > 0).ToList();

            public async Task<string> FetchPerCall(string url)
            {
                using var client = new System.Net.Http.HttpClient();
                return await client.GetStringAsync(url);
            }

            public Task<string> FetchShared(string url) => s_http.GetStringAsync(url);

            public System.Net.Http.HttpClient Create() => new System.Net.Http.HttpClient();
        }

        """;
}
