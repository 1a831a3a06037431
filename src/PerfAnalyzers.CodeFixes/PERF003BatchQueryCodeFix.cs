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
using PerfAnalyzers.Rules;

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
public sealed partial class PERF003BatchQueryCodeFix : CodeFixProvider
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
            if (FindInvocation(root, diagnostic) is not { } invocation || CreatePlan(model, invocation, diagnostic, context.CancellationToken) is not { } plan)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    plan.Title,
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(plan.Apply(root))),
                    plan.EquivalenceKey),
                diagnostic);
        }
    }

    /// <summary>The fix for one diagnostic, or null where none keeps behaviour. Diagnostics reported through a call (<c>Via = Call</c>) get none.</summary>
    private static IFixPlan? CreatePlan(SemanticModel model, InvocationExpressionSyntax invocation, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (diagnostic.Properties.ContainsKey(PERF003NPlusOneQueryAnalyzer.ViaProperty))
        {
            return null;
        }

        var batchSize = diagnostic.Properties.TryGetValue(PERF003NPlusOneQueryAnalyzer.BatchSizeProperty, out var text) &&
            int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && parsed > 0
            ? parsed
            : 0;
        return (IFixPlan?)Plan.TryCreate(model, invocation, batchSize, cancellationToken) ??
            (IFixPlan?)Plan.TryCreateDapper(model, invocation, batchSize, cancellationToken) ??
            (IFixPlan?)Plan.TryCreateDapperScalar(model, invocation, batchSize, cancellationToken) ??
            (IFixPlan?)SaveOncePlan.TryCreate(model, invocation, cancellationToken) ??
            (IFixPlan?)ExecuteWritePlan.TryCreate(model, invocation, batchSize, cancellationToken) ??
            (IFixPlan?)CommandReusePlan.TryCreate(model, invocation, cancellationToken) ??
            (IFixPlan?)DapperExecutePlan.TryCreate(model, invocation, cancellationToken) ??
            (IFixPlan?)IncludePlan.TryCreate(model, invocation, cancellationToken) ??
            ExpressionBodyPlan.TryCreate(model, invocation, diagnostic, cancellationToken);
    }

    /// <summary>One computed edit: its title, equivalence key, and the new root.</summary>
    private interface IFixPlan
    {
        string Title { get; }

        string EquivalenceKey { get; }

        SyntaxNode Apply(SyntaxNode root);
    }

    /// <summary>Adds <c>using</c> directives for <paramref name="namespaces"/> to a compilation unit.</summary>
    private static SyntaxNode AddUsings(SyntaxNode root, ImmutableArray<string> namespaces, SyntaxTrivia newLine)
    {
        if (namespaces.Length == 0 || root is not CompilationUnitSyntax unit)
        {
            return root;
        }

        foreach (var ns in namespaces)
        {
            unit = unit.AddUsings(SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(ns)).NormalizeWhitespace().WithTrailingTrivia(newLine));
        }

        return unit;
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
            var found = new List<(InvocationExpressionSyntax Invocation, Diagnostic Diagnostic)>();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                if (FindInvocation(root, diagnostic) is { } invocation)
                {
                    invocations.Add(invocation);
                    found.Add((invocation, diagnostic));
                }
            }

            var current = document.WithSyntaxRoot(root.TrackNodes(invocations));
            foreach (var (original, diagnostic) in found)
            {
                var currentRoot = await current.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                var model = await current.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                if (currentRoot?.GetCurrentNode(original) is not { } invocation || model is null)
                {
                    continue;
                }

                if (CreatePlan(model, invocation, diagnostic, cancellationToken) is { } plan)
                {
                    current = current.WithSyntaxRoot(plan.Apply(currentRoot));
                }
            }

            return current;
        }
    }

    private enum LookupKind
    {
        /// <summary><c>dictionary.GetValueOrDefault(key)</c>: FirstOrDefault, SingleOrDefault, Find by the entity key.</summary>
        OrDefault,

        /// <summary><c>dictionary[key]</c>: First, Single by the entity key.</summary>
        Indexer,

        /// <summary>
        /// <c>lookup[key].Operator()</c>: <c>Where(...).ToList()</c>/<c>ToArray()</c>, and <c>First</c>/<c>FirstOrDefault</c>/
        /// <c>Single</c>/<c>SingleOrDefault</c> by a column that is not the entity's single key (it may match several rows).
        /// </summary>
        OperatorOnLookup,

        /// <summary><c>dictionary.GetValueOrDefault(key)</c> over one grouped query: Count, LongCount, Sum, and nullable Min/Max/Average.</summary>
        Aggregate,

        /// <summary><c>set.Contains(key)</c> over one query of the keys that have rows: Any.</summary>
        Exists,
    }

    /// <summary>Everything the edit needs, computed and checked on one semantic model.</summary>
    private sealed partial class Plan : IFixPlan
    {
        private Plan(StatementSyntax anchor, ExpressionSyntax replaced, string title, ImmutableArray<string> statements, string replacement, ImmutableArray<string> missingNamespaces, string? materialisedAs = null)
        {
            MaterialisedAs = materialisedAs;
            Anchor = anchor;
            Replaced = replaced;
            Title = title;
            Statements = statements;
            Replacement = replacement;
            MissingNamespaces = missingNamespaces;
        }

        /// <summary>The statement before which the batch is loaded: the <c>foreach</c>, or the statement holding the <c>Select</c>.</summary>
        public StatementSyntax Anchor { get; }

        /// <summary>The per-element query (or its <c>await</c>), replaced by the in-memory lookup.</summary>
        public ExpressionSyntax Replaced { get; }

        /// <summary>The list the <c>foreach</c> source is enumerated into before the loop (the loop then iterates it), or null.</summary>
        public string? MaterialisedAs { get; }

        public string Title { get; }

        public string EquivalenceKey => PERF003BatchQueryCodeFix.EquivalenceKey;

        /// <summary>The statements inserted before the anchor; a statement may span lines ('\n', indented relative to its first line).</summary>
        public ImmutableArray<string> Statements { get; }

        public string Replacement { get; }

        public ImmutableArray<string> MissingNamespaces { get; }

        public static Plan? TryCreate(SemanticModel model, InvocationExpressionSyntax invocationSyntax, int batchSize, CancellationToken cancellationToken)
        {
            if (model.GetOperation(invocationSyntax, cancellationToken) is not IInvocationOperation invocation ||
                DatabaseApis.TryCreate(model.Compilation) is not { } apis ||
                apis.Classify(invocation) != DatabaseCallKind.Read)
            {
                return null;
            }

            // The per-element repetition: the nearest foreach, or Select lambda.
            if (!Loops.TryGetEnclosingLoop(invocation, IsPerElementLambdaCall, out var loop) ||
                !TryMatchRepetition(loop, out var repetition, allowIndexLoops: true, allowDeconstruction: true))
            {
                return null;
            }

            if (!TryMatchQuery(invocation, apis, model.Compilation, repetition.IsKey, cancellationToken, out var query))
            {
                return null;
            }

            // foreach (var (id, price) in prices): the element is the deconstructed variable the key reads.
            repetition = repetition.ForKey(query.Key);

            // The key comes from the element alone; the query source and token do not change per element.
            if (!repetition.IsKey(query.Key) ||
                !IsLoopInvariant(query.Source, loop, repetition.Element) ||
                !IsEntityRowsOf(query.Source, query.Entity, apis) ||
                (query.CancellationToken is not null && !IsLoopInvariant(query.CancellationToken, loop, repetition.Element)) ||
                WritesOrMutatesElements(loop.Body, apis, repetition.Element, query.Key) ||
                !AreElementIndependent(query.ElementIndependentParts, loop))
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

            return Build(model, apis, query, repetition, replaced, batchSize, cancellationToken);
        }

        private static Plan? Build(SemanticModel model, DatabaseApis apis, QueryShape query, RepetitionShape repetition, ExpressionSyntax replaced, int batchSize, CancellationToken cancellationToken)
        {
            var anchor = repetition.Anchor;
            var position = anchor.SpanStart;
            var compilation = model.Compilation;
            if (batchSize > 0 && compilation.GetTypeByMetadataName("System.Linq.Enumerable") is { } enumerable && enumerable.GetMembers("Chunk").IsEmpty)
            {
                return null; // chunking asked for, and Enumerable.Chunk (.NET 6) is missing: one unbounded query could exceed the database's parameter limit
            }

            var used = CollectUsedNames(model, anchor, cancellationToken);
            var setName = query.Source.Syntax is MemberAccessExpressionSyntax { Name: IdentifierNameSyntax name } && apis.IsDbSet(query.Source.Type)
                ? name.Identifier.ValueText
                : query.Entity.Name + "s";
            var property = query.Property.Name;
            var keys = Unique(Camel(query.Entity.Name) + "Keys", used);
            var map = Unique(
                query.Kind switch
                {
                    LookupKind.OrDefault or LookupKind.Indexer => Camel(setName) + "ByKey",
                    LookupKind.OperatorOnLookup => Camel(setName) + "By" + property,
                    LookupKind.Aggregate => Camel(query.Entity.Name) + AggregateNoun(query.Operator) + "By" + property,
                    _ => Camel(property) + "sWith" + setName,
                },
                used);
            var parameter = query.ParameterName ?? Unique(Camel(query.Entity.Name).Substring(0, 1), used);
            var group = query.Kind == LookupKind.Aggregate ? UniqueLambdaParameter("g", model, anchor, query.Selector, cancellationToken) : string.Empty;
            var chunk = batchSize > 0 ? Unique("chunk", used) : keys;
            var rows = batchSize > 0 && query.Kind is LookupKind.OrDefault or LookupKind.Indexer or LookupKind.OperatorOnLookup ? Unique(Camel(query.Entity.Name) + "Rows", used) : string.Empty;
            var aggregateRow = batchSize > 0 && query.Kind == LookupKind.Aggregate ? Unique("row", used) : string.Empty;

            var element = repetition.IndexedCollection is { } indexed ? Unique(Singular(indexed.Name), used) :
                !repetition.Deconstruction.IsDefault ? UniqueLambdaParameter(repetition.ElementName, model, anchor, null, cancellationToken) :
                repetition.ElementName;
            var collection = repetition.Collection.Syntax.WithoutTrivia().ToString();
            string? materialisedAs = null;
            if (repetition.Materialise)
            {
                materialisedAs = Unique(MaterialisedName(repetition.Collection.Syntax, element), used);
            }

            var key = query.Key.Syntax.WithoutTrivia().ToString();
            var source = query.Source.Syntax.WithoutTrivia().ToString();
            var token = query.CancellationToken is null ? string.Empty : query.CancellationToken.Syntax.WithoutTrivia().ToString();
            var tokenArgument = token.Length == 0 ? string.Empty : ", " + token;
            var keySelector = $"{parameter} => {parameter}.{property}";

            // The query of one batch: the source filtered by the key list (or chunk), then the shape's own operators.
            var contains = $"{chunk}.Contains({parameter}.{property})";
            var predicateBody = query.Match is null ? contains : query.Match.BatchPredicateBody(contains);
            if (predicateBody is null)
            {
                return null;
            }

            var segments = new List<string> { $".Where({parameter} => {predicateBody})" };
            var projected = false;
            if (query.Match?.OperatorFilter is { Syntax: LambdaExpressionSyntax operatorFilter })
            {
                segments.Add($".Where({OneLine(operatorFilter)})");
            }
            else if (query.Match?.OperatorFilter is not null)
            {
                return null;
            }

            if (query.Match is { HasTail: true } match)
            {
                // The orderings and projection after the key filter stay in the batch query; a projection carries the key along.
                foreach (var ordering in match.Orderings)
                {
                    if (ordering.Syntax is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } orderingSyntax)
                    {
                        return null;
                    }

                    segments.Add("." + access.Name.WithoutTrivia() + OneLine(orderingSyntax.ArgumentList));
                }

                if (match.Projection is { Syntax: SimpleLambdaExpressionSyntax { ExpressionBody: { } projection } lambda })
                {
                    if (batchSize > 0)
                    {
                        return null; // the chunks' rows would be of an anonymous type: not written
                    }

                    var row = lambda.Parameter.Identifier.ValueText;
                    segments.Add($".Select({row} => new {{ Key = {row}.{property}, Value = {OneLine(projection)} }})");
                    projected = true;
                }
                else if (match.Projection is not null)
                {
                    return null;
                }
            }

            switch (query.Kind)
            {
                case LookupKind.Aggregate:
                    var selector = query.Selector is null ? string.Empty : query.Selector.Syntax.WithoutTrivia().ToString();
                    segments.Add($".GroupBy({keySelector})");
                    segments.Add($".Select({group} => new {{ {group}.Key, Value = {group}.{query.Operator}({selector}) }})");
                    break;
                case LookupKind.Exists:
                    segments.Add($".Select({keySelector})");
                    segments.Add(".Distinct()");
                    break;
            }

            var indentation = IndentationOf(anchor).Length;
            var statements = ImmutableArray.CreateBuilder<string>();
            if (materialisedAs is not null)
            {
                statements.Add(MaterialiseStatement(materialisedAs, repetition.Collection.Syntax, collection));
                collection = materialisedAs;
            }

            statements.Add($"var {keys} = {collection}.Select({element} => {repetition.KeyInLambda(query.Key.Syntax, element)}).Distinct().ToList();");
            var isEntityRows = query.Kind is LookupKind.OrDefault or LookupKind.Indexer or LookupKind.OperatorOnLookup;
            var toMap = query.Kind switch
            {
                LookupKind.OrDefault or LookupKind.Indexer => $"ToDictionary({keySelector})",
                LookupKind.OperatorOnLookup when projected => $"ToLookup({parameter} => {parameter}.Key, {parameter} => {parameter}.Value)",
                LookupKind.OperatorOnLookup => $"ToLookup({keySelector})",
                LookupKind.Aggregate => $"ToDictionary({group} => {group}.Key, {group} => {group}.Value)",
                _ => "ToHashSet()",
            };

            if (batchSize <= 0)
            {
                string statement;
                if (!query.IsAsync)
                {
                    statement = Chain($"var {map} = ", source, segments, "." + toMap, ";", indentation);
                }
                else if (query.Kind is LookupKind.OrDefault or LookupKind.Indexer or LookupKind.Aggregate)
                {
                    var toMapAsync = "." + toMap.Replace("ToDictionary(", "ToDictionaryAsync(");
                    statement = Chain($"var {map} = await ", source, segments, toMapAsync.Substring(0, toMapAsync.Length - 1) + tokenArgument + ")", ";", indentation);
                }
                else
                {
                    statement = Chain($"var {map} = (await ", source, segments, $".ToListAsync({token})", $").{toMap};", indentation);
                }

                statements.Add(statement);
            }
            else
            {
                // foreach (var chunk in keys.Chunk(n)) { ...one query per chunk... }, merged into one map.
                var size = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var terminal = query.IsAsync ? $".ToListAsync({token})" : string.Empty;
                var open = query.IsAsync ? "await " : string.Empty;
                var loopHead = $"foreach (var {chunk} in {keys}.Chunk({size}))\n{{\n";
                switch (query.Kind)
                {
                    case LookupKind.Aggregate:
                        var keyType = query.Property.Type.ToMinimalDisplayString(model, position);
                        var valueType = query.ValueType!.ToMinimalDisplayString(model, position);
                        statements.Add($"var {map} = new Dictionary<{keyType}, {valueType}>();");
                        statements.Add(
                            loopHead +
                            Indent(Chain($"foreach (var {aggregateRow} in {open}", source, segments, terminal, ")", indentation + 4)) +
                            $"\n    {{\n        {map}.Add({aggregateRow}.Key, {aggregateRow}.Value);\n    }}\n}}");
                        break;
                    case LookupKind.Exists:
                        statements.Add($"var {map} = new HashSet<{query.Property.Type.ToMinimalDisplayString(model, position)}>();");
                        statements.Add(loopHead + Indent(Chain($"{map}.UnionWith({open}", source, segments, terminal, ");", indentation + 4)) + "\n}");
                        break;
                    default:
                        statements.Add($"var {rows} = new List<{query.Entity.ToMinimalDisplayString(model, position)}>();");
                        statements.Add(loopHead + Indent(Chain($"{rows}.AddRange({open}", source, segments, terminal, ");", indentation + 4)) + "\n}");
                        statements.Add($"var {map} = {rows}.{toMap};");
                        break;
                }
            }

            var replacement = query.Kind switch
            {
                LookupKind.OrDefault or LookupKind.Aggregate => $"{map}.GetValueOrDefault({key})",
                LookupKind.Indexer => $"{map}[{key}]",
                LookupKind.OperatorOnLookup => $"{map}[{key}]{TakeText(query.Match)}.{query.Operator}()",
                _ => $"{map}.Contains({key})",
            };

            // Namespaces the new code needs that the file does not import.
            var missing = ImmutableArray.CreateBuilder<string>();
            if (!HasExtension(model, position, repetition.Collection.Type, "Distinct"))
            {
                missing.Add("System.Linq");
            }

            var valueOfMap = query.Kind == LookupKind.Aggregate ? query.ValueType : query.Entity;
            if (((query.Kind is LookupKind.OrDefault or LookupKind.Aggregate &&
                  compilation.GetTypeByMetadataName("System.Collections.Generic.Dictionary`2") is { } dictionary && valueOfMap is not null &&
                  !HasExtension(model, position, dictionary.Construct(query.Property.Type, valueOfMap), "GetValueOrDefault")) ||
                 (batchSize > 0 && model.LookupNamespacesAndTypes(position, name: "List").IsEmpty)) &&
                !missing.Contains("System.Collections.Generic"))
            {
                missing.Add("System.Collections.Generic");
            }

            if (query.IsAsync && !HasExtension(model, position, query.Source.Type, "ToListAsync"))
            {
                missing.Add("Microsoft.EntityFrameworkCore");
            }

            var title = query.Kind switch
            {
                LookupKind.Aggregate => $"Compute '{query.Operator}' over '{setName}' for all elements in one query before the loop",
                LookupKind.Exists => $"Find which elements have '{setName}' in one query before the loop",
                _ => $"Load all '{setName}' in one query before the loop",
            };
            _ = isEntityRows;
            return new Plan(anchor, replaced, title, statements.ToImmutable(), replacement, missing.ToImmutable(), materialisedAs);
        }

        /// <summary><c>var list = source.ToList();</c> — await/cast/?:/?? sources need parentheses before <c>.ToList()</c>.</summary>
        internal static string MaterialiseStatement(string name, SyntaxNode source, string sourceText)
        {
            var primary = source is IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or
                ElementAccessExpressionSyntax or ParenthesizedExpressionSyntax or ObjectCreationExpressionSyntax or ArrayCreationExpressionSyntax or
                ImplicitArrayCreationExpressionSyntax or ThisExpressionSyntax;
            return $"var {name} = {(primary ? sourceText : "(" + sourceText + ")")}.ToList();";
        }

        /// <summary>The node's text without its outer trivia, on one line.</summary>
        private static string OneLine(SyntaxNode node) =>
            System.Text.RegularExpressions.Regex.Replace(node.WithoutTrivia().ToString(), @"\s*\r?\n\s*", " ");

        /// <summary>The list's name: the source's last name (<c>@event.OrderStockItems</c>: <c>orderStockItems</c>; <c>GetItems()</c>: <c>items</c>), else the element's plural.</summary>
        private static string MaterialisedName(SyntaxNode source, string element)
        {
            if (source is IdentifierNameSyntax local)
            {
                return Camel(local.Identifier.ValueText) + "List"; // a lazy local or parameter: its list beside it
            }

            var name = source switch
            {
                MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
                InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax member } => member.Name.Identifier.ValueText,
                InvocationExpressionSyntax { Expression: IdentifierNameSyntax identifier } => identifier.Identifier.ValueText,
                _ => string.Empty,
            };
            if (name.StartsWith("Get", StringComparison.Ordinal) && name.Length > 3 && char.IsUpper(name[3]))
            {
                name = name.Substring(3);
            }

            // A LINQ operator's name says nothing of the elements: orders.Where(...) becomes orderList.
            return name.Length == 0 || (source is InvocationExpressionSyntax && name is "Where" or "Select" or "OrderBy" or "OrderByDescending" or "Distinct" or "DistinctBy" or "Skip" or "Take" or "Concat" or "Union")
                ? element + "List"
                : Camel(name);
        }

        /// <summary>Count → Counts, ...: the noun in the map's name (<c>lineCountsByOrderId</c>).</summary>
        private static string AggregateNoun(string aggregate) => aggregate switch
        {
            "LongCount" => "Counts",
            "Max" => "Maxima",
            "Min" => "Minima",
            _ => aggregate + "s",
        };

        /// <summary>
        /// <c>prefix + head + segments + terminal + suffix</c> on one line when it fits in <see cref="LineWrapping.MaxLineLength"/>
        /// (after <paramref name="indentation"/> columns) or is a plain filter; otherwise each segment and the terminal
        /// operator on a line of its own, indented once more.
        /// </summary>
        private static string Chain(string prefix, string head, List<string> segments, string terminal, string suffix, int indentation)
        {
            var oneLine = prefix + head + string.Concat(segments) + terminal + suffix;
            if (segments.Count < 2 || indentation + oneLine.Length <= LineWrapping.MaxLineLength)
            {
                return oneLine;
            }

            var builder = new System.Text.StringBuilder(prefix).Append(head);
            foreach (var segment in segments)
            {
                builder.Append("\n    ").Append(segment);
            }

            if (terminal.Length > 0)
            {
                builder.Append("\n    ").Append(terminal);
            }

            return builder.Append(suffix).ToString();
        }

        private static string Indent(string text) => "    " + text.Replace("\n", "\n    ");

        internal static string IndentationOf(SyntaxNode node)
        {
            var leading = node.GetLeadingTrivia();
            return leading.Count > 0 && leading[leading.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia) ? leading[leading.Count - 1].ToString() : string.Empty;
        }

        public SyntaxNode Apply(SyntaxNode root)
        {
            var leading = Anchor.GetLeadingTrivia();
            var indentationText = IndentationOf(Anchor);
            var indentation = SyntaxFactory.Whitespace(indentationText);
            var newLineText = root.ToFullString().Contains("\r\n") ? "\r\n" : "\n";
            var newLine = SyntaxFactory.EndOfLine(newLineText);

            var inserted = new List<StatementSyntax>();
            foreach (var text in Statements)
            {
                var statement = SyntaxFactory.ParseStatement(text.Replace("\n", newLineText + indentationText))
                    .WithLeadingTrivia(inserted.Count == 0 ? leading : SyntaxFactory.TriviaList(indentation))
                    .WithTrailingTrivia(newLine);
                inserted.Add(statement);
            }

            var lookup = SyntaxFactory.ParseExpression(Replacement).WithTriviaFrom(Replaced);
            StatementSyntax anchor;
            if (MaterialisedAs is not null && Anchor is ForEachStatementSyntax forEach)
            {
                var list = SyntaxFactory.IdentifierName(MaterialisedAs).WithTriviaFrom(forEach.Expression);
                anchor = Anchor.ReplaceNodes(new SyntaxNode[] { Replaced, forEach.Expression }, (original, _) => original == Replaced ? lookup : list);
            }
            else
            {
                anchor = Anchor.ReplaceNode(Replaced, lookup);
            }

            anchor = anchor.WithLeadingTrivia(indentation);

            SyntaxNode result;
            if (Anchor.Parent is GlobalStatementSyntax global)
            {
                var globals = new List<SyntaxNode>();
                foreach (var statement in inserted)
                {
                    globals.Add(SyntaxFactory.GlobalStatement(statement));
                }

                globals.Add(global.WithStatement(anchor));
                result = root.ReplaceNode(global, globals);
            }
            else
            {
                var nodes = new List<SyntaxNode>(inserted) { anchor };
                result = root.ReplaceNode(Anchor, nodes);
            }

            return AddUsings(result, MissingNamespaces, newLine);
        }

        internal static bool HasExtension(SemanticModel model, int position, ITypeSymbol? receiver, string name) =>
            receiver is not null && !model.LookupSymbols(position, receiver as INamespaceOrTypeSymbol, name, includeReducedExtensionMethods: true).IsEmpty;

        internal static HashSet<string> CollectUsedNames(SemanticModel model, SyntaxNode anchor, CancellationToken cancellationToken)
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

        internal static string Unique(string name, HashSet<string> used)
        {
            var candidate = UniqueNames.Pick(
                name,
                c => used.Contains(c) || SyntaxFacts.GetKeywordKind(c) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(c) != SyntaxKind.None);
            used.Add(candidate);
            return candidate;
        }

        /// <summary>
        /// A lambda parameter name: it must differ from every local, parameter and range variable of the member (an
        /// enclosing one would be shadowed: CS0136) and from the selector's parameter, but may repeat other lambdas' parameters.
        /// </summary>
        internal static string UniqueLambdaParameter(string name, SemanticModel model, SyntaxNode anchor, IAnonymousFunctionOperation? selector, CancellationToken cancellationToken)
        {
            var declared = new HashSet<string>(StringComparer.Ordinal);
            SyntaxNode scope = anchor.FirstAncestorOrSelf<MemberDeclarationSyntax>() ?? (SyntaxNode)anchor.SyntaxTree.GetRoot(cancellationToken);
            if (scope is GlobalStatementSyntax)
            {
                scope = scope.Parent!;
            }

            foreach (var node in scope.DescendantNodes())
            {
                switch (node)
                {
                    case VariableDeclaratorSyntax variable:
                        declared.Add(variable.Identifier.ValueText);
                        break;
                    case SingleVariableDesignationSyntax designation:
                        declared.Add(designation.Identifier.ValueText);
                        break;
                    case ForEachStatementSyntax forEach:
                        declared.Add(forEach.Identifier.ValueText);
                        break;
                    case ParameterSyntax parameter when parameter.Parent?.Parent is not (LambdaExpressionSyntax or AnonymousMethodExpressionSyntax) && parameter.Parent is not SimpleLambdaExpressionSyntax:
                        declared.Add(parameter.Identifier.ValueText);
                        break;
                    case LocalFunctionStatementSyntax function:
                        declared.Add(function.Identifier.ValueText);
                        break;
                }
            }

            foreach (var symbol in model.LookupSymbols(anchor.SpanStart))
            {
                declared.Add(symbol.Name);
            }

            if (selector is not null)
            {
                foreach (var parameter in selector.Symbol.Parameters)
                {
                    declared.Add(parameter.Name);
                }
            }

            return Unique(name, declared);
        }

        internal static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name.Substring(1);
    }

    /// <summary>The per-element query: where its rows come from, its key, and what it returns.</summary>
    private sealed class QueryShape
    {
        public QueryShape(IOperation source, IOperation key, IPropertySymbol property, ITypeSymbol entity, string? parameterName, LookupKind kind, bool isAsync, IOperation? cancellationToken, string @operator = "", IAnonymousFunctionOperation? selector = null, ITypeSymbol? valueType = null)
        {
            Source = source;
            Key = key;
            Property = property;
            Entity = entity;
            ParameterName = parameterName;
            Kind = kind;
            IsAsync = isAsync;
            CancellationToken = cancellationToken;
            Operator = @operator;
            Selector = selector;
            ValueType = valueType;
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

        /// <summary>The synchronous operator applied per key: <c>ToList</c>, <c>First</c>, ... on a lookup; <c>Count</c>, <c>Sum</c>, ... per group.</summary>
        public string Operator { get; }

        /// <summary>The aggregate's selector (<c>l =&gt; l.Quantity</c>), for Sum/Min/Max/Average.</summary>
        public IAnonymousFunctionOperation? Selector { get; }

        /// <summary>The aggregate's result type (the per-key value).</summary>
        public ITypeSymbol? ValueType { get; }

        /// <summary>The key filter and what the batch keeps of the query around it; null for <c>Find</c>.</summary>
        public PredicateMatch? Match { get; set; }

        public IEnumerable<IOperation> ElementIndependentParts => Match?.ElementIndependentParts ?? Enumerable.Empty<IOperation>();
    }

    private static bool TryMatchQuery(IInvocationOperation invocation, DatabaseApis apis, Compilation compilation, Func<IOperation, bool> isElementKey, CancellationToken cancellationToken, out QueryShape query)
    {
        query = null!;
        var method = invocation.TargetMethod;
        var name = method.Name;
        var isAsync = name.EndsWith("Async", StringComparison.Ordinal);
        var baseName = isAsync ? name.Substring(0, name.Length - "Async".Length) : name;
        var isQueryOperator = method.ContainingType?.Name is "Queryable" or "EntityFrameworkQueryableExtensions";

        switch (baseName)
        {
            case "First":
            case "FirstOrDefault":
            case "Single":
            case "SingleOrDefault":
            {
                // source.FirstOrDefault(x => x.Column == key[, cancellationToken]), or source.Where(x => x.Column == key).FirstOrDefault().
                if (!isQueryOperator ||
                    !TryMatchKeyPredicate(invocation, hasSelector: false, isElementKey, allowTail: true, out var source, out var parameter, out var property, out var key, out _, out var token, out var match))
                {
                    return false;
                }

                if (match.Take is not null)
                {
                    return false; // Take before First/Single: not a shape worth a fix
                }

                if (match.HasTail)
                {
                    // Ordered or projected (Where(key).OrderBy(..).Select(..).FirstOrDefault()): the lookup keeps every row of a key in order.
                    query = new QueryShape(source, key, property, parameter.Type, parameter.Name, LookupKind.OperatorOnLookup, isAsync, token, baseName) { Match = match };
                }
                else if (IsEntityKey(compilation, property, parameter.Type, cancellationToken))
                {
                    var kind = baseName.EndsWith("OrDefault", StringComparison.Ordinal) ? LookupKind.OrDefault : LookupKind.Indexer;
                    query = new QueryShape(source, key, property, parameter.Type, parameter.Name, kind, isAsync, token) { Match = match };
                }
                else
                {
                    // Not the single key (another column, or a composite or unknown key): several rows may match, a lookup keeps them all.
                    query = new QueryShape(source, key, property, parameter.Type, parameter.Name, LookupKind.OperatorOnLookup, isAsync, token, baseName) { Match = match };
                }

                return true;
            }

            case "Count":
            case "LongCount":
            case "Any":
            {
                // source.Count(x => x.Fk == key[, cancellationToken]), or source.Where(x => x.Fk == key).Count().
                if (!isQueryOperator ||
                    !TryMatchKeyPredicate(invocation, hasSelector: false, isElementKey, allowTail: false, out var source, out var parameter, out var property, out var key, out _, out var token, out var match) ||
                    ResultType(invocation, isAsync) is not { } valueType)
                {
                    return false;
                }

                var kind = baseName == "Any" ? LookupKind.Exists : LookupKind.Aggregate;
                query = new QueryShape(source, key, property, parameter.Type, parameter.Name, kind, isAsync, token, baseName, valueType: valueType) { Match = match };
                return true;
            }

            case "Sum":
            case "Min":
            case "Max":
            case "Average":
            {
                // source.Where(x => x.Fk == key).Sum(x => x.Value[, cancellationToken]). The value of a key without rows must
                // be what the per-element query returned: 0 for Sum (EF Core sums an empty set to 0), null for a nullable
                // Min/Max/Average. A non-nullable Min/Max/Average throws on an empty set: no fix (the dictionary would give 0).
                if (!isQueryOperator ||
                    !TryMatchKeyPredicate(invocation, hasSelector: true, isElementKey, allowTail: false, out var source, out var parameter, out var property, out var key, out var selector, out var token, out var match) ||
                    selector is null || !IsRowExpressionSelector(selector) ||
                    ResultType(invocation, isAsync) is not { } valueType ||
                    !(baseName == "Sum" ? IsSummable(valueType) : valueType.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T))
                {
                    return false;
                }

                query = new QueryShape(source, key, property, parameter.Type, parameter.Name, LookupKind.Aggregate, isAsync, token, baseName, selector, valueType) { Match = match };
                return true;
            }

            case "Find":
            {
                // set.Find(key) / set.FindAsync(key) with one key value; set.FindAsync(new object[] { key }, cancellationToken).
                IOperation? findToken = null;
                if (invocation.Instance is not { } set || !apis.IsDbSet(set.Type) ||
                    invocation.Arguments.Length == 0 ||
                    invocation.Arguments[0].Value is not IArrayCreationOperation { Initializer.ElementValues: { Length: 1 } values })
                {
                    return false;
                }

                if (invocation.Arguments.Length == 2 && isAsync && invocation.Arguments[0].ArgumentKind == ArgumentKind.Explicit &&
                    invocation.Arguments[1].Parameter?.Type is { Name: "CancellationToken", ContainingNamespace.Name: "Threading" })
                {
                    findToken = invocation.Arguments[1].Value;
                }
                else if (invocation.Arguments.Length != 1 || invocation.Arguments[0].ArgumentKind != ArgumentKind.ParamArray)
                {
                    return false;
                }

                var key = values[0] is IConversionOperation { IsImplicit: true } boxing ? boxing.Operand : values[0];
                var entity = EntityOf(set.Type);
                if (entity is null || EntityKeys.SingleKey(compilation, entity, cancellationToken) is not { } property || !SymbolEqualityComparer.Default.Equals(property.Type, key.Type) || !IsBatchableKeyType(key.Type))
                {
                    return false;
                }

                query = new QueryShape(set, key, property, entity, null, LookupKind.OrDefault, isAsync, findToken);
                return true;
            }

            case "ToList":
            case "ToArray":
            {
                // source.Where(x => x.Fk == key).ToList() / ToListAsync([cancellationToken]).
                if (!TryMatchKeyPredicate(invocation, hasSelector: false, isElementKey, allowTail: true, out var source, out var parameter, out var property, out var key, out _, out var token, out var match) ||
                    DatabaseApis.ReceiverOf(invocation) is not { } receiver ||
                    Loops.Unwrap(receiver) is not IInvocationOperation { TargetMethod.Name: "Where" or "OrderBy" or "OrderByDescending" or "ThenBy" or "ThenByDescending" or "Select" or "Take" } ||
                    (match.Take is not null && match.Orderings.IsEmpty))
                {
                    return false; // Take without an ordering: which rows is the database's choice
                }

                query = new QueryShape(source, key, property, parameter.Type, parameter.Name, LookupKind.OperatorOnLookup, isAsync, token, baseName) { Match = match };
                return true;
            }

            default:
                return false;
        }
    }

    /// <summary>
    /// <c>op(source, x =&gt; x.Column == key[, cancellationToken])</c>, or <c>op(source.Where(x =&gt; x.Column == key)[, cancellationToken])</c>;
    /// with <paramref name="hasSelector"/>, <c>op(source.Where(x =&gt; x.Column == key), selector[, cancellationToken])</c>. The
    /// predicate may hold more conjuncts (<c>x.Column == key &amp;&amp; x.IsActive</c>, see <see cref="TryMatchEquality"/>); with
    /// <paramref name="allowTail"/>, <c>OrderBy</c>/<c>ThenBy</c> and then one <c>Select</c> may stand between the <c>Where</c> and <c>op</c>.
    /// </summary>
    private static bool TryMatchKeyPredicate(IInvocationOperation invocation, bool hasSelector, Func<IOperation, bool> isElementKey, bool allowTail, out IOperation source, out IParameterSymbol parameter, out IPropertySymbol property, out IOperation key, out IAnonymousFunctionOperation? selector, out IOperation? token, out PredicateMatch match)
    {
        source = null!;
        parameter = null!;
        property = null!;
        key = null!;
        selector = null;
        token = null;
        match = null!;
        if (!invocation.TargetMethod.IsExtensionMethod && !invocation.TargetMethod.IsStatic)
        {
            return false;
        }

        IOperation? receiver = null;
        IAnonymousFunctionOperation? lambda = null;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is not { } declared)
            {
                return false;
            }

            if (declared.Ordinal == 0)
            {
                receiver = argument.Value;
            }
            else if (declared.Type is { Name: "CancellationToken", ContainingNamespace.Name: "Threading" })
            {
                if (argument.ArgumentKind == ArgumentKind.Explicit)
                {
                    token = argument.Value;
                }
            }
            else if (declared.Ordinal == 1 && UnwrapLambda(argument.Value) is { } function)
            {
                lambda = function;
            }
            else
            {
                return false;
            }
        }

        if (receiver is null)
        {
            return false;
        }

        receiver = StripConversions(receiver);
        if (hasSelector)
        {
            selector = lambda;
            lambda = null;
            if (selector is null)
            {
                return false;
            }
        }

        var orderings = new List<IInvocationOperation>();
        IAnonymousFunctionOperation? projection = null;
        IInvocationOperation? take = null;
        IAnonymousFunctionOperation? operatorFilter = null;
        if (lambda is not null && !TryMatchEquality(lambda, isElementKey, out _, out _, out _, out _, out _) &&
            IsQueryableCall(receiver, "Where") is not null)
        {
            // Where(x => x.Fk == key).Any(x => x.Flag): the operator's predicate is one more filter of the rows of the key.
            operatorFilter = lambda;
            lambda = null;
        }

        if (lambda is null)
        {
            if (allowTail)
            {
                // Where(key).OrderBy(..).ThenBy(..).Select(..).op(): the operators after the key filter, kept in the batch query;
                // a Take(n) after the orderings (before or after the Select) is applied per key to the lookup's rows.
                take = PeelTake(ref receiver);
                if (IsQueryableCall(receiver, "Select") is { } select && TryGetArguments(select, out var selectSource, out var selectLambda, out _, isAsync: false) &&
                    selectLambda.Symbol.Parameters.Length == 1)
                {
                    projection = selectLambda;
                    receiver = StripConversions(selectSource);
                }

                if (take is null)
                {
                    take = PeelTake(ref receiver);
                }
                else if (IsQueryableCall(receiver, "Take") is not null)
                {
                    return false;
                }

                while (orderings.Count < 4 &&
                       (IsQueryableCall(receiver, "OrderBy") ?? IsQueryableCall(receiver, "OrderByDescending") ?? IsQueryableCall(receiver, "ThenBy") ?? IsQueryableCall(receiver, "ThenByDescending")) is { } ordering &&
                       TryGetArguments(ordering, out var orderingSource, out var orderingLambda, out _, isAsync: false) && orderingLambda.Symbol.Parameters.Length == 1)
                {
                    orderings.Insert(0, ordering);
                    receiver = StripConversions(orderingSource);
                }

                if (orderings.Count > 0 && orderings[0].TargetMethod.Name.StartsWith("ThenBy", StringComparison.Ordinal))
                {
                    return false; // a ThenBy continues an ordering made before the Where: not ours to move
                }
            }

            // The key predicate is in the Where before the operator.
            if (IsQueryableCall(receiver, "Where") is not { } where ||
                !TryGetArguments(where, out receiver, out lambda, out _, isAsync: false))
            {
                return false;
            }
        }

        source = receiver;
        if (!TryMatchEquality(lambda, isElementKey, out parameter, out property, out key, out var keyConjunct, out var others))
        {
            return false;
        }

        match = new PredicateMatch(lambda, keyConjunct, others, orderings.ToImmutableArray(), projection) { OperatorFilter = operatorFilter, Take = take };
        return true;
    }

    /// <summary><c>Queryable.<paramref name="name"/>(...)</c>, or null.</summary>
    private static IInvocationOperation? IsQueryableCall(IOperation operation, string name) =>
        operation is IInvocationOperation { TargetMethod.ContainingType.Name: "Queryable" } invocation && invocation.TargetMethod.Name == name ? invocation : null;

    private static IOperation StripConversions(IOperation operation)
    {
        var current = Loops.Unwrap(operation);
        while (current is IConversionOperation { IsImplicit: true } conversion)
        {
            current = Loops.Unwrap(conversion.Operand);
        }

        return current;
    }

    /// <summary>
    /// The key filter of the per-element query and what else the batch query keeps: the predicate's other conjuncts
    /// (<c>&amp;&amp; l.IsActive</c>), the orderings and the projection after the <c>Where</c>. None of them may read the element.
    /// </summary>
    private sealed partial class PredicateMatch
    {
        public PredicateMatch(IAnonymousFunctionOperation predicate, IOperation keyConjunct, ImmutableArray<IOperation> otherConjuncts, ImmutableArray<IInvocationOperation> orderings, IAnonymousFunctionOperation? projection)
        {
            Predicate = predicate;
            KeyConjunct = keyConjunct;
            OtherConjuncts = otherConjuncts;
            Orderings = orderings;
            Projection = projection;
        }

        public IAnonymousFunctionOperation Predicate { get; }

        /// <summary>The <c>x.Column == key</c> conjunct, replaced by <c>keys.Contains(x.Column)</c> in the batch.</summary>
        public IOperation KeyConjunct { get; }

        public ImmutableArray<IOperation> OtherConjuncts { get; }

        public ImmutableArray<IInvocationOperation> Orderings { get; }

        public IAnonymousFunctionOperation? Projection { get; }

        public bool HasTail => Orderings.Length > 0 || Projection is not null;

        /// <summary>The operator's own predicate after the key <c>Where</c> (<c>Where(x =&gt; x.Fk == key).Any(x =&gt; x.Flag)</c>), kept as a second <c>Where</c>.</summary>
        public IAnonymousFunctionOperation? OperatorFilter { get; set; }

        /// <summary>What must not depend on the iteration: other conjuncts, the operator's predicate, ordering keys, the projection.</summary>
        public IEnumerable<IOperation> ElementIndependentParts
        {
            get
            {
                foreach (var conjunct in OtherConjuncts)
                {
                    yield return conjunct;
                }

                if (OperatorFilter is not null)
                {
                    yield return OperatorFilter;
                }

                foreach (var ordering in Orderings)
                {
                    yield return ordering.Arguments[1].Value;
                }

                if (Projection is not null)
                {
                    yield return Projection;
                }

                if (TakeCount is { } count)
                {
                    yield return count;
                }
            }
        }

        /// <summary>
        /// The batch filter's body: the predicate's body with the key conjunct replaced by <paramref name="contains"/>;
        /// null when the predicate's text cannot be rewritten (a block body).
        /// </summary>
        public string? BatchPredicateBody(string contains)
        {
            if (OtherConjuncts.IsEmpty)
            {
                return contains;
            }

            if (Predicate.Syntax is not LambdaExpressionSyntax { ExpressionBody: { } body } || KeyConjunct.Syntax is not ExpressionSyntax keySyntax ||
                !body.Span.Contains(keySyntax.Span))
            {
                return null;
            }

            var replaced = body.ReplaceNode(keySyntax, SyntaxFactory.ParseExpression(contains).WithTriviaFrom(keySyntax));
            return System.Text.RegularExpressions.Regex.Replace(replaced.WithoutTrivia().ToString(), @"\s*\r?\n\s*", " ");
        }
    }

    /// <summary>The operator's result (for an <c>...Async</c> operator, the awaited result).</summary>
    private static ITypeSymbol? ResultType(IInvocationOperation invocation, bool isAsync) =>
        !isAsync ? invocation.Type : invocation.Type is INamedTypeSymbol { TypeArguments.Length: 1 } task ? task.TypeArguments[0] : null;

    /// <summary>Non-nullable numbers: EF Core sums an empty set of them to 0, the dictionary's default.</summary>
    private static bool IsSummable(ITypeSymbol type) =>
        type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Decimal or SpecialType.System_Double or SpecialType.System_Single;

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
    private sealed partial class RepetitionShape
    {
        public RepetitionShape(ISymbol element, string elementName, IOperation collection, StatementSyntax anchor, bool materialise = false)
        {
            Element = element;
            ElementName = elementName;
            Collection = collection;
            Anchor = anchor;
            Materialise = materialise;
        }

        /// <summary>
        /// The <c>foreach</c> source is not a collection that can be read twice (a lazy sequence, a method result, a
        /// property with logic): the fix enumerates it once into a list before the loop and iterates that list.
        /// </summary>
        public bool Materialise { get; }

        /// <summary>The iteration variable or lambda parameter.</summary>
        public ISymbol Element { get; }

        public string ElementName { get; }

        /// <summary>The in-memory collection iterated (evaluated once more, to collect the keys).</summary>
        public IOperation Collection { get; }

        public StatementSyntax Anchor { get; }

        /// <summary>
        /// For <c>for (var i = 0; i &lt; list.Count; i++)</c> whose key reads <c>list[i]</c> directly: the list (a local or
        /// parameter); <see cref="Element"/> is then the index <c>i</c>. Null otherwise.
        /// </summary>
        public ISymbol? IndexedCollection { get; set; }

        /// <summary>The key is computed from the element alone (for an indexed loop: from <c>list[i]</c>).</summary>
        public bool IsKey(IOperation key) =>
            !Deconstruction.IsDefault ? IsKeyOfDeconstructed(key) :
            IndexedCollection is null ? IsKeyOfElement(key, Element) : IsKeyOfIndexedElement(key, (ILocalSymbol)Element, IndexedCollection);

        /// <summary>The key's text inside <c>list.Select(name =&gt; ...)</c>: for an indexed loop, <c>list[i]</c> becomes <paramref name="name"/>.</summary>
        public string KeyInLambda(SyntaxNode key, string name)
        {
            if (!Deconstruction.IsDefault)
            {
                return DeconstructedKeyInLambda(key, name);
            }

            if (IndexedCollection is null)
            {
                return key.WithoutTrivia().ToString();
            }

            var accesses = key.DescendantNodesAndSelf().OfType<ElementAccessExpressionSyntax>()
                .Where(access => access.Expression is IdentifierNameSyntax list && list.Identifier.ValueText == IndexedCollection.Name);
            return key.ReplaceNodes(accesses, (_, _) => SyntaxFactory.IdentifierName(name)).WithoutTrivia().ToString();
        }
    }

    private static string Singular(string name) =>
        name.EndsWith("ies", StringComparison.Ordinal) && name.Length > 3 ? name.Substring(0, name.Length - 3) + "y" :
        name.EndsWith("s", StringComparison.Ordinal) && name.Length > 1 ? name.Substring(0, name.Length - 1) :
        name + "Item";

    private static bool TryMatchRepetition(in LoopContext loop, out RepetitionShape repetition, bool allowIndexLoops = false, bool allowDeconstruction = false)
    {
        repetition = null!;
        if (allowDeconstruction && loop.Loop is IForEachLoopOperation { IsAsynchronous: false, Syntax: ForEachVariableStatementSyntax } deconstructing)
        {
            return RepetitionShape.TryDeconstruct(deconstructing, out repetition);
        }

        if (allowIndexLoops && loop.Loop is IForLoopOperation { Syntax: ForStatementSyntax forSyntax } forLoop)
        {
            // for (var i = 0; i < list.Count; i++) { var order = list[i]; ... } or { ... list[i].Id ... }: the elements of the list, in order.
            if (!IsInStatementList(forSyntax) || !TryMatchIndexLoop(forLoop, out var index, out var indexed) ||
                IterationDependence.ReferencedSymbol(indexed) is not { } list || !IsOnlyReadAtIndex(forLoop.Body, list, index))
            {
                return false;
            }

            if (forLoop.Body is IBlockOperation { Operations.Length: > 0 } block &&
                block.Operations[0] is IVariableDeclarationGroupOperation { Declarations.Length: 1 } first &&
                first.Declarations[0].Declarators.Length == 1 &&
                first.Declarations[0].Declarators[0] is { Initializer.Value: { } value } declarator &&
                IsElementAt(value, list, index) &&
                SymbolEqualityComparer.Default.Equals(declarator.Symbol.Type, ElementType(indexed.Type)) &&
                IsNeverReassigned(forLoop.Body, declarator.Symbol))
            {
                repetition = new RepetitionShape(declarator.Symbol, declarator.Symbol.Name, indexed, forSyntax);
                return true;
            }

            repetition = new RepetitionShape(index, string.Empty, indexed, forSyntax) { IndexedCollection = list };
            return true;
        }

        if (loop.Loop is IForEachLoopOperation { IsAsynchronous: false, Syntax: ForEachStatementSyntax syntax } forEach)
        {
            // foreach (var element in collection) with an identity element conversion.
            if (forEach.Locals.Length != 1 || !IsInStatementList(syntax))
            {
                return false;
            }

            var materialise = false;
            if (!IsStable(forEach.Collection, out var collection))
            {
                if (!IsMaterialisable(forEach.Collection, out collection))
                {
                    return false;
                }

                materialise = true;
            }

            var element = forEach.Locals[0];
            if (ElementType(collection.Type) is not { } elementType || !SymbolEqualityComparer.Default.Equals(elementType, element.Type))
            {
                return false;
            }

            repetition = new RepetitionShape(element, syntax.Identifier.ValueText, collection, syntax, materialise);
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

        if (!IsStableReference(collection))
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

    /// <summary>
    /// A local, parameter, field, or a chain of fields and auto-properties (<c>@event.Items</c>, <c>this.Order.Lines</c>)
    /// from one: reading it again just before the loop gives the same object. A property with a body could compute anew.
    /// </summary>
    private static bool IsStableReference(IOperation operation)
    {
        for (var depth = 0; depth < 8; depth++)
        {
            switch (operation)
            {
                case ILocalReferenceOperation:
                case IParameterReferenceOperation:
                case IInstanceReferenceOperation:
                    return true;
                case IFieldReferenceOperation field:
                    if (field.Instance is null)
                    {
                        return true;
                    }

                    operation = field.Instance;
                    continue;
                case IPropertyReferenceOperation { Arguments.Length: 0 } property when IsAutoProperty(property.Property):
                    if (property.Instance is null)
                    {
                        return true;
                    }

                    operation = property.Instance;
                    continue;
                default:
                    return false;
            }
        }

        return false;
    }

    /// <summary>A property of the code base with a compiler-generated backing field (auto-property, record positional property).</summary>
    private static bool IsAutoProperty(IPropertySymbol property)
    {
        if (property.IsIndexer || property.ContainingType is null)
        {
            return false;
        }

        foreach (var member in property.ContainingType.GetMembers())
        {
            if (member is IFieldSymbol { IsImplicitlyDeclared: true } field && SymbolEqualityComparer.Default.Equals(field.AssociatedSymbol, property))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A <c>foreach</c> source the fix can enumerate once into a list before the loop: any in-memory sequence
    /// (<c>IEnumerable&lt;T&gt;</c>, not a database query, not <c>IAsyncEnumerable</c>). It is evaluated at the same point as
    /// before (just before the loop); only a lazy sequence's enumeration moves ahead of the loop body.
    /// </summary>
    private static bool IsMaterialisable(IOperation operation, out IOperation collection)
    {
        collection = Loops.Unwrap(operation);
        while (collection is IConversionOperation { IsImplicit: true } conversion)
        {
            collection = Loops.Unwrap(conversion.Operand);
        }

        if (collection.Type is IArrayTypeSymbol { Rank: 1 } && collection.Syntax is ExpressionSyntax && !collection.Syntax.ContainsDiagnostics &&
            collection.Syntax.GetType().Name != "CollectionExpressionSyntax")
        {
            return true; // an array a method returns (Enum.GetValues<T>(), string.Split): listed once like any sequence
        }

        if (collection.Type is not INamedTypeSymbol type || collection.Syntax is not ExpressionSyntax || collection.Syntax.GetType().Name == "CollectionExpressionSyntax" ||
            collection.Syntax.ContainsDiagnostics || ElementType(type) is null ||
            type.TypeKind == TypeKind.Dynamic)
        {
            return false;
        }

        foreach (var implemented in type.AllInterfaces)
        {
            if (implemented.Name is "IQueryable" or "IAsyncEnumerable")
            {
                return false;
            }
        }

        return type.Name != "IQueryable";
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
    private static bool WritesOrMutatesElements(IOperation body, DatabaseApis apis, ISymbol element, IOperation? key = null)
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
                    if (IterationDependence.RootSymbol(assignment.Target) is { } root && SymbolEqualityComparer.Default.Equals(root, element) &&
                        !IsResultMemberOfElement(assignment.Target, element, key))
                    {
                        return true;
                    }

                    break;

                case IIncrementOrDecrementOperation increment:
                    if (IterationDependence.RootSymbol(increment.Target) is { } incremented && SymbolEqualityComparer.Default.Equals(incremented, element) &&
                        !IsResultMemberOfElement(increment.Target, element, key))
                    {
                        return true;
                    }

                    break;
            }
        }

        return false;
    }

    /// <summary>
    /// An assignment into a field or auto-property directly on the element that the key does not read (a DTO filled in
    /// the loop: <c>item.ReviewCount = ...</c> with the key <c>item.Id</c>): the keys collected before the loop are the
    /// ones each iteration would have read. A property with a body could change the key; a deeper target
    /// (<c>item.Customer.Id = ..</c>) could reach another element's key. Without a <paramref name="key"/>, none is allowed.
    /// </summary>
    private static bool IsResultMemberOfElement(IOperation target, ISymbol element, IOperation? key)
    {
        if (key is null)
        {
            return false;
        }

        ISymbol member;
        switch (Loops.Unwrap(target))
        {
            case IPropertyReferenceOperation { Arguments.Length: 0, Instance: { } instance } property when IsAutoProperty(property.Property) && IsReferenceTo(instance, element):
                member = property.Property;
                break;
            case IFieldReferenceOperation { Instance: { } instance } field when IsReferenceTo(instance, element):
                member = field.Field;
                break;
            default:
                return false;
        }

        foreach (var operation in key.DescendantsAndSelf())
        {
            if (operation is IMemberReferenceOperation read && SymbolEqualityComparer.Default.Equals(read.Member, member))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsReferenceTo(IOperation operation, ISymbol symbol) =>
        IterationDependence.ReferencedSymbol(Loops.Unwrap(operation)) is { } referenced && SymbolEqualityComparer.Default.Equals(referenced, symbol);

    /// <summary>
    /// The parts of the query the batch keeps besides the key filter (other conjuncts, ordering keys, the projection)
    /// read nothing that changes per iteration: not the element, nor a local assigned in the loop, nor a member the loop
    /// assigns, nor a static property (<c>DateTime.UtcNow</c>: read once per query before, once for all after); and call no
    /// method (it could read anything). Object creation (a DTO in the projection) is allowed.
    /// </summary>
    private static bool AreElementIndependent(IEnumerable<IOperation> parts, in LoopContext loop)
    {
        IterationDependence? dependence = null;
        HashSet<ISymbol>? assignedMembers = null;
        foreach (var part in parts)
        {
            dependence ??= IterationDependence.Compute(loop);
            if (assignedMembers is null)
            {
                assignedMembers = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
                foreach (var operation in loop.Body.DescendantsAndSelf())
                {
                    var target = operation switch
                    {
                        IAssignmentOperation assignment => assignment.Target,
                        IIncrementOrDecrementOperation increment => increment.Target,
                        _ => null,
                    };
                    if (target is not null && Loops.Unwrap(target) is IMemberReferenceOperation member)
                    {
                        assignedMembers.Add(member.Member);
                    }
                }
            }

            if (dependence.IsReferencedIn(part))
            {
                return false;
            }

            foreach (var operation in part.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IInvocationOperation:
                    case IAwaitOperation:
                    case IPropertyReferenceOperation { Instance: null }:
                    case IFieldReferenceOperation { Instance: null, Field: { IsConst: false, IsReadOnly: false } }:
                        return false;
                    case IMemberReferenceOperation member when assignedMembers.Contains(member.Member):
                        return false;
                    case ILocalReferenceOperation local when !loop.LifetimeSpansIterations(local.Local):
                        return false; // declared in the loop body: not in scope before the loop
                }
            }
        }

        return true;
    }
}
