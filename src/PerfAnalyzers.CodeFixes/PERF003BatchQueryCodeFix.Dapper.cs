using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.Common;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF003, Dapper: a per-element <c>connection.QueryFirstOrDefault&lt;T&gt;("... where Col = @p", new { p = e.K })</c>
/// (<c>QueryFirst</c>, <c>QuerySingle</c>, <c>QuerySingleOrDefault</c>, <c>Query</c>, and their <c>...Async</c> forms)
/// becomes one <c>connection.Query&lt;T&gt;("... where Col in @p", new { p = keys })</c> before the loop (Dapper expands
/// the list) and a <c>ToLookup</c> by the property the column maps to. Offered only for SQL text the rewrite cannot
/// change the meaning of (see <see cref="TryRewriteSql"/>).
/// </summary>
public sealed partial class PERF003BatchQueryCodeFix
{
    private sealed partial class Plan
    {
        private static readonly Regex s_equality = new(
            @"(?<![\w.\]""`@])(?<column>(?:\w+\.)?(?:\[\w+\]|""\w+""|`\w+`|\w+))\s*=\s*@(?<parameter>\w+)\b",
            RegexOptions.CultureInvariant);

        private static readonly Regex s_forbidden = new(
            @"\b(join|union|intersect|except|group|having|top|limit|fetch|offset|distinct|or|exists|in|count|sum|min|max|avg|over|into|update|delete|insert|merge|with)\b|;|--|/\*",
            RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

        public static Plan? TryCreateDapper(SemanticModel model, InvocationExpressionSyntax syntax, int batchSize, CancellationToken cancellationToken)
        {
            if (model.GetOperation(syntax, cancellationToken) is not IInvocationOperation invocation ||
                invocation.TargetMethod is not { ContainingType.Name: "SqlMapper", TypeArguments.Length: 1 } method ||
                DatabaseApis.TryCreate(model.Compilation) is not { } apis ||
                apis.Classify(invocation) != DatabaseCallKind.Read ||
                syntax.Expression is not MemberAccessExpressionSyntax { Name: GenericNameSyntax { TypeArgumentList.Arguments.Count: 1 } generic, Expression: { } connectionSyntax })
            {
                return null;
            }

            var isAsync = method.Name.EndsWith("Async", StringComparison.Ordinal);
            var operatorName = (isAsync ? method.Name.Substring(0, method.Name.Length - "Async".Length) : method.Name) switch
            {
                "QueryFirstOrDefault" => "FirstOrDefault",
                "QueryFirst" => "First",
                "QuerySingle" => "Single",
                "QuerySingleOrDefault" => "SingleOrDefault",
                "Query" => "ToList",
                _ => null,
            };
            if (operatorName is null)
            {
                return null;
            }

            // (connection, sql literal, new { p = element.K }) and nothing else but defaults.
            if (!TryReadDapperArguments(invocation, out var connection, out var sql, out var parameters))
            {
                return null;
            }

            // The repetition first: the key is the one parameter read from the element; any other must not change per element.
            if (!Loops.TryGetEnclosingLoop(invocation, IsMaterialisedSelect, out var loop) ||
                !TryMatchRepetition(loop, out var repetition) ||
                !TrySplitDapperParameters(parameters, value => IsKeyOfElement(value, repetition.Element), out var member, out var key, out var otherValues, out var otherNames, out var otherDeclarators) ||
                !IsLoopInvariant(connection, loop, repetition.Element) ||
                WritesOrMutatesElements(loop.Body, apis, repetition.Element))
            {
                return null;
            }

            foreach (var value in otherValues)
            {
                if (!IsLoopInvariant(value, loop, repetition.Element))
                {
                    return null;
                }
            }

            if (!AreElementIndependent(otherValues, loop) ||
                !IsBatchableKeyType(key.Type) ||
                !TryRewriteSql(sql.Token.Text, (string)sql.Token.Value!, member.Name, otherNames, out var column, out var rewritten) ||
                method.TypeArguments[0] is not INamedTypeSymbol { SpecialType: SpecialType.None, TypeKind: TypeKind.Class or TypeKind.Struct } row ||
                MappedProperty(row, column) is not { } property ||
                !SymbolEqualityComparer.Default.Equals(property.Type, key.Type))
            {
                return null;
            }

            ExpressionSyntax replaced = syntax;
            if (isAsync)
            {
                if (syntax.Parent is not AwaitExpressionSyntax awaitExpression)
                {
                    return null;
                }

                replaced = awaitExpression;
            }

            var anchor = repetition.Anchor;
            var position = anchor.SpanStart;
            if (batchSize > 0 && model.Compilation.GetTypeByMetadataName("System.Linq.Enumerable") is { } enumerable && enumerable.GetMembers("Chunk").IsEmpty)
            {
                return null;
            }

            var used = CollectUsedNames(model, anchor, cancellationToken);
            var keys = Unique(Camel(row.Name) + "Keys", used);
            var map = Unique(Camel(row.Name) + "sBy" + property.Name, used);
            var parameter = UniqueLambdaParameter(Camel(row.Name).Substring(0, 1), model, anchor, null, cancellationToken);
            var typeArgument = generic.TypeArgumentList.Arguments[0].ToString();
            var connectionText = connectionSyntax.WithoutTrivia().ToString();
            var keyText = key.Syntax.WithoutTrivia().ToString();
            var awaitText = isAsync ? "await " : string.Empty;
            var queryName = isAsync ? "QueryAsync" : "Query";
            var toLookup = $"ToLookup({parameter} => {parameter}.{property.Name})";

            var others = otherDeclarators.IsEmpty ? string.Empty : ", " + string.Join(", ", otherDeclarators);
            var statements = ImmutableArray.CreateBuilder<string>();
            var collectionText = repetition.Collection.Syntax.WithoutTrivia().ToString();
            string? materialisedAs = null;
            if (repetition.Materialise)
            {
                // A lazy sequence (IEnumerable<int> ids): listed once before the loop, which then iterates the list.
                materialisedAs = Unique(MaterialisedName(repetition.Collection.Syntax, repetition.ElementName), used);
                statements.Add(MaterialiseStatement(materialisedAs, repetition.Collection.Syntax, collectionText));
                collectionText = materialisedAs;
            }

            statements.Add($"var {keys} = {collectionText}.Select({repetition.ElementName} => {keyText}).Distinct().ToList();");
            if (batchSize <= 0)
            {
                var query = $"{connectionText}.{queryName}<{typeArgument}>({rewritten}, new {{ {member.Name} = {keys}{others} }})";
                statements.Add(isAsync ? $"var {map} = (await {query}).{toLookup};" : $"var {map} = {query}.{toLookup};");
            }
            else
            {
                var rows = Unique(Camel(row.Name) + "Rows", used);
                var chunk = Unique("chunk", used);
                var size = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
                statements.Add($"var {rows} = new List<{typeArgument}>();");
                statements.Add(
                    $"foreach (var {chunk} in {keys}.Chunk({size}))\n{{\n" +
                    $"    {rows}.AddRange({awaitText}{connectionText}.{queryName}<{typeArgument}>({rewritten}, new {{ {member.Name} = {chunk}{others} }}));\n}}");
                statements.Add($"var {map} = {rows}.{toLookup};");
            }

            var missing = ImmutableArray.CreateBuilder<string>();
            if (!HasExtension(model, position, repetition.Collection.Type, "Distinct"))
            {
                missing.Add("System.Linq");
            }

            if (batchSize > 0 && model.LookupNamespacesAndTypes(position, name: "List").IsEmpty)
            {
                missing.Add("System.Collections.Generic");
            }

            return new Plan(
                anchor,
                replaced,
                $"Load all '{row.Name}' rows in one query before the loop (Dapper list expansion)",
                statements.ToImmutable(),
                $"{map}[{keyText}].{operatorName}()",
                missing.ToImmutable(),
                materialisedAs);
        }

        /// <summary>
        /// Rewrites the one <c>Col = @p</c> of a single-table <c>SELECT</c> into <c>Col in @p</c>. Refused: other
        /// parameters, the parameter used twice, joins, unions, grouping, aggregates, <c>DISTINCT</c>, paging (<c>TOP</c>,
        /// <c>LIMIT</c>, <c>FETCH</c>, <c>OFFSET</c>: a limit per element would become one limit for all), <c>OR</c>,
        /// <c>EXISTS</c>/<c>IN</c>, subqueries, comments, several statements, and a select list that does not include the
        /// column (<c>*</c> or its name): the rows must carry the key to be grouped back.
        /// </summary>
        internal static bool TryRewriteSql(string tokenText, string value, string parameterName, out string column, out string rewritten)
        {
            column = string.Empty;
            rewritten = string.Empty;
            if (value.IndexOf('@') != value.LastIndexOf('@') || s_forbidden.IsMatch(value) ||
                Regex.Matches(value, @"\bselect\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant).Count != 1)
            {
                return false;
            }

            var inValue = s_equality.Matches(value);
            var inToken = s_equality.Matches(tokenText);
            if (inValue.Count != 1 || inToken.Count != 1 ||
                !string.Equals(inValue[0].Groups["parameter"].Value, parameterName, StringComparison.OrdinalIgnoreCase) ||
                !string.Equals(inToken[0].Value, inValue[0].Value, StringComparison.Ordinal))
            {
                return false;
            }

            var qualified = inValue[0].Groups["column"].Value;
            column = qualified.Substring(qualified.LastIndexOf('.') + 1).Trim('[', ']', '"', '`');

            // The select list carries the column: '*' or the column's name.
            var select = Regex.Match(value, @"\bselect\b(?<list>.*?)\bfrom\b", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant);
            if (!select.Success ||
                !(select.Groups["list"].Value.Trim() == "*" || Regex.IsMatch(select.Groups["list"].Value, @"(^|[\s,.\[""`])" + Regex.Escape(column) + @"($|[\s,\]""`])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)))
            {
                return false;
            }

            var match = inToken[0];
            rewritten = tokenText.Substring(0, match.Index) + qualified + " in @" + match.Groups["parameter"].Value + tokenText.Substring(match.Index + match.Length);
            return true;
        }

        /// <summary>The public property Dapper maps the column to (name compared case-insensitively); null when none or several.</summary>
        private static IPropertySymbol? MappedProperty(INamedTypeSymbol type, string column)
        {
            IPropertySymbol? found = null;
            for (var current = type; current is not null; current = current.BaseType)
            {
                foreach (var member in current.GetMembers())
                {
                    if (member is IPropertySymbol { IsStatic: false, DeclaredAccessibility: Accessibility.Public, Parameters.Length: 0 } candidate &&
                        string.Equals(candidate.Name, column, StringComparison.OrdinalIgnoreCase))
                    {
                        if (found is not null && !SymbolEqualityComparer.Default.Equals(found, candidate.OverriddenProperty))
                        {
                            return null;
                        }

                        found ??= candidate;
                    }
                }
            }

            return found;
        }

        /// <summary>
        /// The arguments of a Dapper call made of a connection, a SQL string literal and an anonymous parameter object,
        /// every other argument left at its default (shared by the query and the count forms).
        /// </summary>
        private static bool TryReadDapperArguments(
            IInvocationOperation invocation,
            out IOperation connection,
            out LiteralExpressionSyntax sql,
            out IAnonymousObjectCreationOperation parameters)
        {
            connection = null!;
            sql = null!;
            parameters = null!;
            foreach (var argument in invocation.Arguments)
            {
                switch (argument.Parameter?.Name)
                {
                    case "cnn" when argument.Parameter.Ordinal == 0:
                        connection = argument.Value;
                        break;
                    case "sql" when argument.Value.Syntax is LiteralExpressionSyntax literal && argument.Value.ConstantValue.Value is string:
                        sql = literal;
                        break;
                    case "param" when Loops.Unwrap(argument.Value) is IConversionOperation { Operand: IAnonymousObjectCreationOperation created }:
                        parameters = created;
                        break;
                    case "param" when Loops.Unwrap(argument.Value) is IAnonymousObjectCreationOperation created:
                        parameters = created;
                        break;
                    default:
                        if (argument.ArgumentKind != ArgumentKind.DefaultValue)
                        {
                            return false;
                        }

                        break;
                }
            }

            return connection is not null && sql is not null && parameters is not null;
        }
    }
}
