using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.Common;

/// <summary>
/// Where an operation repeats: the body of a <c>for</c>/<c>foreach</c>/<c>await foreach</c>/<c>while</c>/<c>do</c> loop,
/// or the body of a lambda that a method applies once per element (for example <c>List&lt;T&gt;.ForEach</c>).
/// </summary>
internal readonly struct LoopContext
{
    private LoopContext(ILoopOperation? loop, IInvocationOperation? perElementCall, IAnonymousFunctionOperation? lambda)
    {
        Loop = loop;
        PerElementCall = perElementCall;
        Lambda = lambda;
    }

    /// <summary>The loop statement, when the repetition is a loop.</summary>
    public ILoopOperation? Loop { get; }

    /// <summary>The invocation that applies <see cref="Lambda"/> per element, when the repetition is a lambda.</summary>
    public IInvocationOperation? PerElementCall { get; }

    /// <summary>The per-element lambda, when the repetition is a lambda.</summary>
    public IAnonymousFunctionOperation? Lambda { get; }

    public bool IsLambda => Lambda is not null;

    /// <summary>The operation that repeats: the loop, or the per-element invocation.</summary>
    public IOperation Operation => (IOperation?)Loop ?? PerElementCall!;

    /// <summary>The part that runs once per iteration: the loop body, or the lambda body.</summary>
    public IOperation Body => Loop is not null ? Loop.Body : Lambda!.Body;

    /// <summary>The syntax of the repeating part, for span checks (a <c>for</c> header's condition and increment count as repeated).</summary>
    public SyntaxNode RepeatedSyntax => Loop is not null ? Loop.Syntax : Lambda!.Syntax;

    /// <summary>The type of one element: the <c>foreach</c> variable's, or the per-element lambda's first parameter's (null for other loops).</summary>
    public ITypeSymbol? ElementType =>
        Loop is IForEachLoopOperation { Locals.Length: 1 } each
            ? each.Locals[0].Type
            : Lambda?.Symbol.Parameters.Length > 0 ? Lambda.Symbol.Parameters[0].Type : null;

    public static LoopContext ForLoop(ILoopOperation loop) => new(loop, null, null);

    public static LoopContext ForLambda(IInvocationOperation call, IAnonymousFunctionOperation lambda) => new(null, call, lambda);

    /// <summary>
    /// True when <paramref name="symbol"/> keeps its value from one iteration to the next: a field, a property, a
    /// parameter of the enclosing method, or a local declared outside the repeated body (a <c>for</c> header
    /// variable counts as outside). A <c>foreach</c> iteration variable is fresh per iteration.
    /// </summary>
    public bool LifetimeSpansIterations(ISymbol symbol)
    {
        switch (symbol)
        {
            case ILocalSymbol local:
                if (Loop is IForEachLoopOperation)
                {
                    // The iteration variable(s) and any local declared in the body are per iteration.
                    return !IsDeclaredWithin(local, Loop.Syntax);
                }

                return !IsDeclaredWithin(local, Body.Syntax);
            case IParameterSymbol parameter:
                // A lambda's own parameters are per element; anything else is outer state.
                return Lambda is null || !SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, Lambda.Symbol);
            case IFieldSymbol:
            case IPropertySymbol:
                return true;
            default:
                return false;
        }
    }

    private static bool IsDeclaredWithin(ILocalSymbol local, SyntaxNode node)
    {
        var references = local.DeclaringSyntaxReferences;
        if (references.Length == 0)
        {
            return false;
        }

        var reference = references[0];
        return reference.SyntaxTree == node.SyntaxTree && node.Span.Contains(reference.Span);
    }
}
