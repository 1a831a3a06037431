using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
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
public sealed class PERF004IntroduceAccumulatorCodeFix : CodeFixProvider
{
    internal const string EquivalenceKey = "PERF004_IntroduceAccumulator";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("PERF004");

    public override FixAllProvider GetFixAllProvider() => RecursionToLoop.CreateFixAllProvider(useAccumulator: true);

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || RecursionToLoop.FindMethod(root.FindNode(context.Span, getInnermostNodeForTie: true)) is not { } method)
        {
            return;
        }

        var converted = await RecursionToLoop.TryConvertAsync(context.Document, method, useAccumulator: true, context.CancellationToken).ConfigureAwait(false);
        if (converted is null)
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create("Introduce an accumulator and convert to a loop", _ => Task.FromResult(converted), EquivalenceKey),
            context.Diagnostics);
    }
}
