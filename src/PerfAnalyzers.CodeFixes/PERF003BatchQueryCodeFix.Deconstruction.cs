using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF003 fix, deconstructing loops: <c>foreach (var (id, price) in prices)</c> over a dictionary
/// (<c>KeyValuePair</c>: <c>Key</c>, <c>Value</c>) or a collection of tuples (<c>Item1</c>, ...), with the key read from one
/// of the variables. The keys are collected from the same elements before the loop (<c>prices.Select(entry =&gt; entry.Key)</c>);
/// the loop keeps its deconstruction.
/// </summary>
public sealed partial class PERF003BatchQueryCodeFix
{
    private sealed partial class RepetitionShape
    {
        /// <summary>For a deconstructing <c>foreach</c>: each variable and the member of the element it holds; default otherwise.</summary>
        public ImmutableArray<(ILocalSymbol Local, string Member)> Deconstruction { get; private set; }

        /// <summary>
        /// <c>foreach (var (a, b) in collection)</c> over a collection that can be read twice, whose elements are
        /// <c>KeyValuePair&lt;K, V&gt;</c> or a tuple of as many elements as variables (discards allowed, no nesting).
        /// </summary>
        public static bool TryDeconstruct(IForEachLoopOperation forEach, out RepetitionShape repetition)
        {
            repetition = null!;
            if (forEach.Syntax is not ForEachVariableStatementSyntax { Variable: DeclarationExpressionSyntax { Designation: ParenthesizedVariableDesignationSyntax designation } } syntax ||
                !IsInStatementList(syntax) ||
                !IsStable(forEach.Collection, out var collection) ||
                ElementType(collection.Type) is not INamedTypeSymbol elementType)
            {
                return false;
            }

            var count = designation.Variables.Count;
            string[] members;
            if (elementType is { Name: "KeyValuePair", TypeArguments.Length: 2, ContainingNamespace.Name: "Generic" } && count == 2)
            {
                members = new[] { "Key", "Value" };
            }
            else if (elementType.IsTupleType && elementType.TupleElements.Length == count)
            {
                members = Enumerable.Range(1, count).Select(i => "Item" + i).ToArray();
            }
            else
            {
                return false;
            }

            var locals = ImmutableArray.CreateBuilder<(ILocalSymbol, string)>();
            for (var i = 0; i < count; i++)
            {
                switch (designation.Variables[i])
                {
                    case SingleVariableDesignationSyntax single:
                        var local = forEach.Locals.FirstOrDefault(l => l.Name == single.Identifier.ValueText);
                        if (local is null)
                        {
                            return false;
                        }

                        locals.Add((local, members[i]));
                        break;
                    case DiscardDesignationSyntax:
                        break;
                    default:
                        return false;
                }
            }

            if (locals.Count == 0)
            {
                return false;
            }

            repetition = new RepetitionShape(locals[0].Item1, "entry", collection, syntax) { Deconstruction = locals.ToImmutable() };
            return true;
        }

        /// <summary>The repetition whose element is the deconstructed variable <paramref name="key"/> reads (this one when not deconstructing).</summary>
        public RepetitionShape ForKey(IOperation key)
        {
            if (Deconstruction.IsDefault)
            {
                return this;
            }

            foreach (var (local, _) in Deconstruction)
            {
                if (IsKeyOfElement(key, local))
                {
                    return new RepetitionShape(local, ElementName, Collection, Anchor, Materialise) { Deconstruction = Deconstruction };
                }
            }

            return this;
        }

        private bool IsKeyOfDeconstructed(IOperation key)
        {
            foreach (var (local, _) in Deconstruction)
            {
                if (IsKeyOfElement(key, local))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The key with its variable replaced by the element's member: <c>id</c> becomes <c>entry.Key</c>.</summary>
        private string DeconstructedKeyInLambda(SyntaxNode key, string name)
        {
            var member = Deconstruction.First(d => SymbolEqualityComparer.Default.Equals(d.Local, Element)).Member;
            return key.ReplaceNodes(
                    key.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Where(identifier => IsVariableReference(identifier)),
                    (_, _) => SyntaxFactory.ParseExpression(name + "." + member))
                .WithoutTrivia().ToString();
        }

        /// <summary>An identifier that names <see cref="Element"/>: not the member name after a dot.</summary>
        private bool IsVariableReference(IdentifierNameSyntax identifier) =>
            identifier.Identifier.ValueText == Element.Name &&
            !(identifier.Parent is MemberAccessExpressionSyntax access && access.Name == identifier);
    }
}
