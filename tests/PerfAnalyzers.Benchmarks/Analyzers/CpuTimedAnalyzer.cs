using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfAnalyzers.Benchmarks.Analyzers;

/// <summary>
/// Wraps an analyzer and adds up the CPU time of the calling thread spent in its callbacks (Linux
/// <c>CLOCK_THREAD_CPUTIME_ID</c>). Unlike the driver's own-time telemetry, which is wall time, this figure hardly moves
/// when other processes load the machine: a thread that is not scheduled accrues no CPU time. Callbacks registered from
/// compilation-start actions are timed; those registered from symbol-start or operation-block-start actions are counted
/// in their start action only (PERF008's symbol-end work is not counted).
/// </summary>
#pragma warning disable RS1001, RS1012, RS1025, RS1026, RS1036, RS1038, RS1041 // Benchmark-only wrapper, never shipped.
public sealed class CpuTimedAnalyzer : DiagnosticAnalyzer
{
    private readonly DiagnosticAnalyzer _inner;
    private long _nanoseconds;
    private long _callbacks;
    private long _allocatedBytes;
    private long _callbacksWithCollection;
    private long _nanosecondsWithCollection;

    public CpuTimedAnalyzer(DiagnosticAnalyzer inner) => _inner = inner;

    public DiagnosticAnalyzer Inner => _inner;

    /// <summary>CPU time of the callbacks, less what the two clock reads of each callback put inside its interval.</summary>
    public TimeSpan CpuTime => TimeSpan.FromTicks(Math.Max(0, Interlocked.Read(ref _nanoseconds) - Interlocked.Read(ref _callbacks) * ClockPairCost) / 100);

    /// <summary>
    /// What one empty callback records (nanoseconds): the CPU time between the sample points of two back-to-back clock
    /// reads, subtracted once per callback. On the shared 2-core VM a read is a system call of 0.3–1.5 µs depending on
    /// the load, so with thousands of callbacks per 1,000 lines this correction is of the order of the figures measured.
    /// </summary>
    public static long ClockPairNanoseconds => ClockPairCost;

    public long Callbacks => Interlocked.Read(ref _callbacks);

    /// <summary>
    /// Bytes the callbacks allocated on their own threads (<see cref="GC.GetAllocatedBytesForCurrentThread"/>): unlike CPU
    /// time, the same in every pass. A callback whose allocation starts a collection is charged the whole (workstation)
    /// collection's work, most of it for the compiler's own objects, so on an allocating code base the CPU figure above
    /// carries a share of the process's garbage collection that grows with this number.
    /// </summary>
    public long AllocatedBytes => Interlocked.Read(ref _allocatedBytes);

    /// <summary>Callbacks during which a gen-0 collection happened (started by any thread of the process).</summary>
    public long CallbacksWithCollection => Interlocked.Read(ref _callbacksWithCollection);

    /// <summary>
    /// <see cref="CpuTime"/> without the callbacks during which a collection happened. A workstation collection runs on
    /// the thread whose allocation starts it, so the few callbacks that start one carry a whole collection of the
    /// compiler's heap (milliseconds each, against microseconds of their own work): whether a pass has one, three or
    /// none of them moved the figure above by up to 0.3 ms per 1,000 lines from pass to pass on EfHeavy. This one is the
    /// analyzer's own work, steadier from pass to pass; its share of collections follows <see cref="AllocatedBytes"/>.
    /// </summary>
    public TimeSpan CpuTimeWithoutCollections => TimeSpan.FromTicks(Math.Max(0,
        Interlocked.Read(ref _nanoseconds) - Interlocked.Read(ref _nanosecondsWithCollection) -
        (Interlocked.Read(ref _callbacks) - Interlocked.Read(ref _callbacksWithCollection)) * ClockPairCost) / 100);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => _inner.SupportedDiagnostics;

    public override void Initialize(AnalysisContext context) => _inner.Initialize(new Context(context, this));

    private Action<T> Timed<T>(Action<T> action) => argument =>
    {
        var collections = GC.CollectionCount(0);
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var start = ThreadCpuNanoseconds();
        try
        {
            action(argument);
        }
        finally
        {
            var elapsed = ThreadCpuNanoseconds() - start;
            Interlocked.Add(ref _nanoseconds, elapsed);
            Interlocked.Add(ref _allocatedBytes, GC.GetAllocatedBytesForCurrentThread() - bytes);
            if (GC.CollectionCount(0) != collections)
            {
                Interlocked.Increment(ref _callbacksWithCollection);
                Interlocked.Add(ref _nanosecondsWithCollection, elapsed);
            }

            Interlocked.Increment(ref _callbacks);
        }
    };

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private const int ClockThreadCpuTime = 3;

    public static long ThreadCpuNanoseconds()
    {
        ClockGetTime(ClockThreadCpuTime, out var time);
        return time.Seconds * 1_000_000_000 + time.Nanoseconds;
    }

    private const int ClockProcessCpuTime = 2;

    /// <summary>CPU time of the whole process, all threads (<c>CLOCK_PROCESS_CPUTIME_ID</c>, Linux), in nanoseconds.</summary>
    public static long ProcessCpuNanoseconds()
    {
        ClockGetTime(ClockProcessCpuTime, out var time);
        return time.Seconds * 1_000_000_000 + time.Nanoseconds;
    }

    /// <summary>
    /// What a callback that does nothing records: the mean of <c>b - a</c> over back-to-back reads, measured once. (Until
    /// 7 Dec 2026 this was the whole cost of the two reads, about twice as much: only the part between the two sample
    /// points lies inside a callback's interval, so every callback was under-counted by about one read, 0.3–1.4 µs on the
    /// shared VM, and rules with many short callbacks read 0.00.)
    /// </summary>
    private static readonly long ClockPairCost = MeasureClockPair();

    private static long MeasureClockPair()
    {
        const int Pairs = 200_000;
        ThreadCpuNanoseconds();
        long sink = 0;
        for (var i = 0; i < Pairs; i++)
        {
            var a = ThreadCpuNanoseconds();
            sink += ThreadCpuNanoseconds() - a;
        }

        return sink / Pairs;
    }

    private sealed class Context(AnalysisContext inner, CpuTimedAnalyzer owner) : AnalysisContext
    {
        public override void EnableConcurrentExecution() => inner.EnableConcurrentExecution();

        public override void ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags analysisMode) => inner.ConfigureGeneratedCodeAnalysis(analysisMode);

        public override void RegisterCompilationStartAction(Action<CompilationStartAnalysisContext> action) =>
            inner.RegisterCompilationStartAction(owner.Timed<CompilationStartAnalysisContext>(start => action(new StartContext(start, owner))));

        public override void RegisterCompilationAction(Action<CompilationAnalysisContext> action) => inner.RegisterCompilationAction(owner.Timed(action));

        public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action) => inner.RegisterSemanticModelAction(owner.Timed(action));

        public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds) => inner.RegisterSymbolAction(owner.Timed(action), symbolKinds);

        public override void RegisterSymbolStartAction(Action<SymbolStartAnalysisContext> action, SymbolKind symbolKind) => inner.RegisterSymbolStartAction(owner.Timed(action), symbolKind);

        public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) => inner.RegisterCodeBlockStartAction(owner.Timed(action));

        public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) => inner.RegisterCodeBlockAction(owner.Timed(action));

        public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action) => inner.RegisterSyntaxTreeAction(owner.Timed(action));

        public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds) => inner.RegisterSyntaxNodeAction(owner.Timed(action), syntaxKinds);

        public override void RegisterOperationBlockStartAction(Action<OperationBlockStartAnalysisContext> action) => inner.RegisterOperationBlockStartAction(owner.Timed(action));

        public override void RegisterOperationBlockAction(Action<OperationBlockAnalysisContext> action) => inner.RegisterOperationBlockAction(owner.Timed(action));

        public override void RegisterOperationAction(Action<OperationAnalysisContext> action, ImmutableArray<OperationKind> operationKinds) => inner.RegisterOperationAction(owner.Timed(action), operationKinds);
    }

    private sealed class StartContext(CompilationStartAnalysisContext inner, CpuTimedAnalyzer owner)
        : CompilationStartAnalysisContext(inner.Compilation, inner.Options, inner.CancellationToken)
    {
        public override void RegisterCompilationEndAction(Action<CompilationAnalysisContext> action) => inner.RegisterCompilationEndAction(owner.Timed(action));

        public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action) => inner.RegisterSemanticModelAction(owner.Timed(action));

        public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds) => inner.RegisterSymbolAction(owner.Timed(action), symbolKinds);

        public override void RegisterSymbolStartAction(Action<SymbolStartAnalysisContext> action, SymbolKind symbolKind) => inner.RegisterSymbolStartAction(owner.Timed(action), symbolKind);

        public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) => inner.RegisterCodeBlockStartAction(owner.Timed(action));

        public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) => inner.RegisterCodeBlockAction(owner.Timed(action));

        public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action) => inner.RegisterSyntaxTreeAction(owner.Timed(action));

        public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds) => inner.RegisterSyntaxNodeAction(owner.Timed(action), syntaxKinds);

        public override void RegisterOperationBlockStartAction(Action<OperationBlockStartAnalysisContext> action) => inner.RegisterOperationBlockStartAction(owner.Timed(action));

        public override void RegisterOperationBlockAction(Action<OperationBlockAnalysisContext> action) => inner.RegisterOperationBlockAction(owner.Timed(action));

        public override void RegisterOperationAction(Action<OperationAnalysisContext> action, ImmutableArray<OperationKind> operationKinds) => inner.RegisterOperationAction(owner.Timed(action), operationKinds);
    }
}
