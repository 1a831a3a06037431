using System;
using System.Collections.Immutable;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.Common;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF003, Dapper count per element: <c>connection.ExecuteScalar&lt;int&gt;("select count(*) from T where Col = @p", new { p = e.K })</c>
/// (or <c>long</c>, <c>count(1)</c>, awaited <c>ExecuteScalarAsync</c>) becomes one grouped query before the loop,
/// <c>select Col, count(*) from T where Col in @p group by Col</c> read into a dictionary, and
/// <c>counts.GetValueOrDefault(e.K)</c> in the loop (0 for a key without rows, as <c>count(*)</c> answers).
/// <c>QueryFirst</c>/<c>QueryFirstOrDefault</c>/<c>QuerySingle</c>/<c>QuerySingleOrDefault</c> of the same count are
/// the same value (a count always answers one row). Only that exact statement is rewritten: anything else in the SQL (joins, other conditions, aliases, a second
/// statement, other aggregates) gets no fix.
/// </summary>
public sealed partial class PERF003BatchQueryCodeFix
{
    private sealed partial class Plan
    {
        private const string SqlName = @"(?:\w+\.)?(?:\[\w+\]|""\w+""|`\w+`|\w+)";

        private static readonly Regex s_countByKey = new(
            @"^\s*select\s+count\s*\(\s*(?:\*|1)\s*\)\s+from\s+(?<table>" + SqlName + @")\s+where\s+(?<column>" + SqlName + @")\s*=\s*@(?<parameter>\w+)\s*;?\s*$",
            RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.Singleline);

        public static Plan? TryCreateDapperScalar(SemanticModel model, InvocationExpressionSyntax syntax, int batchSize, CancellationToken cancellationToken)
        {
            if (model.GetOperation(syntax, cancellationToken) is not IInvocationOperation invocation ||
                invocation.TargetMethod is not { ContainingType.Name: "SqlMapper", TypeArguments.Length: 1 } method ||
                !IsCountCall(method.Name) ||
                method.TypeArguments[0].SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64) ||
                DatabaseApis.TryCreate(model.Compilation) is not { } apis ||
                syntax.Expression is not MemberAccessExpressionSyntax { Name: GenericNameSyntax { TypeArgumentList.Arguments.Count: 1 } generic, Expression: { } connectionSyntax })
            {
                return null;
            }

            // (connection, sql literal, new { p = element.K }) and nothing else but defaults.
            if (!TryReadDapperArguments(invocation, out var connection, out var sqlLiteral, out var parameters))
            {
                return null;
            }

            var sql = (string)sqlLiteral.Token.Value!;
            if (parameters is not { Initializers.Length: 1 } ||
                parameters.Initializers[0] is not ISimpleAssignmentOperation { Target: IPropertyReferenceOperation member, Value: { } key } ||
                key.Type?.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64) ||
                s_countByKey.Match(sql) is not { Success: true } match ||
                !string.Equals(match.Groups["parameter"].Value, member.Property.Name, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            if (!Loops.TryGetEnclosingLoop(invocation, IsMaterialisedSelect, out var loop) ||
                !TryMatchRepetition(loop, out var repetition) || repetition.Materialise ||
                !IsKeyOfElement(key, repetition.Element) ||
                !IsLoopInvariant(connection, loop, repetition.Element) ||
                WritesOrMutatesElements(loop.Body, apis, repetition.Element))
            {
                return null;
            }

            var isAsync = method.Name.EndsWith("Async", StringComparison.Ordinal);
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

            var table = match.Groups["table"].Value;
            var column = match.Groups["column"].Value;
            var parameterName = match.Groups["parameter"].Value;
            var plainTable = table.Substring(table.LastIndexOf('.') + 1).Trim('[', ']', '"', '`');
            var plainColumn = column.Substring(column.LastIndexOf('.') + 1).Trim('[', ']', '"', '`');
            var grouped = SyntaxFactory.Literal($"select {column}, count(*) from {table} where {column} in @{parameterName} group by {column}").Text;

            var used = CollectUsedNames(model, anchor, cancellationToken);
            var noun = Camel(plainTable);
            var keys = Unique(noun + "Keys", used);
            var map = Unique(noun + "CountsBy" + char.ToUpperInvariant(plainColumn[0]) + plainColumn.Substring(1), used);
            var keyType = key.Type.ToMinimalDisplayString(model, position);
            var countType = generic.TypeArgumentList.Arguments[0].ToString();
            var rowType = $"({keyType} Key, {countType} Count)";
            var connectionText = connectionSyntax.WithoutTrivia().ToString();
            var keyText = key.Syntax.WithoutTrivia().ToString();
            var awaitText = isAsync ? "await " : string.Empty;
            var queryName = isAsync ? "QueryAsync" : "Query";

            var statements = ImmutableArray.CreateBuilder<string>();
            statements.Add($"var {keys} = {repetition.Collection.Syntax.WithoutTrivia()}.Select({repetition.ElementName} => {keyText}).Distinct().ToList();");
            if (batchSize <= 0)
            {
                var rows = Unique(noun + "CountRows", used);
                var r = UniqueLambdaParameter("r", model, anchor, null, cancellationToken);
                statements.Add(
                    $"var {rows} = {awaitText}{connectionText}.{queryName}<{rowType}>(\n" +
                    $"    {grouped},\n    new {{ {member.Property.Name} = {keys} }});");
                statements.Add($"var {map} = {rows}.ToDictionary({r} => {r}.Key, {r} => {r}.Count);");
            }
            else
            {
                var chunk = Unique("chunk", used);
                var row = Unique("row", used);
                var rows = Unique(noun + "CountRows", used);
                var size = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
                statements.Add($"var {map} = new Dictionary<{keyType}, {countType}>();");
                statements.Add(
                    $"foreach (var {chunk} in {keys}.Chunk({size}))\n{{\n" +
                    $"    var {rows} = {awaitText}{connectionText}.{queryName}<{rowType}>(\n" +
                    $"        {grouped},\n        new {{ {member.Property.Name} = {chunk} }});\n" +
                    $"    foreach (var {row} in {rows})\n    {{\n" +
                    $"        {map}.Add({row}.Key, {row}.Count);\n    }}\n}}");
            }

            var missing = ImmutableArray.CreateBuilder<string>();
            if (!HasExtension(model, position, repetition.Collection.Type, "Distinct"))
            {
                missing.Add("System.Linq");
            }

            if ((model.Compilation.GetTypeByMetadataName("System.Collections.Generic.Dictionary`2") is not { } dictionary ||
                 !HasExtension(model, position, dictionary.Construct(key.Type, method.TypeArguments[0]), "GetValueOrDefault") ||
                 (batchSize > 0 && model.LookupNamespacesAndTypes(position, name: "Dictionary").IsEmpty)))
            {
                missing.Add("System.Collections.Generic");
            }

            return new Plan(
                anchor,
                replaced,
                $"Count the '{plainTable}' rows of all elements in one grouped query before the loop (Dapper list expansion)",
                statements.ToImmutable(),
                $"{map}.GetValueOrDefault({keyText})",
                missing.ToImmutable());
        }

        /// <summary>Dapper calls that answer the one value of a one-row result: the count.</summary>
        private static bool IsCountCall(string name) => name is
            "ExecuteScalar" or "ExecuteScalarAsync" or "QueryFirst" or "QueryFirstAsync" or "QueryFirstOrDefault" or
            "QueryFirstOrDefaultAsync" or "QuerySingle" or "QuerySingleAsync" or "QuerySingleOrDefault" or "QuerySingleOrDefaultAsync";
    }
}
