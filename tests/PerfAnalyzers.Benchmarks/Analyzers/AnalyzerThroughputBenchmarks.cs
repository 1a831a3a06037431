using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfAnalyzers.Benchmarks.Analyzers;

/// <summary>
/// Throughput of every analyzer in the PerfAnalyzers assembly over two large made-up code bases of over 100,000 lines
/// each: <c>Mixed</c> (<see cref="SyntheticCodebase"/>, ordinary service code) and <c>EfHeavy</c>
/// (<see cref="SyntheticEfCodebase"/>, an EF Core data layer: many queries and lambdas, few loops). Analyzers are found by reflection, so a new rule is measured
/// without touching this file. One case per analyzer, one for all of them together, and a baseline that only makes
/// the compiler bind every method body to operations (what any operation-based analyzer pays for first): an
/// analyzer's own cost is its time minus the baseline's. The "ms / 1k lines" columns divide by the line count.
/// </summary>
[Config(typeof(PerLineConfig))]
[MemoryDiagnoser]
public class AnalyzerThroughputBenchmarks
{
    public const string AllAnalyzers = "(all analyzers)";
    public const string BindingBaseline = "(baseline: binding only)";

    public const string Mixed = "Mixed";
    public const string EfHeavy = "EfHeavy";
    public const string RepositoryHeavy = "RepositoryHeavy";

    /// <summary>Modules of about 500 lines each: a little over 100,000 lines in all.</summary>
    private const int Modules = 200;

    /// <summary>EF-heavy modules of about 310 lines each: a little over 100,000 lines in all.</summary>
    private const int EfModules = 330;

    /// <summary>Repository-heavy modules of about 330 lines each: a little over 100,000 lines in all.</summary>
    private const int RepositoryModules = 300;

    private CSharpCompilation _compilation = null!;
    private ImmutableArray<DiagnosticAnalyzer> _analyzers;
    private CompilationWithAnalyzersOptions _options = null!;

    private static readonly ConcurrentDictionary<string, int> LineCounts = new(StringComparer.Ordinal);

    /// <summary>Lines in a code base's compilation; the same in every process, as the code bases are generated deterministically.</summary>
    public static int LinesOf(string codebase) => LineCounts.GetOrAdd(codebase, c =>
    {
        CreateCompilation(c, out var lines);
        return lines;
    });

    /// <summary>The code base: <c>Mixed</c>, <c>EfHeavy</c> or <c>RepositoryHeavy</c>. PERFANALYZERS_BENCHMARK_CODEBASES (commas or semicolons) selects some.</summary>
    [ParamsSource(nameof(CodebaseNames))]
    public string Codebase { get; set; } = Mixed;

    public static IEnumerable<string> CodebaseNames()
    {
        string[] names = [Mixed, EfHeavy, RepositoryHeavy];
        var selection = Environment.GetEnvironmentVariable("PERFANALYZERS_BENCHMARK_CODEBASES");
        if (string.IsNullOrWhiteSpace(selection))
        {
            return names;
        }

        var selected = selection.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = selected.Except(names, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"PERFANALYZERS_BENCHMARK_CODEBASES names unknown code bases: {string.Join(", ", unknown)}. Known: {string.Join(", ", names)}.");
        }

        return names.Where(n => selected.Contains(n, StringComparer.Ordinal));
    }

    private static CSharpCompilation CreateCompilation(string codebase, out int lines)
    {
        var compilation = codebase switch
        {
            EfHeavy => SyntheticEfCodebase.Create(ModuleCount(EfModules), out lines),
            RepositoryHeavy => SyntheticRepositoryCodebase.Create(ModuleCount(RepositoryModules), out lines),
            _ => SyntheticCodebase.Create(ModuleCount(Modules), out lines),
        };

        // PERFANALYZERS_BENCHMARK_SERIAL=1: the compiler binds on the analyzing thread only (no concurrent build), so the
        // callbacks' thread CPU time is not disturbed by binding threads competing for the same two cores and caches.
        return Environment.GetEnvironmentVariable("PERFANALYZERS_BENCHMARK_SERIAL") == "1"
            ? compilation.WithOptions(compilation.Options.WithConcurrentBuild(false))
            : compilation;
    }

    /// <summary>
    /// PERFANALYZERS_BENCHMARK_MODULES overrides the module count of the <c>--own-time</c>/<c>--own-cpu</c> modes (a smaller
    /// code base for a quick profile on a loaded machine; the figures are per 1,000 lines). BenchmarkDotNet runs need the full size.
    /// </summary>
    private static int ModuleCount(int full) =>
        int.TryParse(Environment.GetEnvironmentVariable("PERFANALYZERS_BENCHMARK_MODULES"), out var modules) && modules > 0 ? modules : full;

    [ParamsSource(nameof(AnalyzerNames))]
    public string Analyzer { get; set; } = AllAnalyzers;

    /// <summary>
    /// The cases: the baseline, all analyzers, then each analyzer by type name. Each case costs several passes over the
    /// whole compilation, so the environment variable PERFANALYZERS_BENCHMARK_ANALYZERS (names separated by commas or
    /// semicolons) can select some of them.
    /// </summary>
    public static IEnumerable<string> AnalyzerNames()
    {
        string[] names = [BindingBaseline, AllAnalyzers, .. AnalyzerTypes().Select(t => t.Name)];
        var selection = Environment.GetEnvironmentVariable("PERFANALYZERS_BENCHMARK_ANALYZERS");
        if (string.IsNullOrWhiteSpace(selection))
        {
            return names;
        }

        var selected = selection.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = selected.Except(names, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"PERFANALYZERS_BENCHMARK_ANALYZERS names unknown cases: {string.Join(", ", unknown)}. Known: {string.Join(", ", names)}.");
        }

        return names.Where(n => selected.Contains(n, StringComparer.Ordinal));
    }

    [GlobalSetup]
    public void Setup()
    {
        _compilation = CreateCompilation(Codebase, out var lines);
        if (lines < 100_000)
        {
            throw new InvalidOperationException($"The synthetic code base has {lines} lines; the benchmark promises at least 100,000.");
        }

        _analyzers = Analyzer switch
        {
            BindingBaseline => [new BindingOnlyAnalyzer()],
            AllAnalyzers => AnalyzerTypes().Select(Instantiate).ToImmutableArray(),
            _ => [Instantiate(AnalyzerTypes().Single(t => t.Name == Analyzer))],
        };
        var analyzerOptions = new AnalyzerOptions([]);
        _options = new CompilationWithAnalyzersOptions(
            analyzerOptions,
            onAnalyzerException: null,
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);

        // The code base must compile: analyzers over broken code measure nothing useful.
        var errors = _compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Take(10).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The synthetic code base does not compile:\n" + string.Join("\n", errors));
        }

        // One pass before measuring, with the driver timing each analyzer's own callbacks (what csc /reportanalyzer shows;
        // only GetAnalysisResultAsync records it) and the process's CPU time, which the other processes on a shared machine
        // inflate far less than wall time. It also fails on an analyzer that throws, and prints the diagnostics per rule.
        var exceptions = new ConcurrentQueue<string>();
        var validation = new CompilationWithAnalyzers(
            _compilation,
            _analyzers,
            new CompilationWithAnalyzersOptions(analyzerOptions, (exception, analyzer, _) => exceptions.Enqueue(analyzer.GetType().Name + ": " + exception), concurrentAnalysis: false, logAnalyzerExecutionTime: true));
        var process = System.Diagnostics.Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var result = validation.GetAnalysisResultAsync(CancellationToken.None).GetAwaiter().GetResult();
        stopwatch.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        if (!exceptions.IsEmpty)
        {
            throw new InvalidOperationException("An analyzer threw:\n" + string.Join("\n", exceptions.Take(5)));
        }

        var perThousandLines = lines / 1000.0;
        var byId = result.GetAllDiagnostics()
            .GroupBy(d => d.Id).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}: {g.Count()}");
        Console.WriteLine($"// {Analyzer} on {Codebase}: {lines:N0} lines in {_compilation.SyntaxTrees.Count()} files; diagnostics: {string.Join(", ", byId)}");
        Console.WriteLine($"// one pass: {stopwatch.Elapsed.TotalMilliseconds / perThousandLines:0.0} ms / 1k lines wall time, " +
                          $"{cpu.TotalMilliseconds / perThousandLines:0.0} ms / 1k lines CPU time (all threads of the process)");
        foreach (var analyzer in _analyzers)
        {
            var time = result.AnalyzerTelemetryInfo[analyzer].ExecutionTime;
            Console.WriteLine($"//   own time in callbacks (driver telemetry) {analyzer.GetType().Name}: " +
                              $"{time.TotalMilliseconds / perThousandLines:0.000} ms / 1k lines ({time.TotalMilliseconds:0} ms)");
        }
    }

    /// <summary>
    /// <c>--own-cpu</c>: per pass, a fresh compilation of <paramref name="codebase"/> analysed by the named analyzers
    /// (type names, or <c>(all analyzers)</c>), each wrapped in a <see cref="CpuTimedAnalyzer"/>; prints each analyzer's
    /// thread CPU time in its callbacks (robust to a loaded machine) beside the driver's own wall time.
    /// </summary>
    public static void OwnCpu(string codebase, string analyzerNames, int passes)
    {
        var types = analyzerNames == AllAnalyzers
            ? AnalyzerTypes().ToList()
            : analyzerNames == BindingBaseline
                ? [typeof(BindingOnlyAnalyzer)]
                : analyzerNames.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => AnalyzerTypes().Single(t => t.Name == n)).ToList();
        for (var pass = 1; pass <= passes; pass++)
        {
            var compilation = CreateCompilation(codebase, out var lines);
            var wrapped = types.Select(t => new CpuTimedAnalyzer(Instantiate(t))).ToList();
            var exceptions = new ConcurrentQueue<string>();
            var analysis = new CompilationWithAnalyzers(
                compilation,
                wrapped.Cast<DiagnosticAnalyzer>().ToImmutableArray(),
                new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), (exception, analyzer, _) => exceptions.Enqueue(exception.ToString()), concurrentAnalysis: false, logAnalyzerExecutionTime: true));
            // The analysis runs on thread-pool threads: the pass's CPU time is the process's (binding, the driver and the
            // callbacks; also the runtime's background threads). Its difference from the binding-only baseline's is the
            // analyzers' whole cost, including what they make the compiler compute lazily.
            var process = System.Diagnostics.Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var collectionsBefore = GC.CollectionCount(0);
            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            var result = analysis.GetAnalysisResultAsync(CancellationToken.None).GetAwaiter().GetResult();
            process.Refresh();
            var cpuPass = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
            if (!exceptions.IsEmpty)
            {
                throw new InvalidOperationException("An analyzer threw:\n" + string.Join("\n", exceptions.Take(3)));
            }

            var perKLines = lines / 1000.0;
            var byId = result.GetAllDiagnostics().GroupBy(d => d.Id).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}: {g.Count()}");
            Console.WriteLine($"// pass {pass} on {codebase} ({lines:N0} lines): wall {stopwatch.Elapsed.TotalMilliseconds / perKLines:0.0} ms/kLOC, " +
                              $"process CPU {cpuPass / perKLines:0.0} ms/kLOC; diagnostics: {string.Join(", ", byId)}; " +
                              $"clock correction {CpuTimedAnalyzer.ClockPairNanoseconds} ns per callback; gen-0 collections {GC.CollectionCount(0) - collectionsBefore}; load average {LoadAverage()}");
            foreach (var analyzer in wrapped)
            {
                var wall = result.AnalyzerTelemetryInfo[analyzer].ExecutionTime;
                Console.WriteLine($"//   {analyzer.Inner.GetType().Name}: own CPU {analyzer.CpuTime.TotalMilliseconds / perKLines:0.000} ms/kLOC " +
                                  $"({analyzer.CpuTime.TotalMilliseconds:0} ms, {analyzer.Callbacks:N0} callbacks); own wall {wall.TotalMilliseconds / perKLines:0.000} ms/kLOC; " +
                                  $"allocated {analyzer.AllocatedBytes / 1024.0 / perKLines:0.0} KB/kLOC; {analyzer.CallbacksWithCollection} callbacks saw a gen-0 collection; " +
                                  $"own CPU without them {analyzer.CpuTimeWithoutCollections.TotalMilliseconds / perKLines:0.000} ms/kLOC");
            }
        }
    }

    /// <summary>
    /// <c>--index-cpu &lt;Codebase&gt; [repeats]</c>: the thread CPU time of the fixed part of PERF003's syntax name index
    /// (<see cref="PerfAnalyzers.Common.SyntaxNameIndex"/>: the list of method declarations by name, a walk over namespaces and
    /// types, paid once per compilation by the first through-call candidate; bodies are read per name on demand since
    /// issue #18, so a name no method has is asked), on fresh trees and again on the same trees.
    /// </summary>
    public static void IndexCpu(string codebase, int repeats)
    {
        for (var pass = 1; pass <= repeats; pass++)
        {
            var compilation = CreateCompilation(codebase, out var lines);
            for (var again = 0; again < 2; again++)
            {
                var start = CpuTimedAnalyzer.ThreadCpuNanoseconds();
                var index = new PerfAnalyzers.Common.SyntaxNameIndex(compilation);
                index.MayReachDatabase("NoMethodHasThisName");
                var cpu = (CpuTimedAnalyzer.ThreadCpuNanoseconds() - start) / 1e6;
                GC.KeepAlive(index);
                Console.WriteLine($"// pass {pass}{(again == 0 ? " (fresh trees)" : " (same trees)")}: index {cpu:0.0} ms CPU, {cpu / (lines / 1000.0):0.000} ms/kLOC ({lines:N0} lines)");
            }
        }
    }

    /// <summary>The 1-minute load average (Linux), to print beside figures measured on a shared machine.</summary>
    internal static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }

    [Benchmark(Description = "Analyze")]
    public int Run() => Analyze().Length;

    private ImmutableArray<Diagnostic> Analyze() =>
        new CompilationWithAnalyzers(_compilation, _analyzers, _options).GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Every concrete analyzer in the PerfAnalyzers assembly, in name order.</summary>
    /// <summary>
    /// The analyzers measured: this build's, or those of another build of <c>PerfAnalyzers.dll</c> named by
    /// <c>PERFANALYZERS_BENCHMARK_ANALYZERS_DLL</c> (an earlier commit's, to compare two builds on the same code base and
    /// harness, e.g. PERF003 before and after its through calls: issue #13). That assembly is loaded in a context of its
    /// own, so both can have the same name; Roslyn comes from this process.
    /// </summary>
    private static IEnumerable<Type> AnalyzerTypes() =>
        AnalyzersAssembly.Value.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .OrderBy(t => t.Name, StringComparer.Ordinal);

    private static readonly Lazy<Assembly> AnalyzersAssembly = new(() =>
        Environment.GetEnvironmentVariable("PERFANALYZERS_BENCHMARK_ANALYZERS_DLL") is { Length: > 0 } path
            ? new System.Runtime.Loader.AssemblyLoadContext("analyzers under comparison").LoadFromAssemblyPath(Path.GetFullPath(path))
            : typeof(PerfAnalyzers.Descriptors).Assembly);

    private static DiagnosticAnalyzer Instantiate(Type type) => (DiagnosticAnalyzer)Activator.CreateInstance(type)!;

    /// <summary>Registers a no-op action for every operation block: the compiler binds all method bodies and nothing more.</summary>
#pragma warning disable RS1036, RS1038, RS1041, RS2008 // Benchmark-only analyzer: it reports nothing and is never shipped.
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class BindingOnlyAnalyzer : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Unused = new("BENCH000", "Unused", "Unused", "Benchmark", DiagnosticSeverity.Hidden, isEnabledByDefault: true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Unused];

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterOperationBlockAction(static _ => { });
        }
    }
#pragma warning restore RS1036, RS1038, RS1041, RS2008

    /// <summary>Adds "ms / 1k lines" (mean time per thousand lines) and "over baseline / 1k lines" columns.</summary>
    private sealed class PerLineConfig : ManualConfig
    {
        public PerLineConfig()
        {
            AddColumn(new PerThousandLinesColumn(subtractBaseline: false));
            AddColumn(new PerThousandLinesColumn(subtractBaseline: true));
        }
    }

    private sealed class PerThousandLinesColumn(bool subtractBaseline) : IColumn
    {
        public string Id => nameof(PerThousandLinesColumn) + subtractBaseline;

        public string ColumnName => subtractBaseline ? "Over baseline ms / 1k lines" : "ms / 1k lines";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => subtractBaseline ? 1 : 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => subtractBaseline
            ? "Mean minus the binding-only baseline's mean, in milliseconds per 1,000 lines: the analyzer's own cost"
            : "Mean in milliseconds per 1,000 lines of the case's code base";

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var mean = MeanNanoseconds(summary, benchmarkCase);
            if (mean is null)
            {
                return "NA";
            }

            if (subtractBaseline)
            {
                if (Equals(benchmarkCase.Parameters["Analyzer"], BindingBaseline))
                {
                    return "-";
                }

                var baselineCase = summary.BenchmarksCases.FirstOrDefault(c =>
                    Equals(c.Parameters["Analyzer"], BindingBaseline) && Equals(c.Parameters["Codebase"], benchmarkCase.Parameters["Codebase"]));
                var baseline = baselineCase is null ? null : MeanNanoseconds(summary, baselineCase);
                if (baseline is null)
                {
                    return "NA";
                }

                mean -= baseline;
            }

            var lines = LinesOf((string)benchmarkCase.Parameters["Codebase"]);
            return (mean.Value / 1e6 / (lines / 1000.0)).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
        }

        private static double? MeanNanoseconds(Summary summary, BenchmarkCase benchmarkCase) => summary[benchmarkCase]?.ResultStatistics?.Mean;
    }
}
