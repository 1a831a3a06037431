using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003, one query per <c>GroupBy</c> group with the group's ids taken through a C# 14 extension member (issue #18,
/// smartstore's <c>AssignedEntitiesHook.OnBeforeSaveCompletedAsync</c>: <c>var deletedEntityIds =
/// group.ToDistinctArray(x =&gt; x.Entity.Id)</c>, where <c>ToDistinctArray</c> is declared in an
/// <c>extension&lt;T&gt;(IEnumerable&lt;T&gt; source)</c> block). A call to such a member has the group as its receiver
/// (<c>Instance</c>), not as the first argument of a classic extension method, so the group's ids were taken for a
/// per-element value; an earlier probe with a classic extension method did not reproduce it. The method and the
/// types it needs are copied from smartstore (trimmed to what the query reads). The query reads the group's ids as a
/// set: one query per entity type, the batched form. A query per id of the group and a query by one value taken from
/// the group through an extension member stay reported.
/// </summary>
public class PERF003ExtensionBlockGroupTests
{
    private const string Smartstore = """
        using System;
        using System.Collections.Frozen;
        using System.Collections.Generic;
        using System.Linq;
        using Microsoft.EntityFrameworkCore;

        namespace Smartstore
        {
            public static class EnumerableExtensions
            {
                extension<T>(IEnumerable<T> source)
                {
                    /// <summary>Selects elements of an enumerable and converts them into an array of distinct elements.</summary>
                    public TKey[] ToDistinctArray<TKey>(Func<T, TKey> elementSelector)
                    {
                        return source.Select(elementSelector).Distinct().ToArray();
                    }

                    public TKey FirstOf<TKey>(Func<T, TKey> elementSelector)
                    {
                        return source.Select(elementSelector).First();
                    }
                }
            }
        }

        namespace Smartstore.Data.Hooks
        {
            public abstract class BaseEntity
            {
                public int Id { get; set; }
            }

            public interface IHookedEntity
            {
                BaseEntity Entity { get; }
                Type EntityType { get; }
                EntityState InitialState { get; }
            }
        }

        namespace Smartstore.Core.Data
        {
            using Smartstore.Data.Hooks;

            public class ProductAttribute : BaseEntity
            {
                public List<ProductAttributeOptionsSet> ProductAttributeOptionsSets { get; set; } = new();
            }

            public class ProductAttributeOptionsSet : BaseEntity
            {
                public List<ProductAttributeOption> ProductAttributeOptions { get; set; } = new();
            }

            public class ProductAttributeOption : BaseEntity
            {
                public int ProductAttributeOptionsSetId { get; set; }
            }

            public class ProductVariantAttribute : BaseEntity { }

            public class ProductVariantAttributeValue : BaseEntity
            {
                public int ProductVariantAttributeId { get; set; }
            }

            public class SpecificationAttribute : BaseEntity { }

            public class SpecificationAttributeOption : BaseEntity
            {
                public int SpecificationAttributeId { get; set; }
            }

            public class QueuedEmail : BaseEntity { }

            public class QueuedEmailAttachment : BaseEntity
            {
                public int QueuedEmailId { get; set; }
                public int? MediaStorageId { get; set; }
            }

            public class MediaStorage : BaseEntity { }

            public class SmartDbContext : DbContext
            {
                public DbSet<ProductAttribute> ProductAttributes => Set<ProductAttribute>();
                public DbSet<ProductAttributeOption> ProductAttributeOptions => Set<ProductAttributeOption>();
                public DbSet<ProductVariantAttributeValue> ProductVariantAttributeValues => Set<ProductVariantAttributeValue>();
                public DbSet<SpecificationAttributeOption> SpecificationAttributeOptions => Set<SpecificationAttributeOption>();
                public DbSet<QueuedEmailAttachment> QueuedEmailAttachments => Set<QueuedEmailAttachment>();
            }
        }
        """;

    private static Task Verify(string code, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer> { Sources = { Smartstore, code, PERF003Model.Source } };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    [Fact]
    public Task Query_per_group_with_ids_from_an_extension_member_is_not_reported() => Verify("""
        using System;
        using System.Collections.Frozen;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using Smartstore;
        using Smartstore.Core.Data;
        using Smartstore.Data.Hooks;

        namespace Smartstore.Core.Common.Hooks;

        internal class AssignedEntitiesHook(SmartDbContext db)
        {
            private static readonly FrozenSet<Type> _candidateTypes = new Type[]
            {
                typeof(ProductAttribute),
                typeof(ProductVariantAttribute),
                typeof(ProductAttributeOptionsSet),
                typeof(SpecificationAttribute),
                typeof(QueuedEmail)
            }.ToFrozenSet();

            private readonly SmartDbContext _db = db;
            private readonly List<AssignedItem> _assignedItems = [];

            public async Task OnBeforeSaveCompletedAsync(IEnumerable<IHookedEntity> entries, CancellationToken cancelToken)
            {
                var groups = entries
                    .Where(x => x.InitialState == EntityState.Deleted && _candidateTypes.Contains(x.EntityType))
                    .GroupBy(x => x.EntityType);

                foreach (var group in groups)
                {
                    var deletedEntityIds = group.ToDistinctArray(x => x.Entity.Id);

                    if (group.Key == typeof(ProductAttribute))
                    {
                        var optionIdsQuery =
                            from a in _db.ProductAttributes.AsNoTracking()
                            from os in a.ProductAttributeOptionsSets
                            from ao in os.ProductAttributeOptions
                            where deletedEntityIds.Contains(a.Id)
                            select ao.Id;

                        _assignedItems.Add(new()
                        {
                            EntityName = nameof(ProductAttributeOption),
                            EntityIds = await optionIdsQuery.ToArrayAsync(cancelToken)
                        });
                    }
                    else if (group.Key == typeof(ProductVariantAttribute))
                    {
                        _assignedItems.Add(new()
                        {
                            EntityName = nameof(ProductVariantAttributeValue),
                            EntityIds = await _db.ProductVariantAttributeValues
                                .Where(x => deletedEntityIds.Contains(x.ProductVariantAttributeId))
                                .Select(x => x.Id)
                                .ToArrayAsync(cancelToken)
                        });
                    }
                    else if (group.Key == typeof(ProductAttributeOptionsSet))
                    {
                        _assignedItems.Add(new()
                        {
                            EntityName = nameof(ProductAttributeOption),
                            EntityIds = await _db.ProductAttributeOptions
                                .Where(x => deletedEntityIds.Contains(x.ProductAttributeOptionsSetId))
                                .Select(x => x.Id)
                                .ToArrayAsync(cancelToken)
                        });
                    }
                    else if (group.Key == typeof(SpecificationAttribute))
                    {
                        _assignedItems.Add(new()
                        {
                            EntityName = nameof(SpecificationAttributeOption),
                            EntityIds = await _db.SpecificationAttributeOptions
                                .Where(x => deletedEntityIds.Contains(x.SpecificationAttributeId))
                                .Select(x => x.Id)
                                .ToArrayAsync(cancelToken)
                        });
                    }
                    else if (group.Key == typeof(QueuedEmail))
                    {
                        _assignedItems.Add(new()
                        {
                            AssignedEntities = AssignedEntity.MediaStorage,
                            EntityName = nameof(MediaStorage),
                            EntityIds = await _db.QueuedEmailAttachments
                                .Where(x => deletedEntityIds.Contains(x.QueuedEmailId) && x.MediaStorageId > 0)
                                .Select(x => x.MediaStorageId ?? 0)
                                .ToArrayAsync(cancelToken)
                        });
                    }
                }
            }

            [Flags]
            enum AssignedEntity
            {
                LocalizedProperty = 1 << 0,
                MediaTrack = 1 << 1,
                MediaStorage = 1 << 2,
            }

            record AssignedItem
            {
                public AssignedEntity AssignedEntities { get; set; } = AssignedEntity.LocalizedProperty | AssignedEntity.MediaTrack;
                public string EntityName { get; set; } = "";
                public int[] EntityIds { get; set; } = [];
            }
        }
        """);

    [Fact]
    public Task Query_per_id_or_per_single_value_of_the_group_is_reported() => Verify("""
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using Smartstore;
        using Smartstore.Core.Data;
        using Smartstore.Data.Hooks;

        internal class Hook(SmartDbContext db)
        {
            public async Task<int> CountAsync(IEnumerable<IHookedEntity> entries, CancellationToken cancelToken)
            {
                var total = 0;
                foreach (var group in entries.GroupBy(x => x.EntityType))
                {
                    var deletedEntityIds = group.ToDistinctArray(x => x.Entity.Id);
                    foreach (var id in deletedEntityIds)
                    {
                        total += await db.ProductAttributeOptions.{|#0:CountAsync(x => x.ProductAttributeOptionsSetId == id, cancelToken)|};
                    }

                    var firstId = group.FirstOf(x => x.Entity.Id);
                    total += await db.ProductAttributeOptions.{|#1:CountAsync(x => x.ProductAttributeOptionsSetId == firstId, cancelToken)|};
                }

                return total;
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0),
        Expect.Diagnostic("PERF003").WithLocation(1));
}
