using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfAnalyzers.Common;

/// <summary>
/// The method bodies a virtually dispatched call can run, as far as one compilation shows them (PERF003 through calls,
/// issue #13): an interface member resolves to its implementation in every class or struct of the compilation that
/// implements the receiver's type, an abstract or overridable member to the override each such class runs. Types of
/// test code (<c>build_property.IsTestProject</c>) are left out: test doubles do not run in production.
/// Only receiver types declared in this compilation are followed: another assembly's type may have implementations
/// this compilation cannot see.
/// The index of subtypes is built once per compilation, the first time a call needs it; each (receiver type, method)
/// answer is cached.
/// </summary>
internal sealed class DispatchTargets
{
    /// <summary>More implementations than this: not followed (a general-purpose abstraction, not a repository).</summary>
    internal const int MaxImplementations = 8;

    private readonly Compilation _compilation;
    private readonly AnalyzerOptions? _options;
    private readonly Lazy<Dictionary<INamedTypeSymbol, List<INamedTypeSymbol>>> _subtypes;
    private readonly ConcurrentDictionary<(ISymbol Receiver, IMethodSymbol Method), ImmutableArray<IMethodSymbol>> _resolved = new(ReceiverMethodComparer.Instance);

    public DispatchTargets(Compilation compilation, AnalyzerOptions? options)
    {
        _compilation = compilation;
        _options = options;
        _subtypes = new Lazy<Dictionary<INamedTypeSymbol, List<INamedTypeSymbol>>>(BuildIndex, System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// The implementations (original definitions, distinct) that a call of <paramref name="method"/> on a receiver of
    /// static type <paramref name="receiverType"/> can run, among the non-abstract types of this compilation; empty when
    /// none is known here or when there are more than <see cref="MaxImplementations"/>.
    /// </summary>
    public ImmutableArray<IMethodSymbol> Resolve(IMethodSymbol method, ITypeSymbol? receiverType)
    {
        method = method.OriginalDefinition;
        var receiver = (receiverType as INamedTypeSymbol)?.OriginalDefinition ?? method.ContainingType;
        if (receiver is null || method.ContainingType is null)
        {
            return ImmutableArray<IMethodSymbol>.Empty;
        }

        // A type declared in another assembly can be implemented anywhere (in that assembly, in others): the types this
        // compilation holds are only some of them, so "every implementation runs a round-trip" cannot be known here
        // (smartstore: `file.DeleteAsync()` on IFileEntry, declared in Smartstore, overridden with a database write only
        // by Smartstore.Core's MediaFileInfo; the local-disk file in Smartstore does no I/O on the database).
        if (!SymbolEqualityComparer.Default.Equals(receiver.ContainingAssembly, _compilation.Assembly))
        {
            return ImmutableArray<IMethodSymbol>.Empty;
        }

        var key = ((ISymbol)receiver, method);
        if (_resolved.TryGetValue(key, out var cached))
        {
            return cached;
        }

        return _resolved.GetOrAdd(key, Compute(method, receiver));
    }

    private ImmutableArray<IMethodSymbol> Compute(IMethodSymbol method, INamedTypeSymbol receiver)
    {
        var candidates = new List<INamedTypeSymbol>();
        if (receiver.TypeKind != TypeKind.Interface && !receiver.IsAbstract && IsSourceType(receiver))
        {
            candidates.Add(receiver);
        }

        if (_subtypes.Value.TryGetValue(receiver, out var subtypes))
        {
            candidates.AddRange(subtypes);
        }

        var found = ImmutableArray.CreateBuilder<IMethodSymbol>();
        foreach (var type in candidates)
        {
            if (type.IsAbstract || type.TypeKind is not (TypeKind.Class or TypeKind.Struct))
            {
                continue;
            }

            foreach (var implementation in ImplementationsIn(type, method))
            {
                var definition = implementation.OriginalDefinition;
                if (definition.IsAbstract)
                {
                    continue;
                }

                var known = false;
                foreach (var other in found)
                {
                    if (SymbolEqualityComparer.Default.Equals(other, definition))
                    {
                        known = true;
                        break;
                    }
                }

                if (!known)
                {
                    if (found.Count == MaxImplementations)
                    {
                        return ImmutableArray<IMethodSymbol>.Empty;
                    }

                    found.Add(definition);
                }
            }
        }

        return found.ToImmutable();
    }

    /// <summary>What <paramref name="type"/> runs for <paramref name="method"/> (an original definition).</summary>
    private static IEnumerable<IMethodSymbol> ImplementationsIn(INamedTypeSymbol type, IMethodSymbol method)
    {
        var declaring = method.ContainingType;
        if (declaring.TypeKind == TypeKind.Interface)
        {
            foreach (var implemented in type.AllInterfaces)
            {
                if (!SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, declaring))
                {
                    continue;
                }

                foreach (var member in implemented.GetMembers(method.Name))
                {
                    if (member is IMethodSymbol candidate && SymbolEqualityComparer.Default.Equals(candidate.OriginalDefinition, method) &&
                        type.FindImplementationForInterfaceMember(candidate) is IMethodSymbol implementation)
                    {
                        yield return implementation;
                    }
                }
            }

            yield break;
        }

        // A class member: the most derived override along the base chain of the type.
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers(method.Name))
            {
                if (member is IMethodSymbol candidate && Overrides(candidate, method))
                {
                    yield return candidate;
                    yield break;
                }
            }
        }
    }

    private static bool Overrides(IMethodSymbol candidate, IMethodSymbol method)
    {
        for (var current = candidate; current is not null; current = current.OverriddenMethod)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, method))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsSourceType(INamedTypeSymbol type)
    {
        if (type.DeclaringSyntaxReferences.Length == 0)
        {
            return false;
        }

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (!_compilation.ContainsSyntaxTree(reference.SyntaxTree))
            {
                return false;
            }

            if (_options is not null && TestProjects.IsTestCode(_options, reference.SyntaxTree))
            {
                return false; // a test double
            }
        }

        return true;
    }

    /// <summary>Every source type of the compilation under each of its base classes and interfaces (original definitions).</summary>
    private Dictionary<INamedTypeSymbol, List<INamedTypeSymbol>> BuildIndex()
    {
        var index = new Dictionary<INamedTypeSymbol, List<INamedTypeSymbol>>(SymbolEqualityComparer.Default);
        var pending = new Stack<INamespaceOrTypeSymbol>();
        pending.Push(_compilation.Assembly.GlobalNamespace);
        while (pending.Count > 0)
        {
            var container = pending.Pop();
            if (container is INamespaceSymbol containerNamespace)
            {
                foreach (var ns in containerNamespace.GetNamespaceMembers())
                {
                    pending.Push(ns);
                }
            }

            // Types only: a type's GetMembers() would also build every method, property and field symbol it declares.
            foreach (var type in container.GetTypeMembers())
            {
                pending.Push(type); // nested types
                if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct) || type.IsAbstract || !IsSourceType(type))
                {
                    continue;
                }

                for (var baseType = type.BaseType; baseType is not null && baseType.SpecialType != SpecialType.System_Object; baseType = baseType.BaseType)
                {
                    Add(index, baseType.OriginalDefinition, type);
                }

                foreach (var implemented in type.AllInterfaces)
                {
                    Add(index, implemented.OriginalDefinition, type);
                }
            }
        }

        return index;
    }

    private static void Add(Dictionary<INamedTypeSymbol, List<INamedTypeSymbol>> index, INamedTypeSymbol key, INamedTypeSymbol type)
    {
        if (!index.TryGetValue(key, out var list))
        {
            list = new List<INamedTypeSymbol>();
            index.Add(key, list);
        }

        list.Add(type);
    }

    private sealed class ReceiverMethodComparer : IEqualityComparer<(ISymbol Receiver, IMethodSymbol Method)>
    {
        public static readonly ReceiverMethodComparer Instance = new();

        public bool Equals((ISymbol Receiver, IMethodSymbol Method) x, (ISymbol Receiver, IMethodSymbol Method) y) =>
            SymbolEqualityComparer.Default.Equals(x.Receiver, y.Receiver) && SymbolEqualityComparer.Default.Equals(x.Method, y.Method);

        public int GetHashCode((ISymbol Receiver, IMethodSymbol Method) obj) =>
            (SymbolEqualityComparer.Default.GetHashCode(obj.Receiver) * 397) ^ SymbolEqualityComparer.Default.GetHashCode(obj.Method);
    }
}
