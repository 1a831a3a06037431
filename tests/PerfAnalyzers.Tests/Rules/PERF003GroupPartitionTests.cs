using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003, one query per group of a <c>GroupBy</c> (issue #18, smartstore's entity hooks: seven
/// <c>foreach (var group in deletedEntities.GroupBy(x =&gt; x.GetEntityName()))</c> loops deleting
/// <c>Where(x =&gt; entityIds.Contains(x.EntityId) &amp;&amp; x.KeyGroup == group.Key)</c>): the query reads the group's rows
/// as a set and its key as a scalar, so it runs once per partition — the batched form, not reported. A query that
/// reads only the key runs once per distinct key and is still reported.
/// </summary>
public class PERF003GroupPartitionTests
{
    private const string Usings = """
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        public record Deleted(int Id, string EntityName);

        """;

    private static Task Verify(string code, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer> { Sources = { Usings + code, PERF003Model.Source } };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    [Fact]
    public Task Query_per_group_with_the_groups_rows_as_a_set_and_its_key_is_not_reported() => Verify("""
        class Hook
        {
            async Task DeleteAsync(ShopContext db, List<Deleted> deletedEntities)
            {
                foreach (var group in deletedEntities.GroupBy(x => x.EntityName))
                {
                    var entityIds = group.Select(x => x.Id).ToArray();
                    var entityName = group.Key;
                    await db.Orders
                        .Where(x => entityIds.Contains(x.CustomerId) && x.Status == entityName)
                        .ExecuteDeleteAsync();
                }

                foreach (var group in deletedEntities.GroupBy(x => x.EntityName))
                {
                    var ids = group.Select(x => x.Id).ToList();
                    db.Orders.Where(o => o.Status == group.Key && ids.Contains(o.Id)).ExecuteDelete();
                }
            }
        }
        """);

    [Fact]
    public Task Query_per_chunk_of_a_groups_ids_is_not_reported() => Verify("""
        class Hook
        {
            async Task DeleteAsync(ShopContext db, List<Deleted> deletedEntities)
            {
                // smartstore EntityWithAttributesHook: the group's ids deleted in chunks of 128.
                foreach (var group in deletedEntities.GroupBy(x => x.EntityName))
                {
                    var entityIds = group.Select(x => x.Id).ToArray();
                    var entityName = group.Key;
                    foreach (var chunk in entityIds.Chunk(128))
                    {
                        await db.Orders
                            .Where(x => chunk.Contains(x.CustomerId) && x.Status == entityName)
                            .ExecuteDeleteAsync();
                    }
                }
            }
        }
        """);

    [Fact]
    public Task Query_per_element_of_a_groups_ids_is_reported() => Verify("""
        class Hook
        {
            int Count(ShopContext db, List<Deleted> deletedEntities)
            {
                var total = 0;
                foreach (var group in deletedEntities.GroupBy(x => x.EntityName))
                {
                    var entityIds = group.Select(x => x.Id).ToArray();
                    foreach (var id in entityIds)
                    {
                        total += db.Orders.{|#0:Count(x => x.CustomerId == id && x.Status == group.Key)|};
                    }
                }

                return total;
            }
        }
        """, Expect.Diagnostic("PERF003").WithLocation(0));

    [Fact]
    public Task Query_per_group_that_reads_only_the_key_is_reported() => Verify("""
        class Hook
        {
            int Count(ShopContext db, List<Deleted> deletedEntities)
            {
                var total = 0;
                foreach (var group in deletedEntities.GroupBy(x => x.EntityName))
                {
                    var entityName = group.Key;
                    total += db.Orders.{|#0:Count(o => o.Status == entityName)|};
                }

                return total;
            }
        }
        """, Expect.Diagnostic("PERF003").WithLocation(0));

    [Fact]
    public Task Key_of_an_element_that_is_not_a_group_is_reported() => Verify("""
        class Hook
        {
            int Count(ShopContext db, Dictionary<string, List<int>> byName)
            {
                var total = 0;
                foreach (var pair in byName)
                {
                    var ids = pair.Value;
                    total += db.Orders.{|#0:Count(o => o.Status == pair.Key && ids.Contains(o.Id))|};
                }

                return total;
            }
        }
        """, Expect.Diagnostic("PERF003").WithLocation(0));
}
