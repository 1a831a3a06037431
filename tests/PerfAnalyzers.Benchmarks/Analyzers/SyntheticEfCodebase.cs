using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace PerfAnalyzers.Benchmarks.Analyzers;

/// <summary>
/// An EF Core-heavy made-up code base, shaped like a media server's data layer: a context with many sets, and modules
/// of repositories and query builders — many <c>DbSet</c> queries, long LINQ chains, nested lambdas inside expression
/// trees (<c>e.Parents.Any(p =&gt; ids.Contains(p.Id))</c>), projections, <c>Include</c>s, <c>ExecuteUpdate</c> — and few
/// loops: per module one N+1 loop, one per-element repository call, one flush every N and one chunked batch (so
/// PERF003 reports two per module). It is the case where PERF003 used to cost most, per line, on real code.
/// </summary>
public static class SyntheticEfCodebase
{
    public static CSharpCompilation Create(int modules, out int lines) =>
        SyntheticCodebase.Build("SyntheticLibrary", GlobalUsings, ("Model/Library.cs", Model), ModuleTemplate, "Data/Module", modules, out lines);

    private const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.Linq;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Microsoft.EntityFrameworkCore;
        global using Synthetic.Library;
        """;

    private const string Model = """
        namespace Synthetic.Library;

        public sealed class Item
        {
            public Guid Id { get; set; }
            public string Name { get; set; } = "";
            public string CleanName { get; set; } = "";
            public string? Path { get; set; }
            public bool IsFolder { get; set; }
            public bool IsVirtual { get; set; }
            public int? Year { get; set; }
            public double? Rating { get; set; }
            public DateTime DateCreated { get; set; }
            public Guid? ParentId { get; set; }
            public Guid? OwnerId { get; set; }
            public string? PresentationKey { get; set; }
            public List<ItemParent> Parents { get; set; } = new();
            public List<ItemValueMap> Values { get; set; } = new();
            public List<UserData> UserData { get; set; } = new();
            public List<People> People { get; set; } = new();
        }

        public sealed class ItemParent
        {
            public Guid ItemId { get; set; }
            public Guid ParentItemId { get; set; }
            public Item? Parent { get; set; }
        }

        public sealed class ItemValue
        {
            public Guid Id { get; set; }
            public int Type { get; set; }
            public string Value { get; set; } = "";
            public string CleanValue { get; set; } = "";
        }

        public sealed class ItemValueMap
        {
            public Guid ItemId { get; set; }
            public Guid ItemValueId { get; set; }
            public ItemValue ItemValue { get; set; } = null!;
        }

        public sealed class UserData
        {
            public Guid ItemId { get; set; }
            public Guid UserId { get; set; }
            public bool Played { get; set; }
            public bool IsFavorite { get; set; }
            public int PlayCount { get; set; }
            public DateTime? LastPlayed { get; set; }
        }

        public sealed class People
        {
            public Guid Id { get; set; }
            public Guid ItemId { get; set; }
            public string Name { get; set; } = "";
            public string Role { get; set; } = "";
        }

        public sealed class LinkedChild
        {
            public Guid ParentId { get; set; }
            public Guid ChildId { get; set; }
        }

        public sealed class LibraryContext : DbContext
        {
            public LibraryContext(DbContextOptions<LibraryContext> options) : base(options) { }
            public DbSet<Item> Items => Set<Item>();
            public DbSet<ItemParent> ItemParents => Set<ItemParent>();
            public DbSet<ItemValue> ItemValues => Set<ItemValue>();
            public DbSet<ItemValueMap> ItemValueMaps => Set<ItemValueMap>();
            public DbSet<UserData> UserData => Set<UserData>();
            public DbSet<People> People => Set<People>();
            public DbSet<LinkedChild> LinkedChildren => Set<LinkedChild>();
        }

        public sealed class ItemQuery
        {
            public Guid? ParentId { get; set; }
            public Guid? UserId { get; set; }
            public string? NameStartsWith { get; set; }
            public int[]? Years { get; set; }
            public Guid[] BlockedTags { get; set; } = Array.Empty<Guid>();
            public Guid[] AllowedTags { get; set; } = Array.Empty<Guid>();
            public string[] Genres { get; set; } = Array.Empty<string>();
            public bool? IsFavorite { get; set; }
            public bool? IsPlayed { get; set; }
            public int? Skip { get; set; }
            public int? Take { get; set; }
        }

        public interface IItemRepository
        {
            Task<List<Item>> GetChildrenAsync(Guid parentId, CancellationToken cancellationToken);
            Task<List<Item>> GetManyAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken);
        }
        """;

    // One module: about 310 lines, mostly queries. "__N__" is replaced by the module number.
    private const string ModuleTemplate = """
        namespace Synthetic.Library.Module__N__;

        /// <summary>Builds filtered item queries: expression trees with nested lambdas, no loops.</summary>
        public sealed class ItemQueryBuilder__N__
        {
            private readonly LibraryContext _db;

            public ItemQueryBuilder__N__(LibraryContext db) => _db = db;

            public IQueryable<Item> Filter(ItemQuery filter)
            {
                IQueryable<Item> query = _db.Items.AsNoTracking();
                if (filter.ParentId is { } parentId)
                {
                    query = query.Where(e => e.ParentId == parentId || e.Parents.Any(p => p.ParentItemId == parentId));
                }

                if (!string.IsNullOrEmpty(filter.NameStartsWith))
                {
                    var prefix = filter.NameStartsWith.ToLowerInvariant();
                    query = query.Where(e => e.CleanName.StartsWith(prefix));
                }

                if (filter.Years is { Length: > 0 } years)
                {
                    query = query.Where(e => e.Year.HasValue && years.Contains(e.Year.Value));
                }

                if (filter.BlockedTags.Length > 0)
                {
                    var blockedIds = _db.ItemValueMaps
                        .Where(m => filter.BlockedTags.Contains(m.ItemValueId))
                        .Select(m => m.ItemId);
                    query = query.Where(e => !blockedIds.Contains(e.Id) && !e.Parents.Any(p => blockedIds.Contains(p.ParentItemId)));
                }

                if (filter.AllowedTags.Length > 0)
                {
                    var allowedIds = _db.ItemValueMaps
                        .Where(m => filter.AllowedTags.Contains(m.ItemValueId))
                        .Select(m => m.ItemId);
                    query = query.Where(e => allowedIds.Contains(e.Id) || e.Parents.Any(p => allowedIds.Contains(p.ParentItemId)));
                }

                if (filter.Genres.Length > 0)
                {
                    var genres = filter.Genres.Select(g => g.ToLowerInvariant()).ToArray();
                    query = query.Where(e => e.Values.Any(v => v.ItemValue.Type == 2 && genres.Contains(v.ItemValue.CleanValue)));
                }

                if (filter.UserId is { } userId)
                {
                    if (filter.IsFavorite is { } favorite)
                    {
                        query = query.Where(e => e.UserData.Any(u => u.UserId == userId && u.IsFavorite == favorite));
                    }

                    if (filter.IsPlayed is { } played)
                    {
                        query = query.Where(e => e.UserData.Any(u => u.UserId == userId && u.Played == played));
                    }
                }

                return query;
            }

            public IQueryable<Item> Ordered(IQueryable<Item> query, bool byRating) =>
                byRating
                    ? query.OrderByDescending(e => e.Rating).ThenBy(e => e.CleanName).ThenBy(e => e.Id)
                    : query.OrderBy(e => e.CleanName).ThenByDescending(e => e.DateCreated).ThenBy(e => e.Id);

            public IQueryable<Item> Page(IQueryable<Item> query, ItemQuery filter)
            {
                if (filter.Skip is { } skip)
                {
                    query = query.Skip(skip);
                }

                if (filter.Take is { } take)
                {
                    query = query.Take(take);
                }

                return query;
            }

            public IQueryable<Item> WithPeople(IQueryable<Item> query, string[] names) =>
                query.Where(e => e.People.Any(p => names.Contains(p.Name) && p.Role != "Guest"));

            public IQueryable<Item> InFolders(IQueryable<Item> query, IReadOnlyCollection<Guid> folders) =>
                query.Where(e => e.ParentId.HasValue && folders.Contains(e.ParentId.Value) && !e.IsVirtual);
        }

        /// <summary>Reads: materialised queries, projections, aggregates. Still no loops.</summary>
        public sealed class ItemReader__N__
        {
            private readonly LibraryContext _db;
            private readonly ItemQueryBuilder__N__ _builder;

            public ItemReader__N__(LibraryContext db, ItemQueryBuilder__N__ builder)
            {
                _db = db;
                _builder = builder;
            }

            public async Task<List<Item>> SearchAsync(ItemQuery filter, CancellationToken cancellationToken)
            {
                var query = _builder.Page(_builder.Ordered(_builder.Filter(filter), byRating: false), filter);
                return await query.Include(e => e.UserData).Include(e => e.Values).ThenInclude(v => v.ItemValue).ToListAsync(cancellationToken);
            }

            public Task<int> CountAsync(ItemQuery filter, CancellationToken cancellationToken) =>
                _builder.Filter(filter).CountAsync(cancellationToken);

            public async Task<Dictionary<Guid, int>> ChildCountsAsync(IReadOnlyCollection<Guid> parents, CancellationToken cancellationToken) =>
                await _db.Items
                    .Where(e => e.ParentId.HasValue && parents.Contains(e.ParentId.Value))
                    .GroupBy(e => e.ParentId!.Value)
                    .Select(g => new { Parent = g.Key, Count = g.Count() })
                    .ToDictionaryAsync(x => x.Parent, x => x.Count, cancellationToken);

            public async Task<List<string>> GenresAsync(Guid parentId, CancellationToken cancellationToken) =>
                await _db.ItemValueMaps
                    .Where(m => m.ItemValue.Type == 2 && _db.Items.Any(e => e.Id == m.ItemId && e.ParentId == parentId))
                    .Select(m => m.ItemValue.Value)
                    .Distinct()
                    .OrderBy(v => v)
                    .ToListAsync(cancellationToken);

            public async Task<List<(Guid Id, string Name, int Plays)>> MostPlayedAsync(Guid userId, int take, CancellationToken cancellationToken)
            {
                var rows = await _db.UserData
                    .Where(u => u.UserId == userId && u.PlayCount > 0)
                    .OrderByDescending(u => u.PlayCount)
                    .ThenByDescending(u => u.LastPlayed)
                    .Take(take)
                    .Join(_db.Items, u => u.ItemId, e => e.Id, (u, e) => new { e.Id, e.Name, u.PlayCount })
                    .ToListAsync(cancellationToken);
                return rows.Select(r => (r.Id, r.Name, r.PlayCount)).ToList();
            }

            public Task<bool> HasChildrenAsync(Guid parentId, CancellationToken cancellationToken) =>
                _db.Items.AnyAsync(e => e.ParentId == parentId && !e.IsVirtual, cancellationToken);

            public async Task<Item?> FindByPathAsync(string path, CancellationToken cancellationToken) =>
                await _db.Items.AsNoTracking().FirstOrDefaultAsync(e => e.Path == path, cancellationToken);

            public async Task<List<Guid>> AncestorsAsync(Guid itemId, CancellationToken cancellationToken) =>
                await _db.ItemParents.Where(p => p.ItemId == itemId).Select(p => p.ParentItemId).ToListAsync(cancellationToken);

            public async Task<double> AverageRatingAsync(Guid parentId, CancellationToken cancellationToken) =>
                await _db.Items.Where(e => e.ParentId == parentId && e.Rating.HasValue).AverageAsync(e => e.Rating!.Value, cancellationToken);

            public async Task<List<Item>> RecentlyAddedAsync(Guid userId, int take, CancellationToken cancellationToken) =>
                await _db.Items
                    .Where(e => !e.IsFolder && !e.IsVirtual && !e.UserData.Any(u => u.UserId == userId && u.Played))
                    .OrderByDescending(e => e.DateCreated)
                    .Take(take)
                    .ToListAsync(cancellationToken);

            public async Task<Dictionary<Guid, string[]>> PeopleByItemAsync(IReadOnlyCollection<Guid> items, CancellationToken cancellationToken)
            {
                var rows = await _db.People.Where(p => items.Contains(p.ItemId)).Select(p => new { p.ItemId, p.Name }).ToListAsync(cancellationToken);
                return rows.GroupBy(r => r.ItemId).ToDictionary(g => g.Key, g => g.Select(r => r.Name).OrderBy(n => n).ToArray());
            }

            public async Task<List<Item>> SimilarAsync(Item item, CancellationToken cancellationToken)
            {
                var valueIds = item.Values.Select(v => v.ItemValueId).ToArray();
                return await _db.Items
                    .Where(e => e.Id != item.Id && e.Values.Any(v => valueIds.Contains(v.ItemValueId)))
                    .OrderByDescending(e => e.Values.Count(v => valueIds.Contains(v.ItemValueId)))
                    .ThenByDescending(e => e.Rating)
                    .Take(12)
                    .ToListAsync(cancellationToken);
            }
        }

        /// <summary>Writes: bulk updates, and the few loops of the module (one N+1, one repository call per element, a flush every N, a chunked batch).</summary>
        public sealed class ItemWriter__N__
        {
            private const int BatchSize = 250;
            private readonly LibraryContext _db;
            private readonly IItemRepository _repository;

            public ItemWriter__N__(LibraryContext db, IItemRepository repository)
            {
                _db = db;
                _repository = repository;
            }

            public Task<int> MarkPlayedAsync(Guid userId, IReadOnlyCollection<Guid> items, CancellationToken cancellationToken) =>
                _db.UserData
                    .Where(u => u.UserId == userId && items.Contains(u.ItemId))
                    .ExecuteUpdateAsync(s => s.SetProperty(u => u.Played, true).SetProperty(u => u.PlayCount, u => u.PlayCount + 1), cancellationToken);

            public Task<int> DeleteOrphansAsync(CancellationToken cancellationToken) =>
                _db.ItemParents.Where(p => !_db.Items.Any(e => e.Id == p.ParentItemId)).ExecuteDeleteAsync(cancellationToken);

            public Task<int> ReparentAsync(Guid from, Guid to, CancellationToken cancellationToken) =>
                _db.Items.Where(e => e.ParentId == from).ExecuteUpdateAsync(s => s.SetProperty(e => e.ParentId, to), cancellationToken);

            public async Task RefreshKeysAsync(IReadOnlyList<Item> series, CancellationToken cancellationToken)
            {
                foreach (var item in series)
                {
                    var key = item.Name.ToLowerInvariant() + "-" + item.Year;
                    await _db.Items.Where(e => e.Id == item.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.PresentationKey, key), cancellationToken);
                }
            }

            public async Task<int> CountChildrenOneByOneAsync(IReadOnlyList<Guid> parents, CancellationToken cancellationToken)
            {
                var total = 0;
                foreach (var parent in parents)
                {
                    total += (await _repository.GetChildrenAsync(parent, cancellationToken)).Count;
                }

                return total;
            }

            public async Task CleanNamesAsync(CancellationToken cancellationToken)
            {
                var pending = 0;
                await foreach (var item in _db.Items.Where(e => e.CleanName == "").AsAsyncEnumerable().WithCancellation(cancellationToken))
                {
                    item.CleanName = item.Name.Trim().ToLowerInvariant();
                    if (++pending >= BatchSize)
                    {
                        await _db.SaveChangesAsync(cancellationToken);
                        _db.ChangeTracker.Clear();
                        pending = 0;
                    }
                }

                await _db.SaveChangesAsync(cancellationToken);
            }

            public async Task<List<Item>> LoadInChunksAsync(IReadOnlyList<Guid> ids, CancellationToken cancellationToken)
            {
                var result = new List<Item>(ids.Count);
                foreach (var chunk in ids.Chunk(500))
                {
                    result.AddRange(await _db.Items.Where(e => chunk.Contains(e.Id)).ToListAsync(cancellationToken));
                }

                return result;
            }

            public async Task SetFavoriteAsync(Guid userId, Guid itemId, bool favorite, CancellationToken cancellationToken)
            {
                var data = await _db.UserData.FirstOrDefaultAsync(u => u.UserId == userId && u.ItemId == itemId, cancellationToken);
                if (data is null)
                {
                    data = new UserData { UserId = userId, ItemId = itemId };
                    _db.UserData.Add(data);
                }

                data.IsFavorite = favorite;
                await _db.SaveChangesAsync(cancellationToken);
            }

            public async Task<int> MergeValuesAsync(int type, CancellationToken cancellationToken)
            {
                var duplicates = await _db.ItemValues
                    .Where(v => v.Type == type)
                    .GroupBy(v => v.CleanValue)
                    .Where(g => g.Count() > 1)
                    .Select(g => new { g.Key, Keep = g.OrderBy(v => v.Id).Select(v => v.Id).First() })
                    .ToListAsync(cancellationToken);
                var keep = duplicates.Select(d => d.Keep).ToHashSet();
                var names = duplicates.Select(d => d.Key).ToHashSet();
                return await _db.ItemValueMaps
                    .Where(m => m.ItemValue.Type == type && names.Contains(m.ItemValue.CleanValue) && !keep.Contains(m.ItemValueId))
                    .ExecuteDeleteAsync(cancellationToken);
            }
        }

        /// <summary>Tree queries: descendants by sub-selects and one breadth-first walk, level at a time.</summary>
        public static class Descendants__N__
        {
            public static IQueryable<Guid> Of(LibraryContext db, Guid parentId) =>
                db.ItemParents.Where(p => p.ParentItemId == parentId).Select(p => p.ItemId)
                    .Union(db.LinkedChildren.Where(l => l.ParentId == parentId).Select(l => l.ChildId));

            public static IQueryable<Item> Folders(LibraryContext db, Guid parentId)
            {
                var ids = Of(db, parentId);
                return db.Items.Where(e => e.IsFolder && ids.Contains(e.Id));
            }

            public static List<Guid> Closure(LibraryContext db, Guid rootId)
            {
                var visited = new HashSet<Guid> { rootId };
                var frontier = new List<Guid> { rootId };
                while (frontier.Count != 0)
                {
                    var linked = db.LinkedChildren.Where(l => frontier.Contains(l.ParentId)).Select(l => l.ChildId);
                    var next = db.Items.Where(e => e.IsFolder && linked.Contains(e.Id)).Select(e => e.Id).ToList();
                    frontier = next.Where(visited.Add).ToList();
                }

                return visited.ToList();
            }
        }

        """;
}
