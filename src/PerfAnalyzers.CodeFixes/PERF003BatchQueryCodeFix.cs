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
using PerfAnalyzers.CodeFixes.Common;
using PerfAnalyzers.Common;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF003: turns a per-element EF Core lookup into one batched query before the loop and an in-memory lookup in it.
/// <list type="bullet">
/// <item><c>First</c>/<c>FirstOrDefault</c>/<c>Single</c>/<c>SingleOrDefault</c>(+Async) with <c>x =&gt; x.Key == element.K</c>
/// on the entity key, and <c>Find</c>/<c>FindAsync(element.K)</c>: a <c>Contains</c> query and <c>ToDictionary</c>;</item>
/// <item><c>Where(x =&gt; x.Fk == element.K).ToList()</c>/<c>ToArray()</c>(+Async): a <c>Contains</c> query and <c>ToLookup</c>;</item>
/// </list>
/// in a <c>foreach</c> over an in-memory collection, or in the lambda of <c>source.Select(...)</c> materialised at once.
/// Offered only where behaviour is kept (see rules/PERF003.md, "Limits of the fix").
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PERF003BatchQueryCodeFix)), Shared]
public sealed class PERF003BatchQueryCodeFix : CodeFixProvider
{
    internal const string EquivalenceKey = "PERF003_BatchQuery";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("PERF003");

    public override FixAllProvider GetFixAllProvider() => BatchQueryFixAll.Instance;

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
            if (FindInvocation(root, diagnostic) is not { } invocation || Plan.TryCreate(model, invocation, context.CancellationToken) is not { } plan)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Load all '{plan.SetName}' in one query before the loop",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(plan.Apply(root))),
                    EquivalenceKey),
                diagnostic);
        }
    }

    /// <summary>The invocation a diagnostic is reported on (its span runs from the method name to the end of the call).</summary>
    internal static InvocationExpressionSyntax? FindInvocation(SyntaxNode root, Diagnostic diagnostic)
    {
        var span = diagnostic.Location.SourceSpan;
        if (!root.FullSpan.Contains(span))
        {
            return null;
        }

        return root.FindNode(span, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>() is { } invocation && invocation.Span.End == span.End
            ? invocation
            : null;
    }

    /// <summary>Applies the fixes of a document one after the other, each on the result of the previous (they insert before the same loop).</summary>
    private sealed class BatchQueryFixAll : DocumentBasedFixAllProvider
    {
        public static readonly BatchQueryFixAll Instance = new();

        protected override string GetFixAllTitle(FixAllContext fixAllContext) => "Load per-element queries in one batch before their loops";

        protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
        {
            var cancellationToken = fixAllContext.CancellationToken;
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return null;
            }

            var invocations = new List<InvocationExpressionSyntax>();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                if (FindInvocation(root, diagnostic) is { } invocation)
                {
                    invocations.Add(invocation);
                }
            }

            var current = document.WithSyntaxRoot(root.TrackNodes(invocations));
            foreach (var original in invocations)
            {
                var currentRoot = await current.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                var model = await current.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                if (currentRoot?.GetCurrentNode(original) is not { } invocation || model is null)
                {
                    continue;
                }

                if (Plan.TryCreate(model, invocation, cancellationToken) is { } plan)
                {
                    current = current.WithSyntaxRoot(plan.Apply(currentRoot));
                }
            }

            return current;
        }
    }

    private enum LookupKind
    {
        /// <summary><c>dictionary.GetValueOrDefault(key)</c>: FirstOrDefault, SingleOrDefault, Find.</summary>
        OrDefault,

        /// <summary><c>dictionary[key]</c>: First, Single.</summary>
        Indexer,

        /// <summary><c>lookup[key].ToList()</c>: Where(...).ToList().</summary>
        ListFromLookup,

        /// <summary><c>lookup[key].ToArray()</c>: Where(...).ToArray().</summary>
        ArrayFromLookup,
    }

    /// <summary>Everything the edit needs, computed and checked on one semantic model.</summary>
    private sealed class Plan
    {
        private Plan(StatementSyntax anchor, ExpressionSyntax replaced, string setName, string keysStatement, string batchStatement, string replacement, ImmutableArray<string> missingNamespaces)
        {
            Anchor = anchor;
            Replaced = replaced;
            SetName = setName;
            KeysStatement = keysStatement;
            BatchStatement = batchStatement;
            Replacement = replacement;
            MissingNamespaces = missingNamespaces;
        }

        /// <summary>The statement before which the batch is loaded: the <c>foreach</c>, or the statement holding the <c>Select</c>.</summary>
        public StatementSyntax Anchor { get; }

        /// <summary>The per-element query (or its <c>await</c>), replaced by the in-memory lookup.</summary>
        public ExpressionSyntax Replaced { get; }

        public string SetName { get; }

        public string KeysStatement { get; }

        public string BatchStatement { get; }

        public string Replacement { get; }

        public ImmutableArray<string> MissingNamespaces { get; }

        public static Plan? TryCreate(SemanticModel model, InvocationExpressionSyntax invocationSyntax, CancellationToken cancellationToken)
        {
            if (model.GetOperation(invocationSyntax, cancellationToken) is not IInvocationOperation invocation ||
                DatabaseApis.TryCreate(model.Compilation) is not { } apis ||
                apis.Classify(invocation) != DatabaseCallKind.Read)
            {
                return null;
            }

            if (!TryMatchQuery(invocation, apis, model.Compilation, cancellationToken, out var query))
            {
                return null;
            }

            // The per-element repetition: the nearest foreach, or Select lambda.
            if (!Loops.TryGetEnclosingLoop(invocation, IsMaterialisedSelect, out var loop) ||
                !TryMatchRepetition(loop, out var repetition))
            {
                return null;
            }

            // The key comes from the element alone; the query source and token do not change per element.
            if (!IsKeyOfElement(query.Key, repetition.Element) ||
                !IsLoopInvariant(query.Source, loop, repetition.Element) ||
                !IsEntityRowsOf(query.Source, query.Entity, apis) ||
                (query.CancellationToken is not null && !IsLoopInvariant(query.CancellationToken, loop, repetition.Element)) ||
                WritesOrMutatesElements(loop.Body, apis, repetition.Element))
            {
                return null;
            }

            // The replaced expression: the call, or its await.
            ExpressionSyntax replaced = invocationSyntax;
            if (query.IsAsync)
            {
                if (invocationSyntax.Parent is not AwaitExpressionSyntax awaitExpression)
                {
                    return null;
                }

                replaced = awaitExpression;
            }

            return Build(model, apis, query, repetition, replaced, cancellationToken);
        }

        private static Plan? Build(SemanticModel model, DatabaseApis apis, QueryShape query, RepetitionShape repetition, ExpressionSyntax replaced, CancellationToken cancellationToken)
        {
            var anchor = repetition.Anchor;
            var position = anchor.SpanStart;
            var used = CollectUsedNames(model, anchor, cancellationToken);

            var setName = query.Source.Syntax is MemberAccessExpressionSyntax { Name: IdentifierNameSyntax name } && apis.IsDbSet(query.Source.Type)
                ? name.Identifier.ValueText
                : query.Entity.Name + "s";
            var keys = Unique(Camel(query.Entity.Name) + "Keys", used);
            var isLookup = query.Kind is LookupKind.ListFromLookup or LookupKind.ArrayFromLookup;
            var map = Unique(Camel(setName) + (isLookup ? "By" + query.Property.Name : "ByKey"), used);
            var parameter = query.ParameterName ?? Unique(Camel(query.Entity.Name).Substring(0, 1), used);

            var element = repetition.ElementName;
            var collection = repetition.Collection.Syntax.WithoutTrivia().ToString();
            var key = query.Key.Syntax.WithoutTrivia().ToString();
            var source = query.Source.Syntax.WithoutTrivia().ToString();
            var token = query.CancellationToken is null ? string.Empty : query.CancellationToken.Syntax.WithoutTrivia().ToString();
            var property = query.Property.Name;
            var filter = $"{source}.Where({parameter} => {keys}.Contains({parameter}.{property}))";

            var keysStatement = $"var {keys} = {collection}.Select({element} => {key}).Distinct().ToList();";
            string batchStatement;
            if (isLookup)
            {
                batchStatement = query.IsAsync
                    ? $"var {map} = (await {filter}.ToListAsync({token})).ToLookup({parameter} => {parameter}.{property});"
                    : $"var {map} = {filter}.ToLookup({parameter} => {parameter}.{property});";
            }
            else
            {
                var tokenArgument = token.Length == 0 ? string.Empty : ", " + token;
                batchStatement = query.IsAsync
                    ? $"var {map} = await {filter}.ToDictionaryAsync({parameter} => {parameter}.{property}{tokenArgument});"
                    : $"var {map} = {filter}.ToDictionary({parameter} => {parameter}.{property});";
            }

            var replacement = query.Kind switch
            {
                LookupKind.OrDefault => $"{map}.GetValueOrDefault({key})",
                LookupKind.Indexer => $"{map}[{key}]",
                LookupKind.ListFromLookup => $"{map}[{key}].ToList()",
                _ => $"{map}[{key}].ToArray()",
            };

            // Namespaces the new code needs that the file does not import.
            var missing = ImmutableArray.CreateBuilder<string>();
            if (!HasExtension(model, position, repetition.Collection.Type, "Distinct"))
            {
                missing.Add("System.Linq");
            }

            if (query.Kind == LookupKind.OrDefault &&
                model.Compilation.GetTypeByMetadataName("System.Collections.Generic.Dictionary`2") is { } dictionary &&
                !HasExtension(model, position, dictionary.Construct(query.Property.Type, query.Entity), "GetValueOrDefault"))
            {
                missing.Add("System.Collections.Generic");
            }

            if (query.IsAsync && !HasExtension(model, position, query.Source.Type, isLookup ? "ToListAsync" : "ToDictionaryAsync"))
            {
                missing.Add("Microsoft.EntityFrameworkCore");
            }

            return new Plan(anchor, replaced, setName, keysStatement, batchStatement, replacement, missing.ToImmutable());
        }

        public SyntaxNode Apply(SyntaxNode root)
        {
            var leading = Anchor.GetLeadingTrivia();
            var indentation = leading.Count > 0 && leading[leading.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia) ? leading[leading.Count - 1] : SyntaxFactory.Whitespace(string.Empty);
            var newLine = SyntaxFactory.EndOfLine(root.ToFullString().Contains("\r\n") ? "\r\n" : "\n");

            var keys = SyntaxFactory.ParseStatement(KeysStatement).WithLeadingTrivia(leading).WithTrailingTrivia(newLine);
            var batch = SyntaxFactory.ParseStatement(BatchStatement).WithLeadingTrivia(indentation).WithTrailingTrivia(newLine);
            var lookup = SyntaxFactory.ParseExpression(Replacement).WithTriviaFrom(Replaced);
            var anchor = Anchor.ReplaceNode(Replaced, lookup).WithLeadingTrivia(indentation);

            SyntaxNode result;
            if (Anchor.Parent is GlobalStatementSyntax global)
            {
                result = root.ReplaceNode(global, new SyntaxNode[]
                {
                    SyntaxFactory.GlobalStatement(keys),
                    SyntaxFactory.GlobalStatement(batch),
                    global.WithStatement(anchor),
                });
            }
            else
            {
                result = root.ReplaceNode(Anchor, new SyntaxNode[] { keys, batch, anchor });
            }

            if (MissingNamespaces.Length > 0 && result is CompilationUnitSyntax unit)
            {
                foreach (var ns in MissingNamespaces)
                {
                    unit = unit.AddUsings(SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(ns)).NormalizeWhitespace().WithTrailingTrivia(newLine));
                }

                result = unit;
            }

            return result;
        }

        private static bool HasExtension(SemanticModel model, int position, ITypeSymbol? receiver, string name) =>
            receiver is not null && !model.LookupSymbols(position, receiver as INamespaceOrTypeSymbol, name, includeReducedExtensionMethods: true).IsEmpty;

        private static HashSet<string> CollectUsedNames(SemanticModel model, SyntaxNode anchor, CancellationToken cancellationToken)
        {
            var used = new HashSet<string>(StringComparer.Ordinal);
            SyntaxNode scope = anchor.FirstAncestorOrSelf<MemberDeclarationSyntax>() ?? (SyntaxNode)anchor.SyntaxTree.GetRoot(cancellationToken);
            if (scope is GlobalStatementSyntax)
            {
                scope = scope.Parent!;
            }

            foreach (var token in scope.DescendantTokens())
            {
                if (token.IsKind(SyntaxKind.IdentifierToken))
                {
                    used.Add(token.ValueText);
                }
            }

            foreach (var symbol in model.LookupSymbols(anchor.SpanStart))
            {
                used.Add(symbol.Name);
            }

            return used;
        }

        private static string Unique(string name, HashSet<string> used)
        {
            var candidate = UniqueNames.Pick(
                name,
                c => used.Contains(c) || SyntaxFacts.GetKeywordKind(c) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(c) != SyntaxKind.None);
            used.Add(candidate);
            return candidate;
        }

        private static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name.Substring(1);
    }

    /// <summary>The per-element query: where its rows come from, its key, and what it returns.</summary>
    private sealed class QueryShape
    {
        public QueryShape(IOperation source, IOperation key, IPropertySymbol property, ITypeSymbol entity, string? parameterName, LookupKind kind, bool isAsync, IOperation? cancellationToken)
        {
            Source = source;
            Key = key;
            Property = property;
            Entity = entity;
            ParameterName = parameterName;
            Kind = kind;
            IsAsync = isAsync;
            CancellationToken = cancellationToken;
        }

        /// <summary>The query before the lookup (<c>db.Customers</c>).</summary>
        public IOperation Source { get; }

        /// <summary>The per-element key (<c>order.CustomerId</c>).</summary>
        public IOperation Key { get; }

        /// <summary>The entity property compared with the key (<c>Id</c>, <c>OrderId</c>).</summary>
        public IPropertySymbol Property { get; }

        public ITypeSymbol Entity { get; }

        /// <summary>The predicate's parameter name, reused in the batch query; null for <c>Find</c>.</summary>
        public string? ParameterName { get; }

        public LookupKind Kind { get; }

        public bool IsAsync { get; }

        public IOperation? CancellationToken { get; }
    }

    private static bool TryMatchQuery(IInvocationOperation invocation, DatabaseApis apis, Compilation compilation, CancellationToken cancellationToken, out QueryShape query)
    {
        query = null!;
        var method = invocation.TargetMethod;
        var name = method.Name;
        var isAsync = name.EndsWith("Async", StringComparison.Ordinal);
        var baseName = isAsync ? name.Substring(0, name.Length - "Async".Length) : name;

        switch (baseName)
        {
            case "First":
            case "FirstOrDefault":
            case "Single":
            case "SingleOrDefault":
            {
                // source.FirstOrDefault(x => x.Key == key[, cancellationToken]) on the entity key.
                if (method.ContainingType?.Name is not ("Queryable" or "EntityFrameworkQueryableExtensions") ||
                    !TryGetArguments(invocation, out var source, out var predicate, out var token, isAsync) ||
                    !TryMatchEquality(predicate, out var parameter, out var property, out var key) ||
                    !IsEntityKey(compilation, property, parameter.Type, cancellationToken))
                {
                    return false;
                }

                var kind = baseName.EndsWith("OrDefault", StringComparison.Ordinal) ? LookupKind.OrDefault : LookupKind.Indexer;
                query = new QueryShape(source, key, property, parameter.Type, parameter.Name, kind, isAsync, token);
                return true;
            }

            case "Find":
            {
                // set.Find(key) / set.FindAsync(key) with one key value.
                if (invocation.Instance is not { } set || !apis.IsDbSet(set.Type) || invocation.Arguments.Length != 1 ||
                    invocation.Arguments[0].Value is not IArrayCreationOperation { Initializer.ElementValues: { Length: 1 } values } ||
                    invocation.Arguments[0].ArgumentKind != ArgumentKind.ParamArray)
                {
                    return false;
                }

                var key = values[0] is IConversionOperation { IsImplicit: true } boxing ? boxing.Operand : values[0];
                var entity = EntityOf(set.Type);
                if (entity is null || EntityKeys.SingleKey(compilation, entity, cancellationToken) is not { } property || !SymbolEqualityComparer.Default.Equals(property.Type, key.Type) || !IsBatchableKeyType(key.Type))
                {
                    return false;
                }

                query = new QueryShape(set, key, property, entity, null, LookupKind.OrDefault, isAsync, null);
                return true;
            }

            case "ToList":
            case "ToArray":
            {
                // source.Where(x => x.Fk == key).ToList() / ToListAsync([cancellationToken]).
                if (DatabaseApis.ReceiverOf(invocation) is not { } receiver ||
                    Loops.Unwrap(receiver) is not IInvocationOperation { TargetMethod: { Name: "Where", ContainingType.Name: "Queryable" } } where ||
                    where.Arguments.Length != 2 || !TryGetArguments(where, out var source, out var predicate, out _, isAsync: false) ||
                    !TryMatchEquality(predicate, out var parameter, out var property, out var key))
                {
                    return false;
                }

                IOperation? token = null;
                if (isAsync)
                {
                    foreach (var argument in invocation.Arguments)
                    {
                        if (argument.Parameter?.Ordinal == 1 && argument.ArgumentKind == ArgumentKind.Explicit)
                        {
                            token = argument.Value;
                        }
                    }
                }
                else if (invocation.Arguments.Length != 1)
                {
                    return false;
                }

                var kind = baseName == "ToList" ? LookupKind.ListFromLookup : LookupKind.ArrayFromLookup;
                query = new QueryShape(source, key, property, parameter.Type, parameter.Name, kind, isAsync, token);
                return true;
            }

            default:
                return false;
        }
    }

    /// <summary>The source, predicate lambda and (for async operators) explicit cancellation token of a LINQ operator call.</summary>
    private static bool TryGetArguments(IInvocationOperation invocation, out IOperation source, out IAnonymousFunctionOperation predicate, out IOperation? token, bool isAsync)
    {
        source = null!;
        predicate = null!;
        token = null;
        if (!invocation.TargetMethod.IsExtensionMethod && !invocation.TargetMethod.IsStatic)
        {
            return false;
        }

        foreach (var argument in invocation.Arguments)
        {
            switch (argument.Parameter?.Ordinal)
            {
                case 0:
                    source = argument.Value;
                    break;
                case 1:
                    if (UnwrapLambda(argument.Value) is not { } lambda)
                    {
                        return false;
                    }

                    predicate = lambda;
                    break;
                case 2 when isAsync:
                    if (argument.ArgumentKind == ArgumentKind.Explicit)
                    {
                        token = argument.Value;
                    }

                    break;
                default:
                    return false;
            }
        }

        if (source is null || predicate is null)
        {
            return false;
        }

        source = Loops.Unwrap(source);
        return true;
    }

    private static IAnonymousFunctionOperation? UnwrapLambda(IOperation operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    continue;
                case IDelegateCreationOperation creation:
                    operation = creation.Target;
                    continue;
                case IAnonymousFunctionOperation lambda:
                    return lambda;
                default:
                    return null;
            }
        }
    }

    /// <summary><c>x =&gt; x.Property == key</c> (either side), with both sides of one batchable key type.</summary>
    private static bool TryMatchEquality(IAnonymousFunctionOperation lambda, out IParameterSymbol parameter, out IPropertySymbol property, out IOperation key)
    {
        parameter = null!;
        property = null!;
        key = null!;
        if (lambda.Symbol.Parameters.Length != 1 || lambda.Symbol.IsAsync ||
            lambda.Body.Operations.Length != 1 ||
            lambda.Body.Operations[0] is not IReturnOperation { ReturnedValue: IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals } equality })
        {
            return false;
        }

        parameter = lambda.Symbol.Parameters[0];
        if (IsParameterProperty(equality.LeftOperand, parameter, out property))
        {
            key = equality.RightOperand;
        }
        else if (IsParameterProperty(equality.RightOperand, parameter, out property))
        {
            key = equality.LeftOperand;
        }
        else
        {
            return false;
        }

        return SymbolEqualityComparer.Default.Equals(property.Type, key.Type) && IsBatchableKeyType(property.Type);
    }

    private static bool IsParameterProperty(IOperation operation, IParameterSymbol parameter, out IPropertySymbol property)
    {
        property = null!;
        if (operation is IPropertyReferenceOperation { Instance: IParameterReferenceOperation reference } propertyReference &&
            SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter) &&
            propertyReference.Arguments.Length == 0)
        {
            property = propertyReference.Property;
            return true;
        }

        return false;
    }

    /// <summary>
    /// Key types whose equality is the same in SQL and in a dictionary: integers, enums, <c>Guid</c>. Strings are not
    /// (the database collation may ignore case), nor nullable keys (SQL <c>NULL = NULL</c> is not true).
    /// </summary>
    private static bool IsBatchableKeyType(ITypeSymbol? type)
    {
        if (type is null)
        {
            return false;
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            return true;
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_Int32:
            case SpecialType.System_Int64:
            case SpecialType.System_Int16:
            case SpecialType.System_Byte:
            case SpecialType.System_UInt32:
            case SpecialType.System_UInt64:
            case SpecialType.System_UInt16:
            case SpecialType.System_SByte:
                return true;
        }

        return type is INamedTypeSymbol { Name: "Guid", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };
    }

    /// <summary>True when <paramref name="property"/> is the entity's single key as the model configures it (<see cref="EntityKeys"/>).</summary>
    private static bool IsEntityKey(Compilation compilation, IPropertySymbol property, ITypeSymbol entity, CancellationToken cancellationToken) =>
        EntityKeys.SingleKey(compilation, entity, cancellationToken) is { } key && SymbolEqualityComparer.Default.Equals(key, property);

    /// <summary>
    /// The source yields rows of the entity's own set, each once: a <c>DbSet&lt;TEntity&gt;</c> (or <c>Set&lt;TEntity&gt;()</c>)
    /// under operators that only filter, order or change tracking. A projection, join or union could repeat a key.
    /// </summary>
    private static bool IsEntityRowsOf(IOperation source, ITypeSymbol entity, DatabaseApis apis)
    {
        var current = Loops.Unwrap(source);
        for (var depth = 0; depth < 16; depth++)
        {
            if (apis.IsDbSet(current.Type))
            {
                return SymbolEqualityComparer.Default.Equals(EntityOf(current.Type), entity);
            }

            if (current is not IInvocationOperation invocation || !invocation.TargetMethod.IsExtensionMethod ||
                DatabaseApis.ReceiverOf(invocation) is not { } receiver)
            {
                return false;
            }

            switch (invocation.TargetMethod.Name)
            {
                case "Where":
                case "OrderBy":
                case "OrderByDescending":
                case "ThenBy":
                case "ThenByDescending":
                case "AsNoTracking":
                case "AsNoTrackingWithIdentityResolution":
                case "AsTracking":
                case "Include":
                case "ThenInclude":
                case "IgnoreQueryFilters":
                case "IgnoreAutoIncludes":
                case "AsSplitQuery":
                case "AsSingleQuery":
                case "TagWith":
                case "TagWithCallSite":
                    current = Loops.Unwrap(receiver);
                    while (current is IConversionOperation { IsImplicit: true } conversion)
                    {
                        current = Loops.Unwrap(conversion.Operand);
                    }

                    continue;
                default:
                    return false;
            }
        }

        return false;
    }

    private static ITypeSymbol? EntityOf(ITypeSymbol? setType)
    {
        for (var type = setType as INamedTypeSymbol; type is not null; type = type.BaseType)
        {
            if (type is { Name: "DbSet", TypeArguments.Length: 1 })
            {
                return type.TypeArguments[0];
            }
        }

        return null;
    }

    /// <summary>The per-element repetition the fix supports and where its batch goes.</summary>
    private sealed class RepetitionShape
    {
        public RepetitionShape(ISymbol element, string elementName, IOperation collection, StatementSyntax anchor)
        {
            Element = element;
            ElementName = elementName;
            Collection = collection;
            Anchor = anchor;
        }

        /// <summary>The iteration variable or lambda parameter.</summary>
        public ISymbol Element { get; }

        public string ElementName { get; }

        /// <summary>The in-memory collection iterated (evaluated once more, to collect the keys).</summary>
        public IOperation Collection { get; }

        public StatementSyntax Anchor { get; }
    }

    private static bool TryMatchRepetition(in LoopContext loop, out RepetitionShape repetition)
    {
        repetition = null!;
        if (loop.Loop is IForEachLoopOperation { IsAsynchronous: false, Syntax: ForEachStatementSyntax syntax } forEach)
        {
            // foreach (var element in collection) with an identity element conversion.
            if (forEach.Locals.Length != 1 || !IsStable(forEach.Collection, out var collection) || !IsInStatementList(syntax))
            {
                return false;
            }

            var element = forEach.Locals[0];
            if (ElementType(collection.Type) is not { } elementType || !SymbolEqualityComparer.Default.Equals(elementType, element.Type))
            {
                return false;
            }

            repetition = new RepetitionShape(element, syntax.Identifier.ValueText, collection, syntax);
            return true;
        }

        if (loop.Lambda is { Symbol.IsAsync: false } lambda && loop.PerElementCall is { } select && lambda.Symbol.Parameters.Length == 1)
        {
            // source.Select(element => ...).ToList(): the statement holding it runs the lookups at once.
            if (DatabaseApis.ReceiverOf(select) is not { } source || !IsStable(source, out var collection) ||
                select.Syntax.FirstAncestorOrSelf<StatementSyntax>() is not { } statement || !IsInStatementList(statement) ||
                !RunsUnconditionallyWith(select.Syntax, statement))
            {
                return false;
            }

            var parameter = lambda.Symbol.Parameters[0];
            repetition = new RepetitionShape(parameter, parameter.Name, collection, statement);
            return true;
        }

        return false;
    }

    /// <summary><c>Enumerable.Select(source, x =&gt; ...)</c> whose result is materialised at once (<c>ToList</c>, <c>ToArray</c>, ...).</summary>
    private static bool IsMaterialisedSelect(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (method.Name != "Select" || method.Parameters.Length != 2 ||
            method.ContainingType is not { Name: "Enumerable", ContainingNamespace: { Name: "Linq", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } ||
            method.Parameters[1].Type is not INamedTypeSymbol { TypeArguments.Length: 2 })
        {
            return false;
        }

        var parent = invocation.Parent;
        while (parent is IConversionOperation)
        {
            parent = parent.Parent;
        }

        return parent is IArgumentOperation { Parameter.Ordinal: 0, Parent: IInvocationOperation { TargetMethod: { ContainingType.Name: "Enumerable", Name: "ToList" or "ToArray" or "ToHashSet" or "ToDictionary" or "ToLookup" } } };
    }

    /// <summary>A local, parameter or field holding an in-memory collection (array, <c>ICollection&lt;T&gt;</c>, <c>IReadOnlyCollection&lt;T&gt;</c>): reading it twice gives the same elements.</summary>
    private static bool IsStable(IOperation operation, out IOperation collection)
    {
        collection = Loops.Unwrap(operation);
        while (collection is IConversionOperation { IsImplicit: true } conversion)
        {
            collection = Loops.Unwrap(conversion.Operand);
        }

        if (collection is not (ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation }))
        {
            return false;
        }

        var type = collection.Type;
        if (type is IArrayTypeSymbol { Rank: 1 })
        {
            return true;
        }

        if (type is null)
        {
            return false;
        }

        var isCollection = IsGenericCollectionInterface(type);
        foreach (var implemented in type.AllInterfaces)
        {
            if (implemented.Name == "IQueryable")
            {
                return false;
            }

            isCollection |= IsGenericCollectionInterface(implemented);
        }

        return isCollection;
    }

    private static bool IsGenericCollectionInterface(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "ICollection" or "IReadOnlyCollection" or "IReadOnlyList" or "IList", TypeArguments.Length: 1, ContainingNamespace.Name: "Generic" };

    private static ITypeSymbol? ElementType(ITypeSymbol? type)
    {
        if (type is IArrayTypeSymbol array)
        {
            return array.ElementType;
        }

        if (type is INamedTypeSymbol named)
        {
            if (named is { Name: "IEnumerable", TypeArguments.Length: 1 })
            {
                return named.TypeArguments[0];
            }

            foreach (var implemented in named.AllInterfaces)
            {
                if (implemented is { Name: "IEnumerable", TypeArguments.Length: 1, ContainingNamespace.Name: "Generic" })
                {
                    return implemented.TypeArguments[0];
                }
            }
        }

        return null;
    }

    private static bool IsInStatementList(StatementSyntax statement) =>
        statement.Parent is BlockSyntax or SwitchSectionSyntax or GlobalStatementSyntax;

    /// <summary>True when nothing between <paramref name="node"/> and <paramref name="statement"/> may skip, defer or repeat it.</summary>
    private static bool RunsUnconditionallyWith(SyntaxNode node, StatementSyntax statement)
    {
        for (var current = node.Parent; current is not null && current != statement; current = current.Parent)
        {
            switch (current)
            {
                case AnonymousFunctionExpressionSyntax:
                case LocalFunctionStatementSyntax:
                case ConditionalExpressionSyntax:
                case ConditionalAccessExpressionSyntax:
                case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.LogicalAndExpression) || binary.IsKind(SyntaxKind.LogicalOrExpression) || binary.IsKind(SyntaxKind.CoalesceExpression):
                case AssignmentExpressionSyntax assignment when assignment.IsKind(SyntaxKind.CoalesceAssignmentExpression):
                case SwitchExpressionSyntax:
                    return false;
            }
        }

        return statement is ExpressionStatementSyntax or LocalDeclarationStatementSyntax or ReturnStatementSyntax;
    }

    /// <summary>The key reads only the element: <c>order.CustomerId</c>, <c>order.Customer.Id</c>, no calls.</summary>
    private static bool IsKeyOfElement(IOperation key, ISymbol element)
    {
        var readsElement = false;
        foreach (var operation in key.DescendantsAndSelf())
        {
            switch (operation)
            {
                case ILocalReferenceOperation local:
                    if (!SymbolEqualityComparer.Default.Equals(local.Local, element))
                    {
                        return false;
                    }

                    readsElement = true;
                    break;
                case IParameterReferenceOperation parameter:
                    if (!SymbolEqualityComparer.Default.Equals(parameter.Parameter, element))
                    {
                        return false;
                    }

                    readsElement = true;
                    break;
                case IPropertyReferenceOperation { Arguments.Length: 0 }:
                case IFieldReferenceOperation:
                case IConversionOperation:
                case IParenthesizedOperation:
                case ILiteralOperation:
                    break;
                default:
                    return false;
            }
        }

        return readsElement;
    }

    /// <summary>The operation reads no local declared inside the repetition, nor the element.</summary>
    private static bool IsLoopInvariant(IOperation operation, in LoopContext loop, ISymbol element)
    {
        foreach (var descendant in operation.DescendantsAndSelf())
        {
            ISymbol? symbol = descendant switch
            {
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                _ => null,
            };

            if (symbol is null)
            {
                continue;
            }

            if (SymbolEqualityComparer.Default.Equals(symbol, element) || !loop.LifetimeSpansIterations(symbol) && !IsDeclaredInside(symbol, operation))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDeclaredInside(ISymbol symbol, IOperation operation)
    {
        // Parameters of lambdas inside the operation itself (x in db.Customers.Where(x => ...)) are its own.
        var references = symbol.DeclaringSyntaxReferences;
        return references.Length > 0 && operation.Syntax.Span.Contains(references[0].Span);
    }

    /// <summary>
    /// True when the repeated body writes to the database or changes its tracked entities (<c>SaveChanges</c>,
    /// <c>Add</c>/<c>Remove</c>/<c>Update</c>/<c>Attach</c>, bulk writes), or assigns into the element: loading every
    /// row up front could then see other data than the per-element queries did.
    /// </summary>
    private static bool WritesOrMutatesElements(IOperation body, DatabaseApis apis, ISymbol element)
    {
        foreach (var operation in body.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IInvocationOperation invocation:
                    if (apis.Classify(invocation) == DatabaseCallKind.Write)
                    {
                        return true;
                    }

                    var name = invocation.TargetMethod.Name;
                    if ((name.StartsWith("Add", StringComparison.Ordinal) || name.StartsWith("Remove", StringComparison.Ordinal) ||
                         name.StartsWith("Update", StringComparison.Ordinal) || name.StartsWith("Attach", StringComparison.Ordinal) ||
                         name == "Entry") &&
                        (apis.IsDbContext(invocation.TargetMethod.ContainingType) || apis.IsDbSet(invocation.TargetMethod.ContainingType)))
                    {
                        return true;
                    }

                    break;

                case IAssignmentOperation assignment:
                    if (IterationDependence.RootSymbol(assignment.Target) is { } root && SymbolEqualityComparer.Default.Equals(root, element))
                    {
                        return true;
                    }

                    break;

                case IIncrementOrDecrementOperation increment:
                    if (IterationDependence.RootSymbol(increment.Target) is { } incremented && SymbolEqualityComparer.Default.Equals(incremented, element))
                    {
                        return true;
                    }

                    break;
            }
        }

        return false;
    }
}
