using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 fix (issue #17), Dapper: a per-element query with more parameters than the key
/// (<c>new { orderId = order.Id, carrier }</c>), the others the same for every element. Exact output, Fix All,
/// look-alikes without a fix, and a run on SQLite counting commands (<see cref="PERF003FixDapperTests.RunAsync"/>).
/// </summary>
public class PERF003FixDapperParametersTests
{
    private static Task VerifyFix(string code, string fixedCode) =>
        new CodeFixTest<PERF003NPlusOneQueryAnalyzer, PERF003BatchQueryCodeFix>
        {
            Sources = { PERF003FixDapperTests.Usings + code },
            FixedSources = { PERF003FixDapperTests.Usings + fixedCode },
        }.RunAsync();

    private static Task VerifyNoFix(string code) => VerifyFix(code, code);

    [Fact]
    public Task Async_Query_with_a_loop_invariant_parameter_keeps_it_beside_the_key_list() => VerifyFix("""
        public static class Queries
        {
            public static async Task<int> Run(DbConnection connection, List<Customer> customers, int minimum)
            {
                var total = 0;
                foreach (var customer in customers)
                {
                    var orders = await connection.[|QueryAsync<Order>("select * from Orders where CustomerId = @customerId and Id > @minimum", new { customerId = customer.Id, minimum })|];
                    total += orders.Count();
                }

                return total;
            }
        }
        """, """
        public static class Queries
        {
            public static async Task<int> Run(DbConnection connection, List<Customer> customers, int minimum)
            {
                var total = 0;
                var orderKeys = customers.Select(customer => customer.Id).Distinct().ToList();
                var ordersByCustomerId = (await connection.QueryAsync<Order>("select * from Orders where CustomerId in @customerId and Id > @minimum", new { customerId = orderKeys, minimum })).ToLookup(o => o.CustomerId);
                foreach (var customer in customers)
                {
                    var orders = ordersByCustomerId[customer.Id].ToList();
                    total += orders.Count();
                }

                return total;
            }
        }
        """);

    [Fact]
    public Task Fix_all_with_a_constant_parameter_first_and_the_key_second() => VerifyFix("""
        public static class Queries
        {
            public static List<string> Run(DbConnection connection, List<Order> orders)
            {
                const string Prefix = "Customer%";
                var names = new List<string>();
                foreach (var order in orders)
                {
                    var customer = connection.[|QueryFirstOrDefault<Customer>("select * from Customers where Name like @prefix and Id = @id", new { prefix = Prefix, id = order.CustomerId })|];
                    var same = connection.[|QuerySingleOrDefault<Order>("select * from Orders where Id = @id and CustomerId <> @none", new { none = 0, id = order.Id })|];
                    names.Add(customer?.Name + same?.Id);
                }

                return names;
            }
        }
        """, """
        public static class Queries
        {
            public static List<string> Run(DbConnection connection, List<Order> orders)
            {
                const string Prefix = "Customer%";
                var names = new List<string>();
                var customerKeys = orders.Select(order => order.CustomerId).Distinct().ToList();
                var customersById = connection.Query<Customer>("select * from Customers where Name like @prefix and Id in @id", new { id = customerKeys, prefix = Prefix }).ToLookup(c => c.Id);
                var orderKeys = orders.Select(order => order.Id).Distinct().ToList();
                var ordersById = connection.Query<Order>("select * from Orders where Id in @id and CustomerId <> @none", new { id = orderKeys, none = 0 }).ToLookup(o => o.Id);
                foreach (var order in orders)
                {
                    var customer = customersById[order.CustomerId].FirstOrDefault();
                    var same = ordersById[order.Id].SingleOrDefault();
                    names.Add(customer?.Name + same?.Id);
                }

                return names;
            }
        }
        """);

    [Fact]
    public Task No_fix_where_another_parameter_changes_per_element_or_is_not_in_the_object() => VerifyNoFix("""
        public static class Queries
        {
            public static void Run(DbConnection connection, List<Order> orders, int minimum)
            {
                var last = 0;
                foreach (var order in orders)
                {
                    var a = connection.[|QueryFirstOrDefault<Customer>("select * from Customers where Id = @id and Name = @name", new { id = order.CustomerId, name = "C" + order.Id })|];
                    var b = connection.[|QueryFirstOrDefault<Customer>("select * from Customers where Id = @id and Id > @last", new { id = order.CustomerId, last })|];
                    var c = connection.[|QueryFirstOrDefault<Customer>("select * from Customers where Id = @id and Name = @stamp", new { id = order.CustomerId, stamp = DateTime.Now.ToString() })|];
                    var d = connection.[|QueryFirstOrDefault<Customer>("select * from Customers where Id = @id and Name <> 'a@b.c'", new { id = order.CustomerId, minimum })|];
                    var e = connection.[|QueryFirstOrDefault<Customer>("select * from Customers where Id = @id and Id > @other", new { id = order.CustomerId, minimum })|];
                    var f = connection.[|QueryFirstOrDefault<Customer>("select * from Customers where Id = @id and Id <> @same", new { id = order.CustomerId, same = order.CustomerId })|];
                    last = order.Id;
                }
            }
        }
        """);

    [Fact]
    public async Task Run_on_SQLite_gives_the_same_rows_in_fewer_round_trips()
    {
        // QueryAsync per customer (5), after loading orders and customers (2).
        const string Original = """
            public static class Queries
            {
                public static async Task<string> Names(DbConnection connection, List<Customer> customers, int minimum)
                {
                    var names = new List<string>();
                    foreach (var customer in customers)
                    {
                        var orders = await connection.QueryAsync<Order>("select * from Orders where CustomerId = @customerId and Id > @minimum order by Id desc", new { customerId = customer.Id, minimum });
                        names.Add(customer.Id + ":" + string.Join("/", orders.Select(o => o.Id)));
                    }

                    return string.Join(";", names);
                }
            }
            """;
        var (fixedCode, applied) = await FixApplier.ApplyEachAsync<PERF003NPlusOneQueryAnalyzer, PERF003BatchQueryCodeFix>(PERF003FixDapperTests.Usings + Original);
        Assert.Equal(1, applied);
        Assert.Contains("where CustomerId in @customerId and Id > @minimum order by Id desc\", new { customerId = orderKeys, minimum }", fixedCode, StringComparison.Ordinal);

        const string Call = "return await Queries.Names(connection, customers, 4);";
        var original = await PERF003FixDapperTests.RunAsync(Original, Call);
        var fixedRun = await PERF003FixDapperTests.RunAsync(fixedCode.Substring(PERF003FixDapperTests.Usings.Length), Call);
        Assert.Equal(original.Result, fixedRun.Result);
        Assert.Contains("1:10/5", original.Result, StringComparison.Ordinal);
        Assert.Equal(2 + 5, original.Commands);
        Assert.Equal(2 + 1, fixedRun.Commands);
    }
}
