using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PerfAnalyzers.Common;

/// <summary>
/// The method name an invocation spells (<c>x.ToList()</c>, <c>x?.ToList()</c>, <c>ToList(x)</c>, <c>M&lt;T&gt;()</c>),
/// read from the syntax without binding. A rule that cares about a few names can dismiss every other invocation before
/// it asks for <see cref="Operations.IInvocationOperation.TargetMethod"/>, which for a generic method builds a new
/// constructed symbol at each call site (issue #15: PERF009/PERF010 run alone pay for it on every call).
/// </summary>
internal static class InvokedNames
{
    /// <summary>The spelled name, or null when the syntax is not a plain invocation of a named member (then bind to know).</summary>
    public static string? Of(SyntaxNode syntax) => syntax is InvocationExpressionSyntax invocation
        ? invocation.Expression switch
        {
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
            MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => null,
        }
        : null;
}
