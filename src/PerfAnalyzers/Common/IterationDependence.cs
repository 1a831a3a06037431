using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.Common;

/// <summary>
/// Which locals and parameters carry a value that changes from one iteration of a repetition to the next, by simple
/// data flow within the method: the iteration variables of a <c>foreach</c>, a per-element lambda's parameters, locals
/// the loop assigns (a <c>for</c> counter, a cursor), the objects a <c>while</c> condition advances
/// (<c>reader.Read()</c>, <c>queue.TryDequeue(out var item)</c>), and every local computed or filled from those inside
/// the loop (initialisers, assignments, deconstructions, patterns, <c>out</c> arguments, and calls that store a
/// dependent value into a local, such as <c>command.Parameters.AddWithValue("@id", order.Id)</c>).
/// </summary>
internal sealed class IterationDependence
{
    private const int MaxPasses = 6;

    private readonly HashSet<ISymbol> _symbols = new(SymbolEqualityComparer.Default);
    private readonly Func<ITypeSymbol?, bool>? _isSharedState;

    private IterationDependence(Func<ITypeSymbol?, bool>? isSharedState) => _isSharedState = isSharedState;

    /// <summary>
    /// Computes the dependent symbols of <paramref name="context"/>. <paramref name="isSharedState"/> names types whose
    /// instances are never made dependent by being called with a dependent argument (a <c>DbContext</c> that an
    /// element is added to still serves unrelated queries).
    /// </summary>
    public static IterationDependence Compute(in LoopContext context, Func<ITypeSymbol?, bool>? isSharedState = null)
    {
        // The working lists of the computation are borrowed per thread and returned empty (issue #18, analyzer cost: they
        // were a third of PERF003's allocations on EF-heavy code, and a collection that an allocation starts is charged to
        // the callback that made it). A nested computation, which does not happen today, would get fresh ones.
        var scratch = Scratch.Rent();
        try
        {
            return Compute(context, isSharedState, scratch);
        }
        finally
        {
            Scratch.Return(scratch);
        }
    }

    private static IterationDependence Compute(in LoopContext context, Func<ITypeSymbol?, bool>? isSharedState, Scratch scratch)
    {
        var result = new IterationDependence(isSharedState);
        var region = context.Loop is not null ? (IOperation)context.Loop : context.Lambda!;

        if (context.Lambda is not null)
        {
            foreach (var parameter in context.Lambda.Symbol.Parameters)
            {
                result._symbols.Add(parameter);
            }
        }
        else
        {
            foreach (var local in context.Loop!.Locals)
            {
                if (context.Loop is IForEachLoopOperation)
                {
                    result._symbols.Add(local);
                }
            }

            if (context.Loop is IWhileLoopOperation { Condition: { } condition })
            {
                // The objects the condition advances: reader.Read(), enumerator.MoveNext(), queue.TryDequeue(out ...).
                foreach (var operation in condition.DescendantsAndSelf())
                {
                    if (operation is IInvocationOperation { Instance: { } instance } && RootSymbol(instance) is { } advanced)
                    {
                        result._symbols.Add(advanced);
                    }
                }
            }
        }

        // The region's operations, listed once: the passes below walk them in the same order each time.
        var operations = scratch.Operations;
        foreach (var operation in region.Descendants())
        {
            operations.Add(operation);
        }

        // Locals that outlive one iteration but are assigned in it (a for counter, a cursor, a page number).
        foreach (var operation in operations)
        {
            var target = operation switch
            {
                IAssignmentOperation assignment => assignment.Target,
                IIncrementOrDecrementOperation increment => increment.Target,
                _ => null,
            };

            if (target is not null && Loops.Unwrap(target) is ILocalReferenceOperation local && context.LifetimeSpansIterations(local.Local) &&
                !(operation is ISimpleAssignmentOperation simple && IsRefetchByOwnKey(local.Local, simple.Value)))
            {
                result._symbols.Add(local.Local);
            }
        }

        result._scratch = scratch;
        result.Propagate(operations, scratch.Candidates);
        result._scratch = null; // only needed while computing; the finished instance is shared read-only across threads
        return result;
    }

    /// <summary>
    /// A re-fetch of the entity a local holds by its own key (bitwarden's SCIM patch: <c>orgUser = await
    /// _repository.GetByIdAsync(orgUser.Id) ?? throw ...</c> after each operation that changed the user): the local gets a
    /// fresh copy of the same row, whose key is the one it had, so the assignment alone does not make the local change
    /// per iteration (the propagation below still marks it when the call also reads a dependent value). Only a lookup
    /// by key counts: a call named <c>Get</c>/<c>Find</c>/<c>Load</c>/<c>Fetch</c>/<c>Reload</c> (or <c>Get…ById</c>,
    /// <c>Find…ById</c>, with or without <c>Async</c>) whose result is of the local's type and which reads the local only
    /// as <c>local.Id</c> (or <c>local.&lt;Type&gt;Id</c>). A walk along another key (<c>node = Get(node.ParentId)</c>) or
    /// to a neighbour (<c>GetNext(node.Id)</c>) changes the row and stays per iteration.
    /// </summary>
    internal static bool IsRefetchByOwnKey(ILocalSymbol local, IOperation value)
    {
        value = UnwrapRefetch(value);
        if (value is not IInvocationOperation call || !IsLookupByKeyName(call.TargetMethod.Name) ||
            !IsSameEntityType(local.Type, AwaitedType(call)))
        {
            return false;
        }

        var keyReads = 0;
        foreach (var operation in call.DescendantsAndSelf())
        {
            if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                continue;
            }

            if (reference.Parent is not IMemberReferenceOperation { Member: IPropertySymbol or IFieldSymbol } member || !IsOwnKey(member.Member, local.Type))
            {
                return false; // the entity itself, or another of its members, goes into the call
            }

            keyReads++;
        }

        return keyReads > 0;
    }

    private static IOperation UnwrapRefetch(IOperation value)
    {
        for (var depth = 0; depth < 6; depth++)
        {
            value = Loops.UnwrapAwaited(value);
            if (value is ICoalesceOperation { WhenNull: var whenNull } coalesce && Loops.Unwrap(whenNull) is IThrowOperation)
            {
                value = coalesce.Value; // `?? throw ...`
                continue;
            }

            break;
        }

        return value;
    }

    private static bool IsLookupByKeyName(string name)
    {
        if (name.EndsWith("Async", StringComparison.Ordinal))
        {
            name = name.Substring(0, name.Length - "Async".Length);
        }

        switch (name)
        {
            case "Get":
            case "Find":
            case "Load":
            case "Fetch":
            case "Reload":
            case "GetByKey":
            case "FindByKey":
                return true;
        }

        return (name.StartsWith("Get", StringComparison.Ordinal) || name.StartsWith("Find", StringComparison.Ordinal)) &&
               name.EndsWith("ById", StringComparison.Ordinal);
    }

    private static ITypeSymbol? AwaitedType(IInvocationOperation call)
    {
        var type = call.Type;
        if (type is INamedTypeSymbol { Arity: 1, Name: "Task" or "ValueTask" } task &&
            task.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks")
        {
            return task.TypeArguments[0];
        }

        return type;
    }

    private static bool IsSameEntityType(ITypeSymbol local, ITypeSymbol? result) =>
        result is not null && local.TypeKind is TypeKind.Class or TypeKind.Interface &&
        SymbolEqualityComparer.Default.Equals(local.WithNullableAnnotation(NullableAnnotation.None), result.WithNullableAnnotation(NullableAnnotation.None));

    private static bool IsOwnKey(ISymbol member, ITypeSymbol type) =>
        member.Name == "Id" || member.Name == type.Name + "Id";

    /// <summary>While computing: the borrowed working lists (see <see cref="Scratch"/>).</summary>
    private Scratch? _scratch;

    /// <summary>
    /// The working lists of one computation, kept per thread between computations and cleared after each (so that no
    /// operation or symbol of a finished compilation stays reachable from a thread). Lists grown past
    /// <see cref="MaxKeptCapacity"/> by a very large loop are dropped rather than kept.
    /// </summary>
    private sealed class Scratch
    {
        private const int MaxKeptCapacity = 4096;

        [ThreadStatic]
        private static Scratch? s_cached;

        /// <summary>Every operation of the region, in walk order.</summary>
        public readonly List<IOperation> Operations = new();

        /// <summary>The operations that can make a symbol dependent.</summary>
        public readonly List<IOperation> Candidates = new();

        /// <summary>Per queried operation, the range of <see cref="Symbols"/> that holds the locals and parameters it reads.</summary>
        public readonly Dictionary<IOperation, (int Start, int Count)> References = new();

        /// <summary>The symbols of every range in <see cref="References"/>, one after another.</summary>
        public readonly List<ISymbol> Symbols = new();

        public static Scratch Rent()
        {
            var scratch = s_cached ?? new Scratch();
            s_cached = null;
            return scratch;
        }

        public static void Return(Scratch scratch)
        {
            var keep = scratch.Operations.Count <= MaxKeptCapacity && scratch.Symbols.Count <= MaxKeptCapacity;
            scratch.Operations.Clear();
            scratch.Candidates.Clear();
            scratch.References.Clear();
            scratch.Symbols.Clear();
            if (keep)
            {
                s_cached = scratch;
            }
        }
    }

    /// <summary>
    /// <see cref="IsReferencedIn"/> during the computation: the symbols an operation reads do not change from pass to
    /// pass (only the dependent set grows), so each operation's subtree is walked once instead of once per pass.
    /// </summary>
    private bool ReadsDependent(IOperation operation)
    {
        if (_scratch is not { } scratch)
        {
            return IsReferencedIn(operation);
        }

        if (!scratch.References.TryGetValue(operation, out var range))
        {
            range = CollectReferencedSymbols(operation, scratch.Symbols);
            scratch.References.Add(operation, range);
        }

        var symbols = scratch.Symbols;
        for (var i = range.Start; i < range.Start + range.Count; i++)
        {
            if (_symbols.Contains(symbols[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Appends the distinct locals and parameters <paramref name="operation"/> reads to <paramref name="symbols"/>; returns their range.</summary>
    private static (int Start, int Count) CollectReferencedSymbols(IOperation operation, List<ISymbol> symbols)
    {
        var start = symbols.Count;
        foreach (var descendant in operation.DescendantsAndSelf())
        {
            if (ReferencedSymbol(descendant) is not { } symbol)
            {
                continue;
            }

            var known = false;
            for (var i = start; i < symbols.Count && !known; i++)
            {
                known = SymbolEqualityComparer.Default.Equals(symbols[i], symbol);
            }

            if (!known)
            {
                symbols.Add(symbol);
            }
        }

        return (start, symbols.Count - start);
    }

    public bool IsEmpty => _symbols.Count == 0;

    public bool Contains(ISymbol symbol) => _symbols.Contains(symbol);

    /// <summary>True when <paramref name="operation"/> reads a dependent local or parameter anywhere inside it (lambdas included).</summary>
    public bool IsReferencedIn(IOperation operation)
    {
        foreach (var descendant in operation.DescendantsAndSelf())
        {
            if (ReferencedSymbol(descendant) is { } symbol && _symbols.Contains(symbol))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The local or parameter an operation reads, if it is a plain reference.</summary>
    public static ISymbol? ReferencedSymbol(IOperation operation) => operation.Kind switch
    {
        // Kind first: asked of every operation inside every loop PERF003 looks at.
        OperationKind.LocalReference => ((ILocalReferenceOperation)operation).Local,
        OperationKind.ParameterReference => ((IParameterReferenceOperation)operation).Parameter,
        _ => null,
    };

    /// <summary>The local or parameter at the root of a member-access chain (<c>command.Parameters["@id"].Value</c> → <c>command</c>).</summary>
    public static ISymbol? RootSymbol(IOperation? operation)
    {
        while (operation is not null)
        {
            operation = Loops.Unwrap(operation);
            switch (operation)
            {
                case ILocalReferenceOperation local:
                    return local.Local;
                case IParameterReferenceOperation parameter:
                    return parameter.Parameter;
                case IMemberReferenceOperation member:
                    operation = member.Instance;
                    continue;
                case IInvocationOperation invocation:
                    operation = invocation.Instance;
                    continue;
                case IArrayElementReferenceOperation element:
                    operation = element.ArrayReference;
                    continue;
                default:
                    return null;
            }
        }

        return null;
    }

    private void Propagate(List<IOperation> all, List<IOperation> operations)
    {
        // Only the operations that can make a symbol dependent, listed once (the passes walked every operation each time).
        // Each case below first asks whether it could add anything new, and skips the reads when not: an operation whose
        // symbols are already dependent adds nothing, so every pass adds what it added before (issue #18, PERF003 cost).
        foreach (var operation in all)
        {
            switch (operation.Kind) // Kind, not seven interface tests per operation
            {
                case OperationKind.VariableDeclarator:
                case OperationKind.VariableDeclaration:
                case OperationKind.DeconstructionAssignment:
                case OperationKind.SimpleAssignment:
                case OperationKind.CompoundAssignment:
                case OperationKind.CoalesceAssignment:
                case OperationKind.IsPattern:
                case OperationKind.Invocation:
                case OperationKind.Loop when operation is IForEachLoopOperation:
                    operations.Add(operation);
                    break;
            }
        }

        for (var pass = 0; pass < MaxPasses; pass++)
        {
            var before = _symbols.Count;
            foreach (var operation in operations)
            {
                switch (operation.Kind)
                {
                    case OperationKind.VariableDeclarator:
                        var declarator = (IVariableDeclaratorOperation)operation;
                        if (declarator.Initializer is { } initializer && !_symbols.Contains(declarator.Symbol) && ReadsDependent(initializer.Value))
                        {
                            _symbols.Add(declarator.Symbol);
                        }

                        break;

                    case OperationKind.VariableDeclaration:
                        var declaration = (IVariableDeclarationOperation)operation;
                        if (declaration.Initializer is { } shared && ReadsDependent(shared.Value))
                        {
                            foreach (var sharing in declaration.Declarators)
                            {
                                _symbols.Add(sharing.Symbol);
                            }
                        }

                        break;

                    case OperationKind.DeconstructionAssignment:
                        var deconstruction = (IDeconstructionAssignmentOperation)operation;
                        if (ReadsDependent(deconstruction.Value))
                        {
                            AddDeclaredOrAssignedLocals(deconstruction.Target);
                        }

                        break;

                    case OperationKind.SimpleAssignment:
                    case OperationKind.CompoundAssignment:
                    case OperationKind.CoalesceAssignment:
                        var assignment = (IAssignmentOperation)operation;
                        if (RootSymbol(assignment.Target) is { } assigned && !_symbols.Contains(assigned) && ReadsDependent(assignment.Value) && !IsShared(assigned))
                        {
                            _symbols.Add(assigned);
                        }

                        break;

                    case OperationKind.IsPattern:
                        var isPattern = (IIsPatternOperation)operation;
                        if (ReadsDependent(isPattern.Value))
                        {
                            AddDeclaredOrAssignedLocals(isPattern.Pattern);
                        }

                        break;

                    case OperationKind.Loop:
                        var forEach = (IForEachLoopOperation)operation; // only foreach loops are listed
                        if (ReadsDependent(forEach.Collection))
                        {
                            foreach (var local in forEach.Locals)
                            {
                                _symbols.Add(local);
                            }
                        }

                        break;

                    case OperationKind.Invocation:
                        PropagateThroughCall((IInvocationOperation)operation);
                        break;
                }
            }

            if (_symbols.Count == before)
            {
                return;
            }
        }
    }

    private void PropagateThroughCall(IInvocationOperation invocation)
    {
        var instanceRoot = RootSymbol(invocation.Instance ?? SourceExtensionReceiver(invocation));
        if (instanceRoot is null || _symbols.Contains(instanceRoot) || IsShared(instanceRoot) ||
            IsPredicate(invocation.TargetMethod) || IsAsynchronousOperation(invocation.TargetMethod))
        {
            // The receiver cannot become dependent (again): only ref and out arguments could add anything.
            var byReference = false;
            foreach (var argument in invocation.Arguments)
            {
                byReference |= argument.Parameter?.RefKind is RefKind.Out or RefKind.Ref;
            }

            if (!byReference)
            {
                return;
            }
        }

        var dependentInput = instanceRoot is not null && _symbols.Contains(instanceRoot);
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.RefKind is not (RefKind.Out or RefKind.Ref) && ReadsDependent(argument.Value))
            {
                dependentInput = true;
                break;
            }
        }

        if (!dependentInput)
        {
            return;
        }

        // A call fed with a dependent value stores it into its receiver (command.Parameters.AddWithValue) and its out arguments;
        // a predicate (`offloader.HasEmbeddedImage(html)`) only reads it, and an asynchronous operation
        // (`await offloader.OffloadEmbeddedImagesAsync(html, ..)`) does its work with it rather than keeping it.
        if (instanceRoot is not null && !IsShared(instanceRoot) && !IsPredicate(invocation.TargetMethod) && !IsAsynchronousOperation(invocation.TargetMethod))
        {
            _symbols.Add(instanceRoot);
        }

        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.RefKind is RefKind.Out or RefKind.Ref)
            {
                AddDeclaredOrAssignedLocals(argument.Value);
            }
        }
    }

    /// <summary>
    /// A method that answers a question about its arguments and stores none of them: it returns <c>bool</c> and its name
    /// reads as a question (<c>Has…</c>, <c>Is…</c>, <c>Can…</c>, <c>Contains…</c>, <c>Exists…</c>, <c>Equals</c>,
    /// <c>Matches…</c>, <c>Should…</c>). smartstore's <c>ImageOffloaderHook</c> calls <c>offloader.HasEmbeddedImage(html)</c>
    /// per entry; the offloader does not become per-entry data by it, so <c>folder ??= await
    /// offloader.GetDefaultMediaFolderAsync()</c> (no argument) is not per element. <c>set.Add(x)</c> and <c>TryAdd</c>
    /// return <c>bool</c> too, but store: their names are not questions.
    /// </summary>
    private static bool IsPredicate(IMethodSymbol method)
    {
        if (method.ReturnType.SpecialType != SpecialType.System_Boolean || method.Parameters.Length == 0)
        {
            return false;
        }

        var name = method.Name;
        return StartsWithWord(name, "Has") || StartsWithWord(name, "Is") || StartsWithWord(name, "Can") ||
               StartsWithWord(name, "Contains") || StartsWithWord(name, "Exists") || StartsWithWord(name, "Matches") ||
               StartsWithWord(name, "Should") || name == "Equals";
    }

    /// <summary>
    /// A method that returns a <c>Task</c> or <c>ValueTask</c> (with or without a result): an operation on a service
    /// (smartstore's <c>await offloader.OffloadEmbeddedImagesAsync(html, folder.Value, entityTag)</c> per entry), not an
    /// in-memory accumulation such as <c>command.Parameters.AddWithValue</c> or <c>list.Add</c>. Not one whose visible body
    /// stores a parameter in its own object (<see cref="AsyncArgumentStores"/>: <c>await cursor.MoveToAsync(order)</c>).
    /// </summary>
    private static bool IsAsynchronousOperation(IMethodSymbol method) =>
        method.ReturnType is INamedTypeSymbol { Name: "Task" or "ValueTask" } type &&
        type.ContainingNamespace is { Name: "Tasks", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } &&
        !AsyncArgumentStores.StoresArgumentInItsObject(method);

    /// <summary><paramref name="name"/> is <paramref name="word"/> or starts with it followed by an upper-case letter (<c>IsValid</c>, not <c>Issue</c>).</summary>
    private static bool StartsWithWord(string name, string word) =>
        name.StartsWith(word, StringComparison.Ordinal) && (name.Length == word.Length || char.IsUpper(name[word.Length]));

    /// <summary>
    /// The receiver of a call to an extension method declared in source (a helper such as
    /// <c>statement.Bind("@id", row.Id)</c> that wraps <c>AddWithValue</c>): it stores what it is given into its receiver
    /// as an instance method would. Library extensions (LINQ's <c>ids.Contains(x)</c>) are not taken to store anything.
    /// </summary>
    private static IOperation? SourceExtensionReceiver(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (!method.IsExtensionMethod || method.Locations.IsEmpty || !method.Locations[0].IsInSource)
        {
            return null;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == 0)
            {
                return argument.Value;
            }
        }

        return null;
    }

    private bool IsShared(ISymbol symbol)
    {
        if (_isSharedState is null)
        {
            return false;
        }

        var type = symbol switch
        {
            ILocalSymbol local => local.Type,
            IParameterSymbol parameter => parameter.Type,
            _ => null,
        };
        if (type is null)
        {
            return _isSharedState(null);
        }

        return _isSharedState(type); // PERF003 answers this once per type and compilation
    }

    private void AddDeclaredOrAssignedLocals(IOperation target)
    {
        foreach (var operation in target.DescendantsAndSelf())
        {
            switch (operation)
            {
                case ILocalReferenceOperation local:
                    _symbols.Add(local.Local);
                    break;
                case IDeclarationPatternOperation { DeclaredSymbol: { } declared }:
                    _symbols.Add(declared);
                    break;
                case IRecursivePatternOperation { DeclaredSymbol: { } declared }:
                    _symbols.Add(declared);
                    break;
                case IVariableDeclaratorOperation declarator:
                    _symbols.Add(declarator.Symbol);
                    break;
            }
        }
    }
}
