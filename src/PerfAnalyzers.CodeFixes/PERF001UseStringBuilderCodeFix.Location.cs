using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.CodeFixes.Common;
using PerfAnalyzers.Common;
using Analyzer = PerfAnalyzers.Rules.PERF001StringConcatenationInLoopAnalyzer;

namespace PerfAnalyzers.CodeFixes;

public sealed partial class PERF001UseStringBuilderCodeFix
{
    /// <summary>
    /// "Use StringBuilder" for a string that code outside the method can see: a <c>ref</c>/<c>out</c> parameter, or a
    /// field or auto-property of an object held in a local or a by-value parameter (<c>uriBuilder.Query = uriBuilder.Query + ...</c>).
    /// Each append reads and writes the location once per iteration; the builder replaces those reads and writes by one
    /// read before the loop and one write after it, in a <c>finally</c> so that the location holds the same partial
    /// string as before when an exception (or a <c>return</c>) leaves the loop. Offered only when nothing in the loop can
    /// observe the location in between: the loop uses the location only in its appends, reaches the object (or, for a
    /// ref parameter, a string variable that could be the caller's) through no other variable, calls no code of the
    /// compilation (no method, constructor, property, operator or delegate declared in source), and does not await or
    /// yield. Appends are not split (one <c>Append</c> per statement, as one assignment was), and a wrap (a push and an
    /// append) gets no fix: an exception between the two would leave half of it done.
    /// </summary>
    private static FixResult? TryUseStringBuilderForLocation(SyntaxNode root, SemanticModel model, IOperation append, IOperation target, Analyzer.KnownTypes types, CancellationToken cancellationToken)
    {
        target = Loops.Unwrap(target);
        if (!TryGetObservableLocation(target, model.Compilation, out var rootSymbol, out var lazy) ||
            !Loops.TryGetEnclosingLoop(append, types.IsPerElementCall, out var innermost) || !innermost.LifetimeSpansIterations(rootSymbol))
        {
            return null;
        }

        var loops = new List<LoopContext> { innermost };
        for (var current = innermost; Loops.TryGetEnclosingLoop(current.Operation, types.IsPerElementCall, out var outer) && outer.LifetimeSpansIterations(rootSymbol); current = outer)
        {
            loops.Add(outer);
        }

        for (var i = loops.Count - 1; i >= 0; i--)
        {
            if (loops[i].Loop is { } loop && TryUseStringBuilderForLocationAround(root, model, loop, target, rootSymbol, lazy, cancellationToken) is { } fix)
            {
                return fix;
            }
        }

        return null;
    }

    /// <summary>
    /// The location an append grows, when the fix can buffer it: a ref/out parameter; a non-volatile instance field or a
    /// plain auto-property (non-virtual, declared in source without accessor bodies) of an object held in a local or a
    /// by-value parameter; or <c>UriBuilder.Query</c> of .NET (Core), whose setter only adds a leading '?' to a non-empty
    /// value that lacks one — a normalisation that gives the same final value whether it runs once or after every
    /// append. Its builder is created at the first append and written back only when one ran (<paramref name="lazy"/>):
    /// setting Query, even to its own value, marks the UriBuilder changed.
    /// </summary>
    private static bool TryGetObservableLocation(IOperation target, Compilation compilation, out ISymbol rootSymbol, out bool lazy)
    {
        rootSymbol = null!;
        lazy = false;
        switch (target)
        {
            case IParameterReferenceOperation { Parameter: { RefKind: RefKind.Ref or RefKind.Out } parameter }:
                rootSymbol = parameter;
                return true;

            case IFieldReferenceOperation { Field: { IsStatic: false, IsVolatile: false }, Instance: { } instance }:
                return TryGetHolder(instance, out rootSymbol);

            case IPropertyReferenceOperation { Arguments.Length: 0, Property: { } property, Instance: { } instance }:
                if (IsUriBuilderQuery(property, compilation))
                {
                    lazy = true;
                }
                else if (!IsPlainAutoProperty(property))
                {
                    return false;
                }

                return TryGetHolder(instance, out rootSymbol);

            default:
                return false;
        }

        static bool TryGetHolder(IOperation instance, out ISymbol holder)
        {
            switch (instance)
            {
                case ILocalReferenceOperation { Local: { IsRef: false } local }:
                    holder = local;
                    return true;
                case IParameterReferenceOperation { Parameter: { RefKind: RefKind.None, IsThis: false } parameter }:
                    holder = parameter;
                    return true;
                default:
                    holder = null!;
                    return false;
            }
        }
    }

    private static bool IsPlainAutoProperty(IPropertySymbol property)
    {
        if (property.IsStatic || property.IsIndexer || property.IsAbstract || ((property.IsVirtual || property.IsOverride) && !property.IsSealed) ||
            property.GetMethod is null || property.SetMethod is not { IsInitOnly: false } ||
            property.ContainingType.TypeKind is not (TypeKind.Class or TypeKind.Struct) ||
            property.DeclaringSyntaxReferences.Length != 1 ||
            property.DeclaringSyntaxReferences[0].GetSyntax() is not PropertyDeclarationSyntax { AccessorList: { } accessors, ExpressionBody: null } declaration ||
            declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            return false;
        }

        foreach (var accessor in accessors.Accessors)
        {
            if (accessor.Body is not null || accessor.ExpressionBody is not null)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <c>System.UriBuilder.Query</c> from a .NET (Core) reference or implementation assembly. .NET Framework's setter
    /// prepends '?' to every non-empty value (so <c>Query = Query + x</c> doubles it each time): not fixed there, nor
    /// through netstandard, which may run on it.
    /// </summary>
    private static bool IsUriBuilderQuery(IPropertySymbol property, Compilation compilation) =>
        property.Name == "Query" &&
        SymbolEqualityComparer.Default.Equals(property.ContainingType, compilation.GetTypeByMetadataName("System.UriBuilder")) &&
        property.ContainingAssembly?.Name is "System.Runtime" or "System.Private.Uri";

    private static FixResult? TryUseStringBuilderForLocationAround(SyntaxNode root, SemanticModel model, ILoopOperation loop, IOperation target, ISymbol rootSymbol, bool lazy, CancellationToken cancellationToken)
    {
        if (loop.Syntax is not StatementSyntax statement || statement.Parent is not (BlockSyntax or SwitchSectionSyntax) ||
            statement.DescendantNodes().Any(n => n.IsKind(SyntaxKind.GotoStatement)) ||
            (lazy && statement.SyntaxTree.Options is not CSharpParseOptions { LanguageVersion: >= LanguageVersion.CSharp8 }))
        {
            return null;
        }

        // Every append of the location in the loop, as one builder call (or push) each.
        var allowed = new HashSet<SyntaxNode>();
        var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
        var memberName = rootSymbol is IParameterSymbol { RefKind: not RefKind.None } ? rootSymbol.Name : ((IMemberReferenceOperation)target).Member.Name;
        var baseName = ToCamelCase(memberName);
        var member = (SyntaxNode?)statement.FirstAncestorOrSelf<MemberDeclarationSyntax>(m => m is not GlobalStatementSyntax) ?? root;
        var builderName = UniqueNames.Pick(baseName + "Builder", member, model, statement.SpanStart);
        var prefixesName = UniqueNames.Pick(baseName + "Prefixes", member, model, statement.SpanStart);
        var visible = model.LookupNamespacesAndTypes(statement.SpanStart, name: "StringBuilder");
        var stringBuilderType = model.Compilation.GetTypeByMetadataName("System.Text.StringBuilder");
        var typeName = visible.Length == 0 || (visible.Length == 1 && SymbolEqualityComparer.Default.Equals(visible[0], stringBuilderType))
            ? "StringBuilder"
            : "global::System.Text.StringBuilder";
        var locationText = ((ExpressionSyntax)target.Syntax).WithoutTrivia().ToFullString();
        var hasAppend = false;
        var hasPrepend = false;
        foreach (var candidate in statement.DescendantNodes().OfType<AssignmentExpressionSyntax>())
        {
            if (model.GetOperation(candidate, cancellationToken) is not IAssignmentOperation assignment || !Analyzer.IsSameVariable(assignment.Target, target))
            {
                continue;
            }

            if (candidate.Parent is not ExpressionStatementSyntax expressionStatement ||
                expressionStatement.Ancestors().TakeWhile(n => n != statement).Any(n => n is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax) ||
                !Analyzer.TryMatchAppend(assignment, out _, out _) ||
                !TryGetAppendArguments(assignment, model, split: false, allowed, out var calls, out var prefix) ||
                (calls.Count > 0 && prefix is not null) || (lazy && prefix is not null))
            {
                return null;
            }

            allowed.Add(candidate.Left);
            string text;
            if (prefix is not null)
            {
                hasPrepend = true;
                text = $"{prefixesName}.Push({prefix})";
            }
            else
            {
                hasAppend = true;
                text = (lazy ? $"({builderName} ??= new {typeName}({locationText}))" : builderName) + "." + string.Join(".", calls);
            }

            replacements.Add(candidate, LineWrapping.WrapArgumentsIfLong(SyntaxFactory.ParseExpression(text), candidate, root).WithTriviaFrom(candidate));
        }

        if (replacements.Count == 0 || !NothingElseObserves(model, statement, loop, rootSymbol, allowed, cancellationToken))
        {
            return null;
        }

        var stackType = model.Compilation.GetTypeByMetadataName("System.Collections.Generic.Stack`1");
        var visibleStacks = model.LookupNamespacesAndTypes(statement.SpanStart, name: "Stack");
        var stackName = visibleStacks.Length == 0 || (visibleStacks.Length == 1 && SymbolEqualityComparer.Default.Equals(visibleStacks[0].OriginalDefinition, stackType))
            ? "Stack<string>"
            : "global::System.Collections.Generic.Stack<string>";
        var addUsing = hasAppend && visible.Length == 0;
        var addCollectionsUsing = hasPrepend && visibleStacks.Length == 0;
        if (((addUsing || addCollectionsUsing) && root is not CompilationUnitSyntax) || (hasPrepend && stackType is null))
        {
            return null;
        }

        var endOfLine = FindEndOfLine(root);
        var eol = endOfLine.ToFullString();
        var leading = statement.GetLeadingTrivia();
        var indentation = Indentation(leading);
        var indent = indentation.ToFullString();
        var unit = indent.Contains('\t') ? "\t" : "    ";
        var declarations = new List<string>();
        if (lazy)
        {
            var annotated = model.GetNullableContext(statement.SpanStart).AnnotationsEnabled();
            declarations.Add($"{typeName}{(annotated ? "?" : "")} {builderName} = null;");
        }
        else if (hasAppend)
        {
            declarations.Add($"var {builderName} = new {typeName}({locationText});");
        }

        if (hasPrepend)
        {
            declarations.Add($"var {prefixesName} = new {stackName}();");
        }

        var value = (hasAppend, hasPrepend) switch
        {
            (true, true) => $"string.Concat({prefixesName}) + {builderName}.ToString()",
            (false, true) => $"string.Concat({prefixesName}) + {locationText}",
            _ => $"{builderName}.ToString()",
        };
        var writeBack = lazy
            ? $"if ({builderName} != null){eol}{indent}{unit}{{{eol}{indent}{unit}{unit}{locationText} = {value};{eol}{indent}{unit}}}"
            : $"{locationText} = {value};";
        var rewritten = IndentBy(statement.ReplaceNodes(replacements.Keys, (original, _) => replacements[original]), unit)
            .WithLeadingTrivia(SyntaxFactory.ParseLeadingTrivia(indent + unit))
            .WithoutTrailingTrivia();
        var tryText = new StringBuilder()
            .Append(indent).Append("try").Append(eol)
            .Append(indent).Append('{').Append(eol)
            .Append(rewritten.ToFullString()).Append(eol)
            .Append(indent).Append('}').Append(eol)
            .Append(indent).Append("finally").Append(eol)
            .Append(indent).Append('{').Append(eol)
            .Append(indent).Append(unit).Append(writeBack).Append(eol)
            .Append(indent).Append('}')
            .ToString();
        var newStatements = new List<StatementSyntax>();
        foreach (var declaration in declarations)
        {
            newStatements.Add(SyntaxFactory.ParseStatement(declaration).WithLeadingTrivia(newStatements.Count == 0 ? leading : indentation).WithTrailingTrivia(endOfLine));
        }

        newStatements.Add(SyntaxFactory.ParseStatement(tryText).WithLeadingTrivia(newStatements.Count == 0 ? leading : indentation).WithTrailingTrivia(statement.GetTrailingTrivia()));
        return ReplaceStatement(root, statement, newStatements, addCollectionsUsing, addUsing, endOfLine) is { } newRoot
            ? new FixResult(UseStringBuilderKey, "Use StringBuilder", newRoot)
            : null;
    }

    /// <summary>
    /// Nothing in the loop but its appends can see the location: the variable that holds it (the ref parameter, or the
    /// local or parameter that holds the object) is used only in the appends; no other variable, field, element or
    /// call result in the loop could be the same object (same type, a base class other than <c>object</c>, an interface
    /// or a derived type) or, for a ref parameter, the caller's string variable (a string field or element, another by-ref
    /// variable); no code of the compilation runs (it could reach the object through a field); no delegate is invoked;
    /// nothing awaits or yields. Calls into referenced libraries are assumed not to reach the object (a virtual call such
    /// as <c>item.ToString()</c> on an <c>object</c> could, in principle, run an override that does).
    /// </summary>
    private static bool NothingElseObserves(SemanticModel model, StatementSyntax statement, ILoopOperation loop, ISymbol rootSymbol, HashSet<SyntaxNode> allowed, CancellationToken cancellationToken)
    {
        var isRefParameter = rootSymbol is IParameterSymbol { RefKind: not RefKind.None };
        var holderType = rootSymbol switch
        {
            ILocalSymbol local => local.Type,
            IParameterSymbol parameter => parameter.Type,
            _ => null,
        };
        if (holderType is null)
        {
            return false;
        }

        foreach (var forEach in statement.DescendantNodesAndSelf().OfType<CommonForEachStatementSyntax>())
        {
            var info = model.GetForEachStatementInfo(forEach);
            if (!forEach.AwaitKeyword.IsKind(SyntaxKind.None) || IsInSource(info.GetEnumeratorMethod) || IsInSource(info.MoveNextMethod) ||
                IsInSource(info.CurrentProperty) || IsInSource(info.DisposeMethod))
            {
                return false;
            }

            // foreach over a string[] (or a Span<string>) reads elements a caller could have passed by ref.
            if (isRefParameter && info.ElementType?.SpecialType == SpecialType.System_String &&
                (model.GetTypeInfo(forEach.Expression, cancellationToken).Type is IArrayTypeSymbol ||
                 info.CurrentProperty is { ReturnsByRef: true } or { ReturnsByRefReadonly: true }))
            {
                return false;
            }
        }

        foreach (var operation in loop.DescendantsAndSelf())
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (operation)
            {
                case IInvalidOperation:
                case IAwaitOperation:
                case IReturnOperation { Kind: OperationKind.YieldReturn or OperationKind.YieldBreak }:
                case IUsingOperation { IsAsynchronous: true }:
                case IUsingDeclarationOperation { IsAsynchronous: true }:
                case IEventAssignmentOperation:
                case IRaiseEventOperation:
                case IFunctionPointerInvocationOperation:
                case IDynamicInvocationOperation or IDynamicMemberReferenceOperation or IDynamicObjectCreationOperation or IDynamicIndexerAccessOperation:
                    return false;
                case IInvocationOperation invocation when invocation.TargetMethod.MethodKind == MethodKind.DelegateInvoke || IsInSource(invocation.TargetMethod):
                    return false;
                case IObjectCreationOperation creation when IsInSource(creation.Constructor):
                    return false;
                case IBinaryOperation binary when IsInSource(binary.OperatorMethod):
                    return false;
                case IUnaryOperation unary when IsInSource(unary.OperatorMethod):
                    return false;
                case IConversionOperation conversion when IsInSource(conversion.OperatorMethod):
                    return false;
                case IIncrementOrDecrementOperation increment when IsInSource(increment.OperatorMethod):
                    return false;
                case ICompoundAssignmentOperation compound when IsInSource(compound.OperatorMethod):
                    return false;
                case IPropertyReferenceOperation property when IsInSource(property.Property) && !allowed.Contains(property.Syntax):
                    return false;
            }

            // The variable that holds the location: only in the appends.
            if ((operation is ILocalReferenceOperation localReference && SymbolEqualityComparer.Default.Equals(localReference.Local, rootSymbol)) ||
                (operation is IParameterReferenceOperation parameterReference && SymbolEqualityComparer.Default.Equals(parameterReference.Parameter, rootSymbol)))
            {
                var use = isRefParameter ? operation : operation.Parent;
                if (use is null || !allowed.Contains(use.Syntax))
                {
                    return false;
                }

                continue;
            }

            if (MayAlias(operation, holderType, isRefParameter))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A value in the loop that could be the object holding the location, or the caller's string variable behind a ref parameter.</summary>
    private static bool MayAlias(IOperation operation, ITypeSymbol holderType, bool isRefParameter)
    {
        var isVariable = operation is ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation or IArrayElementReferenceOperation;
        if (isRefParameter)
        {
            // The caller may have passed a string field, an array element or its own by-ref variable.
            return operation.Type?.SpecialType == SpecialType.System_String &&
                   operation switch
                   {
                       IFieldReferenceOperation or IArrayElementReferenceOperation => true,
                       ILocalReferenceOperation local => local.Local.IsRef,
                       IParameterReferenceOperation parameter => parameter.Parameter.RefKind != RefKind.None,
                       IPropertyReferenceOperation property => property.Property.ReturnsByRef || property.Property.ReturnsByRefReadonly,
                       IInvocationOperation invocation => invocation.TargetMethod.ReturnsByRef || invocation.TargetMethod.ReturnsByRefReadonly,
                       _ => false,
                   };
        }

        if (holderType.IsValueType)
        {
            // A struct is copied: only a by-ref variable can be the same storage.
            return (operation is ILocalReferenceOperation { Local.IsRef: true } or IParameterReferenceOperation { Parameter.RefKind: not RefKind.None }) &&
                   SymbolEqualityComparer.Default.Equals(operation.Type, holderType);
        }

        if (!(isVariable || operation is IInvocationOperation or IInstanceReferenceOperation) || operation.Type is not { } type ||
            type.SpecialType is SpecialType.System_Object or SpecialType.System_String || (type.IsValueType && type is not ITypeParameterSymbol))
        {
            return false;
        }

        return type is ITypeParameterSymbol || SymbolEqualityComparer.Default.Equals(type, holderType) || IsAssignableTo(holderType, type) || IsAssignableTo(type, holderType);
    }

    private static bool IsAssignableTo(ITypeSymbol from, ITypeSymbol to)
    {
        for (var current = from.BaseType; current is not null; current = current.BaseType)
        {
            if (current.SpecialType != SpecialType.System_Object && SymbolEqualityComparer.Default.Equals(current, to))
            {
                return true;
            }
        }

        foreach (var @interface in from.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(@interface, to))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsInSource(ISymbol? symbol) => symbol is not null && symbol.Locations.Any(l => l.IsInSource);

    private static string ToCamelCase(string name)
    {
        name = name.TrimStart('_');
        if (name.Length == 0)
        {
            return "value";
        }

        return char.ToLowerInvariant(name[0]) + name.Substring(1);
    }

    /// <summary>Adds one indentation unit at the start of every line of <paramref name="node"/> (trivia only: string contents are kept).</summary>
    private static SyntaxNode IndentBy(SyntaxNode node, string unit)
    {
        var whitespace = SyntaxFactory.Whitespace(unit);
        return node.ReplaceTokens(node.DescendantTokens(), (original, token) =>
        {
            var leadingTrivia = token.LeadingTrivia;
            var result = new List<SyntaxTrivia>();
            var atLineStart = original.GetPreviousToken().TrailingTrivia.Any(SyntaxKind.EndOfLineTrivia);
            foreach (var trivia in leadingTrivia)
            {
                if (atLineStart && !trivia.IsKind(SyntaxKind.EndOfLineTrivia))
                {
                    if (trivia.IsKind(SyntaxKind.WhitespaceTrivia))
                    {
                        result.Add(SyntaxFactory.Whitespace(unit + trivia.ToFullString()));
                        atLineStart = false;
                        continue;
                    }

                    result.Add(whitespace);
                }

                result.Add(trivia);
                atLineStart = trivia.IsKind(SyntaxKind.EndOfLineTrivia);
            }

            if (atLineStart)
            {
                result.Add(whitespace);
            }

            return token.WithLeadingTrivia(result);
        });
    }
}
