using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.Rules;

/// <summary>
/// PERF008: a private static <c>Dictionary</c>/<c>ConcurrentDictionary</c> that its type only adds to (Add, TryAdd,
/// GetOrAdd, AddOrUpdate, indexer set) and never removes from (Remove, TryRemove, Clear, reassignment), keyed by a
/// type with an unbounded domain. Private fields only: the whole type is visible, so "never removed" is provable
/// unless the dictionary escapes (then it is not reported). Keys of type <c>Type</c>, <c>MemberInfo</c>, enums and
/// <c>bool</c> (and tuples of those) are bounded lookup tables and are not reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PERF008StaticCacheThatOnlyGrowsAnalyzer : DiagnosticAnalyzer
{
    private const int Added = 1;
    private const int RemovedOrEscaped = 2;

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.PERF008CacheThatOnlyGrows);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var dictionary = start.Compilation.GetTypeByMetadataName("System.Collections.Generic.Dictionary`2");
            var concurrent = start.Compilation.GetTypeByMetadataName("System.Collections.Concurrent.ConcurrentDictionary`2");
            if (dictionary is null && concurrent is null)
            {
                return;
            }

            var types = new KnownTypes(
                dictionary,
                concurrent,
                start.Compilation.GetTypeByMetadataName("System.Reflection.MemberInfo"),
                start.Compilation.GetTypeByMetadataName("System.Linq.Enumerable"),
                start.Compilation.GetTypeByMetadataName("System.Collections.Generic.CollectionExtensions"));

            start.RegisterSymbolStartAction(symbolStart => OnTypeStart(symbolStart, types), SymbolKind.NamedType);
        });
    }

    private sealed class KnownTypes
    {
        public KnownTypes(INamedTypeSymbol? dictionary, INamedTypeSymbol? concurrent, INamedTypeSymbol? memberInfo, INamedTypeSymbol? enumerable, INamedTypeSymbol? collectionExtensions)
        {
            Dictionary = dictionary;
            Concurrent = concurrent;
            MemberInfo = memberInfo;
            Enumerable = enumerable;
            CollectionExtensions = collectionExtensions;
        }

        public INamedTypeSymbol? Dictionary { get; }

        public INamedTypeSymbol? Concurrent { get; }

        public INamedTypeSymbol? MemberInfo { get; }

        public INamedTypeSymbol? Enumerable { get; }

        public INamedTypeSymbol? CollectionExtensions { get; }
    }

    private static void OnTypeStart(SymbolStartAnalysisContext context, KnownTypes types)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        ConcurrentDictionary<IFieldSymbol, int>? candidates = null;
        foreach (var member in type.GetMembers())
        {
            if (member is IFieldSymbol { IsStatic: true, IsConst: false, IsImplicitlyDeclared: false, DeclaredAccessibility: Accessibility.Private } field &&
                field.Type is INamedTypeSymbol { TypeArguments.Length: 2 } fieldType &&
                (Same(fieldType, types.Dictionary) || Same(fieldType, types.Concurrent)) &&
                !IsBoundedKey(fieldType.TypeArguments[0], types, depth: 0))
            {
                candidates ??= new ConcurrentDictionary<IFieldSymbol, int>(SymbolEqualityComparer.Default);
                candidates[field] = 0;
            }
        }

        if (candidates is null)
        {
            return;
        }

        // Operation actions of this type do not see the bodies of its nested types, which can reach its private fields:
        // a field whose name appears in a nested type is treated as used there in an unknown way (not reported).
        foreach (var nested in type.GetTypeMembers())
        {
            foreach (var reference in nested.DeclaringSyntaxReferences)
            {
                foreach (var token in reference.GetSyntax(context.CancellationToken).DescendantTokens())
                {
                    if (token.IsKind(SyntaxKind.IdentifierToken))
                    {
                        foreach (var candidate in candidates.Keys)
                        {
                            if (candidate.Name == token.ValueText)
                            {
                                candidates[candidate] = RemovedOrEscaped;
                            }
                        }
                    }
                }
            }
        }

        context.RegisterOperationAction(
            operationContext =>
            {
                var reference = (IFieldReferenceOperation)operationContext.Operation;
                var field = reference.Field.OriginalDefinition;
                if (!candidates.ContainsKey(field))
                {
                    return;
                }

                var use = Classify(reference, operationContext.ContainingSymbol, types);
                if (use != 0)
                {
                    candidates.AddOrUpdate(field, use, (_, old) => old | use);
                }
            },
            OperationKind.FieldReference);

        context.RegisterSymbolEndAction(endContext =>
        {
            foreach (var pair in candidates)
            {
                if (pair.Value == Added && pair.Key.Locations.Length > 0)
                {
                    endContext.ReportDiagnostic(Diagnostic.Create(Descriptors.PERF008CacheThatOnlyGrows, pair.Key.Locations[0], pair.Key.Name));
                }
            }
        });
    }

    /// <summary>0 for a read, <see cref="Added"/> for an insertion, <see cref="RemovedOrEscaped"/> for a removal, a reset or an escape.</summary>
    private static int Classify(IFieldReferenceOperation reference, ISymbol containingSymbol, KnownTypes types)
    {
        var parent = reference.Parent;
        while (parent is IConversionOperation { IsImplicit: true } conversion && conversion.Operand is not null)
        {
            parent = conversion.Parent;
        }

        switch (parent)
        {
            case ISimpleAssignmentOperation assignment when assignment.Target == reference:
                // Initialising in the static constructor is not a reset; anywhere else it empties the cache.
                return containingSymbol is IMethodSymbol { MethodKind: MethodKind.StaticConstructor } ? 0 : RemovedOrEscaped;

            case ICoalesceAssignmentOperation coalesce when coalesce.Target == reference:
                return 0;

            case IInvocationOperation invocation when invocation.Instance == reference:
                switch (invocation.TargetMethod.Name)
                {
                    case "Add":
                    case "TryAdd":
                    case "GetOrAdd":
                    case "AddOrUpdate":
                        return Added;
                    case "Remove":
                    case "TryRemove":
                    case "Clear":
                        return RemovedOrEscaped;
                    default:
                        return 0;
                }

            case IPropertyReferenceOperation property when property.Instance == reference:
                return property.Property.IsIndexer && property.Parent is IAssignmentOperation indexerAssignment && indexerAssignment.Target == property
                    ? Added
                    : 0;

            case IArgumentOperation { Parent: IInvocationOperation invocation } argument
                when invocation.TargetMethod.IsExtensionMethod && invocation.Arguments.Length > 0 && invocation.Arguments[0] == argument:
                var containing = invocation.TargetMethod.ContainingType;
                if (Same(containing, types.Enumerable))
                {
                    return 0;
                }

                if (Same(containing, types.CollectionExtensions))
                {
                    return invocation.TargetMethod.Name switch
                    {
                        "TryAdd" => Added,
                        "GetValueOrDefault" or "AsReadOnly" => 0,
                        _ => RemovedOrEscaped,
                    };
                }

                return RemovedOrEscaped;

            case IForEachLoopOperation:
            case ILockOperation:
            case INameOfOperation:
                return 0;

            default:
                // Passed, returned, stored elsewhere: it may be cleared by code we do not follow.
                return RemovedOrEscaped;
        }
    }

    /// <summary>Type, MemberInfo (and subclasses), enums, bool, nullable and tuples of those: a bounded set of keys.</summary>
    private static bool IsBoundedKey(ITypeSymbol key, KnownTypes types, int depth)
    {
        if (depth > 4)
        {
            return true;
        }

        if (key.SpecialType == SpecialType.System_Boolean || key.TypeKind == TypeKind.Enum)
        {
            return true;
        }

        if (key.TypeKind == TypeKind.TypeParameter)
        {
            // Unknown: the caller chooses. Not reported.
            return true;
        }

        if (key is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            return IsBoundedKey(nullable.TypeArguments[0], types, depth + 1);
        }

        if (key.IsTupleType && key is INamedTypeSymbol tuple)
        {
            foreach (var element in tuple.TupleElements)
            {
                if (!IsBoundedKey(element.Type, types, depth + 1))
                {
                    return false;
                }
            }

            return true;
        }

        for (var current = key; current is not null; current = current.BaseType)
        {
            if (Same(current, types.MemberInfo))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Same(ITypeSymbol? a, ITypeSymbol? b) => b is not null && SymbolEqualityComparer.Default.Equals(a?.OriginalDefinition, b);
}
