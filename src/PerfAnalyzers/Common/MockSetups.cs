using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.Common;

/// <summary>
/// Calls made on a test double to configure or check it, not to run it (issue #18, bitwarden's tests): NSubstitute's
/// <c>sub.GetByIdAsync(id).Returns(org)</c> (also <c>ReturnsForAnyArgs</c>, <c>ReturnsNull</c>, <c>Throws</c>,
/// <c>ThrowsAsync</c> and their <c>ForAnyArgs</c> forms), whose call only records the arguments to match, and
/// <c>sub.Received(1).GetByIdAsync(id)</c> (also <c>DidNotReceive</c>, <c>ReceivedWithAnyArgs</c>,
/// <c>DidNotReceiveWithAnyArgs</c>), which checks what was recorded. Moq's <c>Setup(x =&gt; ...)</c> and
/// <c>Verify(x =&gt; ...)</c> take expression trees, which the rules skip already. The syntax is checked first; the
/// method must then be NSubstitute's (a namespace starting with <c>NSubstitute</c>), or not bind at all (the package
/// not restored: the name decides).
/// </summary>
internal static class MockSetups
{
    public static bool IsMockCall(IInvocationOperation invocation)
    {
        if (invocation.Syntax is not InvocationExpressionSyntax syntax)
        {
            return false;
        }

        // `call.Returns(value)`: the call is the receiver of a configuring extension method.
        if (syntax.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: var configure } access &&
            ReferenceEquals(access.Expression, syntax) && access.Parent is InvocationExpressionSyntax && IsConfiguringName(configure))
        {
            var parent = invocation.Parent;
            while (parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            switch (parent)
            {
                case IArgumentOperation { Parent: IInvocationOperation outer } when IsNSubstitute(outer.TargetMethod):
                    return true;
                case IInvalidOperation:
                    return true;
            }
        }

        // `sub.Received(1).Call(..)`: the call's receiver is a checking call.
        if (syntax.Expression is MemberAccessExpressionSyntax { Expression: InvocationExpressionSyntax receiver } &&
            IsCheckingName(receiver.Expression switch
            {
                MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
                IdentifierNameSyntax name => name.Identifier.ValueText,
                _ => string.Empty,
            }))
        {
            var instance = invocation.Instance;
            while (instance is IConversionOperation conversion)
            {
                instance = conversion.Operand;
            }

            return instance is IInvocationOperation received ? IsNSubstitute(received.TargetMethod) : instance is IInvalidOperation;
        }

        return false;
    }

    private static bool IsConfiguringName(string name) => name is
        "Returns" or "ReturnsForAnyArgs" or "ReturnsNull" or "ReturnsNullForAnyArgs" or
        "Throws" or "ThrowsForAnyArgs" or "ThrowsAsync" or "ThrowsAsyncForAnyArgs";

    private static bool IsCheckingName(string name) => name is
        "Received" or "DidNotReceive" or "ReceivedWithAnyArgs" or "DidNotReceiveWithAnyArgs";

    private static bool IsNSubstitute(IMethodSymbol method)
    {
        for (var ns = method.ContainingNamespace; ns is not null && !ns.IsGlobalNamespace; ns = ns.ContainingNamespace)
        {
            if (ns.ContainingNamespace is { IsGlobalNamespace: true })
            {
                return ns.Name == "NSubstitute";
            }
        }

        return false;
    }
}
