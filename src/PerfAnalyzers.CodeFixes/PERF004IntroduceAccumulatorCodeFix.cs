using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using PerfAnalyzers.CodeFixes.Common;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF004 "Introduce an accumulator and convert to a loop": for <c>return e OP F(args)</c> / <c>return F(args) OP e</c>
/// where OP is associative and commutative for the type (<c>+ * &amp; | ^</c> on int, uint, long, ulong outside
/// <c>checked</c>; <c>e &amp;&amp; F(..)</c> and <c>e || F(..)</c> on bool) and <c>e</c> has no side effects. The base cases
/// return <c>acc OP base</c>. Not offered for floating point or decimal (rounding would change), checked arithmetic,
/// or any other shape.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PERF004IntroduceAccumulatorCodeFix)), Shared]
public sealed class PERF004IntroduceAccumulatorCodeFix : RecursionToLoopCodeFix
{
    internal const string EquivalenceKey = "PERF004_IntroduceAccumulator";

    public PERF004IntroduceAccumulatorCodeFix()
        : base("PERF004", "Introduce an accumulator and convert to a loop", EquivalenceKey, useAccumulator: true)
    {
    }
}
