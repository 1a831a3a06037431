using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.Common;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace PerfAnalyzers.CodeFixes.Common;

/// <summary>
/// A parameter that a self-call changes and that a lambda in the body reads (Sonarr's
/// <c>Ensure.That(path, () => path)</c>, a Moq <c>Setup(v => v.FolderExists(path))</c>): in the loop the lambda would
/// capture the one variable that the next round reassigns. Each call had its own parameter, so each round gets its own
/// copy: <c>var pathCopy = path;</c> first in the body, and the lambdas read the copy. Only where the parameter is never
/// assigned in the body (so the copy always equals it) and no local function uses it.
/// </summary>
internal static partial class RecursionToLoop
{
    private static readonly SyntaxAnnotation CopyAnnotation = new("PerfAnalyzers.RecursionToLoop.Copy");

    /// <summary>
    /// A copy made here: never assigned after its declaration, so a lambda after the call may capture it when the
    /// explicit stack restores it from the frame (a new variable each round of the unwinding loop).
    /// </summary>
    private static bool IsParameterCopy(ILocalSymbol local) =>
        local.DeclaringSyntaxReferences.Length == 1 && local.DeclaringSyntaxReferences[0].GetSyntax().HasAnnotation(CopyAnnotation);

    /// <summary>The method with copies for its captured, varying parameters; null when none is needed or possible.</summary>
    private static SyntaxNode? CopyCapturedParameters(SemanticModel model, SyntaxNode method, CancellationToken cancellationToken)
    {
        if (BodyOf(method) is not (BlockSyntax block, null) || block.Statements.Count == 0 ||
            model.GetDeclaredSymbol(method, cancellationToken) is not IMethodSymbol symbol ||
            model.GetOperation(method, cancellationToken) is not { } operation ||
            !Recursion.TryAnalyze(operation, symbol, out var info))
        {
            return null;
        }

        var lambdas = block.DescendantNodes().OfType<AnonymousFunctionExpressionSyntax>().ToList();
        if (lambdas.Count == 0)
        {
            return null;
        }

        // Parameters that some self-call passes something else than themselves (an extension block's receiver included).
        var varying = new HashSet<IParameterSymbol>(SymbolEqualityComparer.Default);
        var receiver = ExtensionBlocks.Receiver(model, symbol, cancellationToken);
        foreach (var call in info.Calls)
        {
            if (call.Invocation is not IInvocationOperation invocation)
            {
                return null;
            }

            if (receiver is not null && !(UnwrapImplicit(invocation.Instance) is IParameterReferenceOperation self && SymbolEqualityComparer.Default.Equals(self.Parameter, receiver)))
            {
                varying.Add(receiver);
            }

            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter is { } parameter &&
                    !(argument.Value is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter)))
                {
                    varying.Add(symbol.Parameters[parameter.Ordinal]);
                }
            }
        }

        var flow = model.AnalyzeDataFlow(block);
        if (flow is null || !flow.Succeeded)
        {
            return null;
        }

        var copied = flow.Captured.OfType<IParameterSymbol>().Where(p => varying.Contains(p)).ToList();
        if (copied.Count == 0)
        {
            return null;
        }

        foreach (var parameter in copied)
        {
            // Never assigned (in the body or in a lambda), never by reference, and no local function uses it.
            if (flow.WrittenInside.Contains(parameter) || parameter.RefKind != RefKind.None ||
                block.DescendantNodes().OfType<LocalFunctionStatementSyntax>().Any(f => model.AnalyzeDataFlow(f) is { Succeeded: true } d && d.Captured.Contains(parameter)))
            {
                return null;
            }
        }

        var names = UniqueNames.IdentifiersIn(method);
        var copyNames = new Dictionary<IParameterSymbol, string>(SymbolEqualityComparer.Default);
        foreach (var parameter in copied)
        {
            var name = UniqueNames.Pick(parameter.Name + "Copy", names.Contains);
            names.Add(name);
            copyNames[parameter] = name;
        }

        var uses = new Dictionary<SyntaxNode, string>();
        foreach (var lambda in lambdas)
        {
            foreach (var identifier in lambda.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (model.GetSymbolInfo(identifier, cancellationToken).Symbol is IParameterSymbol parameter && copyNames.TryGetValue(parameter, out var copy))
                {
                    if (identifier.Parent is NameColonSyntax or NameEqualsSyntax)
                    {
                        continue;
                    }

                    uses[identifier] = copy;
                }
            }
        }

        if (uses.Count == 0)
        {
            return null;
        }

        var replaced = block.ReplaceNodes(uses.Keys, (original, _) => IdentifierName(uses[original]).WithTriviaFrom(original));
        var declarations = copied.Select(p => (StatementSyntax)LocalDeclarationStatement(VariableDeclaration(
            IdentifierName("var"),
            SingletonSeparatedList(VariableDeclarator(Identifier(copyNames[p])).WithInitializer(EqualsValueClause(IdentifierName(p.Name))).WithAdditionalAnnotations(CopyAnnotation)))));
        var statements = replaced.Statements.InsertRange(0, declarations);
        return method.ReplaceNode(block, replaced.WithStatements(statements));
    }

    private static IOperation? UnwrapImplicit(IOperation? operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }
}
