using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF003 fix, per-element lambdas besides <c>Select(...).ToList()</c>: the key and element selectors of
/// <c>Enumerable.ToDictionary</c> and <c>ToLookup</c> (<c>users.ToDictionary(u =&gt; u.Id, u =&gt; db.X.Any(x =&gt; x.UserId == u.Id))</c>).
/// Both run once per element, at once and in order, like a materialised <c>Select</c>: the batch loads before the
/// statement holding the call, and a duplicate key still throws where it threw (after the batch instead of after the
/// per-element queries before it).
/// </summary>
public sealed partial class PERF003BatchQueryCodeFix
{
    /// <summary>A call that runs its lambda once per element, eagerly: a materialised <c>Select</c>, <c>ToDictionary</c>, <c>ToLookup</c>.</summary>
    private static bool IsPerElementLambdaCall(IInvocationOperation invocation) =>
        IsMaterialisedSelect(invocation) || IsEagerKeyedCollection(invocation);

    /// <summary><c>System.Linq.Enumerable.ToDictionary</c>/<c>ToLookup</c> with selector lambdas (<c>Func&lt;TSource, T&gt;</c>).</summary>
    private static bool IsEagerKeyedCollection(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        return method.Name is "ToDictionary" or "ToLookup" &&
            method.ContainingType is { Name: "Enumerable", ContainingNamespace: { Name: "Linq", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } &&
            method.Parameters.Length >= 2 &&
            method.Parameters[1].Type is INamedTypeSymbol { Name: "Func", TypeArguments.Length: 2 };
    }
}
