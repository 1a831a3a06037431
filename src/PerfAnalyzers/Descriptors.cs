using Microsoft.CodeAnalysis;

namespace PerfAnalyzers;

/// <summary>Every diagnostic this package reports: ID, title, message, category, severity and help link, in one place.</summary>
internal static class Descriptors
{
    internal const string PerformanceCategory = "Performance";
    internal const string StateMachineCategory = "StateMachine";
    internal const string ConfigurationCategory = "Configuration";
    internal const string HelpLinkBase = "https://github.com/perfanalyzers/perfanalyzers/blob/main/rules/";

    internal static string HelpLink(string id) => HelpLinkBase + id + ".md";

    private static DiagnosticDescriptor Create(string id, string title, string message, string category, DiagnosticSeverity severity, string description, bool enabledByDefault = true) =>
        new(id, title, message, category, severity, enabledByDefault, description, HelpLink(id));

    /// <summary>Reported at the end of the compilation with no source location (see <c>rules/PERF000.md</c>).</summary>
    internal static readonly DiagnosticDescriptor PERF000InvalidOption = new(
        "PERF000",
        "Invalid or unknown PerfAnalyzers option",
        "'{0} = {1}': {2}",
        ConfigurationCategory,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        "A perf_analyzers.* option in .editorconfig whose value does not parse or is out of range is ignored, and so is a key no rule reads; the message names the key, the value, the expected form and the value used instead, or the nearest known key.",
        HelpLink("PERF000"),
        WellKnownDiagnosticTags.CompilationEnd);

    internal static readonly DiagnosticDescriptor PERF001StringConcatenationInLoop = Create(
        "PERF001",
        "String concatenation in a loop",
        "'{0}' is grown by string concatenation {1}; each step copies the whole string (O(n²)): {2}",
        PerformanceCategory,
        DiagnosticSeverity.Warning,
        "Every concatenation allocates a new string and copies everything before it, so building a string across n iterations costs O(n²) time and garbage. Append to a StringBuilder and convert once after the loop.");

    internal static readonly DiagnosticDescriptor PERF002UnboundedTaskSpawning = Create(
        "PERF002",
        "Unbounded task spawning",
        "{0} starts work once per element with no concurrency limit: bound it with Parallel.ForEachAsync or BoundedParallel",
        PerformanceCategory,
        DiagnosticSeverity.Warning,
        "Starting one task per element of a collection of unknown size floods the thread pool, the network and downstream services. Limit the number of operations in flight.");

    internal static readonly DiagnosticDescriptor PERF003NPlusOneQuery = Create(
        "PERF003",
        "Database query executed once per element (N+1)",
        "{0} runs one database round-trip per element of {1}: {2}",
        PerformanceCategory,
        DiagnosticSeverity.Warning,
        "A query inside a loop costs one round-trip per element (1 + N queries). Fetch the rows for every key at once (a Contains filter, Include, or a join) and look them up in memory; batch writes and save once.");

    internal static readonly DiagnosticDescriptor PERF004NonTailRecursion = Create(
        "PERF004",
        "Non-tail recursion with depth linear in the input",
        "The recursive call to '{0}' is not in tail position and the recursion depth grows with the input: deep input overflows the stack; convert it to a loop (an accumulator or an explicit stack)",
        PerformanceCategory,
        DiagnosticSeverity.Warning,
        "Each pending recursive call keeps a stack frame. .NET does not guarantee tail calls and a StackOverflowException cannot be caught: it ends the process.");

    internal static readonly DiagnosticDescriptor PERF005TailRecursion = Create(
        "PERF005",
        "Tail recursion is not guaranteed to be optimized",
        "'{0}' calls itself in tail position; C# does not guarantee tail calls, so deep input can overflow the stack: rewrite it as a loop, which runs in one stack frame whatever the input",
        PerformanceCategory,
        DiagnosticSeverity.Info,
        "The C# compiler does not emit tail calls and the JIT does not promise them. A tail-recursive method uses one stack frame per step; a loop uses one in all.");

    internal static readonly DiagnosticDescriptor PERF006CacheEntryWithoutExpiration = Create(
        "PERF006",
        "Cache entry without expiration",
        "'{0}' stores a cache entry that never expires: set an explicit expiration (TTL)",
        PerformanceCategory,
        DiagnosticSeverity.Warning,
        "An entry with no expiration stays until evicted for memory pressure or removed by hand: it serves stale data and grows the cache. Give every entry an explicit time to live.");

    internal static readonly DiagnosticDescriptor PERF007UnboundedQueue = Create(
        "PERF007",
        "Unbounded queue or mailbox",
        "{0} creates an unbounded queue: bound its capacity so that producers feel backpressure",
        PerformanceCategory,
        DiagnosticSeverity.Info,
        "An unbounded queue grows without limit when producers outpace consumers: latency climbs and memory runs out. A bounded queue makes producers wait or rejects their work.");

    internal static readonly DiagnosticDescriptor PERF008CacheThatOnlyGrows = Create(
        "PERF008",
        "Static cache that only grows",
        "Static dictionary '{0}' is only ever added to and its keys are unbounded: use IMemoryCache with a size limit and an expiration",
        PerformanceCategory,
        DiagnosticSeverity.Info,
        "A static dictionary that entries are added to but never removed from grows for the life of the process: a memory leak.");

    internal static readonly DiagnosticDescriptor PERF009IntermediateCollection = Create(
        "PERF009",
        "Intermediate collection built only to be traversed again",
        "{0} builds a collection that is traversed only once, by {1}: remove it and let {1} read the source directly",
        PerformanceCategory,
        DiagnosticSeverity.Warning,
        "Materialising a sequence with ToList() or ToArray() and then running another LINQ operator or a foreach over it walks the data twice and allocates a collection that is thrown away. One lazy pipeline walks it once; keep only the final materialisation the code needs.");

    internal static readonly DiagnosticDescriptor PERF010NewHttpClientPerCall = Create(
        "PERF010",
        "New HttpClient per call",
        "{0} creates a new HttpClient {1}: each one opens its own connection pool and leaves sockets in TIME_WAIT; {2}",
        PerformanceCategory,
        DiagnosticSeverity.Warning,
        "An HttpClient owns a connection pool. Creating one per call opens new connections (TCP and TLS handshakes) every time, and disposed clients leave their sockets in TIME_WAIT until the machine runs out of ports. Share one client (a static instance with a SocketsHttpHandler whose PooledConnectionLifetime bounds how long DNS answers are kept) or get clients from IHttpClientFactory.");
}
