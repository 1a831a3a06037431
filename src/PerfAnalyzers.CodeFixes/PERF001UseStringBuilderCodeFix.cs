using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using PerfAnalyzers.CodeFixes.Common;
using PerfAnalyzers.Common;
using Analyzer = PerfAnalyzers.Rules.PERF001StringConcatenationInLoopAnalyzer;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF001 fixes. "Use StringBuilder": a local grown in a loop becomes a <c>StringBuilder</c> created before the loop,
/// appended to in the loop and converted back after it. "Use string.Join" / "Use string.Concat": a
/// <c>source.Aggregate((a, b) =&gt; a + sep + b)</c> becomes <c>string.Join(sep, source)</c>. No fix is offered where the
/// rewrite could change behaviour (the string is read in the loop, prepended to, a field or property, captured, ...).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PERF001UseStringBuilderCodeFix)), Shared]
public sealed partial class PERF001UseStringBuilderCodeFix : CodeFixProvider
{
    internal const string UseStringBuilderKey = "PERF001_UseStringBuilder";
    internal const string UseStringJoinKey = "PERF001_UseStringJoin";
    internal const string UseStringConcatKey = "PERF001_UseStringConcat";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(Analyzer.RuleId);

    // Fixes in one document interact (builder names, the using directive, several appends to one loop), so Fix All
    // applies them one after another on the updated document instead of merging independent edits. It applies every
    // PERF001 fix kind in its scope, whichever key started it: `dotnet format analyzers --diagnostics PERF001` runs one
    // Fix All with the key of the first fix it finds, and must still fix the Aggregate calls as well as the loops.
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllInDocumentAsync);

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var document = context.Document;
        var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var target = FindTarget(root, diagnostic.Location.SourceSpan);
            if (target is null)
            {
                continue;
            }

            var result = TryFix(root, model, target, context.CancellationToken);
            if (result is { } fix)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(fix.Title, _ => Task.FromResult(document.WithSyntaxRoot(fix.NewRoot)), fix.Key),
                    diagnostic);
            }
        }
    }

    private readonly struct FixResult
    {
        public FixResult(string key, string title, SyntaxNode newRoot)
        {
            Key = key;
            Title = title;
            NewRoot = newRoot;
        }

        public string Key { get; }

        public string Title { get; }

        public SyntaxNode NewRoot { get; }
    }

    private static SyntaxNode? FindTarget(SyntaxNode root, TextSpan span)
    {
        if (!root.FullSpan.Contains(span))
        {
            return null;
        }

        var node = root.FindNode(span, getInnermostNodeForTie: true);
        return node.FirstAncestorOrSelf<SyntaxNode>(n => n is AssignmentExpressionSyntax or InvocationExpressionSyntax);
    }

    private static FixResult? TryFix(SyntaxNode root, SemanticModel model, SyntaxNode target, CancellationToken cancellationToken) =>
        target switch
        {
            AssignmentExpressionSyntax assignment => TryUseStringBuilder(root, model, assignment, cancellationToken),
            InvocationExpressionSyntax invocation => TryReplaceAggregate(root, model, invocation, cancellationToken),
            _ => null,
        };

    private static async Task<Document?> FixAllInDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        var cancellationToken = context.CancellationToken;
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return null;
        }

        // Mark every target first: earlier fixes move or rewrite later ones.
        var annotations = new Dictionary<SyntaxNode, SyntaxAnnotation>();
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            var target = FindTarget(root, diagnostic.Location.SourceSpan);
            if (target is not null && !annotations.ContainsKey(target))
            {
                annotations.Add(target, new SyntaxAnnotation("PERF001"));
            }
        }

        if (annotations.Count == 0)
        {
            return null;
        }

        var order = annotations.OrderBy(pair => pair.Key.SpanStart).Select(pair => pair.Value).ToList();
        document = document.WithSyntaxRoot(root.ReplaceNodes(annotations.Keys, (original, current) => current.WithAdditionalAnnotations(annotations[original])));
        foreach (var annotation in order)
        {
            root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var target = root?.GetAnnotatedNodes(annotation).FirstOrDefault();
            if (root is null || model is null || target is null)
            {
                // Already rewritten by the fix of another diagnostic (another append to the same string in the same loop).
                continue;
            }

            if (TryFix(root, model, target, cancellationToken) is { } fix)
            {
                document = document.WithSyntaxRoot(fix.NewRoot);
            }
        }

        return document;
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Use StringBuilder
    // ----------------------------------------------------------------------------------------------------------------

    private static FixResult? TryUseStringBuilder(SyntaxNode root, SemanticModel model, AssignmentExpressionSyntax assignment, CancellationToken cancellationToken)
    {
        if (model.GetOperation(assignment, cancellationToken) is not { } operation ||
            !Analyzer.TryMatchAppend(operation, out var appendTarget, out var local))
        {
            return null;
        }

        var compilation = model.Compilation;
        var stringBuilderType = compilation.GetTypeByMetadataName("System.Text.StringBuilder");
        if (stringBuilderType is null)
        {
            return null;
        }

        var types = new Analyzer.KnownTypes(
            compilation.GetTypeByMetadataName("System.Collections.Generic.List`1"),
            compilation.GetSpecialType(SpecialType.System_Array),
            compilation.GetTypeByMetadataName("System.Linq.Enumerable"));
        if (!TryGetScope(root, local, cancellationToken, out var scope, out var initializer))
        {
            // A ref parameter, or a field or property of a local object: other code could see it (see the Location part).
            return TryUseStringBuilderForLocation(root, model, operation, appendTarget, types, cancellationToken);
        }

        // The outermost repetition over which the local lives: one builder serves every append in it. When the rewrite
        // is not possible there (an outer loop reads the string between inner loops, ...), an inner one: the builder is
        // then created once per outer iteration, which still removes the copy per append.
        if (!Loops.TryGetEnclosingLoop(operation, types.IsPerElementCall, out var innermost) || !innermost.LifetimeSpansIterations(local))
        {
            return null;
        }

        var loops = new List<LoopContext> { innermost };
        for (var current = innermost; Loops.TryGetEnclosingLoop(current.Operation, types.IsPerElementCall, out var outer) && outer.LifetimeSpansIterations(local); current = outer)
        {
            loops.Add(outer);
        }

        // First without touching other uses of the string in the loop; then with reads in the loop turned into reads
        // of the builder (s.Length → sBuilder.Length, s → sBuilder.ToString()) and resets (s = "") into Clear().
        foreach (var materialise in new[] { false, true })
        {
            for (var i = loops.Count - 1; i >= 0; i--)
            {
                if (TryUseStringBuilderAround(root, model, loops[i], local, scope, initializer, stringBuilderType, types, materialise, cancellationToken) is { } fix)
                {
                    return fix;
                }
            }
        }

        // Last, a string that may be null when the loop starts: a builder that is null exactly when the string is.
        for (var i = loops.Count - 1; i >= 0; i--)
        {
            if (TryUseStringBuilderAround(root, model, loops[i], local, scope, initializer, stringBuilderType, types, materialise: false, cancellationToken, nullableStart: true) is { } fix)
            {
                return fix;
            }
        }

        return null;
    }

    /// <summary>
    /// The syntax in which the variable can be referenced: a local's enclosing block (its initializer is returned), or
    /// the body of the method, constructor or local function whose by-value parameter it is (a copy the caller does not see).
    /// </summary>
    private static bool TryGetScope(SyntaxNode root, ISymbol symbol, CancellationToken cancellationToken, out SyntaxNode scope, out ExpressionSyntax? initializer)
    {
        scope = null!;
        initializer = null;
        if (symbol.DeclaringSyntaxReferences.Length != 1)
        {
            return false;
        }

        var syntax = symbol.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
        switch (symbol)
        {
            case ILocalSymbol { IsRef: false, IsConst: false }
                when syntax is VariableDeclaratorSyntax { Parent.Parent: LocalDeclarationStatementSyntax declarationStatement } declarator &&
                     !declarationStatement.UsingKeyword.IsKind(SyntaxKind.UsingKeyword):
                scope = declarationStatement.Parent is GlobalStatementSyntax ? root : declarationStatement.Parent!;
                initializer = declarator.Initializer?.Value;
                return true;

            case IParameterSymbol { RefKind: RefKind.None, IsParams: false, IsThis: false } when syntax is ParameterSyntax { Parent: ParameterListSyntax { Parent: { } owner } }:
                BlockSyntax? body = owner switch
                {
                    BaseMethodDeclarationSyntax method => method.Body,
                    LocalFunctionStatementSyntax localFunction => localFunction.Body,
                    _ => null,
                };
                if (body is null)
                {
                    return false;
                }

                scope = body;
                return true;

            default:
                return false;
        }
    }

    /// <summary>
    /// A parameter holds a non-null string when the loop starts: a statement before the loop, in a block around it,
    /// assigns it a non-null value (every other assignment outside the loop is checked by <see cref="ReferencesAllowFix"/>).
    /// A non-nullable annotation is not enough: a caller in an oblivious context can still pass null, and the builder
    /// would turn it into "" when the loop does not run.
    /// </summary>
    private static bool ParameterIsNonNullAtLoop(IParameterSymbol parameter, StatementSyntax loop, SyntaxNode scope, SemanticModel model, CancellationToken cancellationToken)
    {
        for (SyntaxNode node = loop; node != scope && node.Parent is not null; node = node.Parent)
        {
            if (node.Parent is not BlockSyntax block || node is not StatementSyntax current)
            {
                continue;
            }

            for (var i = block.Statements.IndexOf(current) - 1; i >= 0; i--)
            {
                if (block.Statements[i] is ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: IdentifierNameSyntax name } assignment } &&
                    name.Identifier.ValueText == parameter.Name &&
                    SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, parameter))
                {
                    return IsNonNull(assignment.Right, model, cancellationToken);
                }
            }
        }

        return false;
    }

    private static FixResult? TryUseStringBuilderAround(
        SyntaxNode root,
        SemanticModel model,
        LoopContext loop,
        ISymbol local,
        SyntaxNode scope,
        ExpressionSyntax? initializer,
        INamedTypeSymbol stringBuilderType,
        Analyzer.KnownTypes types,
        bool materialise,
        CancellationToken cancellationToken,
        bool nullableStart = false)
    {
        StatementSyntax? statement = loop.Loop is not null
            ? loop.Loop.Syntax as StatementSyntax
            : loop.PerElementCall!.TargetMethod.Name == "Select"
                ? loop.PerElementCall.Syntax.FirstAncestorOrSelf<StatementSyntax>() // items.Select(..).ToList() in any statement
                : loop.PerElementCall.Syntax.Parent as ExpressionStatementSyntax;
        while (statement?.Parent is LabeledStatementSyntax labeled)
        {
            statement = labeled;
        }

        if (statement is LabeledStatementSyntax label && root.DescendantNodes().OfType<GotoStatementSyntax>().Any(g => g.Expression is IdentifierNameSyntax target && target.Identifier.ValueText == label.Identifier.ValueText))
        {
            // A goto back to the loop would run it again with the builder, skipping whatever the code did to the string in between.
            return null;
        }

        if (statement?.Parent is not (BlockSyntax or SwitchSectionSyntax or GlobalStatementSyntax) ||
            statement.DescendantNodes().Any(n => n.IsKind(SyntaxKind.GotoStatement)))
        {
            return null;
        }

        if (!scope.Span.Contains(statement.Span) || EnclosingTryObservesFailure(statement, scope) ||
            (local is IParameterSymbol parameter && !nullableStart && !ParameterIsNonNullAtLoop(parameter, statement, scope, model, cancellationToken)))
        {
            return null;
        }

        // Every append of the local in the loop, as builder calls (and pushes of prefixes).
        var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
        var allowedReferences = new HashSet<SyntaxNode>();
        var builderName = UniqueNames.Pick(
            local.Name + "Builder",
            (SyntaxNode?)statement.FirstAncestorOrSelf<MemberDeclarationSyntax>(m => m is not GlobalStatementSyntax) ?? root,
            model,
            statement.SpanStart);
        var prefixesName = UniqueNames.Pick(
            local.Name + "Prefixes",
            (SyntaxNode?)statement.FirstAncestorOrSelf<MemberDeclarationSyntax>(m => m is not GlobalStatementSyntax) ?? root,
            model,
            statement.SpanStart);
        // The builder type: StringBuilder when it binds (or will, with a using directive), else fully qualified.
        var visible = model.LookupNamespacesAndTypes(statement.SpanStart, name: "StringBuilder");
        var typeName = visible.Length == 0 || (visible.Length == 1 && SymbolEqualityComparer.Default.Equals(visible[0], stringBuilderType))
            ? "StringBuilder"
            : "global::System.Text.StringBuilder";
        var nullStart = nullableStart ? NullStart.Create(statement, local, scope, initializer, model, cancellationToken) : null;
        if (nullableStart && nullStart is null)
        {
            return null;
        }

        var hasAppend = false;
        var hasPrepend = false;
        foreach (var candidate in statement.DescendantNodesAndSelf().OfType<AssignmentExpressionSyntax>())
        {
            if (candidate.Left is not IdentifierNameSyntax left || left.Identifier.ValueText != local.Name ||
                !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(left, cancellationToken).Symbol, local))
            {
                continue;
            }

            if ((materialise || nullableStart) && candidate.IsKind(SyntaxKind.SimpleAssignmentExpression) &&
                model.GetOperation(candidate, cancellationToken) is { } assigned && !Analyzer.TryMatchAppend(assigned, out _, out _))
            {
                // s = "" (not an append): a reset, rewritten by TryMaterialise or refused there.
                continue;
            }

            if (!ValueIsDiscarded(candidate, model, cancellationToken) ||
                model.GetOperation(candidate, cancellationToken) is not { } append ||
                !Analyzer.TryMatchAppend(append, out _, out _) ||
                !TryGetAppendArguments(append, model, split: !InsideTryWithCatch(candidate, statement), allowedReferences, out var calls, out var prefix))
            {
                return null;
            }

            allowedReferences.Add(left);

            // x = p + x: p goes on a stack; string.Concat reads a stack from the top, the last prefix first. A
            // StringBuilder.Insert(0, p) would move the whole content on every prepend: O(n²) again.
            // Parsed from text rather than built with SyntaxFactory: no elastic trivia, so the code action's cleanup
            // does not reformat the surrounding lines (tabs, CRLF) with default options.
            var push = prefix is null ? null : $"{prefixesName}.Push({prefix})";
            string? appendText = null;
            if (calls.Count > 0)
            {
                var text = new System.Text.StringBuilder(nullStart is null ? builderName : nullStart.Receiver(candidate, builderName, typeName));
                foreach (var call in calls)
                {
                    text.Append('.').Append(call);
                }

                appendText = text.ToString();
            }

            hasPrepend |= push is not null;
            hasAppend |= appendText is not null;
            if (push is null || appendText is null)
            {
                replacements.Add(candidate, SyntaxFactory.ParseExpression(push ?? appendText!).WithTriviaFrom(candidate));
                continue;
            }

            // A wrap (x = p + x + q): a push and an append, two statements where the code has one expression.
            switch (candidate.Parent)
            {
                case ExpressionStatementSyntax expressionStatement when expressionStatement.Parent is BlockSyntax or SwitchSectionSyntax:
                {
                    // Spliced into the enclosing list after the replacement (see SpliceMarker).
                    var first = SyntaxFactory.ParseStatement(push + ";").WithLeadingTrivia(expressionStatement.GetLeadingTrivia()).WithTrailingTrivia(FindEndOfLine(root));
                    var second = SyntaxFactory.ParseStatement(appendText + ";").WithLeadingTrivia(Indentation(expressionStatement.GetLeadingTrivia())).WithTrailingTrivia(expressionStatement.GetTrailingTrivia());
                    replacements.Add(expressionStatement, SyntaxFactory.Block(first, second).WithAdditionalAnnotations(SpliceMarker));
                    break;
                }

                case ExpressionStatementSyntax expressionStatement:
                    replacements.Add(expressionStatement, SyntaxFactory.ParseStatement($"{{ {push}; {appendText}; }}").WithTriviaFrom(expressionStatement));
                    break;
                case LambdaExpressionSyntax lambda when lambda.ExpressionBody == candidate:
                    replacements.Add(lambda, lambda.WithExpressionBody(null).WithBlock((BlockSyntax)SyntaxFactory.ParseStatement($"{{ {push}; {appendText}; }}").WithTriviaFrom(candidate)));
                    break;
                default:
                    return null;
            }
        }

        if (replacements.Count == 0 || (nullStart is not null && (hasPrepend || !hasAppend)) ||
            !ReferencesAllowFix(scope, statement, local, model, types, allowedReferences, initializer, materialise && hasAppend && !hasPrepend ? builderName : null, replacements, cancellationToken, nullStart is null ? null : (builderName, typeName)))
        {
            return null;
        }

        var addUsing = hasAppend && visible.Length == 0;

        // The stack of prefixes: Stack<string> when it binds (or will, with a using directive), else fully qualified.
        var stackType = model.Compilation.GetTypeByMetadataName("System.Collections.Generic.Stack`1");
        var visibleStacks = model.LookupNamespacesAndTypes(statement.SpanStart, name: "Stack");
        var addCollectionsUsing = hasPrepend && visibleStacks.Length == 0;
        var stackName = visibleStacks.Length == 0 || (visibleStacks.Length == 1 && SymbolEqualityComparer.Default.Equals(visibleStacks[0].OriginalDefinition, stackType))
            ? "Stack<string>"
            : "global::System.Collections.Generic.Stack<string>";
        if (((addUsing || addCollectionsUsing) && root is not CompilationUnitSyntax) || (hasPrepend && stackType is null))
        {
            return null;
        }

        var endOfLine = FindEndOfLine(root);
        var leading = statement.GetLeadingTrivia();
        var indentation = Indentation(leading);
        var localName = Escape(local.Name);
        var newStatements = new List<StatementSyntax>();
        if (hasAppend)
        {
            newStatements.Add(SyntaxFactory.ParseStatement(nullStart is null
                ? $"var {builderName} = new {typeName}({localName});"
                : nullStart.Declaration(builderName, typeName, localName)));
        }

        if (hasPrepend)
        {
            newStatements.Add(SyntaxFactory.ParseStatement($"var {prefixesName} = new {stackName}();"));
        }

        for (var i = 0; i < newStatements.Count; i++)
        {
            newStatements[i] = newStatements[i].WithLeadingTrivia(i == 0 ? leading : indentation).WithTrailingTrivia(endOfLine);
        }

        newStatements.Add(Splice(statement
            .ReplaceNodes(replacements.Keys, (original, _) => replacements[original]))
            .WithLeadingTrivia(indentation));
        if (model.AnalyzeControlFlow(statement) is { Succeeded: true, EndPointIsReachable: true })
        {
            var value = (hasAppend, hasPrepend) switch
            {
                (true, true) => $"string.Concat({prefixesName}) + {builderName}.ToString()",
                (false, true) => $"string.Concat({prefixesName}) + {localName}",
                _ when nullStart is not null => $"{builderName}?.ToString()",
                _ => $"{builderName}.ToString()",
            };
            newStatements.Add(SyntaxFactory.ParseStatement($"{localName} = {value};")
                .WithLeadingTrivia(indentation)
                .WithTrailingTrivia(endOfLine));
        }

        return ReplaceStatement(root, statement, newStatements, addCollectionsUsing, addUsing, endOfLine) is { } newRoot
            ? new FixResult(UseStringBuilderKey, "Use StringBuilder", newRoot)
            : null;
    }

    /// <summary>
    /// Replaces <paramref name="statement"/> (in a block, a switch section or at top level) by <paramref name="newStatements"/>
    /// and adds the using directives the builder and the stack of prefixes need.
    /// </summary>
    private static SyntaxNode? ReplaceStatement(SyntaxNode root, StatementSyntax statement, List<StatementSyntax> newStatements, bool addCollectionsUsing, bool addUsing, SyntaxTrivia endOfLine)
    {
        SyntaxNode newRoot;
        switch (statement.Parent)
        {
            case BlockSyntax block:
            {
                var index = block.Statements.IndexOf(statement);
                newRoot = root.ReplaceNode(block, block.WithStatements(block.Statements.RemoveAt(index).InsertRange(index, newStatements)));
                break;
            }

            case SwitchSectionSyntax section:
            {
                var index = section.Statements.IndexOf(statement);
                newRoot = root.ReplaceNode(section, section.WithStatements(section.Statements.RemoveAt(index).InsertRange(index, newStatements)));
                break;
            }

            case GlobalStatementSyntax { Parent: CompilationUnitSyntax unit } global:
            {
                var index = unit.Members.IndexOf(global);
                var members = unit.Members.RemoveAt(index).InsertRange(index, newStatements.Select(s => (MemberDeclarationSyntax)SyntaxFactory.GlobalStatement(s)));
                newRoot = root.ReplaceNode(unit, unit.WithMembers(members));
                break;
            }

            default:
                return null;
        }

        if (addCollectionsUsing)
        {
            newRoot = AddUsing((CompilationUnitSyntax)newRoot, endOfLine, "System.Collections.Generic");
        }

        if (addUsing)
        {
            newRoot = AddUsing((CompilationUnitSyntax)newRoot, endOfLine, "System.Text");
        }

        return newRoot;
    }

    /// <summary>Marks a block of two statements that replaces one statement in a statement list (a wrap's push and append).</summary>
    private static readonly SyntaxAnnotation SpliceMarker = new("PERF001Splice");

    /// <summary>Replaces each marked block by its statements in the enclosing block or switch section.</summary>
    private static StatementSyntax Splice(StatementSyntax statement)
    {
        while (statement.GetAnnotatedNodes(SpliceMarker).FirstOrDefault() is BlockSyntax block)
        {
            statement = block.Parent is BlockSyntax or SwitchSectionSyntax
                ? statement.ReplaceNode(block, block.Statements)
                : statement.ReplaceNode(block, block.WithoutAnnotations(SpliceMarker));
        }

        return statement;
    }

    /// <summary>The assignment is a statement, or the body of a lambda that returns nothing (<c>item =&gt; s += item</c>).</summary>
    private static bool ValueIsDiscarded(AssignmentExpressionSyntax assignment, SemanticModel model, CancellationToken cancellationToken) =>
        assignment.Parent is ExpressionStatementSyntax ||
        (assignment.Parent is AnonymousFunctionExpressionSyntax lambda && lambda.ExpressionBody == assignment &&
         model.GetSymbolInfo(lambda, cancellationToken).Symbol is IMethodSymbol { ReturnsVoid: true });

    /// <summary>
    /// The calls to make on the builder for one append assignment (<c>Append(a)</c>, <c>AppendFormat(...)</c>), the
    /// prefix to push for a prepend (as source text), both for a wrap (<c>x = p + x + q</c>), and the references to the
    /// local it reads (the operand the string is concatenated with), or false when the append cannot become builder
    /// calls with the same result.
    /// </summary>
    private static bool TryGetAppendArguments(IOperation append, SemanticModel model, bool split, HashSet<SyntaxNode> selfReferences, out List<string> calls, out string? prefix)
    {
        calls = new List<string>();
        prefix = null;
        var pieces = new List<IOperation>();
        switch (append)
        {
            case ICompoundAssignmentOperation compound:
                if (split)
                {
                    AddPieces(compound.Value, pieces);
                }
                else
                {
                    pieces.Add(compound.Value);
                }

                break;

            case ISimpleAssignmentOperation simple:
            {
                var value = Loops.Unwrap(simple.Value);
                var operands = new List<IOperation>();
                if (StringConcatenation.IsConcatenation(value))
                {
                    AddPieces(value, operands);
                }
                else if (StringConcatenation.IsStringConcatCall(value))
                {
                    if (!StringConcatenation.TryGetConcatOperands((IInvocationOperation)value, operands))
                    {
                        return false;
                    }
                }
                else if (value is IInterpolatedStringOperation interpolated)
                {
                    return TryGetInterpolatedParts(interpolated, simple.Target, split, selfReferences, calls, out prefix);
                }
                else if (value is IInvocationOperation format && StringFormat.IsStringFormat(format))
                {
                    return TryGetFormatParts(format, simple.Target, split, selfReferences, calls, out prefix);
                }
                else
                {
                    return false;
                }

                // x = p + x, x = a + b + x with a string prefix: pushed as written.
                if (operands.Count >= 2 && TryGetConcatenationPrefix(value, simple.Target, operands) is { } prefixOperation)
                {
                    selfReferences.Add(Loops.Unwrap(operands[operands.Count - 1]).Syntax);
                    prefix = ((ExpressionSyntax)prefixOperation.Syntax).WithoutTrivia().ToFullString();
                    return true;
                }

                // x = x + a + b, x = p + x + q, x = c + x, string.Concat(a, "/", x): the operands before x are pushed as
                // one string, the operands after it appended one by one.
                var self = -1;
                for (var i = 0; i < operands.Count; i++)
                {
                    if (Analyzer.IsSameVariable(operands[i], simple.Target))
                    {
                        if (self >= 0)
                        {
                            return false;
                        }

                        self = i;
                    }
                }

                var suffixCount = operands.Count - 1 - self;
                if (self < 0 || operands.Count < 2 || (!split && self > 0 && suffixCount > 0))
                {
                    return false;
                }

                if (!split && suffixCount > 1)
                {
                    // In a try with catch, x = x + a + b becomes one Append of a + b (string.Concat(a, b) when not all
                    // are strings): a failure in b leaves nothing appended, as before.
                    var whole = RenderAsOneString(operands.GetRange(1, suffixCount), model.Compilation);
                    if (whole is null)
                    {
                        return false;
                    }

                    selfReferences.Add(Loops.Unwrap(operands[0]).Syntax);
                    calls.Add("Append(" + whole + ")");
                    return true;
                }

                selfReferences.Add(Loops.Unwrap(operands[self]).Syntax);
                if (self > 0)
                {
                    prefix = RenderAsOneString(operands.GetRange(0, self), model.Compilation);
                    if (prefix is null)
                    {
                        return false;
                    }
                }

                for (var i = self + 1; i < operands.Count; i++)
                {
                    pieces.Add(operands[i]);
                }

                if (pieces.Count == 0)
                {
                    return prefix is not null;
                }

                break;
            }

            default:
                return false;
        }

        foreach (var piece in pieces)
        {
            if (!IsAppendableAsIs(piece, split, model.Compilation) || piece.Syntax is not ExpressionSyntax syntax)
            {
                return false;
            }

            calls.Add("Append(" + syntax.WithoutTrivia().ToFullString() + ")");
        }

        return calls.Count > 0;
    }

    /// <summary>
    /// Operands of a concatenation (the prefix of a prepend or wrap) as one string expression with the value the concatenation gives them:
    /// a string as written, one other value through <c>ToString()</c> (<c>?.ToString()</c> when it may be null, which
    /// <c>string.Concat</c> of the stack reads as ""), several values through <c>string.Concat</c> (or <c>+</c> when all are strings).
    /// </summary>
    private static string? RenderAsOneString(List<IOperation> operands, Compilation compilation)
    {
        var texts = new List<string>();
        var allStrings = true;
        foreach (var operand in operands)
        {
            var value = operand;
            while (value is IConversionOperation { IsImplicit: true } conversion && !conversion.Conversion.IsUserDefined)
            {
                value = conversion.Operand;
            }

            if (!IsAppendableAsIs(value, split: true, compilation) || value.Syntax is not ExpressionSyntax syntax ||
                value.Type is null or ITypeParameterSymbol)
            {
                return null;
            }

            allStrings &= value.Type.SpecialType == SpecialType.System_String;
            texts.Add(Parenthesize(syntax));
        }

        if (operands.Count == 1)
        {
            var type = operands[0] is IConversionOperation { IsImplicit: true } c ? c.Operand.Type : operands[0].Type;
            return type switch
            {
                { SpecialType: SpecialType.System_String } => texts[0],
                { IsValueType: true } when type.OriginalDefinition.SpecialType != SpecialType.System_Nullable_T => texts[0] + ".ToString()",
                _ => texts[0] + "?.ToString()",
            };
        }

        return allStrings ? string.Join(" + ", texts) : "string.Concat(" + string.Join(", ", texts) + ")";
    }

    /// <summary>The expression's text, in parentheses unless it is a primary expression.</summary>
    private static string Parenthesize(ExpressionSyntax syntax)
    {
        var text = syntax.WithoutTrivia().ToFullString();
        return syntax is IdentifierNameSyntax or GenericNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or
            ElementAccessExpressionSyntax or LiteralExpressionSyntax or ParenthesizedExpressionSyntax or InterpolatedStringExpressionSyntax or
            ThisExpressionSyntax or ObjectCreationExpressionSyntax or PredefinedTypeSyntax
            ? text
            : "(" + text + ")";
    }

    /// <summary>
    /// <c>x = p + x</c> or <c>x = string.Concat(p, x)</c>: the concatenation's last operand is the variable (and no other
    /// operand is), and the prefix <c>p</c> (the left operand of the last <c>+</c>) is a string expression, so that <c>Push(p)</c> keeps its value.
    /// </summary>
    private static IOperation? TryGetConcatenationPrefix(IOperation value, IOperation target, List<IOperation> operands)
    {
        // string.Concat(p, x): two operands only (with more, the prefix is built as one string by RenderAsOneString).
        var left = value is IBinaryOperation binary ? binary.LeftOperand : operands.Count == 2 ? operands[0] : null;
        if (left is null || !Analyzer.IsSameVariable(operands[operands.Count - 1], target) || left.Syntax is not ExpressionSyntax)
        {
            return null;
        }

        for (var i = 0; i < operands.Count - 1; i++)
        {
            if (Analyzer.IsSameVariable(operands[i], target))
            {
                return null;
            }
        }

        // Through implicit conversions only: (object)p + x would be formatted by the concatenation.
        var prefix = left;
        while (prefix is IConversionOperation { IsImplicit: true } conversion && !conversion.Conversion.IsUserDefined)
        {
            prefix = conversion.Operand;
        }

        return prefix.Type?.SpecialType == SpecialType.System_String && prefix.Syntax is ExpressionSyntax ? prefix : null;
    }

    /// <summary>
    /// <c>x = $"{x}rest"</c> (append <c>$"rest"</c>), <c>x = $"...{x}"</c> (push <c>$"..."</c>) and <c>x = $"&lt;{x}&gt;"</c>
    /// (both): exactly one hole is the variable, with no alignment or format, and no other hole is.
    /// </summary>
    private static bool TryGetInterpolatedParts(IInterpolatedStringOperation interpolated, IOperation target, bool split, HashSet<SyntaxNode> selfReferences, List<string> calls, out string? prefix)
    {
        prefix = null;
        if (interpolated.Syntax is not InterpolatedStringExpressionSyntax syntax ||
            syntax.Contents.Count < 2 ||
            interpolated.Parts.Length != syntax.Contents.Count ||
            syntax.StringStartToken.IsKind(SyntaxKind.InterpolatedMultiLineRawStringStartToken))
        {
            return false;
        }

        var self = -1;
        for (var i = 0; i < interpolated.Parts.Length; i++)
        {
            if (interpolated.Parts[i] is IInterpolationOperation part && Analyzer.IsSameVariable(part.Expression, target))
            {
                if (self >= 0 || syntax.Contents[i] is not InterpolationSyntax { AlignmentClause: null, FormatClause: null })
                {
                    return false;
                }

                self = i;
            }
        }

        var last = syntax.Contents.Count - 1;
        if (self < 0 || (!split && self > 0 && self < last))
        {
            return false;
        }

        // Append($"a{b}c") appends part by part: outside a try with catch only, when it has several parts.
        if (self < last && !split && last - self > 1)
        {
            return false;
        }

        selfReferences.Add(((InterpolationSyntax)syntax.Contents[self]).Expression);
        if (self > 0)
        {
            prefix = syntax.WithContents(SyntaxFactory.List(syntax.Contents.Take(self))).WithoutTrivia().ToFullString();
        }

        if (self < last)
        {
            calls.Add("Append(" + syntax.WithContents(SyntaxFactory.List(syntax.Contents.Skip(self + 1))).WithoutTrivia().ToFullString() + ")");
        }

        return true;
    }

    /// <summary>
    /// <c>x = string.Format("{0}, {1}", x, y)</c> with a constant format whose only reference to the variable's index
    /// is one plain hole: the text after it becomes <c>AppendFormat</c> (the other indices renumbered), the text before
    /// it a pushed <c>string.Format</c>. Both use the same format provider (the current culture unless one is passed),
    /// so values format as before. A wrap needs the other arguments twice: only when they are constants, locals or parameters.
    /// </summary>
    private static bool TryGetFormatParts(IInvocationOperation format, IOperation target, bool split, HashSet<SyntaxNode> selfReferences, List<string> calls, out string? prefix)
    {
        prefix = null;
        if (!StringFormat.TryGetParts(format, out var provider, out var formatText, out var arguments))
        {
            return false;
        }

        var self = -1;
        for (var i = 0; i < arguments.Count; i++)
        {
            if (Analyzer.IsSameVariable(arguments[i], target))
            {
                if (self >= 0)
                {
                    return false;
                }

                self = i;
            }
        }

        if (self < 0 || !StringFormat.TrySplit(formatText, arguments.Count, self, out var before, out var after))
        {
            return false;
        }

        var others = new List<string>();
        var simple = true;
        for (var i = 0; i < arguments.Count; i++)
        {
            if (i == self)
            {
                continue;
            }

            var argument = arguments[i];
            var value = argument;
            while (value is IConversionOperation { IsImplicit: true } conversion)
            {
                value = conversion.Operand;
            }

            // AppendFormat("{0}", array) would expand an object[] into the params array that string.Format got as one value.
            if (argument.Syntax is not ExpressionSyntax syntax || value.Type is IArrayTypeSymbol)
            {
                return false;
            }

            simple &= value.ConstantValue.HasValue || value is ILocalReferenceOperation or IParameterReferenceOperation;
            others.Add(syntax.WithoutTrivia().ToFullString());
        }

        var wrap = before.Length > 0 && after.Length > 0;
        if (wrap && (!split || !simple))
        {
            return false;
        }

        var providerText = provider is null ? string.Empty : ((ExpressionSyntax)provider.Syntax).WithoutTrivia().ToFullString() + ", ";
        var argumentsText = others.Count == 0 ? string.Empty : ", " + string.Join(", ", others);
        var stringType = format.TargetMethod.ContainingType.ToMinimalDisplayString(format.SemanticModel!, format.Syntax.SpanStart);
        selfReferences.Add(Loops.Unwrap(arguments[self]).Syntax);
        if (before.Length > 0)
        {
            prefix = others.Count == 0
                ? SymbolDisplay.FormatLiteral(StringFormat.Unescape(before), quote: true)
                : $"{stringType}.Format({providerText}{SymbolDisplay.FormatLiteral(before, quote: true)}{argumentsText})";
        }

        if (after.Length > 0)
        {
            calls.Add(others.Count == 0
                ? "Append(" + SymbolDisplay.FormatLiteral(StringFormat.Unescape(after), quote: true) + ")"
                : $"AppendFormat({providerText}{SymbolDisplay.FormatLiteral(after, quote: true)}{argumentsText})");
        }

        return true;
    }

    /// <summary>Splits a string concatenation into its operands, except constant parts (<c>"a" + "b"</c> is one constant).</summary>
    private static void AddPieces(IOperation operation, List<IOperation> pieces)
    {
        if (StringConcatenation.IsConcatenation(operation) && !operation.ConstantValue.HasValue)
        {
            var binary = (IBinaryOperation)operation;
            AddPieces(binary.LeftOperand, pieces);
            AddPieces(binary.RightOperand, pieces);
            return;
        }

        pieces.Add(operation);
    }

    /// <summary>
    /// True when <c>builder.Append(value)</c> appends exactly what string concatenation would: the overload chosen
    /// for the value's own type formats it as <c>ToString()</c> does (null appends nothing, as null concatenates as "").
    /// Not for <c>char[]</c> (Append writes the characters, concatenation "System.Char[]"), user-defined conversions,
    /// dynamic, or a null literal.
    /// </summary>
    private static bool IsAppendableAsIs(IOperation piece, bool split, Compilation compilation)
    {
        while (piece is IConversionOperation { IsImplicit: true } conversion)
        {
            if (conversion.Conversion.IsUserDefined)
            {
                return false;
            }

            piece = conversion.Operand;
        }

        if (!split && piece is IInterpolatedStringOperation { Parts.Length: > 1 })
        {
            // Append($"...") appends part by part: an exception in a later part would leave earlier parts appended.
            return false;
        }

        var type = piece.Type;
        if (type is null || type.TypeKind is TypeKind.Dynamic or TypeKind.Pointer or TypeKind.FunctionPointer or TypeKind.Error)
        {
            return false;
        }

        if (type is IArrayTypeSymbol)
        {
            return false;
        }

        if (type.SpecialType != SpecialType.None)
        {
            return true;
        }

        // A user-defined implicit conversion from the value's type (to string, char[], ReadOnlySpan<char>, ...) could
        // make Append pick another overload than the object one concatenation uses.
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers("op_Implicit"))
            {
                if (member is IMethodSymbol { Parameters.Length: 1 } conversion &&
                    SymbolEqualityComparer.Default.Equals(conversion.Parameters[0].Type.OriginalDefinition, current.OriginalDefinition))
                {
                    return false;
                }
            }
        }

        // Conversions declared by the target types (ReadOnlySpan<char> from ArraySegment<char>, ...) count as well.
        if (compilation is CSharpCompilation csharp)
        {
            var charType = compilation.GetSpecialType(SpecialType.System_Char);
            var targets = new ITypeSymbol?[]
            {
                compilation.GetSpecialType(SpecialType.System_String),
                compilation.CreateArrayTypeSymbol(charType),
                compilation.GetTypeByMetadataName("System.ReadOnlySpan`1")?.Construct(charType),
                compilation.GetTypeByMetadataName("System.ReadOnlyMemory`1")?.Construct(charType),
            };
            foreach (var target in targets)
            {
                if (target is not null && csharp.ClassifyConversion(type, target) is { Exists: true, IsImplicit: true, IsIdentity: false })
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>A try (with catch or finally) around the loop could observe the string after an exception left the loop early.</summary>
    private static bool EnclosingTryObservesFailure(StatementSyntax statement, SyntaxNode scope)
    {
        for (SyntaxNode? node = statement; node is not null && node != scope; node = node.Parent)
        {
            if (node.Parent is TryStatementSyntax tryStatement && node == tryStatement.Block &&
                (tryStatement.Catches.Count > 0 || tryStatement.Finally is not null))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Inside a try with a catch (within the loop): an append split in several calls could be left half done.</summary>
    private static bool InsideTryWithCatch(SyntaxNode append, StatementSyntax loop)
    {
        for (var node = append; node is not null && node != loop; node = node.Parent)
        {
            if (node.Parent is TryStatementSyntax { Catches.Count: > 0 } tryStatement && node == tryStatement.Block)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Checks every reference to the local: in the loop only the appends may use it (through per-element lambdas at
    /// most); elsewhere it must not be captured by a lambda or local function, passed by reference, or assigned a value
    /// that may be null (the builder would turn a null string into "" when the loop does not run).
    /// </summary>
    private static bool ReferencesAllowFix(
        SyntaxNode scope,
        StatementSyntax loop,
        ISymbol local,
        SemanticModel model,
        Analyzer.KnownTypes types,
        HashSet<SyntaxNode> allowedReferences,
        ExpressionSyntax? initializer,
        string? materialiseInto,
        Dictionary<SyntaxNode, SyntaxNode> replacements,
        CancellationToken cancellationToken,
        (string Builder, string Type)? nullableBuilder = null)
    {
        var appends = replacements.Keys.ToList();
        if (initializer is not null && nullableBuilder is null && !IsNonNull(initializer, model, cancellationToken))
        {
            return false;
        }

        foreach (var node in scope.DescendantNodes())
        {
            if (node is not IdentifierNameSyntax reference || reference.Identifier.ValueText != local.Name ||
                !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(reference, cancellationToken).Symbol, local))
            {
                continue;
            }

            if (loop.Span.Contains(reference.Span))
            {
                if (!OnlyPerElementLambdasBetween(reference, loop, model, types, cancellationToken))
                {
                    return false;
                }

                if (!allowedReferences.Contains(reference) &&
                    (nullableBuilder is { } nullable
                        ? !NullStart.TryRewriteReference(reference, local, nullable.Builder, nullable.Type, appends, model, replacements, cancellationToken)
                        : materialiseInto is null || !TryMaterialise(reference, local, materialiseInto, appends, model, replacements, cancellationToken)))
                {
                    return false;
                }

                continue;
            }

            if (!OnlyPerElementLambdasBetween(reference, scope, model, types, cancellationToken) && !OnlyLambdasCreatedAfter(reference, loop, scope))
            {
                return false;
            }

            switch (reference.Parent)
            {
                case ArgumentSyntax argument when !argument.RefKindKeyword.IsKind(SyntaxKind.None) || argument.Parent is TupleExpressionSyntax:
                case RefExpressionSyntax:
                case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.AddressOfExpression }:
                    return false;
                case AssignmentExpressionSyntax assignment when assignment.Left == reference && assignment.IsKind(SyntaxKind.SimpleAssignmentExpression):
                    if (nullableBuilder is null && !IsNonNull(assignment.Right, model, cancellationToken) &&
                        !IsOverwrittenBeforeLoop(assignment, loop, local, model, cancellationToken))
                    {
                        return false;
                    }

                    break;
            }
        }

        return true;
    }

    /// <summary>
    /// A value that may be null never reaches the loop: a statement of the same block, after the assignment and before
    /// the statement that holds the loop, assigns a non-null string (smartstore's <c>path = NormalizePath(path);
    /// ..; path = string.Empty; for (..) path += ..</c>). Not in a block with labels or <c>goto</c>.
    /// </summary>
    private static bool IsOverwrittenBeforeLoop(AssignmentExpressionSyntax assignment, StatementSyntax loop, ISymbol local, SemanticModel model, CancellationToken cancellationToken)
    {
        if (assignment.Parent is not ExpressionStatementSyntax { Parent: BlockSyntax block } statement ||
            block.DescendantNodes().Any(n => n is LabeledStatementSyntax or GotoStatementSyntax))
        {
            return false;
        }

        var holder = loop.AncestorsAndSelf().OfType<StatementSyntax>().FirstOrDefault(s => s.Parent == block);
        if (holder is null)
        {
            return false;
        }

        var to = block.Statements.IndexOf(holder);
        for (var i = block.Statements.IndexOf(statement) + 1; i < to; i++)
        {
            if (block.Statements[i] is ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { Left: IdentifierNameSyntax target } reset } &&
                reset.IsKind(SyntaxKind.SimpleAssignmentExpression) && target.Identifier.ValueText == local.Name &&
                SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(target, cancellationToken).Symbol, local) &&
                IsNonNull(reset.Right, model, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A use of the string in the loop other than an append, rewritten to use the builder: a read of <c>s.Length</c>
    /// becomes <c>sBuilder.Length</c>, another read <c>sBuilder.ToString()</c> (the same value, copied once per read as
    /// before), and a statement <c>s = e</c> with a non-null string <c>e</c> that does not read <c>s</c> becomes
    /// <c>sBuilder.Clear().Append(e)</c>. False for writes of any other kind and for reads inside an append.
    /// </summary>
    private static bool TryMaterialise(
        IdentifierNameSyntax reference,
        ISymbol local,
        string builderName,
        List<SyntaxNode> appends,
        SemanticModel model,
        Dictionary<SyntaxNode, SyntaxNode> replacements,
        CancellationToken cancellationToken)
    {
        foreach (var append in appends)
        {
            if (append.Span.Contains(reference.Span))
            {
                return false;
            }
        }

        if (IsInNameOf(reference))
        {
            return true;
        }

        switch (reference.Parent)
        {
            case AssignmentExpressionSyntax assignment when assignment.Left == reference:
            {
                if (!assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) || assignment.Parent is not ExpressionStatementSyntax ||
                    model.GetTypeInfo(assignment.Right, cancellationToken).Type?.SpecialType != SpecialType.System_String ||
                    !IsNonNull(assignment.Right, model, cancellationToken) ||
                    assignment.Right.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(n => n.Identifier.ValueText == local.Name))
                {
                    return false;
                }

                var value = model.GetConstantValue(assignment.Right, cancellationToken);
                var isEmpty = (value.HasValue && value.Value is "") ||
                              (model.GetSymbolInfo(assignment.Right, cancellationToken).Symbol is IFieldSymbol { Name: "Empty", ContainingType.SpecialType: SpecialType.System_String });
                var text = isEmpty ? $"{builderName}.Clear()" : $"{builderName}.Clear().Append({assignment.Right.WithoutTrivia().ToFullString()})";
                replacements.Add(assignment, SyntaxFactory.ParseExpression(text).WithTriviaFrom(assignment));
                return true;
            }

            case AssignmentExpressionSyntax assignment when assignment.Left == reference:
            case ArgumentSyntax argument when !argument.RefKindKeyword.IsKind(SyntaxKind.None) || argument.Parent is TupleExpressionSyntax:
            case RefExpressionSyntax:
            case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.AddressOfExpression }:
                return false;

            case MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Length" } access when access.Expression == reference &&
                model.GetSymbolInfo(access, cancellationToken).Symbol is IPropertySymbol { ContainingType.SpecialType: SpecialType.System_String }:
                replacements.Add(access, SyntaxFactory.ParseExpression($"{builderName}.Length").WithTriviaFrom(access));
                return true;

            default:
                replacements.Add(reference, SyntaxFactory.ParseExpression($"{builderName}.ToString()").WithTriviaFrom(reference));
                return true;
        }
    }

    /// <summary>
    /// The reference sits in lambdas (not local functions, which can be called from anywhere) that are created after the
    /// loop, which itself is not repeated by an enclosing loop in the variable's scope: such a lambda cannot run while
    /// the string lives in the builder (<c>["DETAILS"] = () =&gt; details</c> after the loop that built <c>details</c>).
    /// </summary>
    private static bool OnlyLambdasCreatedAfter(SyntaxNode reference, StatementSyntax loop, SyntaxNode scope)
    {
        if (reference.SpanStart < loop.Span.End)
        {
            return false;
        }

        for (var ancestor = loop.Parent; ancestor is not null && ancestor != scope; ancestor = ancestor.Parent)
        {
            if (ancestor is ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax or
                AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
            {
                return false;
            }
        }

        for (var ancestor = reference.Parent; ancestor is not null && ancestor != scope; ancestor = ancestor.Parent)
        {
            if (ancestor is LocalFunctionStatementSyntax)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsInNameOf(SyntaxNode node)
    {
        for (var current = node.Parent; current is not null and not StatementSyntax; current = current.Parent)
        {
            if (current is InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "nameof" } })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when no lambda or local function lies between <paramref name="reference"/> and <paramref name="outer"/>
    /// except lambdas run on the spot once per element (<c>List&lt;T&gt;.ForEach</c>): those cannot run later, while
    /// the string lives in the builder.
    /// </summary>
    private static bool OnlyPerElementLambdasBetween(SyntaxNode reference, SyntaxNode outer, SemanticModel model, Analyzer.KnownTypes types, CancellationToken cancellationToken)
    {
        for (var ancestor = reference.Parent; ancestor is not null && ancestor != outer; ancestor = ancestor.Parent)
        {
            if (ancestor is LocalFunctionStatementSyntax)
            {
                return false;
            }

            if (ancestor is AnonymousFunctionExpressionSyntax lambda &&
                !(model.GetOperation(lambda, cancellationToken) is IAnonymousFunctionOperation operation &&
                  Loops.TryGetInvocationTakingLambda(operation, out var invocation) &&
                  types.IsPerElementCall(invocation)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A string value that cannot be null: a non-null constant, a concatenation, an interpolated string, string.Empty, or non-null by nullable analysis.</summary>
    private static bool IsNonNull(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken)
    {
        if (model.GetOperation(expression, cancellationToken) is not { } operation)
        {
            return false;
        }

        var value = Loops.Unwrap(operation);
        if (value.ConstantValue.HasValue)
        {
            return value.ConstantValue.Value is not null;
        }

        if (StringConcatenation.IsConcatenation(value) || value is IInterpolatedStringOperation ||
            value is IFieldReferenceOperation { Field: { Name: "Empty", ContainingType.SpecialType: SpecialType.System_String } } ||
            StringConcatenation.IsStringConcatCall(value) ||
            value is IInvocationOperation { TargetMethod: { Name: "Join" or "Format", ContainingType.SpecialType: SpecialType.System_String } })
        {
            return true;
        }

        return model.GetTypeInfo(expression, cancellationToken).Nullability.FlowState == NullableFlowState.NotNull;
    }

    private static SyntaxTriviaList Indentation(SyntaxTriviaList leading)
    {
        var result = new List<SyntaxTrivia>();
        for (var i = leading.Count - 1; i >= 0 && leading[i].IsKind(SyntaxKind.WhitespaceTrivia); i--)
        {
            result.Insert(0, leading[i]);
        }

        return SyntaxFactory.TriviaList(result);
    }

    private static SyntaxTrivia FindEndOfLine(SyntaxNode root)
    {
        foreach (var trivia in root.DescendantTrivia())
        {
            if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                return trivia;
            }
        }

        return SyntaxFactory.EndOfLine("\n");
    }

    private static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>Adds <c>using <paramref name="name"/>;</c> in sorted position (System namespaces first) among the file's using directives.</summary>
    private static CompilationUnitSyntax AddUsing(CompilationUnitSyntax unit, SyntaxTrivia endOfLine, string name)
    {
        var directive = SyntaxFactory.ParseCompilationUnit($"using {name};").Usings[0].WithTrailingTrivia(endOfLine);
        var usings = unit.Usings;
        if (usings.Count == 0)
        {
            if (unit.Externs.Count > 0)
            {
                return unit.WithUsings(usings.Add(directive));
            }

            // Before the first member: the file's header trivia moves onto the directive, a blank line follows it.
            var firstToken = unit.GetFirstToken(includeZeroWidth: true);
            var header = firstToken.LeadingTrivia;
            var newUnit = unit.ReplaceToken(firstToken, firstToken.WithLeadingTrivia(endOfLine));
            return newUnit.WithUsings(SyntaxFactory.SingletonList(directive.WithLeadingTrivia(header)));
        }

        var index = usings.Count;
        for (var i = 0; i < usings.Count; i++)
        {
            var existing = usings[i];
            if (existing.GlobalKeyword.IsKind(SyntaxKind.GlobalKeyword) || existing.Alias is not null || existing.StaticKeyword.IsKind(SyntaxKind.StaticKeyword))
            {
                continue;
            }

            if (CompareNamespaces(existing.Name!.ToString(), name) > 0)
            {
                index = i;
                break;
            }
        }

        if (index == usings.Count)
        {
            // After the last plain using (before aliases and static usings that follow it).
            index = 0;
            for (var i = 0; i < usings.Count; i++)
            {
                var existing = usings[i];
                if (existing.Alias is null && !existing.StaticKeyword.IsKind(SyntaxKind.StaticKeyword))
                {
                    index = i + 1;
                }
            }
        }

        if (index == 0)
        {
            // Keep the file header above the directives.
            var first = usings[0];
            directive = directive.WithLeadingTrivia(first.GetLeadingTrivia());
            usings = usings.Replace(first, first.WithLeadingTrivia());
        }

        return unit.WithUsings(usings.Insert(index, directive));
    }

    private static int CompareNamespaces(string left, string right)
    {
        var leftSystem = left == "System" || left.StartsWith("System.", StringComparison.Ordinal);
        var rightSystem = right == "System" || right.StartsWith("System.", StringComparison.Ordinal);
        if (leftSystem != rightSystem)
        {
            return leftSystem ? -1 : 1;
        }

        return string.Compare(left, right, StringComparison.OrdinalIgnoreCase);
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Aggregate → string.Join / string.Concat
    // ----------------------------------------------------------------------------------------------------------------

    private static FixResult? TryReplaceAggregate(SyntaxNode root, SemanticModel model, InvocationExpressionSyntax invocation, CancellationToken cancellationToken)
    {
        var enumerable = model.Compilation.GetTypeByMetadataName("System.Linq.Enumerable");
        if (model.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation ||
            !Analyzer.TryMatchStringAggregate(operation, enumerable, out var lambda, out var returned) ||
            operation.TargetMethod.Parameters.Length != 2 ||
            invocation.Expression is MemberBindingExpressionSyntax)
        {
            return null;
        }

        // Only the seedless overload: Aggregate((a, b) => a + sep + b) joins the elements with sep between them;
        // $"{a}{sep}{b}" and $"{a}|{b}" (plain holes, the text between them the separator) likewise.
        var operands = new List<IOperation>();
        string? interpolatedSeparator = null;
        if (StringConcatenation.IsConcatenation(returned))
        {
            StringConcatenation.AddOperands(returned, operands);
        }
        else if (!TryGetInterpolatedAggregate(returned, operands, out interpolatedSeparator))
        {
            return null;
        }

        var accumulator = lambda.Symbol.Parameters[0];
        var element = lambda.Symbol.Parameters[1];
        if (operands.Count is not (2 or 3) || !IsParameter(operands[0], accumulator) || !IsParameter(operands[operands.Count - 1], element))
        {
            return null;
        }

        ExpressionSyntax? source = null;
        foreach (var argument in operation.Arguments)
        {
            if (argument.Parameter?.Ordinal == 0)
            {
                source = Loops.Unwrap(argument.Value).Syntax as ExpressionSyntax;
            }
        }

        if (source is null)
        {
            return null;
        }

        string text;
        FixResult Result(string key, string title, string replacement) =>
            new(key, title, root.ReplaceNode(invocation, SyntaxFactory.ParseExpression(replacement).WithTriviaFrom(invocation)));

        if (operands.Count == 2 && interpolatedSeparator is null)
        {
            text = $"string.Concat({source.WithoutTrivia().ToFullString()})";
            return Result(UseStringConcatKey, "Use string.Concat", text);
        }

        if (interpolatedSeparator is not null)
        {
            text = $"string.Join({interpolatedSeparator}, {source.WithoutTrivia().ToFullString()})";
            return Result(UseStringJoinKey, "Use string.Join", text);
        }

        var separator = Loops.Unwrap(operands[1]);
        var separatorIsPure =
            separator.Type?.SpecialType is SpecialType.System_String or SpecialType.System_Char &&
            ((separator.ConstantValue.HasValue && separator.ConstantValue.Value is not null) ||
             separator is ILocalReferenceOperation ||
             (separator is IParameterReferenceOperation parameter && !SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, lambda.Symbol)));
        if (!separatorIsPure || separator.Syntax is not ExpressionSyntax separatorSyntax)
        {
            return null;
        }

        text = $"string.Join({separatorSyntax.WithoutTrivia().ToFullString()}, {source.WithoutTrivia().ToFullString()})";
        return Result(UseStringJoinKey, "Use string.Join", text);
    }

    /// <summary>
    /// <c>$"{a}{b}"</c>, <c>$"{a}{sep}{b}"</c> or <c>$"{a}, {b}"</c> with plain holes: the operands as a concatenation
    /// would give them (a, [sep,] b), and for a text between the holes that text as a string literal.
    /// </summary>
    private static bool TryGetInterpolatedAggregate(IOperation returned, List<IOperation> operands, out string? separator)
    {
        separator = null;
        if (returned is not IInterpolatedStringOperation interpolated || interpolated.Syntax is not InterpolatedStringExpressionSyntax syntax ||
            !syntax.StringStartToken.IsKind(SyntaxKind.InterpolatedStringStartToken) ||
            interpolated.Parts.Length != syntax.Contents.Count || interpolated.Parts.Length is < 2 or > 3)
        {
            return false;
        }

        for (var i = 0; i < syntax.Contents.Count; i++)
        {
            switch (syntax.Contents[i])
            {
                case InterpolationSyntax { AlignmentClause: null, FormatClause: null } when interpolated.Parts[i] is IInterpolationOperation hole:
                    operands.Add(hole.Expression);
                    break;
                case InterpolatedStringTextSyntax text when i == 1 && syntax.Contents.Count == 3:
                    // The text of a regular $"..." uses the escapes of a regular literal, with {{ and }} for braces.
                    separator = "\"" + text.TextToken.Text.Replace("{{", "{").Replace("}}", "}") + "\"";
                    break;
                default:
                    return false;
            }
        }

        // $"{a}{b}" (string.Concat), $"{a}|{b}" (Join with the text), $"{a}{sep}{b}" (Join with the middle operand).
        return operands.Count == 2 || (operands.Count == 3 && separator is null);
    }

    private static bool IsParameter(IOperation operation, IParameterSymbol parameter) =>
        Loops.Unwrap(operation) is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter);
}
