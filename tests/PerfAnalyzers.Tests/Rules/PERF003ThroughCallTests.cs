using Microsoft.CodeAnalysis;
using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 through calls (issue #13): a call per element to a method whose body runs a round-trip, or to a
/// data-access abstraction (<c>*Repository</c>, <c>perf_analyzers.PERF003.data_access_types</c>) whose body is not visible.
/// </summary>
public class PERF003ThroughCallTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Data;
        using System.Data.Common;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Dapper;
        using Microsoft.EntityFrameworkCore;

        """;

    private const string Repositories = """
        public class Team
        {
            public int Id { get; set; }
            public List<int> MemberIds { get; set; } = new();
        }

        public interface IMemberRepository
        {
            Task<List<Customer>> GetByTeamAsync(int teamId);
            Task<List<Customer>> GetManyByTeamsAsync(IEnumerable<int> teamIds);
            Task<List<Customer>> GetPageAsync(int skip, int take);
            IQueryable<Customer> Query();
            void Track(Customer customer);
        }

        public interface IMemberStore
        {
            Task<Customer?> FindAsync(int id);
        }

        public interface IMemberService
        {
            Task<Customer?> FindAsync(int id);
        }
        """;

    private static DiagnosticResult Diag(string id) => Expect.Diagnostic(id);

    private static Task Verify(string code, params DiagnosticResult[] expected) => Verify(code, editorConfig: null, expected);

    private static Task Verify(string code, string? editorConfig, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer>
        {
            Sources = { Usings + code, PERF003Model.Source, Usings + Repositories },
            EditorConfig = editorConfig,
        };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    // ---- Same compilation: the callee's body runs the round-trip ----

    [Fact]
    public Task Call_to_a_method_whose_body_queries_is_reported_with_the_inner_call() => Verify("""
        class MemberQueries
        {
            private readonly DbConnection _connection;

            public MemberQueries(DbConnection connection) => _connection = connection;

            public async Task<List<Customer>> GetByTeamAsync(int teamId) =>
                (await _connection.QueryAsync<Customer>("select * from Members where TeamId = @teamId", new { teamId })).AsList();
        }

        class C
        {
            private readonly MemberQueries _queries;

            public C(MemberQueries queries) => _queries = queries;

            async Task M(List<Team> teams)
            {
                foreach (var team in teams)
                {
                    var members = await _queries.{|#0:GetByTeamAsync(team.Id)|};
                }
            }
        }
        """,
        Diag("PERF003").WithLocation(0).WithArguments(
            "'_queries.GetByTeamAsync' reaches the database through 'QueryAsync' and",
            "the 'foreach' over 'teams'",
            "add a batched method that loads the data for all elements in one query and call it once before the loop"));

    [Fact]
    public Task Calls_through_nested_helpers_local_functions_and_extensions_are_reported() => Verify("""
        static class ContextExtensions
        {
            public static Customer? CustomerOf(this ShopContext db, Order order) => Load(db, order.CustomerId);

            private static Customer? Load(ShopContext db, int id) => db.Customers.FirstOrDefault(c => c.Id == id);

            public static void Touch(this ShopContext db, Order order)
            {
                order.Status = "touched";
                db.SaveChanges();
            }
        }

        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    var customer = db.[|CustomerOf(order)|];
                    db.{|#0:Touch(order)|};
                    var count = [|CountLines(order.Id)|];
                }

                int CountLines(int orderId) => db.Lines.Count(l => l.OrderId == orderId);
            }
        }
        """,
        Diag("PERF003").WithLocation(0).WithArguments(
            "'db.Touch' reaches the database through 'SaveChanges' and",
            "the 'foreach' over 'orders'",
            "add a batched method that writes all elements in one round-trip and call it once after the loop"));

    [Fact]
    public Task Helper_whose_body_does_not_query_is_not_reported() => Verify("""
        class MemberRepository
        {
            private readonly Dictionary<int, Customer> _cache = new();

            public Task<Customer?> GetCachedAsync(int id) => Task.FromResult(_cache.TryGetValue(id, out var c) ? c : null);

            public IQueryable<Customer> Query(ShopContext db) => db.Customers;
        }

        class C
        {
            void M(ShopContext db, MemberRepository repository, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    var cached = repository.GetCachedAsync(order.CustomerId);
                    var query = repository.Query(db).Where(c => c.Id == order.CustomerId);
                    var name = Format(order);
                }
            }

            static string Format(Order order) => order.Id.ToString();
        }
        """);

    [Fact]
    public Task Recursion_between_helpers_does_not_loop_forever() => Verify("""
        class C
        {
            int A(ShopContext db, int n) => n <= 0 ? 0 : B(db, n - 1);

            int B(ShopContext db, int n) => n <= 0 ? db.Orders.Count() : A(db, n - 1);

            int Ping(int n) => n <= 0 ? 0 : Ping(n - 1);

            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    [|A(db, order.Id)|];
                    Ping(order.Id);
                }
            }
        }
        """);

    [Fact]
    public Task Virtual_dispatch_to_an_unknown_override_is_not_followed() => Verify("""
        class Loader
        {
            public virtual int Load(ShopContext db, int id) => 0;
        }

        class DbLoader : Loader
        {
            public override int Load(ShopContext db, int id) => db.Orders.Count(o => o.Id == id);
        }

        class C
        {
            void M(ShopContext db, Loader loader, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    loader.Load(db, order.Id);
                }
            }
        }
        """);

    // ---- Across projects: data-access abstractions by name ----

    [Fact]
    public Task Repository_call_per_element_is_reported() => Verify("""
        class C
        {
            private readonly IMemberRepository _memberRepository;

            public C(IMemberRepository memberRepository) => _memberRepository = memberRepository;

            async Task M(List<Team> teams)
            {
                foreach (var team in teams)
                {
                    var members = await _memberRepository.{|#0:GetByTeamAsync(team.Id)|};
                }

                var all = await Task.WhenAll(teams.Select(t => _memberRepository.[|GetByTeamAsync(t.Id)|]));
            }
        }
        """,
        Diag("PERF003").WithLocation(0).WithArguments(
            "'_memberRepository.GetByTeamAsync' is a data-access call that",
            "the 'foreach' over 'teams'",
            "add a batched method that loads the data for all elements in one query and call it once before the loop"));

    [Fact]
    public Task Repository_query_source_run_per_element_is_reported() => Verify("""
        class C
        {
            void M(IMemberRepository repository, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    var customer = repository.Query().[|FirstOrDefault(c => c.Id == order.CustomerId)|];
                }
            }
        }
        """);

    [Fact]
    public Task Repository_look_alikes_are_not_reported() => Verify("""
        class C
        {
            async Task M(IMemberRepository repository, IMemberStore store, IMemberService service, List<Team> teams, List<int> ids)
            {
                // batched, paged, loop-invariant, void, and names outside the option's list
                var byTeams = await repository.GetManyByTeamsAsync(teams.Select(t => t.Id));
                foreach (var chunk in ids.Chunk(100))
                {
                    await repository.GetManyByTeamsAsync(chunk);
                }

                for (var page = 0; page < ids.Count; page++)
                {
                    await repository.GetPageAsync(page * 100, 100);
                }

                foreach (var team in teams)
                {
                    await repository.GetByTeamAsync(42);
                    repository.Track(new Customer { Id = team.Id });
                    await store.FindAsync(team.Id);
                    await service.FindAsync(team.Id);
                }

                for (var attempt = 0; attempt < 3; attempt++)
                {
                    await repository.GetByTeamAsync(attempt);
                }
            }
        }
        """);

    [Fact]
    public Task Chunk_exemption_needs_the_loop_to_iterate_chunks() => Verify("""
        class C
        {
            async Task M(IMemberRepository repository, List<Team> teams)
            {
                foreach (var team in teams)
                {
                    var memberIds = team.MemberIds.Select(id => id + 0).ToList();
                    await repository.[|GetManyByTeamsAsync(memberIds)|];
                }
            }
        }
        """);

    [Fact]
    public Task Data_access_types_option_adds_names() => Verify("""
        namespace MyApp.Data
        {
            public interface IQueries
            {
                Task<int> CountAsync(int id);
            }
        }

        class C
        {
            async Task M(IMemberStore store, MyApp.Data.IQueries queries, IMemberService service, List<Team> teams)
            {
                foreach (var team in teams)
                {
                    await store.[|FindAsync(team.Id)|];
                    await queries.[|CountAsync(team.Id)|];
                    await service.FindAsync(team.Id);
                }
            }
        }
        """,
        "perf_analyzers.PERF003.data_access_types = *Store, *Dao, MyApp.Data.IQueries");

    [Fact]
    public Task Repository_in_another_assembly_is_reported()
    {
        var library = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create(
            "Lib",
            new[]
            {
                Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("""
                    namespace Lib;

                    public interface IOrderRepository
                    {
                        System.Threading.Tasks.Task<System.Collections.Generic.IReadOnlyList<int>> GetForCustomerAsync(int customerId);
                    }
                    """),
            },
            TestReferences.Default,
            new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var image = new System.IO.MemoryStream();
        var emitted = library.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer>
        {
            Sources =
            {
                Usings + """
                class C
                {
                    async Task M(Lib.IOrderRepository repository, List<int> customerIds)
                    {
                        foreach (var id in customerIds)
                        {
                            await repository.[|GetForCustomerAsync(id)|];
                        }
                    }
                }
                """,
            },
        };
        test.AdditionalReferences.Add(MetadataReference.CreateFromImage(image.ToArray()));
        return test.RunAsync();
    }

    // ---- ADO.NET parameters bound through helpers ----

    [Fact]
    public Task Parameter_bound_through_a_helper_extension_is_element_dependent() => Verify("""
        static class CommandExtensions
        {
            public static void Bind(this IDbCommand command, string name, object value)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value;
                command.Parameters.Add(parameter);
            }
        }

        class C
        {
            void M(DbConnection connection, List<Order> orders)
            {
                using var statement = connection.CreateCommand();
                statement.CommandText = "select Name from Customers where Id = @id";
                foreach (var order in orders)
                {
                    statement.Parameters.Clear();
                    statement.Bind("@id", order.CustomerId);
                    var name = statement.[|ExecuteScalar()|];
                }

                using var fixedStatement = connection.CreateCommand();
                fixedStatement.Bind("@id", 1);
                foreach (var order in orders)
                {
                    var name = fixedStatement.ExecuteScalar();
                }
            }
        }
        """);

    // ---- No fix for through calls ----

    [Fact]
    public Task Through_call_diagnostics_get_no_fix() =>
        CodeFixVerifier<PERF003NPlusOneQueryAnalyzer, PERF003BatchQueryCodeFix>.VerifyNoFixAsync(Usings + """
            public class Person
            {
                public int Id { get; set; }
            }

            public class Visit
            {
                public int PersonId { get; set; }
            }

            public class VisitContext : DbContext
            {
                public DbSet<Person> People => Set<Person>();
            }

            public interface IPersonRepository
            {
                Task<Person?> FirstOrDefaultAsync(int id);
            }

            class C
            {
                async Task M(IPersonRepository repository, VisitContext db, List<Visit> visits)
                {
                    foreach (var visit in visits)
                    {
                        var person = await repository.[|FirstOrDefaultAsync(visit.PersonId)|];
                        var again = [|Load(db, visit.PersonId)|];
                    }
                }

                static Person? Load(VisitContext db, int id) => db.People.FirstOrDefault(p => p.Id == id);
            }
            """);
}
