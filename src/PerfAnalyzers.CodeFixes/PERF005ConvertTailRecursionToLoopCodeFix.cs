using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using PerfAnalyzers.CodeFixes.Common;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF005 "Convert tail recursion to a loop": the body goes inside <c>while (true)</c> and each <c>return F(a, b)</c>
/// becomes <c>(p1, p2) = (a, b); continue;</c> — a simultaneous assignment, so <c>F(b, a % b)</c> stays right.
/// Not offered for another receiver, captured or ref/out/in/params parameters, async methods, calls inside
/// try/catch/finally/using/lock or a loop, or when some self-call is not a tail call.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PERF005ConvertTailRecursionToLoopCodeFix)), Shared]
public sealed class PERF005ConvertTailRecursionToLoopCodeFix : RecursionToLoopCodeFix
{
    internal const string EquivalenceKey = "PERF005_ConvertTailRecursionToLoop";

    public PERF005ConvertTailRecursionToLoopCodeFix()
        : base("PERF005", "Convert tail recursion to a loop", EquivalenceKey, useAccumulator: false)
    {
    }
}
