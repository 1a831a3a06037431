using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

public class PERF003Tests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Data.Common;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Dapper;
        using Microsoft.EntityFrameworkCore;

        """;

    private static Task Verify(string code, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer> { Sources = { Usings + code, PERF003Model.Source } };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    // ---- EF Core: loops ----

    [Fact]
    public Task Key_lookup_in_foreach_is_reported_with_message() => Verify("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    var customer = db.Customers.{|#0:FirstOrDefault(c => c.Id == order.CustomerId)|};
                }
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0).WithArguments(
            "'db.Customers.FirstOrDefault'", "the 'foreach' over 'orders'", "load the data for all elements in one query before the loop"));

    [Fact]
    public Task One_to_many_where_tolist_in_foreach_is_reported() => Verify("""
        class C
        {
            void M(ShopContext db, Order[] orders)
            {
                foreach (var order in orders)
                {
                    var lines = db.Lines.Where(l => l.OrderId == order.Id).[|ToList()|];
                }
            }
        }
        """);

    [Fact]
    public Task Find_count_any_and_sum_are_reported() => Verify("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    var customer = db.Customers.[|Find(order.CustomerId)|];
                    var count = db.Lines.[|Count(l => l.OrderId == order.Id)|];
                    var any = db.Lines.[|Any(l => l.OrderId == order.Id)|];
                    var sum = db.Lines.Where(l => l.OrderId == order.Id).[|Sum(l => l.Quantity)|];
                    var dict = db.Lines.Where(l => l.OrderId == order.Id).[|ToDictionary(l => l.Id)|];
                }
            }
        }
        """);

    [Fact]
    public Task For_loop_index_is_reported() => Verify("""
        class C
        {
            void M(ShopContext db, int[] ids)
            {
                for (var i = 0; i < ids.Length; i++)
                {
                    var customer = db.Customers.[|Single(c => c.Id == ids[i])|];
                }
            }
        }
        """);

    [Fact]
    public Task While_loop_over_a_reader_and_do_loop_are_reported() => Verify("""
        class C
        {
            void M(ShopContext db, DbDataReader reader, Queue<int> queue)
            {
                while (reader.Read())
                {
                    var id = reader.GetInt32(0);
                    var customer = db.Customers.[|FirstOrDefault(c => c.Id == id)|];
                }

                while (queue.TryDequeue(out var next))
                {
                    db.Customers.[|Find(next)|];
                }

                var n = 0;
                do
                {
                    db.Customers.[|Find(n)|];
                    n++;
                }
                while (n < queue.Count);
            }
        }
        """);

    [Fact]
    public Task Local_computed_from_the_element_and_query_held_in_a_local_are_reported() => Verify("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    var key = order.CustomerId + 0;
                    var customer = db.Customers.[|SingleOrDefault(c => c.Id == key)|];
                    var query = db.Lines.Where(l => l.OrderId == order.Id);
                    var lines = query.[|ToArray()|];
                    IQueryable<Line> ordered = query.OrderBy(l => l.Product);
                    var first = ordered.[|First()|];
                }
            }
        }
        """);

    [Fact]
    public Task Scalar_key_from_a_collection_of_statuses_is_reported() => Verify("""
        class C
        {
            void M(ShopContext db, string[] statuses)
            {
                foreach (var status in statuses)
                {
                    var count = db.Orders.[|LongCount(o => o.Status == status)|];
                }
            }
        }
        """);

    [Fact]
    public Task Async_operators_and_await_foreach_source_are_reported() => Verify("""
        class C
        {
            async Task M(ShopContext db, List<Order> orders, IAsyncEnumerable<int> ids, CancellationToken ct)
            {
                foreach (var order in orders)
                {
                    var customer = await db.Customers.[|FirstOrDefaultAsync(c => c.Id == order.CustomerId, ct)|];
                    var lines = await db.Lines.Where(l => l.OrderId == order.Id).[|ToListAsync(ct)|];
                    var found = await db.Customers.[|FindAsync(order.CustomerId)|];
                }

                await foreach (var id in ids)
                {
                    var any = await db.Orders.[|AnyAsync(o => o.CustomerId == id)|];
                }
            }
        }
        """);

    [Fact]
    public Task Foreach_over_a_query_in_a_loop_is_reported_at_the_foreach_keyword() => Verify("""
        class C
        {
            async Task M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    {|#0:foreach|} (var line in db.Lines.Where(l => l.OrderId == order.Id))
                    {
                    }

                    await [|foreach|] (var line in db.Lines.Where(l => l.OrderId == order.Id).AsAsyncEnumerable())
                    {
                    }
                }
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0).WithArguments(
            "'foreach' over 'db.Lines.Where(l => l.OrderId == order.Id)'", "the 'foreach' over 'orders'", "load the data for all elements in one query before the loop"));

    [Fact]
    public Task Explicit_loading_is_reported() => Verify("""
        class C
        {
            async Task M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    db.Entry(order).Collection(o => o.Lines).[|Load()|];
                    await db.Entry(order).Collection(o => o.Lines).[|LoadAsync()|];
                    var count = db.Entry(order).Collection(o => o.Lines).Query().[|Count()|];
                }
            }
        }
        """);

    [Fact]
    public Task SaveChanges_and_bulk_writes_per_element_are_reported_with_the_write_advice() => Verify("""
        class C
        {
            async Task M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    order.Status = "shipped";
                    db.{|#0:SaveChanges()|};
                    await db.[|SaveChangesAsync()|];
                    db.Lines.Where(l => l.OrderId == order.Id).{|#1:ExecuteDelete()|};
                    await db.Orders.Where(o => o.Id == order.Id).[|ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, "x"))|];
                }
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0).WithArguments("'db.SaveChanges'", "the 'foreach' over 'orders'", "batch the writes and save once after the loop"),
        Expect.Diagnostic("PERF003").WithLocation(1).WithArguments("'ExecuteDelete'", "the 'foreach' over 'orders'", "batch the writes and send them once after the loop"));

    [Fact]
    public Task Context_Find_reference_loading_raw_sql_and_SqlQuery_are_reported() => Verify("""
        public class Note
        {
            public int Id { get; set; }
            public Customer? Customer { get; set; }
        }

        class C
        {
            void M(ShopContext db, List<Note> notes)
            {
                foreach (var note in notes)
                {
                    var customer = db.[|Find<Customer>(note.Id)|];
                    db.Entry(note).Reference(n => n.Customer).[|Load()|];
                    db.Database.[|ExecuteSqlRaw("delete from Lines where OrderId = {0}", note.Id)|];
                    var ids = db.Database.SqlQuery<int>($"select Id from Orders where CustomerId = {note.Id}").[|ToList()|];
                }
            }
        }
        """);

    // ---- EF Core: per-element lambdas ----

    [Fact]
    public Task Per_element_lambdas_are_reported() => Verify("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                var customers = orders.Select(o => db.Customers.{|#0:First(c => c.Id == o.CustomerId)|}).ToList();
                var withLines = orders.Where(o => db.Lines.[|Any(l => l.OrderId == o.Id)|]).ToList();
                var many = orders.SelectMany(o => db.Lines.Where(l => l.OrderId == o.Id).[|ToList()|]).ToList();
                var byId = orders.ToDictionary(o => o.Id, o => db.Lines.[|Count(l => l.OrderId == o.Id)|]);
                orders.ForEach(o => db.Customers.[|Find(o.CustomerId)|]);
                Parallel.ForEach(orders, o => db.Customers.[|Find(o.CustomerId)|]);
                Array.ForEach(orders.ToArray(), o => db.Customers.[|Find(o.CustomerId)|]);
                Parallel.For(0, orders.Count, i => db.Customers.[|Find(orders[i].CustomerId)|]);
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0).WithArguments("'db.Customers.First'", "the 'Select' lambda over 'orders'", "load the data for all elements in one query before the loop"));

    [Fact]
    public Task Async_per_element_lambda_is_reported() => Verify("""
        class C
        {
            async Task M(ShopContext db, List<Order> orders)
            {
                var customers = await Task.WhenAll(orders.Select(async o => await db.Customers.[|FirstAsync(c => c.Id == o.CustomerId)|]));
                await Parallel.ForEachAsync(orders, async (o, ct) => await db.Customers.[|FindAsync(new object[] { o.CustomerId }, ct)|]);
            }
        }
        """);

    [Fact]
    public Task Client_side_enumeration_after_AsEnumerable_is_per_element() => Verify("""
        class C
        {
            void M(ShopContext db)
            {
                var result = db.Orders.AsEnumerable().Where(o => db.Lines.[|Any(l => l.OrderId == o.Id)|]).ToList();
            }
        }
        """);

    // ---- Dapper and ADO.NET ----

    [Fact]
    public Task Dapper_queries_and_executes_per_element_are_reported() => Verify("""
        class C
        {
            async Task M(DbConnection connection, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    var customer = connection.[|QueryFirstOrDefault<Customer>("select * from Customers where Id = @id", new { id = order.CustomerId })|];
                    var lines = await connection.[|QueryAsync<Line>("select * from Lines where OrderId = @id", new { id = order.Id })|];
                    connection.{|#0:Execute("update Orders set Status = 'x' where Id = @id", new { id = order.Id })|};
                }
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0).WithArguments("'connection.Execute'", "the 'foreach' over 'orders'", "batch the writes and send them once after the loop"));

    [Fact]
    public Task AdoNet_commands_per_element_are_reported() => Verify("""
        class C
        {
            async Task M(DbConnection connection, List<Order> orders)
            {
                using var command = connection.CreateCommand();
                command.CommandText = "select Name from Customers where Id = @id";
                var parameter = command.CreateParameter();
                parameter.ParameterName = "@id";
                command.Parameters.Add(parameter);
                foreach (var order in orders)
                {
                    parameter.Value = order.CustomerId;
                    var name = command.[|ExecuteScalar()|];
                }

                foreach (var order in orders)
                {
                    using var perOrder = connection.CreateCommand();
                    perOrder.CommandText = "select count(*) from Lines where OrderId = " + order.Id;
                    using var reader = await perOrder.[|ExecuteReaderAsync()|];
                    System.Data.IDbCommand legacy = perOrder;
                    legacy.[|ExecuteNonQuery()|];
                }
            }
        }
        """);

    [Fact]
    public Task Dapper_in_a_reader_loop_is_reported() => Verify("""
        class C
        {
            void M(DbConnection connection, DbDataReader reader)
            {
                while (reader.Read())
                {
                    var id = reader.GetInt32(0);
                    connection.[|QuerySingle<Customer>("select * from Customers where Id = @id", new { id })|];
                }
            }
        }
        """);

    // ---- Contexts ----

    [Fact]
    public Task Top_level_statements_are_analyzed() =>
        new AnalyzerTest<PERF003NPlusOneQueryAnalyzer>
        {
            Sources =
            {
                Usings + """
                var db = new ShopContext(new DbContextOptions<ShopContext>());
                var orders = db.Orders.ToList();
                foreach (var order in orders)
                {
                    Console.WriteLine(db.Customers.[|Find(order.CustomerId)|]?.Name);
                }
                """,
                PERF003Model.Source,
            },
            OutputKind = OutputKind.ConsoleApplication,
        }.RunAsync();

    [Fact]
    public Task Local_functions_generics_and_partial_classes_are_analyzed() =>
        new AnalyzerTest<PERF003NPlusOneQueryAnalyzer>
        {
            Sources =
            {
                Usings + """
                partial class C
                {
                    void M(ShopContext db, List<Order> orders)
                    {
                        Local();

                        void Local()
                        {
                            foreach (var order in orders)
                            {
                                db.Customers.[|Find(order.CustomerId)|];
                            }
                        }
                    }

                    List<T> Load<T>(DbContext db, IEnumerable<int> ids) where T : class
                    {
                        var result = new List<T>();
                        foreach (var id in ids)
                        {
                            result.Add(db.Set<T>().[|Find(id)|]!);
                        }

                        return result;
                    }
                }
                """,
                Usings + """
                partial class C
                {
                    void N(ShopContext db, List<Order> orders)
                    {
                        foreach (var order in orders)
                        {
                            db.Lines.Where(l => l.OrderId == order.Id).[|Load()|];
                        }
                    }
                }
                """,
                PERF003Model.Source,
            },
        }.RunAsync();

    [Fact]
    public Task Retry_loop_inside_foreach_reports_the_foreach() => Verify("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    for (var attempt = 0; attempt < 3; attempt++)
                    {
                        try
                        {
                            db.Customers.{|#0:Find(order.CustomerId)|};
                            break;
                        }
                        catch (TimeoutException)
                        {
                        }
                    }
                }
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0).WithArguments("'db.Customers.Find'", "the 'foreach' over 'orders'", "load the data for all elements in one query before the loop"));

    // ---- Look-alike negatives ----

    [Fact]
    public Task Query_before_the_loop_Include_and_Contains_batch_are_not_reported() => Verify("""
        class C
        {
            void M(ShopContext db, List<int> ids)
            {
                var orders = db.Orders.Include(o => o.Lines).ToList();
                var customers = db.Customers.Where(c => ids.Contains(c.Id)).ToDictionary(c => c.Id);
                foreach (var order in orders)
                {
                    var customer = customers.GetValueOrDefault(order.CustomerId);
                    var lines = order.Lines.Where(l => l.Quantity > 1).ToList();
                    var count = order.Lines.Count(l => l.Product == "x");
                }
            }
        }
        """);

    [Fact]
    public Task Queries_inside_IQueryable_lambdas_are_translated_not_reported() => Verify("""
        class C
        {
            void M(ShopContext db)
            {
                var summary = db.Orders
                    .Select(o => new { o.Id, Lines = db.Lines.Count(l => l.OrderId == o.Id), First = db.Lines.Where(l => l.OrderId == o.Id).FirstOrDefault() })
                    .ToList();
                var withLines = db.Orders.Where(o => db.Lines.Any(l => l.OrderId == o.Id)).ToList();
            }
        }
        """);

    [Fact]
    public Task Polling_loops_and_loop_invariant_queries_are_not_reported() => Verify("""
        class C
        {
            async Task M(ShopContext db, List<Order> orders, CancellationToken ct)
            {
                while (!ct.IsCancellationRequested)
                {
                    var pending = await db.Orders.Where(o => o.Status == "pending").ToListAsync(ct);
                    await db.SaveChangesAsync(ct);
                    await Task.Delay(1000, ct);
                }

                using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
                while (await timer.WaitForNextTickAsync(ct))
                {
                    var count = await db.Orders.CountAsync(ct);
                }

                foreach (var order in orders)
                {
                    var all = db.Customers.Count();
                }
            }
        }
        """);

    [Fact]
    public Task Small_constant_loops_are_retries_not_reported() => Verify("""
        class C
        {
            void M(ShopContext db)
            {
                for (var attempt = 0; attempt < 3; attempt++)
                {
                    var customer = db.Customers.Find(attempt);
                }

                foreach (var id in new[] { 1, 2, 3 })
                {
                    var customer = db.Customers.FirstOrDefault(c => c.Id == id);
                }

                var names = Enumerable.Range(1, 4).Select(i => db.Customers.Find(i)).ToList();
            }
        }
        """);

    [Fact]
    public Task Max_constant_iterations_option_changes_the_bound() =>
        new AnalyzerTest<PERF003NPlusOneQueryAnalyzer>
        {
            Sources =
            {
                Usings + """
                class C
                {
                    void M(ShopContext db)
                    {
                        for (var attempt = 0; attempt < 3; attempt++)
                        {
                            var customer = db.Customers.[|Find(attempt)|];
                        }
                    }
                }
                """,
                PERF003Model.Source,
            },
            EditorConfig = "perf_analyzers.PERF003.max_constant_iterations = 2",
        }.RunAsync();

    [Fact]
    public Task Keyset_and_offset_paging_are_batching_not_reported() => Verify("""
        class C
        {
            void M(ShopContext db)
            {
                var lastId = 0;
                while (true)
                {
                    var page = db.Orders.Where(o => o.Id > lastId).OrderBy(o => o.Id).Take(500).ToList();
                    if (page.Count == 0)
                    {
                        break;
                    }

                    lastId = page[page.Count - 1].Id;
                }

                for (var pageIndex = 0; ; pageIndex++)
                {
                    var page = db.Orders.OrderBy(o => o.Id).Skip(pageIndex * 100).Take(100).ToList();
                    if (page.Count == 0)
                    {
                        break;
                    }
                }
            }
        }
        """);

    [Fact]
    public Task Dapper_keyset_paging_is_not_reported_but_top_1_per_key_is() => Verify("""
        class C
        {
            void M(DbConnection connection, List<int> ids)
            {
                var last = 0;
                while (true)
                {
                    var page = connection.Query<Order>("select * from Orders where Id > @last order by Id limit 500", new { last }).AsList();
                    if (page.Count == 0)
                    {
                        break;
                    }

                    last = page[page.Count - 1].Id;
                }

                for (var page = 0; page < ids.Count; page++)
                {
                    connection.Query<Order>("select * from Orders order by Id limit 100 offset @skip", new { skip = page * 100 });
                }

                foreach (var id in ids)
                {
                    connection.[|QueryFirst<Order>("select top 1 * from Orders where CustomerId = @id", new { id })|];
                }
            }
        }
        """);

    [Fact]
    public Task Top_n_per_element_is_still_reported() => Verify("""
        class C
        {
            void M(ShopContext db, List<Customer> customers)
            {
                foreach (var customer in customers)
                {
                    var recent = db.Orders.Where(o => o.CustomerId == customer.Id).OrderByDescending(o => o.Id).Take(5).[|ToList()|];
                }
            }
        }
        """);

    [Fact]
    public Task Chunked_key_batches_are_not_reported() => Verify("""
        class C
        {
            void M(ShopContext db, DbConnection connection, List<int> ids)
            {
                foreach (var chunk in ids.Chunk(500))
                {
                    var customers = db.Customers.Where(c => chunk.Contains(c.Id)).ToList();
                    var rows = connection.Query<Customer>("select * from Customers where Id in @ids", new { ids = chunk });
                }
            }
        }
        """);

    [Fact]
    public Task One_element_taken_from_a_collection_element_is_a_scalar_key() => Verify("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                foreach (var group in orders.GroupBy(o => o.CustomerId))
                {
                    var byKey = db.Customers.[|Find(group.Key)|];
                    var byFirst = db.Customers.[|Find(group.First().CustomerId)|];
                    var batch = db.Orders.Where(o => group.Select(g => g.Id).Contains(o.Id)).ToList();
                }
            }
        }
        """);

    [Fact]
    public Task AsQueryable_over_memory_and_in_memory_linq_are_not_reported() => Verify("""
        class C
        {
            void M(List<Customer> customers, List<Order> orders)
            {
                var query = customers.AsQueryable();
                foreach (var order in orders)
                {
                    var customer = query.FirstOrDefault(c => c.Id == order.CustomerId);
                    var again = customers.AsQueryable().Where(c => c.Id == order.CustomerId).ToList();
                    var inMemory = customers.First(c => c.Id == order.CustomerId);
                }
            }
        }
        """);

    [Fact]
    public Task Lambdas_not_applied_per_element_stop_the_search() => Verify("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    Func<Customer?> later = () => db.Customers.Find(order.CustomerId);
                }
            }
        }
        """);

    [Fact]
    public Task ToQueryString_and_building_a_query_without_running_it_are_not_reported() => Verify("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                var queries = new List<IQueryable<Line>>();
                foreach (var order in orders)
                {
                    var sql = db.Lines.Where(l => l.OrderId == order.Id).ToQueryString();
                    queries.Add(db.Lines.Where(l => l.OrderId == order.Id));
                }
            }
        }
        """);

    [Fact]
    public Task Broken_code_does_not_throw_and_still_reports_what_binds() =>
        new AnalyzerTest<PERF003NPlusOneQueryAnalyzer>
        {
            Sources =
            {
                Usings + """
                class C
                {
                    void M(ShopContext db, List<Order> orders)
                    {
                        foreach (var order in orders
                        {
                            var c = db.Customers.[|FirstOrDefault(c => c.Id == order.)|];
                            var d = db.Missing.Find(order.Id);
                            db.Customers.Find(
                        }
                        while (
                    }
                }
                """,
                PERF003Model.Source,
            },
            AllowCompilerErrors = true,
        }.RunAsync();
}
