using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PerfAnalyzers.CodeFixes.Common;

/// <summary>
/// PERF003: an EF Core entity's primary key as the model configures it, when the configuration is in the compilation.
/// The fluent API wins over conventions: <c>HasKey(e =&gt; e.K)</c> (single), <c>HasKey(e =&gt; new { e.A, e.B })</c>
/// and <c>HasKey("A", "B")</c> (composite), <c>HasNoKey()</c>, <c>OwnsOne</c>/<c>OwnsMany</c>/<c>Owned&lt;T&gt;()</c>
/// (no key of their own), in <c>OnModelCreating</c> or an <c>IEntityTypeConfiguration&lt;T&gt;</c>; then the
/// attributes (<c>[PrimaryKey]</c>, <c>[Keyless]</c>, <c>[Owned]</c>, <c>[Key]</c>); then the <c>Id</c> /
/// <c>&lt;Entity&gt;Id</c> convention.
/// </summary>
internal static class EntityKeys
{
    private static readonly ConditionalWeakTable<Compilation, FluentModel> s_models = new();

    /// <summary>The entity's single key property; null when the key is composite, absent, or cannot be read.</summary>
    public static IPropertySymbol? SingleKey(Compilation compilation, ITypeSymbol entity, CancellationToken cancellationToken)
    {
        var model = s_models.GetValue(compilation, c => FluentModel.Read(c, cancellationToken));
        if (model.Unreadable || model.NoKey.Contains(entity))
        {
            return null;
        }

        if (model.Keys.TryGetValue(entity, out var key))
        {
            return key; // null for a composite or unreadable HasKey
        }

        foreach (var attribute in entity.GetAttributes())
        {
            if (attribute.AttributeClass?.Name is "PrimaryKeyAttribute" or "KeylessAttribute" or "OwnedAttribute")
            {
                return null;
            }
        }

        return ConventionalKey(entity);
    }

    private static IPropertySymbol? ConventionalKey(ITypeSymbol entity)
    {
        IPropertySymbol? attributed = null;
        IPropertySymbol? conventional = null;
        var attributedCount = 0;
        for (var type = entity; type is not null; type = type.BaseType)
        {
            foreach (var member in type.GetMembers())
            {
                if (member is not IPropertySymbol { IsStatic: false, Parameters.Length: 0 } property)
                {
                    continue;
                }

                foreach (var attribute in property.GetAttributes())
                {
                    if (attribute.AttributeClass is { Name: "KeyAttribute", ContainingNamespace: { Name: "Schema" or "DataAnnotations" } })
                    {
                        attributed = property;
                        attributedCount++;
                    }
                }

                if (conventional is null &&
                    (string.Equals(property.Name, "Id", System.StringComparison.OrdinalIgnoreCase) ||
                     string.Equals(property.Name, entity.Name + "Id", System.StringComparison.OrdinalIgnoreCase)))
                {
                    conventional = property;
                }
            }
        }

        return attributedCount switch
        {
            1 => attributed,
            0 => conventional,
            _ => null,
        };
    }

    private sealed class FluentModel
    {
        /// <summary>Entity → its configured key: a property, or null when composite or unreadable.</summary>
        public Dictionary<ITypeSymbol, IPropertySymbol?> Keys { get; } = new(SymbolEqualityComparer.Default);

        /// <summary>Keyless and owned entity types.</summary>
        public HashSet<ITypeSymbol> NoKey { get; } = new(SymbolEqualityComparer.Default);

        /// <summary>A key configured on a builder whose entity type cannot be told (<c>Entity(typeof(T))</c>): trust no key.</summary>
        public bool Unreadable { get; private set; }

        public static FluentModel Read(Compilation compilation, CancellationToken cancellationToken)
        {
            var result = new FluentModel();
            foreach (var tree in compilation.SyntaxTrees)
            {
                var text = tree.GetText(cancellationToken).ToString();
                if (text.IndexOf("HasKey", System.StringComparison.Ordinal) < 0 && text.IndexOf("HasNoKey", System.StringComparison.Ordinal) < 0 &&
                    text.IndexOf("Owns", System.StringComparison.Ordinal) < 0 && text.IndexOf("Owned", System.StringComparison.Ordinal) < 0)
                {
                    continue;
                }

                SemanticModel? model = null;
                foreach (var invocation in tree.GetRoot(cancellationToken).DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    var name = invocation.Expression switch
                    {
                        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
                        SimpleNameSyntax simple => simple.Identifier.ValueText,
                        _ => null,
                    };
                    if (name is not ("HasKey" or "HasNoKey" or "OwnsOne" or "OwnsMany" or "Owned"))
                    {
                        continue;
                    }

                    model ??= compilation.GetSemanticModel(tree);
                    if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol method ||
                        method.ContainingNamespace?.ToDisplayString() is not ("Microsoft.EntityFrameworkCore.Metadata.Builders" or "Microsoft.EntityFrameworkCore"))
                    {
                        continue;
                    }

                    result.Add(name, method, invocation, model, cancellationToken);
                }
            }

            return result;
        }

        private void Add(string name, IMethodSymbol method, InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken)
        {
            switch (name)
            {
                case "Owned" or "OwnsOne" or "OwnsMany":
                    var owned = method.TypeArguments.LastOrDefault() ??
                        (method.ReturnType as INamedTypeSymbol)?.TypeArguments.LastOrDefault();
                    if (owned is not null)
                    {
                        NoKey.Add(owned);
                    }

                    return;
                case "HasNoKey":
                    if (Builder(method) is { } keyless)
                    {
                        NoKey.Add(keyless);
                    }

                    return;
            }

            // HasKey
            var entity = Builder(method);
            if (entity is null)
            {
                // A migration snapshot's string-named builder: modelBuilder.Entity("Ns.Order", b => { b.HasKey("Id"); }).
                switch (NamedBuilder(invocation, model))
                {
                    case (true, { } named):
                        entity = named;
                        break;
                    case (true, null):
                        return; // the key of an owned type (OwnsOne("Ns.Address", "Address", b1 => ...)): owned types have no key of their own to batch by
                    default:
                        Unreadable = true;
                        return;
                }
            }

            var key = ReadKey(entity, invocation, model, cancellationToken);
            if (Keys.TryGetValue(entity, out var existing) && !SymbolEqualityComparer.Default.Equals(existing, key))
            {
                key = null; // configured twice, differently
            }

            Keys[entity] = key;
        }

        /// <summary>
        /// For <c>b.HasKey(...)</c> on the parameter of the lambda in <c>Entity("Full.Type.Name", b =&gt; ...)</c>: (true, the
        /// type named); in <c>OwnsOne/OwnsMany(..., b1 =&gt; ...)</c>: (true, null); otherwise (false, null): the entity cannot be told.
        /// </summary>
        private static (bool Known, ITypeSymbol? Entity) NamedBuilder(InvocationExpressionSyntax invocation, SemanticModel model)
        {
            if (invocation.Expression is not MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax receiver } ||
                invocation.FirstAncestorOrSelf<LambdaExpressionSyntax>() is not { } lambda ||
                lambda.Parent is not ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax call } arguments })
            {
                return (false, null);
            }

            var parameter = lambda switch
            {
                SimpleLambdaExpressionSyntax simple => simple.Parameter.Identifier.ValueText,
                ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 1 } parenthesized => parenthesized.ParameterList.Parameters[0].Identifier.ValueText,
                _ => null,
            };
            var callName = call.Expression switch
            {
                MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
                SimpleNameSyntax simpleName => simpleName.Identifier.ValueText,
                _ => null,
            };
            if (parameter is null || receiver.Identifier.ValueText != parameter)
            {
                return (false, null);
            }

            if (callName is "OwnsOne" or "OwnsMany")
            {
                return (true, null);
            }

            if (callName != "Entity" || arguments.Arguments.Count != 2 ||
                model.GetConstantValue(arguments.Arguments[0].Expression) is not { HasValue: true, Value: string typeName } ||
                model.Compilation.GetTypeByMetadataName(typeName) is not { } type)
            {
                return (false, null);
            }

            return (true, type);
        }

        /// <summary>TEntity of EntityTypeBuilder&lt;TEntity&gt; (or the dependent of an owned builder).</summary>
        private static ITypeSymbol? Builder(IMethodSymbol method)
        {
            var receiver = method.ReducedFrom is not null ? method.ReceiverType : method.ContainingType;
            return receiver is INamedTypeSymbol { IsGenericType: true } builder ? builder.TypeArguments.Last() : null;
        }

        private static IPropertySymbol? ReadKey(ITypeSymbol entity, InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken)
        {
            var arguments = invocation.ArgumentList.Arguments;
            if (arguments.Count == 1 && arguments[0].Expression is LambdaExpressionSyntax { ExpressionBody: { } body })
            {
                if (body is AnonymousObjectCreationExpressionSyntax anonymous)
                {
                    return anonymous.Initializers.Count == 1 ? model.GetSymbolInfo(anonymous.Initializers[0].Expression, cancellationToken).Symbol as IPropertySymbol : null;
                }

                return model.GetSymbolInfo(body, cancellationToken).Symbol as IPropertySymbol;
            }

            if (arguments.Count == 1 && model.GetConstantValue(arguments[0].Expression, cancellationToken) is { HasValue: true, Value: string propertyName })
            {
                for (var type = entity; type is not null; type = type.BaseType)
                {
                    if (type.GetMembers(propertyName).OfType<IPropertySymbol>().FirstOrDefault() is { } property)
                    {
                        return property;
                    }
                }
            }

            return null; // composite, or not readable
        }
    }
}
