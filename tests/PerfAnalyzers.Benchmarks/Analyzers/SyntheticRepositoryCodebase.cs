namespace PerfAnalyzers.Benchmarks.Analyzers;

/// <summary>
/// A repository-heavy made-up code base (issue #13), shaped like Sonarr's and bitwarden's service layers: a generic
/// base repository on Dapper behind a generic interface (<c>BasicRepository&lt;T&gt;</c> with a virtual query some
/// repositories override), per module an entity, its repository interface and implementation, an async repository
/// interface whose implementation lives elsewhere (bitwarden's shape), a service behind an interface (one of its
/// methods cached), and a handler with many straight-line repository and service calls and a few loops: per module
/// one synchronous repository call per element, one service call per element, one async repository call per element
/// (reported), and look-alikes (a cached service per element, a loop-invariant call, a chunked batch) that are not.
/// It is the case where PERF003 follows calls through interfaces most.
/// </summary>
public static class SyntheticRepositoryCodebase
{
    public static Microsoft.CodeAnalysis.CSharp.CSharpCompilation Create(int modules, out int lines) =>
        SyntheticCodebase.Build("SyntheticRepositories", GlobalUsings, ("Datastore/BasicRepository.cs", Model), ModuleTemplate, "Services/Module", modules, out lines);

    private const string GlobalUsings = """
        global using System;
        global using System.Collections.Concurrent;
        global using System.Collections.Generic;
        global using System.Data;
        global using System.Linq;
        global using System.Linq.Expressions;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Dapper;
        global using Synthetic.Datastore;
        """;

    private const string Model = """
        namespace Synthetic.Datastore;

        public interface IDatabase
        {
            IDbConnection OpenConnection();
        }

        public class ModelBase
        {
            public int Id { get; set; }
        }

        public sealed class SqlBuilder
        {
            public string Sql { get; private set; } = "";
            public Dictionary<string, object?> Parameters { get; } = new();

            public SqlBuilder Where<T>(Expression<Func<T, bool>> where)
            {
                Sql += " WHERE " + where.Body;
                return this;
            }

            public SqlBuilder Select(Type type)
            {
                Sql = "SELECT * FROM \"" + type.Name + "\"" + Sql;
                return this;
            }
        }

        public static class SqlMapperExtensions
        {
            public static IEnumerable<T> Query<T>(this IDatabase db, string sql, object? param = null)
            {
                using (var conn = db.OpenConnection())
                {
                    return SqlMapper.Query<T>(conn, sql, param).ToList();
                }
            }

            public static IEnumerable<T> Query<T>(this IDatabase db, SqlBuilder builder)
            {
                var sql = builder.Select(typeof(T));
                return db.Query<T>(sql.Sql, sql.Parameters);
            }
        }

        public interface IBasicRepository<TModel> where TModel : ModelBase, new()
        {
            IEnumerable<TModel> All();
            int Count();
            TModel? Find(int id);
            TModel Get(int id);
            IEnumerable<TModel> Get(IEnumerable<int> ids);
            TModel Insert(TModel model);
            TModel Update(TModel model);
            void Delete(int id);
            void DeleteMany(IEnumerable<int> ids);
        }

        public class BasicRepository<TModel> : IBasicRepository<TModel> where TModel : ModelBase, new()
        {
            protected readonly IDatabase _database;
            protected readonly string _table;

            public BasicRepository(IDatabase database)
            {
                _database = database;
                _table = typeof(TModel).Name;
            }

            protected virtual SqlBuilder Builder() => new SqlBuilder();

            protected virtual List<TModel> Query(SqlBuilder builder) => _database.Query<TModel>(builder).ToList();

            protected List<TModel> Query(Expression<Func<TModel, bool>> where) => Query(Builder().Where(where));

            public int Count()
            {
                using (var conn = _database.OpenConnection())
                {
                    return conn.ExecuteScalar<int>("SELECT COUNT(*) FROM \"" + _table + "\"");
                }
            }

            public virtual IEnumerable<TModel> All() => Query(Builder());

            public TModel? Find(int id) => Query(x => x.Id == id).FirstOrDefault();

            public TModel Get(int id) => Find(id) ?? throw new KeyNotFoundException(_table + " " + id);

            public IEnumerable<TModel> Get(IEnumerable<int> ids) => Query(x => ids.Contains(x.Id));

            public TModel Insert(TModel model)
            {
                if (model.Id != 0)
                {
                    throw new InvalidOperationException("Can't insert model with existing ID " + model.Id);
                }

                using (var conn = _database.OpenConnection())
                {
                    model.Id = conn.QuerySingle<int>("INSERT INTO \"" + _table + "\" DEFAULT VALUES; SELECT last_insert_rowid()", model);
                }

                return model;
            }

            public TModel Update(TModel model)
            {
                using (var conn = _database.OpenConnection())
                {
                    conn.Execute("UPDATE \"" + _table + "\" SET Id = @Id WHERE Id = @Id", model);
                }

                return model;
            }

            protected void Delete(SqlBuilder builder)
            {
                using (var conn = _database.OpenConnection())
                {
                    conn.Execute("DELETE FROM \"" + _table + "\"" + builder.Sql, builder.Parameters);
                }
            }

            public void Delete(int id) => Delete(Builder().Where<TModel>(x => x.Id == id));

            public void DeleteMany(IEnumerable<int> ids) => Delete(Builder().Where<TModel>(x => ids.Contains(x.Id)));
        }

        public interface ICached<T>
        {
            T Get(string key, Func<T> function);
            void Clear();
        }

        public sealed class Cached<T> : ICached<T>
        {
            private readonly ConcurrentDictionary<string, T> _store = new();

            public T Get(string key, Func<T> function) => _store.GetOrAdd(key, _ => function());

            public void Clear() => _store.Clear();
        }

        public interface IEventAggregator
        {
            void Publish<TEvent>(TEvent message);
        }
        """;

    // One module: about 300 lines, in its own namespace: "__N__" is replaced by the module number (type names repeat, so that
    // repository interfaces end in "Repository", as PERF003's name-based fallback expects).
    private const string ModuleTemplate = """
        namespace Synthetic.Services.Module__N__;

        public sealed class Show : ModelBase
        {
            public string Title { get; set; } = "";
            public string Path { get; set; } = "";
            public bool Monitored { get; set; }
            public int ProfileId { get; set; }
            public DateTime Added { get; set; }
            public List<int> TagIds { get; set; } = new();
        }

        public sealed class Entry : ModelBase
        {
            public int ShowId { get; set; }
            public int Season { get; set; }
            public int Number { get; set; }
            public string Title { get; set; } = "";
            public int? FileId { get; set; }
            public bool Monitored { get; set; }
        }

        public sealed class Grab : ModelBase
        {
            public int EntryId { get; set; }
            public string Source { get; set; } = "";
            public DateTime Date { get; set; }
            public Dictionary<string, string> Data { get; set; } = new();
        }

        public interface IShowRepository : IBasicRepository<Show>
        {
            Show? FindByTitle(string title);
            List<Show> AllMonitored();
        }

        public sealed class ShowRepository : BasicRepository<Show>, IShowRepository
        {
            public ShowRepository(IDatabase database) : base(database) { }

            public Show? FindByTitle(string title) => Query(s => s.Title == title).SingleOrDefault();

            public List<Show> AllMonitored() => Query(s => s.Monitored);
        }

        public interface IEntryRepository : IBasicRepository<Entry>
        {
            List<Entry> GetEntries(int showId);
            List<Entry> GetEntries(int showId, int season);
            void SetFileId(Entry entry, int fileId);
        }

        public sealed class EntryRepository : BasicRepository<Entry>, IEntryRepository
        {
            public EntryRepository(IDatabase database) : base(database) { }

            protected override List<Entry> Query(SqlBuilder builder) =>
                _database.Query<Entry>(builder.Select(typeof(Entry)).Sql + " ORDER BY Season, Number", builder.Parameters).ToList();

            public List<Entry> GetEntries(int showId) => Query(e => e.ShowId == showId);

            public List<Entry> GetEntries(int showId, int season) => Query(e => e.ShowId == showId && e.Season == season);

            public void SetFileId(Entry entry, int fileId)
            {
                using (var conn = _database.OpenConnection())
                {
                    conn.Execute("UPDATE Entries SET FileId = @fileId WHERE Id = @id", new { fileId, id = entry.Id });
                }
            }
        }

        public interface IGrabRepository : IBasicRepository<Grab>
        {
        }

        public sealed class GrabRepository : BasicRepository<Grab>, IGrabRepository
        {
            public GrabRepository(IDatabase database) : base(database) { }
        }

        /// <summary>bitwarden's shape: an async repository whose implementation is in another project.</summary>
        public interface IMemberRepository
        {
            Task<List<int>> GetMemberIdsAsync(int showId);
            Task<List<int>> GetManyMemberIdsAsync(IEnumerable<int> showIds);
        }

        public interface IEntryService
        {
            List<Entry> GetEntriesByShow(int showId);
            Entry GetEntry(int id);
            Dictionary<int, Show> AllShows();
            void UpdateEntry(Entry entry);
        }

        public sealed class EntryService : IEntryService
        {
            private readonly IEntryRepository _entryRepository;
            private readonly IShowRepository _showRepository;
            private readonly ICached<Dictionary<int, Show>> _cache;

            public EntryService(IEntryRepository entryRepository, IShowRepository showRepository, ICached<Dictionary<int, Show>> cache)
            {
                _entryRepository = entryRepository;
                _showRepository = showRepository;
                _cache = cache;
            }

            public List<Entry> GetEntriesByShow(int showId) => _entryRepository.GetEntries(showId).OrderBy(e => e.Number).ToList();

            public Entry GetEntry(int id) => _entryRepository.Get(id);

            public Dictionary<int, Show> AllShows() => _cache.Get("all", () => _showRepository.All().ToDictionary(s => s.Id));

            public void UpdateEntry(Entry entry)
            {
                if (entry.Id == 0)
                {
                    throw new ArgumentException("new entry", nameof(entry));
                }

                _entryRepository.Update(entry);
            }
        }

        public sealed class ShowHandler
        {
            private readonly IShowRepository _showRepository;
            private readonly IEntryRepository _entryRepository;
            private readonly IGrabRepository _grabRepository;
            private readonly IMemberRepository _memberRepository;
            private readonly IEntryService _entryService;
            private readonly IEventAggregator _events;

            public ShowHandler(IShowRepository showRepository, IEntryRepository entryRepository, IGrabRepository grabRepository,
                IMemberRepository memberRepository, IEntryService entryService, IEventAggregator events)
            {
                _showRepository = showRepository;
                _entryRepository = entryRepository;
                _grabRepository = grabRepository;
                _memberRepository = memberRepository;
                _entryService = entryService;
                _events = events;
            }

            public Show AddShow(string title, string path, int profileId)
            {
                var existing = _showRepository.FindByTitle(title);
                if (existing is not null)
                {
                    return existing;
                }

                var show = _showRepository.Insert(new Show { Title = title, Path = path, ProfileId = profileId, Added = DateTime.UtcNow, Monitored = true });
                _events.Publish(show);
                return show;
            }

            public Show Rename(int id, string title)
            {
                var show = _showRepository.Get(id);
                show.Title = title.Trim();
                return _showRepository.Update(show);
            }

            public int CountShows() => _showRepository.Count();

            public List<Entry> Season(int showId, int season)
            {
                var entries = _entryRepository.GetEntries(showId, season);
                return entries.Where(e => e.Monitored).OrderBy(e => e.Number).ToList();
            }

            public void RecordGrab(int entryId, string source)
            {
                var grab = new Grab { EntryId = entryId, Source = source, Date = DateTime.UtcNow };
                grab.Data.Add("Source", source);
                grab.Data.Add("Date", grab.Date.ToString("O"));
                _grabRepository.Insert(grab);
            }

            // Reported: one Insert per entry (Sonarr's HistoryService).
            public void RecordGrabs(List<Entry> entries, string source)
            {
                foreach (var entry in entries)
                {
                    var grab = new Grab { EntryId = entry.Id, Source = source, Date = DateTime.UtcNow };
                    grab.Data.Add("Title", entry.Title);
                    _grabRepository.Insert(grab);
                }
            }

            // Reported: one service call per show, which queries through the repository.
            public int CountEntries(List<Show> shows)
            {
                var total = 0;
                foreach (var show in shows)
                {
                    total += _entryService.GetEntriesByShow(show.Id).Count;
                }

                return total;
            }

            // Reported: an async repository whose body is in another project, per show.
            public async Task<int> CountMembersAsync(List<Show> shows)
            {
                var total = 0;
                foreach (var show in shows)
                {
                    var members = await _memberRepository.GetMemberIdsAsync(show.Id);
                    total += members.Count;
                }

                return total;
            }

            // Not reported: a cached service, a loop-invariant call, a batched call.
            public List<string> Titles(List<Entry> entries, List<int> ids)
            {
                var titles = new List<string>();
                foreach (var entry in entries)
                {
                    var shows = _entryService.AllShows();
                    if (shows.TryGetValue(entry.ShowId, out var show))
                    {
                        titles.Add(show.Title + " " + entry.Season + "x" + entry.Number);
                    }

                    var count = _showRepository.Count();
                    titles.Add(count.ToString());
                }

                foreach (var chunk in ids.Chunk(100))
                {
                    titles.AddRange(_entryRepository.Get(chunk).Select(e => e.Title));
                }

                return titles;
            }

            public async Task<List<int>> Members(List<Show> shows) =>
                await _memberRepository.GetManyMemberIdsAsync(shows.Select(s => s.Id));

            public void Retitle(List<Entry> entries)
            {
                foreach (var entry in entries)
                {
                    entry.Title = entry.Title.Trim();
                    if (entry.Title.Length == 0)
                    {
                        entry.Title = "Entry " + entry.Number;
                    }
                }
            }

            public void Unmonitor(int showId)
            {
                var entries = _entryRepository.GetEntries(showId);
                var ids = entries.Where(e => e.FileId is null).Select(e => e.Id).ToList();
                _entryRepository.DeleteMany(ids);
                var show = _showRepository.Get(showId);
                show.Monitored = false;
                _showRepository.Update(show);
                _events.Publish(show);
            }
        }
        """;
}
