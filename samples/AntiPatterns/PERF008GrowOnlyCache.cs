// PERF008: private static dictionaries that are only ever added to, keyed by something unbounded: a memory leak that
// grows with every distinct key the process sees. (Info by default; samples/AntiPatterns/.editorconfig raises it so
// that `dotnet build` shows it.) No code fix: move to IMemoryCache with SizeLimit and a TTL (see rules/PERF008.md).
using System.Collections.Concurrent;
using System.Reflection;

namespace AntiPatterns;

public static class QuoteCache
{
    // Reported: one entry per symbol ever quoted, never evicted.
    private static readonly ConcurrentDictionary<string, decimal> s_quotes = new();

    public static decimal Get(string symbol) => s_quotes.GetOrAdd(symbol, s => s.Length * 1.5m);
}

public static class SessionIndex
{
    // Reported: one entry per session, and sessions end.
    private static readonly Dictionary<Guid, DateTime> s_lastSeen = new();

    public static void Touch(Guid sessionId)
    {
        lock (s_lastSeen)
        {
            s_lastSeen[sessionId] = DateTime.UtcNow;
        }
    }
}

public static class PropertyCache
{
    // Not reported: keyed by Type, bounded by the types in the program (a lookup table, not a leak).
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> s_properties = new();

    public static PropertyInfo[] For(Type type) => s_properties.GetOrAdd(type, t => t.GetProperties());
}
