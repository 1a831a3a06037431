using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 through calls that dispatch virtually (issue #13, Sonarr's shapes): an interface, abstract or overridable
/// method is followed into the implementations the compilation holds — reported when every one of them runs a
/// round-trip; an implementation that reads a cache first, or does no I/O, makes the call not a round-trip; test
/// doubles of a test project do not count.
/// </summary>
public class PERF003DispatchTests
{
    private const string Usings = """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Data;
        using System.Data.Common;
        using System.Linq;
        using System.Linq.Expressions;
        using System.Threading;
        using System.Threading.Tasks;
        using Dapper;
        using Microsoft.EntityFrameworkCore;

        """;

    /// <summary>Sonarr's data layer reduced: a generic base repository on Dapper behind a generic interface, with a virtual query that some repositories override.</summary>
    private const string BasicRepository = """
        public interface IDatabase
        {
            IDbConnection OpenConnection();
        }

        public class ModelBase
        {
            public int Id { get; set; }
        }

        public class SqlBuilder
        {
            public string Sql = "";
            public object? Parameters;
            public SqlBuilder Where<T>(Expression<Func<T, bool>> where) => this;
        }

        public static class SqlMapperExtensions
        {
            public static IEnumerable<T> Query<T>(this IDatabase db, string sql, object? param = null)
            {
                using (var conn = db.OpenConnection())
                {
                    return SqlMapper.Query<T>(conn, sql, param);
                }
            }

            public static IEnumerable<T> Query<T>(this IDatabase db, SqlBuilder builder) => db.Query<T>(builder.Sql, builder.Parameters);
        }

        public interface IBasicRepository<TModel> where TModel : ModelBase, new()
        {
            TModel Get(int id);
            TModel Insert(TModel model);
            void Delete(int id);
            IEnumerable<TModel> All();
        }

        public class BasicRepository<TModel> : IBasicRepository<TModel> where TModel : ModelBase, new()
        {
            protected readonly IDatabase _database;

            public BasicRepository(IDatabase database) => _database = database;

            protected virtual SqlBuilder Builder() => new SqlBuilder();

            protected virtual List<TModel> Query(SqlBuilder builder) => _database.Query<TModel>(builder).ToList();

            protected List<TModel> Query(Expression<Func<TModel, bool>> where) => Query(Builder().Where(where));

            public virtual IEnumerable<TModel> All() => Query(Builder());

            public TModel Find(int id) => Query(x => x.Id == id).FirstOrDefault()!;

            public TModel Get(int id)
            {
                var model = Find(id);
                if (model == null)
                {
                    throw new InvalidOperationException();
                }

                return model;
            }

            public TModel Insert(TModel model)
            {
                using (var conn = _database.OpenConnection())
                {
                    model.Id = conn.QuerySingle<int>("insert ...; select last_insert_rowid()", model);
                }

                return model;
            }

            protected void Delete(SqlBuilder builder)
            {
                using (var conn = _database.OpenConnection())
                {
                    conn.Execute(builder.Sql, builder.Parameters);
                }
            }

            protected void Delete(Expression<Func<TModel, bool>> where) => Delete(Builder().Where(where));

            public void Delete(int id) => Delete(x => x.Id == id);
        }

        public class Series : ModelBase
        {
            public string Path { get; set; } = "";
        }

        public class Episode : ModelBase
        {
            public int SeriesId { get; set; }
        }

        public class History : ModelBase
        {
            public int EpisodeId { get; set; }
        }

        public interface IHistoryRepository : IBasicRepository<History>
        {
        }

        public class HistoryRepository : BasicRepository<History>, IHistoryRepository
        {
            public HistoryRepository(IDatabase database) : base(database) { }
        }

        public interface IEpisodeRepository : IBasicRepository<Episode>
        {
            List<Episode> GetEpisodes(int seriesId);
        }

        public class EpisodeRepository : BasicRepository<Episode>, IEpisodeRepository
        {
            public EpisodeRepository(IDatabase database) : base(database) { }

            // An override of the virtual query, as Sonarr's joined repositories have.
            protected override List<Episode> Query(SqlBuilder builder) => _database.Query<Episode>(builder.Sql + " join ...", builder.Parameters).ToList();

            public List<Episode> GetEpisodes(int seriesId) => Query(e => e.SeriesId == seriesId);
        }

        public interface IEpisodeService
        {
            List<Episode> GetEpisodesBySeries(int seriesId);
        }

        public class EpisodeService : IEpisodeService
        {
            private readonly IEpisodeRepository _episodeRepository;

            public EpisodeService(IEpisodeRepository episodeRepository) => _episodeRepository = episodeRepository;

            public List<Episode> GetEpisodesBySeries(int seriesId) => _episodeRepository.GetEpisodes(seriesId);
        }
        """;

    private static Task Verify(string code, params DiagnosticResult[] expected) => Verify(code, editorConfig: null, expected);

    private static Task Verify(string code, string? editorConfig, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer>
        {
            Sources = { Usings + code, PERF003Model.Source, Usings + BasicRepository },
            EditorConfig = editorConfig,
        };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    // ---- Positives ----

    [Fact]
    public Task Synchronous_repository_behind_its_interface_runs_the_generic_base_per_element() => Verify("""
        class HistoryService
        {
            private readonly IHistoryRepository _historyRepository;
            private readonly IEpisodeRepository _episodeRepository;

            public HistoryService(IHistoryRepository historyRepository, IEpisodeRepository episodeRepository)
            {
                _historyRepository = historyRepository;
                _episodeRepository = episodeRepository;
            }

            public void Handle(List<Episode> episodes)
            {
                foreach (var episode in episodes)
                {
                    var history = new History { EpisodeId = episode.Id };
                    _historyRepository.{|#0:Insert(history)|};
                }
            }

            public void Delete(List<int> ids)
            {
                foreach (var id in ids)
                {
                    var episode = _episodeRepository.[|Get(id)|];
                    _episodeRepository.[|Delete(id)|];
                }
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0).WithArguments(
            "'_historyRepository.Insert' reaches the database through 'QuerySingle' and",
            "the 'foreach' over 'episodes'",
            "add a batched method that writes all elements in one round-trip and call it once after the loop"));

    [Fact]
    public Task Service_behind_its_interface_whose_implementation_calls_a_repository_is_followed() => Verify("""
        class Cleanup
        {
            private readonly IEpisodeService _episodeService;

            public Cleanup(IEpisodeService episodeService) => _episodeService = episodeService;

            public void Clean(List<Series> allSeries)
            {
                foreach (var series in allSeries)
                {
                    var episodes = _episodeService.[|GetEpisodesBySeries(series.Id)|];
                }

                var counts = allSeries.Select(s => _episodeService.[|GetEpisodesBySeries(s.Id)|].Count).ToList();
            }
        }
        """);

    [Fact]
    public Task Abstract_method_with_one_override_that_queries_is_followed() => Verify("""
        abstract class Loader
        {
            public abstract int Load(ShopContext db, int id);
        }

        sealed class DbLoader : Loader
        {
            public override int Load(ShopContext db, int id) => db.Orders.Count(o => o.CustomerId == id);
        }

        interface ILookup
        {
            Customer? Find(int id);
        }

        sealed class Lookup : ILookup
        {
            private readonly ShopContext _db;

            public Lookup(ShopContext db) => _db = db;

            Customer? ILookup.Find(int id) => _db.Customers.FirstOrDefault(c => c.Id == id);
        }

        class C
        {
            void M(ShopContext db, Loader loader, ILookup lookup, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    loader.[|Load(db, order.CustomerId)|];
                    lookup.[|Find(order.CustomerId)|];
                }
            }
        }
        """);

    [Fact]
    public Task Two_implementations_that_both_query_are_reported() => Verify("""
        interface ICustomerReader
        {
            Customer? Read(int id);
        }

        sealed class EfCustomerReader : ICustomerReader
        {
            private readonly ShopContext _db;

            public EfCustomerReader(ShopContext db) => _db = db;

            public Customer? Read(int id) => _db.Customers.Find(id);
        }

        sealed class DapperCustomerReader : ICustomerReader
        {
            private readonly DbConnection _connection;

            public DapperCustomerReader(DbConnection connection) => _connection = connection;

            public Customer? Read(int id) => _connection.QueryFirstOrDefault<Customer>("select * from Customers where Id = @id", new { id });
        }

        class C
        {
            void M(ICustomerReader reader, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    reader.[|Read(order.CustomerId)|];
                }
            }
        }
        """);

    [Fact]
    public Task A_test_double_in_test_code_does_not_count_as_an_implementation()
    {
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer>
        {
            Sources =
            {
                Usings + """
                    public interface IOrderLookup
                    {
                        Order? ById(int id);
                    }

                    public sealed class DbOrderLookup : IOrderLookup
                    {
                        private readonly ShopContext _db;

                        public DbOrderLookup(ShopContext db) => _db = db;

                        public Order? ById(int id) => _db.Orders.FirstOrDefault(o => o.Id == id);
                    }

                    class C
                    {
                        void M(IOrderLookup lookup, List<Line> lines)
                        {
                            foreach (var line in lines)
                            {
                                lookup.[|ById(line.OrderId)|];
                            }
                        }
                    }
                    """,
                PERF003Model.Source,
                Usings + """
                    public sealed class FakeOrderLookup : IOrderLookup
                    {
                        public Order? ById(int id) => new Order { Id = id };
                    }
                    """,
            },
            EditorConfig = "\n[/0/Test2.cs]\nbuild_property.IsTestProject = true",
        };
        return test.RunAsync();
    }

    // ---- Look-alikes ----

    [Fact]
    public Task Two_implementations_of_which_one_reads_a_cache_are_not_reported() => Verify("""
        interface ICustomerReader
        {
            Customer? Read(int id);
        }

        sealed class EfCustomerReader : ICustomerReader
        {
            private readonly ShopContext _db;

            public EfCustomerReader(ShopContext db) => _db = db;

            public Customer? Read(int id) => _db.Customers.Find(id);
        }

        sealed class CachedCustomerReader : ICustomerReader
        {
            private readonly Dictionary<int, Customer> _byId = new();

            public Customer? Read(int id) => _byId.TryGetValue(id, out var customer) ? customer : null;
        }

        class C
        {
            void M(ICustomerReader reader, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    reader.Read(order.CustomerId);
                }
            }
        }
        """);

    [Fact]
    public Task Interface_whose_only_implementation_does_no_io_is_not_reported() => Verify("""
        interface IPriceCalculator
        {
            decimal Price(Order order);
        }

        sealed class PriceCalculator : IPriceCalculator
        {
            public decimal Price(Order order) => order.Lines.Sum(l => l.Quantity) * 2m;
        }

        class C
        {
            void M(IPriceCalculator calculator, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    calculator.Price(order);
                }
            }
        }
        """);

    [Fact]
    public Task Generic_repository_whose_get_reads_a_dictionary_is_not_reported() => Verify("""
        public interface IRepository<T>
        {
            Task<T?> GetAsync(int id);
        }

        public sealed class InMemoryRepository<T> : IRepository<T> where T : class
        {
            private readonly Dictionary<int, T> _items = new();

            public Task<T?> GetAsync(int id) => Task.FromResult(_items.TryGetValue(id, out var item) ? item : null);
        }

        class C
        {
            async Task M(IRepository<Customer> customers, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    await customers.GetAsync(order.CustomerId);
                }
            }
        }
        """);

    [Fact]
    public Task Cached_services_that_query_only_on_a_miss_are_not_reported() => Verify("""
        public interface ICached<T>
        {
            T Get(string key, Func<T> function);
        }

        public sealed class Cached<T> : ICached<T>
        {
            private readonly ConcurrentDictionary<string, T> _store = new();

            public T Get(string key, Func<T> function) => _store.GetOrAdd(key, _ => function());
        }

        interface ICustomerService
        {
            Customer? ById(int id);
            Dictionary<int, Customer> All();
            Customer? ByEmail(string email);
        }

        sealed class CustomerService : ICustomerService
        {
            private readonly ShopContext _db;
            private readonly ICached<Dictionary<int, Customer>> _cache;
            private readonly ConcurrentDictionary<int, Customer?> _byId = new();
            private readonly Dictionary<string, Customer?> _byEmail = new();

            public CustomerService(ShopContext db, ICached<Dictionary<int, Customer>> cache)
            {
                _db = db;
                _cache = cache;
            }

            public Customer? ById(int id) => _byId.GetOrAdd(id, key => _db.Customers.FirstOrDefault(c => c.Id == key));

            public Dictionary<int, Customer> All() => _cache.Get("all", () => _db.Customers.ToDictionary(c => c.Id));

            public Customer? ByEmail(string email)
            {
                if (_byEmail.TryGetValue(email, out var cached))
                {
                    return cached;
                }

                var customer = _db.Customers.FirstOrDefault(c => c.Email == email);
                _byEmail[email] = customer;
                return customer;
            }
        }

        class C
        {
            void M(ICustomerService service, List<Order> orders, List<Customer> customers)
            {
                foreach (var order in orders)
                {
                    service.ById(order.CustomerId);
                    var all = service.All();
                    var same = all[order.CustomerId];
                }

                foreach (var customer in customers)
                {
                    service.ByEmail(customer.Email);
                }
            }
        }
        """);

    [Fact]
    public Task Many_implementations_are_not_followed() => Verify("""
        interface IStep
        {
            int Run(ShopContext db, int id);
        }

        sealed class S1 : IStep { public int Run(ShopContext db, int id) => db.Orders.Count(o => o.Id == id); }
        sealed class S2 : IStep { public int Run(ShopContext db, int id) => db.Orders.Count(o => o.Id == id); }
        sealed class S3 : IStep { public int Run(ShopContext db, int id) => db.Orders.Count(o => o.Id == id); }
        sealed class S4 : IStep { public int Run(ShopContext db, int id) => db.Orders.Count(o => o.Id == id); }
        sealed class S5 : IStep { public int Run(ShopContext db, int id) => db.Orders.Count(o => o.Id == id); }
        sealed class S6 : IStep { public int Run(ShopContext db, int id) => db.Orders.Count(o => o.Id == id); }
        sealed class S7 : IStep { public int Run(ShopContext db, int id) => db.Orders.Count(o => o.Id == id); }
        sealed class S8 : IStep { public int Run(ShopContext db, int id) => db.Orders.Count(o => o.Id == id); }
        sealed class S9 : IStep { public int Run(ShopContext db, int id) => db.Orders.Count(o => o.Id == id); }

        class C
        {
            void M(ShopContext db, IStep step, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    step.Run(db, order.Id);
                }
            }
        }
        """);

    [Fact]
    public Task Interface_call_that_does_not_depend_on_the_element_is_not_reported() => Verify("""
        class C
        {
            void M(IHistoryRepository repository, IEpisodeService service, List<Episode> episodes)
            {
                foreach (var episode in episodes)
                {
                    var all = repository.All();
                    var first = service.GetEpisodesBySeries(42);
                }
            }
        }
        """);

    // ---- Odd and broken code ----

    [Fact]
    public Task Implementation_that_does_not_bind_leaves_the_decision_to_the_repository_name()
    {
        // Kavita's repositories, analysed without AutoMapper: ProjectTo does not bind, so the body cannot say it makes no
        // round-trip; the *Repository name with a Task result decides, as for a body that is not visible.
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer>
        {
            Sources =
            {
                Usings + """
                    public class CustomerDto { public int Id { get; set; } }

                    public interface ICustomerRepository
                    {
                        Task<CustomerDto?> GetDtoAsync(int id);
                    }

                    public sealed class CustomerRepository : ICustomerRepository
                    {
                        private readonly ShopContext _context;
                        private readonly object _mapper = new();

                        public CustomerRepository(ShopContext context) => _context = context;

                        public async Task<CustomerDto?> GetDtoAsync(int id) =>
                            await _context.Customers.Where(c => c.Id == id).ProjectTo<CustomerDto>(_mapper).SingleOrDefaultAsync();
                    }

                    public interface IPriceLookup
                    {
                        Task<decimal> PriceAsync(int id);
                    }

                    public sealed class PriceLookup : IPriceLookup
                    {
                        public Task<decimal> PriceAsync(int id) => Task.FromResult(Unknown.Price(id));
                    }

                    class C
                    {
                        async Task M(ICustomerRepository repository, IPriceLookup prices, List<Order> orders)
                        {
                            foreach (var order in orders)
                            {
                                await repository.[|GetDtoAsync(order.CustomerId)|];
                                await prices.PriceAsync(order.Id);
                            }
                        }
                    }
                    """,
                PERF003Model.Source,
            },
            AllowCompilerErrors = true,
        };
        return test.RunAsync();
    }

    [Fact]
    public Task Recursion_through_interfaces_and_broken_implementations_do_not_throw()
    {
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer>
        {
            Sources =
            {
                Usings + """
                    interface IA { int A(ShopContext db, int n); }
                    interface IB { int B(ShopContext db, int n); }

                    sealed class RA : IA
                    {
                        private readonly IB _b;
                        public RA(IB b) => _b = b;
                        public int A(ShopContext db, int n) => n <= 0 ? 0 : _b.B(db, n - 1);
                    }

                    sealed class RB : IB
                    {
                        private readonly IA _a;
                        public RB(IA a) => _a = a;
                        public int B(ShopContext db, int n) => n <= 0 ? db.Orders.Count() : _a.A(db, n - 1);
                    }

                    interface IBroken { int Load(int id); }

                    sealed class Broken : IBroken
                    {
                        public int Load(int id) => _missing.Query(id) +;
                    }

                    partial class P : IBroken { }

                    class C
                    {
                        void M(ShopContext db, IA a, IBroken broken, List<Order> orders)
                        {
                            foreach (var order in orders)
                            {
                                a.[|A(db, order.Id)|];
                                broken.Load(order.Id);
                                undefined.Load(order.Id);
                            }
                        }
                    }
                    """,
                PERF003Model.Source,
            },
            AllowCompilerErrors = true,
        };
        return test.RunAsync();
    }
}
