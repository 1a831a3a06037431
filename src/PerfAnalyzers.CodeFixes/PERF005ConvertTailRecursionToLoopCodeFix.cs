using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
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
public sealed class PERF005ConvertTailRecursionToLoopCodeFix : CodeFixProvider
{
    internal const string EquivalenceKey = "PERF005_ConvertTailRecursionToLoop";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("PERF005");

    public override FixAllProvider GetFixAllProvider() => RecursionToLoop.CreateFixAllProvider(useAccumulator: false);

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || RecursionToLoop.FindMethod(root.FindNode(context.Span, getInnermostNodeForTie: true)) is not { } method)
        {
            return;
        }

        var converted = await RecursionToLoop.TryConvertAsync(context.Document, method, useAccumulator: false, context.CancellationToken).ConfigureAwait(false);
        if (converted is null)
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create("Convert tail recursion to a loop", _ => Task.FromResult(converted), EquivalenceKey),
            context.Diagnostics);
    }
}
