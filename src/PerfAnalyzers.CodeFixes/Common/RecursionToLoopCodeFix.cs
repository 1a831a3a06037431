using System.Collections.Immutable;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace PerfAnalyzers.CodeFixes.Common;

/// <summary>
/// What the PERF004 and PERF005 fixes share: find the recursive method at the diagnostic, convert it with
/// <see cref="RecursionToLoop"/> (with or without an accumulator), and offer the result only when the conversion applies.
/// </summary>
public abstract class RecursionToLoopCodeFix : CodeFixProvider
{
    private protected RecursionToLoopCodeFix(string diagnosticId, string title, string equivalenceKey, bool useAccumulator)
    {
        FixableDiagnosticIds = ImmutableArray.Create(diagnosticId);
        _title = title;
        _equivalenceKey = equivalenceKey;
        _useAccumulator = useAccumulator;
    }

    private readonly string _title;
    private readonly string _equivalenceKey;
    private readonly bool _useAccumulator;

    public sealed override ImmutableArray<string> FixableDiagnosticIds { get; }

    public sealed override FixAllProvider GetFixAllProvider() => RecursionToLoop.CreateFixAllProvider(_useAccumulator);

    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || RecursionToLoop.FindMethod(root.FindNode(context.Span, getInnermostNodeForTie: true)) is not { } method)
        {
            return;
        }

        var (converted, kind) = await RecursionToLoop.TryConvertWithKindAsync(context.Document, method, _useAccumulator, context.CancellationToken).ConfigureAwait(false);
        if (converted is null)
        {
            return;
        }

        // PERF004: the title says what the conversion does (Fix All converts every fixable method whatever the key).
        var (title, key) = kind switch
        {
            RecursionToLoop.ConversionKind.Loop when !_useAccumulator => (_title, _equivalenceKey),
            RecursionToLoop.ConversionKind.Accumulator => (_title, _equivalenceKey),
            RecursionToLoop.ConversionKind.Stack => ("Convert to a loop with an explicit stack", _equivalenceKey + ".ExplicitStack"),
            _ => ("Convert to a loop", _equivalenceKey + ".Loop"),
        };
        context.RegisterCodeFix(CodeAction.Create(title, _ => Task.FromResult(converted), key), context.Diagnostics);
    }
}
