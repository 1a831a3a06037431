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
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using PerfAnalyzers.CodeFixes.Common;
using PerfAnalyzers.Rules;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF010, two code actions. (1) The containing type has an injected <c>IHttpClientFactory</c> (the new client becomes
/// <c>factory.CreateClient()</c>, settings and <c>using</c> stay) or <c>HttpClient</c> (used as is; only when the code
/// changes no settings, and the <c>using</c> goes). (2) Otherwise a <c>private static readonly HttpClient</c> field with a
/// <c>SocketsHttpHandler { PooledConnectionLifetime = 2 minutes }</c>; constant <c>BaseAddress</c>, <c>Timeout</c> and
/// <c>DefaultRequestHeaders.Add(name, value)</c> settings move into its initialiser, the <c>using</c> goes. Settings that
/// are not constant, a client handed to other code, disposed by hand or given a handler: no fix.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PERF010ShareHttpClientCodeFix)), Shared]
public sealed class PERF010ShareHttpClientCodeFix : CodeFixProvider
{
    internal const string InjectedEquivalenceKey = "PERF010.UseInjectedClient";
    internal const string StaticEquivalenceKey = "PERF010.UseStaticClient";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(PERF010NewHttpClientPerCallAnalyzer.RuleId);

    public override FixAllProvider GetFixAllProvider() =>
        FixAllProvider.Create(async (context, document, diagnostics) =>
            await FixAsync(document, diagnostics, context.CodeActionEquivalenceKey == InjectedEquivalenceKey, context.CancellationToken).ConfigureAwait(false));

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var injected = Plan(root, model, diagnostic, injected: true, context.CancellationToken);
            if (injected is not null)
            {
                context.RegisterCodeFix(
                    CodeAction.Create("Use the injected '" + injected.Member + "'", c => FixAsync(context.Document, ImmutableArray.Create(diagnostic), true, c), InjectedEquivalenceKey),
                    diagnostic);
                continue;
            }

            if (Plan(root, model, diagnostic, injected: false, context.CancellationToken) is not null)
            {
                context.RegisterCodeFix(
                    CodeAction.Create("Share one static HttpClient", c => FixAsync(context.Document, ImmutableArray.Create(diagnostic), false, c), StaticEquivalenceKey),
                    diagnostic);
            }
        }
    }

    private sealed class FixPlan
    {
        public BaseObjectCreationExpressionSyntax Creation { get; set; } = null!;

        public TypeDeclarationSyntax Type { get; set; } = null!;

        /// <summary>The declaration of the local holding the client (a statement or a using statement), if any.</summary>
        public SyntaxNode? Declaration { get; set; }

        /// <summary>Statements that set up the client and move to the field initialiser.</summary>
        public List<StatementSyntax> MovedStatements { get; } = new();

        /// <summary>Initialiser entries of the shared client: <c>BaseAddress = ...</c>, <c>Timeout = ...</c>.</summary>
        public List<(string Name, ExpressionSyntax Value)> Settings { get; } = new();

        public List<(ExpressionSyntax Name, ExpressionSyntax Value)> Headers { get; } = new();

        /// <summary>The injected member to use (mode 1), or empty.</summary>
        public string Member { get; set; } = string.Empty;

        public bool MemberIsFactory { get; set; }

        public bool HasSocketsHandler { get; set; }
    }

    private static FixPlan? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, bool injected, CancellationToken cancellationToken)
    {
        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (node is not BaseObjectCreationExpressionSyntax creation || creation.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } type ||
            type is InterfaceDeclarationSyntax || creation.ArgumentList is { Arguments.Count: > 0 })
        {
            return null;
        }

        string member = string.Empty;
        var isFactory = false;
        if (injected)
        {
            if (diagnostic.Properties.TryGetValue(PERF010NewHttpClientPerCallAnalyzer.FactoryMemberProperty, out var factory) && factory is not null)
            {
                member = factory;
                isFactory = true;
            }
            else if (diagnostic.Properties.TryGetValue(PERF010NewHttpClientPerCallAnalyzer.ClientMemberProperty, out var client) && client is not null)
            {
                member = client;
            }
            else
            {
                return null;
            }

            if (IsInStaticContext(creation, model, cancellationToken))
            {
                return null;
            }
        }

        var plan = new FixPlan
        {
            Creation = creation,
            Type = type,
            Declaration = DeclarationOf(creation),
            Member = member,
            MemberIsFactory = isFactory,
            HasSocketsHandler = model.Compilation.GetTypeByMetadataName("System.Net.Http.SocketsHttpHandler") is not null,
        };

        // Object initializer settings: constant BaseAddress/Timeout only.
        if (creation.Initializer is { } initializer)
        {
            if (isFactory || injected)
            {
                return null;
            }

            foreach (var expression in initializer.Expressions)
            {
                if (expression is not AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "BaseAddress" or "Timeout" } name } assignment ||
                    !IsConstantSetting(assignment.Right, model, cancellationToken))
                {
                    return null;
                }

                plan.Settings.Add((name.Identifier.ValueText, assignment.Right));
            }
        }

        if (creation.Parent is MemberAccessExpressionSyntax access && access.Expression == creation)
        {
            return plan;
        }

        if (plan.Declaration is null || DeclaredLocal(plan.Declaration, model, cancellationToken) is not { } local)
        {
            return null;
        }

        var body = creation.FirstAncestorOrSelf<MemberDeclarationSyntax>();
        if (body is null)
        {
            return null;
        }

        // Setting statements right after the declaration.
        var statementAfter = plan.Declaration is LocalDeclarationStatementSyntax declarationStatement && declarationStatement.Parent is BlockSyntax block
            ? block.Statements.Skip(block.Statements.IndexOf(declarationStatement) + 1)
            : plan.Declaration is UsingStatementSyntax { Statement: BlockSyntax usingBlock } ? usingBlock.Statements : Enumerable.Empty<StatementSyntax>();
        foreach (var statement in statementAfter)
        {
            if (!TryReadSetting(statement, local, model, cancellationToken, plan))
            {
                break;
            }

            plan.MovedStatements.Add(statement);
        }

        if (injected && !isFactory && plan.MovedStatements.Count > 0)
        {
            return null;
        }

        if (isFactory)
        {
            // Each CreateClient() is a new client: its settings and its using stay as they are.
            plan.MovedStatements.Clear();
            plan.Settings.Clear();
            plan.Headers.Clear();
            return plan;
        }

        // Every other use only calls the client or reads it.
        foreach (var identifier in body.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (identifier.Identifier.ValueText != local.Name || plan.MovedStatements.Any(s => s.Span.Contains(identifier.Span)) ||
                !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, local))
            {
                continue;
            }

            if (identifier.Parent is not MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax } use || use.Expression != identifier ||
                use.Name.Identifier.ValueText is "Dispose" or "CancelPendingRequests")
            {
                return null;
            }
        }

        if (plan.Declaration is UsingStatementSyntax usingStatement && !CanSplice(usingStatement))
        {
            return null;
        }

        return plan;
    }

    private static bool IsInStaticContext(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (var ancestor in node.Ancestors())
        {
            switch (ancestor)
            {
                case AnonymousFunctionExpressionSyntax lambda when lambda.Modifiers.Any(SyntaxKind.StaticKeyword):
                case LocalFunctionStatementSyntax localFunction when localFunction.Modifiers.Any(SyntaxKind.StaticKeyword):
                    return true;
                case MemberDeclarationSyntax member:
                    return model.GetDeclaredSymbol(member, cancellationToken) is not { IsStatic: false } || member is FieldDeclarationSyntax;
            }
        }

        return true;
    }

    private static SyntaxNode? DeclarationOf(BaseObjectCreationExpressionSyntax creation)
    {
        if (creation.Parent is not EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1 } declaration } })
        {
            return null;
        }

        return declaration.Parent switch
        {
            LocalDeclarationStatementSyntax statement when statement.AwaitKeyword.RawKind == 0 => statement,
            UsingStatementSyntax usingStatement when usingStatement.AwaitKeyword.RawKind == 0 => usingStatement,
            _ => null,
        };
    }

    private static ILocalSymbol? DeclaredLocal(SyntaxNode declaration, SemanticModel model, CancellationToken cancellationToken)
    {
        var variables = declaration switch
        {
            LocalDeclarationStatementSyntax statement => statement.Declaration,
            UsingStatementSyntax usingStatement => usingStatement.Declaration,
            _ => null,
        };
        return variables is null ? null : model.GetDeclaredSymbol(variables.Variables[0], cancellationToken) as ILocalSymbol;
    }

    /// <summary><c>client.BaseAddress = c;</c>, <c>client.Timeout = c;</c>, <c>client.DefaultRequestHeaders.Add(c, c);</c> with constant values.</summary>
    private static bool TryReadSetting(StatementSyntax statement, ILocalSymbol local, SemanticModel model, CancellationToken cancellationToken, FixPlan plan)
    {
        if (statement is not ExpressionStatementSyntax { Expression: var expression })
        {
            return false;
        }

        if (expression is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax target, Name.Identifier.ValueText: "BaseAddress" or "Timeout" } left } assignment &&
            IsLocal(target, local, model, cancellationToken))
        {
            if (!IsConstantSetting(assignment.Right, model, cancellationToken))
            {
                return false;
            }

            plan.Settings.Add((left.Name.Identifier.ValueText, assignment.Right));
            return true;
        }

        if (expression is InvocationExpressionSyntax
            {
                Expression: MemberAccessExpressionSyntax
                {
                    Name.Identifier.ValueText: "Add",
                    Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "DefaultRequestHeaders", Expression: IdentifierNameSyntax headersTarget },
                },
                ArgumentList.Arguments: { Count: 2 } arguments,
            } &&
            IsLocal(headersTarget, local, model, cancellationToken) &&
            arguments.All(a => a.NameColon is null && model.GetConstantValue(a.Expression, cancellationToken) is { HasValue: true, Value: string } && !ReadsLocals(a.Expression, model, cancellationToken)))
        {
            plan.Headers.Add((arguments[0].Expression, arguments[1].Expression));
            return true;
        }

        return false;
    }

    private static bool IsLocal(IdentifierNameSyntax name, ILocalSymbol local, SemanticModel model, CancellationToken cancellationToken) =>
        name.Identifier.ValueText == local.Name && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, local);

    /// <summary>A compile-time constant, <c>new Uri(constant[, UriKind.X])</c>, or <c>TimeSpan.FromX(constant)</c>, reading no local.</summary>
    private static bool IsConstantSetting(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken)
    {
        if (ReadsLocals(expression, model, cancellationToken) || model.GetOperation(expression, cancellationToken) is not { } operation)
        {
            return false;
        }

        return IsConstant(operation);
    }

    private static bool IsConstant(IOperation operation)
    {
        operation = operation is IConversionOperation conversion ? conversion.Operand : operation;
        if (operation.ConstantValue.HasValue)
        {
            return true;
        }

        switch (operation)
        {
            case IObjectCreationOperation { Type: { Name: "Uri" }, Initializer: null } uri:
                return uri.Arguments.All(a => IsConstant(a.Value));
            case IInvocationOperation { TargetMethod: { IsStatic: true, ContainingType.Name: "TimeSpan" } } timeSpan:
                return timeSpan.Arguments.All(a => IsConstant(a.Value));
            case IFieldReferenceOperation { Field: { IsStatic: true, IsReadOnly: true, ContainingType.Name: "TimeSpan" or "Timeout" } }:
                return true;
            default:
                return false;
        }
    }

    private static bool ReadsLocals(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (var name in expression.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
        {
            if (model.GetSymbolInfo(name, cancellationToken).Symbol is ILocalSymbol or IParameterSymbol)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A using statement whose block can be spliced into the enclosing block without a clash of local names.</summary>
    private static bool CanSplice(UsingStatementSyntax usingStatement)
    {
        if (usingStatement.Statement is not BlockSyntax body || usingStatement.Parent is not BlockSyntax parent)
        {
            return false;
        }

        var inner = new HashSet<string>();
        foreach (var statement in body.Statements)
        {
            if (statement is LocalDeclarationStatementSyntax local)
            {
                foreach (var variable in local.Declaration.Variables)
                {
                    inner.Add(variable.Identifier.ValueText);
                }
            }
            else if (statement is LocalFunctionStatementSyntax function)
            {
                inner.Add(function.Identifier.ValueText);
            }
        }

        foreach (var token in parent.DescendantTokens())
        {
            if (token.IsKind(SyntaxKind.IdentifierToken) && inner.Contains(token.ValueText) && !usingStatement.Span.Contains(token.Span))
            {
                return false;
            }
        }

        return true;
    }

    private static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, bool injected, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var plans = new List<FixPlan>();
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            if (Plan(root, model, diagnostic, injected, cancellationToken) is { } plan)
            {
                plans.Add(plan);
            }
        }

        if (plans.Count == 0)
        {
            return document;
        }

        // Field names per type: one shared client per distinct initialiser, reusing a field an earlier fix added.
        var fieldNames = new Dictionary<(TypeDeclarationSyntax, string), string>();
        var newFields = new Dictionary<TypeDeclarationSyntax, List<MemberDeclarationSyntax>>();
        var replacements = new Dictionary<SyntaxNode, SyntaxNode?>();
        var splices = new Dictionary<UsingStatementSyntax, (StatementSyntax Declaration, BlockSyntax Body)>();
        foreach (var plan in plans)
        {
            ExpressionSyntax replacement;
            if (injected)
            {
                var member = SyntaxFactory.IdentifierName(plan.Member);
                replacement = plan.MemberIsFactory
                    ? SyntaxFactory.InvocationExpression(SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, member, SyntaxFactory.IdentifierName("CreateClient")))
                    : member;
            }
            else
            {
                var initializer = FieldInitializer(plan);
                var key = (plan.Type, initializer.NormalizeWhitespace().ToFullString());
                if (!fieldNames.TryGetValue(key, out var name))
                {
                    name = ExistingField(plan.Type, key.Item2) ?? UniqueNames.Pick("s_httpClient", n => fieldNames.Values.Contains(n) || plan.Type.Members.OfType<FieldDeclarationSyntax>().Any(f => f.Declaration.Variables.Any(v => v.Identifier.ValueText == n)) || UniqueNames.IdentifiersIn(plan.Type).Contains(n));
                    fieldNames.Add(key, name);
                    if (ExistingField(plan.Type, key.Item2) is null)
                    {
                        if (!newFields.TryGetValue(plan.Type, out var list))
                        {
                            newFields.Add(plan.Type, list = new List<MemberDeclarationSyntax>());
                        }

                        list.Add(Field(name, initializer));
                    }
                }

                replacement = SyntaxFactory.IdentifierName(name);
            }

            replacements[plan.Creation] = replacement.WithTriviaFrom(plan.Creation);
            foreach (var moved in plan.MovedStatements)
            {
                replacements[moved] = null;
            }

            // The shared or injected client must not be disposed: drop the using (a factory's client keeps it).
            if (!plan.MemberIsFactory)
            {
                switch (plan.Declaration)
                {
                    case LocalDeclarationStatementSyntax { UsingKeyword.RawKind: not 0 } statement:
                        replacements[statement] = null;
                        break;
                    case UsingStatementSyntax usingStatement:
                        replacements[usingStatement] = null;
                        break;
                }
            }
        }

        var tracked = root.TrackNodes(replacements.Keys.Concat(newFields.Keys));
        foreach (var pair in replacements.OrderByDescending(p => p.Key.SpanStart))
        {
            var current = tracked.GetCurrentNode(pair.Key);
            if (current is null)
            {
                continue;
            }

            switch (current)
            {
                case BaseObjectCreationExpressionSyntax:
                    tracked = tracked.ReplaceNode(current, pair.Value!);
                    break;
                case LocalDeclarationStatementSyntax statement when statement.UsingKeyword.RawKind != 0 && replacements.ContainsKey(pair.Key) && pair.Value is null && !IsMovedStatement(pair.Key, plans):
                    tracked = tracked.ReplaceNode(statement, statement.WithUsingKeyword(default).WithLeadingTrivia(statement.GetLeadingTrivia()));
                    break;
                case UsingStatementSyntax usingStatement when !IsMovedStatement(pair.Key, plans):
                    var declaration = SyntaxFactory.LocalDeclarationStatement(usingStatement.Declaration!.WithoutTrivia())
                        .WithAdditionalAnnotations(Formatter.Annotation);
                    var body = (BlockSyntax)usingStatement.Statement;
                    var statements = new List<StatementSyntax> { declaration.WithLeadingTrivia(usingStatement.GetLeadingTrivia()) };
                    statements.AddRange(body.Statements.Select(s => s.WithAdditionalAnnotations(Formatter.Annotation)));
                    tracked = tracked.ReplaceNode(usingStatement, statements);
                    break;
                default:
                    tracked = tracked.RemoveNode(current, SyntaxRemoveOptions.KeepNoTrivia)!;
                    break;
            }
        }

        foreach (var pair in newFields)
        {
            var type = tracked.GetCurrentNode(pair.Key)!;
            var index = 0;
            while (index < type.Members.Count && type.Members[index] is FieldDeclarationSyntax)
            {
                index++;
            }

            var members = type.Members.InsertRange(index, pair.Value);
            tracked = tracked.ReplaceNode(type, type.WithMembers(members));
        }

        var result = document.WithSyntaxRoot(tracked);
        result = await Simplifier.ReduceAsync(result, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await Formatter.FormatAsync(result, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static bool IsMovedStatement(SyntaxNode node, List<FixPlan> plans) => plans.Any(p => p.MovedStatements.Contains(node));

    private static string? ExistingField(TypeDeclarationSyntax type, string initializer)
    {
        foreach (var field in type.Members.OfType<FieldDeclarationSyntax>())
        {
            if (field.Modifiers.Any(SyntaxKind.StaticKeyword) && field.Modifiers.Any(SyntaxKind.ReadOnlyKeyword) && field.Declaration.Variables.Count == 1 &&
                field.Declaration.Variables[0].Initializer?.Value is { } value &&
                Normalize(value.NormalizeWhitespace().ToFullString()) == Normalize(initializer))
            {
                return field.Declaration.Variables[0].Identifier.ValueText;
            }
        }

        return null;
    }

    private static string Normalize(string text) => text.Replace("global::System.Net.Http.", string.Empty).Replace("global::System.", string.Empty).Replace("System.Net.Http.", string.Empty).Replace("System.", string.Empty);

    /// <summary><c>new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) { settings }</c>.</summary>
    private static ExpressionSyntax FieldInitializer(FixPlan plan)
    {
        var text = plan.HasSocketsHandler
            ? "new global::System.Net.Http.HttpClient(new global::System.Net.Http.SocketsHttpHandler { PooledConnectionLifetime = global::System.TimeSpan.FromMinutes(2) })"
            : "new global::System.Net.Http.HttpClient()";
        var entries = new List<string>();
        foreach (var (name, value) in plan.Settings)
        {
            entries.Add(name + " = " + value.WithoutTrivia().ToFullString());
        }

        if (plan.Headers.Count > 0)
        {
            entries.Add("DefaultRequestHeaders = { " + string.Join(", ", plan.Headers.Select(h => "{ " + h.Name.WithoutTrivia().ToFullString() + ", " + h.Value.WithoutTrivia().ToFullString() + " }")) + " }");
        }

        if (entries.Count > 0)
        {
            text += " { " + string.Join(", ", entries) + " }";
        }

        return SyntaxFactory.ParseExpression(text);
    }

    private static FieldDeclarationSyntax Field(string name, ExpressionSyntax initializer) =>
        SyntaxFactory.FieldDeclaration(
                SyntaxFactory.VariableDeclaration(
                    SyntaxFactory.ParseTypeName("global::System.Net.Http.HttpClient"),
                    SyntaxFactory.SingletonSeparatedList(SyntaxFactory.VariableDeclarator(name).WithInitializer(SyntaxFactory.EqualsValueClause(initializer)))))
            .WithModifiers(SyntaxFactory.TokenList(SyntaxFactory.Token(SyntaxKind.PrivateKeyword), SyntaxFactory.Token(SyntaxKind.StaticKeyword), SyntaxFactory.Token(SyntaxKind.ReadOnlyKeyword)))
            .WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation);
}
