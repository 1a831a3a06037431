using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.Common;

namespace PerfAnalyzers.Rules;

/// <summary>
/// PERF009: <c>ToList()</c>/<c>ToArray()</c> (and <c>ToHashSet()</c>) on an in-memory sequence whose
/// result is traversed exactly once more, by another LINQ operator or a <c>foreach</c>: directly in the chain, or
/// through a local that nothing else touches. The collection is built, walked once and thrown away.
/// </summary>
/// <remarks>
/// Not reported where the materialisation can matter: an <c>IQueryable</c> or concurrent-collection source, a result
/// enumerated more than once (a lazy result that escapes), a later step or loop body that may change what the earlier
/// steps read (writes, mutating calls, <c>await</c>, <c>yield</c>), earlier lambdas with visible side effects, expression
/// trees, and a local whose use sits in a loop, a lambda, or a <c>try</c> the declaration is not in.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed partial class PERF009IntermediateCollectionAnalyzer : DiagnosticAnalyzer
{
    internal const string RuleId = "PERF009";

    /// <summary>Diagnostic property: <c>Chain</c> (the call is the receiver of the consumer) or <c>Local</c> (through a local).</summary>
    internal const string KindProperty = "Kind";

    internal const string KindChain = "Chain";
    internal const string KindLocal = "Local";

    /// <summary>Diagnostic property, set when no fix keeps behaviour (<c>ToDictionary</c>, explicit type arguments).</summary>
    internal const string NoFixProperty = "NoFix";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.PERF009IntermediateCollection);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        // Generated code is not analysed (the driver skips it); ReportDiagnostics spares the per-tree [GeneratedCode] lookup on
        // the first diagnostic of each tree. The diagnostics lie in the analysed operation, so the same are reported (issue #18).
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.RegisterCompilationStartAction(Start);
    }

    private static void Start(CompilationStartAnalysisContext context)
    {
        var compilation = context.Compilation;
        // Resolved on the first Enumerable.ToList/ToArray/ToHashSet call, not here: metadata-name lookups walk every
        // reference the first time, a fixed cost per compilation (issue #15). Without System.Linq.Enumerable nothing is
        // reported, as before.
        var known = new System.Lazy<KnownTypes?>(() =>
            compilation.GetTypeByMetadataName("System.Linq.Enumerable") is { } enumerable
                ? new KnownTypes(
                    enumerable,
                    compilation.GetTypeByMetadataName("System.Linq.IQueryable"),
                    compilation.GetTypeByMetadataName("System.Linq.Expressions.Expression`1"),
                    compilation.GetTypeByMetadataName("System.Collections.Generic.IAsyncEnumerable`1"),
                    compilation.GetSpecialType(SpecialType.System_String))
                : null);
        context.RegisterOperationAction(c => Analyze(c, known), OperationKind.Invocation);
    }

    private sealed class KnownTypes(INamedTypeSymbol enumerable, INamedTypeSymbol? queryable, INamedTypeSymbol? expression, INamedTypeSymbol? asyncEnumerable, INamedTypeSymbol stringType)
    {
        public INamedTypeSymbol Enumerable { get; } = enumerable;

        public INamedTypeSymbol? Queryable { get; } = queryable;

        public INamedTypeSymbol? Expression { get; } = expression;

        public INamedTypeSymbol? AsyncEnumerable { get; } = asyncEnumerable;

        public INamedTypeSymbol String { get; } = stringType;

        /// <summary>
        /// Per type definition: whether it is (or implements) <c>IQueryable</c> or <c>IAsyncEnumerable&lt;T&gt;</c>, or is a
        /// concurrent collection. The answer depends on the definition only (<see cref="DefinitionInterfaces"/>), and a
        /// code base asks it about a few types many times (issue #15: the interface scans were about 9% of PERF009's time).
        /// </summary>
        public System.Collections.Concurrent.ConcurrentDictionary<ITypeSymbol, bool> NotInMemory { get; } = new(SymbolEqualityComparer.Default);
    }

    /// <summary>What the source of the materialisation reads: the state a later step must not change.</summary>
    private sealed class SourceFacts
    {
        public HashSet<ISymbol> Symbols { get; } = new(SymbolEqualityComparer.Default);

        /// <summary>The source reads fields or properties of the containing type (or calls its methods).</summary>
        public bool ReadsOwnState { get; set; }

        /// <summary>The source calls a method that is not a LINQ operator (its result may depend on any state).</summary>
        public bool CallsMethods { get; set; }

        /// <summary>The collection the source starts from is not a local or parameter: a field, property, call or <c>this</c>.</summary>
        public bool HeldOutside { get; set; }
    }

    private static void Analyze(OperationAnalysisContext context, System.Lazy<KnownTypes?> types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        // The name as written, before the bound method is asked for: most invocations stop here without building a symbol.
        if (InvokedNames.Of(invocation.Syntax) is { } spelled && spelled != "ToList" && spelled != "ToArray" && spelled != "ToHashSet")
        {
            return;
        }

        var method = invocation.TargetMethod;
        var name = method.Name;
        // ToDictionary is not reported: a dictionary yields key/value pairs, not the source's elements, and checks keys
        // for duplicates, so no consumer can read the source instead without a rewrite (real code: issue #15 review).
        if (name != "ToList" && name != "ToArray" && name != "ToHashSet")
        {
            return;
        }

        if (method.ContainingType is not { Name: "Enumerable" } || types.Value is not { } known ||
            !SymbolEqualityComparer.Default.Equals(method.ContainingType, known.Enumerable) ||
            invocation.Syntax is not InvocationExpressionSyntax syntax ||
            invocation.Arguments.Length == 0)
        {
            return;
        }

        // Where the collection goes, before any walk: only into a local, a LINQ operator or a foreach can it be
        // traversed once more (most calls are returned, assigned to a member or passed on, and stop here).
        var parent = SkipConversions(invocation.Parent);
        if (!MayFeedTraversal(parent, known))
        {
            return;
        }

        var source = SourceArgument(invocation);
        if (source is null || !IsInMemorySource(source, known) || IsInExpressionTree(invocation, known))
        {
            return;
        }

        var noFix = HasExplicitTypeArguments(syntax);
        var containingType = context.ContainingSymbol.ContainingType;
        var facts = CollectFacts(source, containingType);
        if (facts is null)
        {
            // An earlier lambda has visible side effects.
            return;
        }

        // Where does the collection go?
        IOperation consumerUse = invocation;
        string kind;
        Location? additional = null;
        string display = name + "()";
        List<IOperation> region;
        string consumerName;
        if (parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })
        {
            if (!TryFollowLocal(declarator, invocation, facts, containingType, out var use, out var between))
            {
                return;
            }

            consumerUse = use;
            kind = KindLocal;
            additional = use.Syntax.GetLocation();
            display = name + "() into '" + declarator.Symbol.Name + "'";
            region = between;

            // A comment on the declaration would be lost with it: report, but offer no fix.
            var trivia = declarator.Syntax.Parent?.Parent?.GetLeadingTrivia().ToFullString() ?? string.Empty;
            noFix |= trivia.Contains("//") || trivia.Contains("/*");
        }
        else
        {
            kind = KindChain;
            region = new List<IOperation>();
        }

        if (!TryGetConsumer(consumerUse, known, region, out consumerName, out var consumerInvocation))
        {
            return;
        }

        // ToHashSet/ToDictionary: only where merely enumerated (no set or dictionary semantics used later).
        if (consumerInvocation is not null && (name == "ToHashSet" || name == "ToDictionary") && IsLookupOperator(consumerInvocation.TargetMethod.Name))
        {
            return;
        }

        // A consumer whose name the source type answers itself would bind to that method once the call is gone.
        if (consumerInvocation is not null && HasInstanceMember(source.Type, consumerInvocation.TargetMethod.Name))
        {
            return;
        }

        foreach (var operation in region)
        {
            if (Interferes(operation, facts, containingType))
            {
                return;
            }
        }

        // foreach (var x in items.ToList()) over a collection with no operator in between: the copy's only effect is
        // a snapshot, taken because the loop may change the collection. A call out of the method in the body may do
        // that through another reference (EF Core's Detach, a JSON node's parent): not reported then.
        if (consumerInvocation is null && !HasLinqOperator(source))
        {
            foreach (var operation in region)
            {
                foreach (var descendant in operation.DescendantsAndSelf())
                {
                    if (descendant is IInvocationOperation call && CallsOut(call))
                    {
                        return;
                    }
                }
            }
        }

        var properties = ImmutableDictionary.CreateBuilder<string, string?>();
        properties.Add(KindProperty, kind);
        if (noFix)
        {
            properties.Add(NoFixProperty, "true");
        }

        var span = syntax.Expression is MemberAccessExpressionSyntax access
            ? Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(access.Name.SpanStart, syntax.Span.End)
            : syntax.Span;
        var location = Location.Create(syntax.SyntaxTree, span);
        // Info in test projects (build_property.IsTestProject): a copy in a test costs nothing that matters, and the
        // assertions often want the snapshot; the fix is still offered.
        // Test methods and fixtures are recognised by their attributes too, where MSBuild does not say it is a test project.
        // Also Info where the code shows the cost cannot be large (issue #18): see IsHarmless.
        var severity = TestProjects.IsTestCode(context.Options, syntax.SyntaxTree) || TestProjects.IsTestMember(context.ContainingSymbol, containingType) ||
                       IsHarmless(source, consumerInvocation, context.ContainingSymbol)
            ? DiagnosticSeverity.Info
            : Descriptors.PERF009IntermediateCollection.DefaultSeverity;
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.PERF009IntermediateCollection,
            location,
            severity,
            additional is null ? null : new[] { additional },
            properties.ToImmutable(),
            display,
            consumerName));
    }

    /// <summary>
    /// The materialised collection goes into a local's initializer, a <c>foreach</c>, or a sequence argument of an
    /// <c>Enumerable</c> operator: the only places from which PERF009 follows it. A shape check on the parent only.
    /// </summary>
    private static bool MayFeedTraversal(IOperation? parent, KnownTypes known) =>
        parent switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation } => true,
            IForEachLoopOperation => true,
            IArgumentOperation { Parent: IInvocationOperation call } argument =>
                SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingType, known.Enumerable) && IsSequenceParameter(argument.Parameter),
            _ => false,
        };

    private static IOperation? SourceArgument(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is { Ordinal: 0 })
            {
                return Loops.Unwrap(argument.Value);
            }
        }

        return null;
    }

    private static IOperation? SkipConversions(IOperation? operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } or IParenthesizedOperation)
        {
            operation = operation.Parent;
        }

        return operation;
    }

    private static bool HasExplicitTypeArguments(InvocationExpressionSyntax syntax) =>
        syntax.Expression is MemberAccessExpressionSyntax { Name: GenericNameSyntax } or GenericNameSyntax;

    private static bool IsLookupOperator(string name) =>
        name is "Contains" or "ContainsKey" or "TryGetValue";

    /// <summary>
    /// The receiver spine of the source (through LINQ operators, member accesses and conversions) holds no
    /// <c>IQueryable</c>, async sequence or concurrent collection, and the source is not <c>this</c> mid-iteration.
    /// </summary>
    private static bool IsInMemorySource(IOperation source, KnownTypes known)
    {
        var current = (IOperation?)source;
        while (current is not null)
        {
            if (current.Type is { } type && IsNotInMemory(type, known))
            {
                return false;
            }

            current = current switch
            {
                IConversionOperation conversion => conversion.Operand,
                IParenthesizedOperation parenthesized => parenthesized.Operand,
                IInvocationOperation call when call.Instance is not null => call.Instance,
                IInvocationOperation call when call.TargetMethod.IsExtensionMethod && call.Arguments.Length > 0 => SourceArgument(call),
                IMemberReferenceOperation member => member.Instance,
                IAwaitOperation await => await.Operation,
                _ => null,
            };
        }

        return true;
    }

    private static bool IsNotInMemory(ITypeSymbol type, KnownTypes known)
    {
        var key = type is INamedTypeSymbol named ? named.OriginalDefinition : type;
        if (!known.NotInMemory.TryGetValue(key, out var verdict))
        {
            verdict = IsQueryable(key, known) || IsConcurrent(key) || IsAsyncSequence(key, known);
            known.NotInMemory.TryAdd(key, verdict);
        }

        return verdict;
    }

    private static bool IsQueryable(ITypeSymbol type, KnownTypes known)
    {
        if (known.Queryable is null)
        {
            return false;
        }

        if (SymbolEqualityComparer.Default.Equals(type, known.Queryable))
        {
            return true;
        }

        foreach (var implemented in DefinitionInterfaces.Of(type))
        {
            if (SymbolEqualityComparer.Default.Equals(implemented, known.Queryable))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsAsyncSequence(ITypeSymbol type, KnownTypes known)
    {
        if (known.AsyncEnumerable is null)
        {
            return false;
        }

        if (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known.AsyncEnumerable))
        {
            return true;
        }

        foreach (var implemented in DefinitionInterfaces.Of(type))
        {
            if (SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, known.AsyncEnumerable))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsConcurrent(ITypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.ContainingNamespace is { Name: "Concurrent", ContainingNamespace: { Name: "Collections", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } })
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsInExpressionTree(IOperation operation, KnownTypes known)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation && current.Parent is IConversionOperation { Type: { } target } &&
                known.Expression is not null && SymbolEqualityComparer.Default.Equals(target.OriginalDefinition, known.Expression))
            {
                return true;
            }

            if (current is IInvocationOperation call && call.TargetMethod.ContainingType is { Name: "Queryable" } queryableType &&
                IsSystemLinq(queryableType.ContainingNamespace))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The symbols the source reads; null when a lambda in it writes state outside itself or makes a void call.</summary>
    private static SourceFacts? CollectFacts(IOperation source, INamedTypeSymbol? containingType, int depth = 0)
    {
        var facts = new SourceFacts { HeldOutside = !IsLocalRoot(source) };
        foreach (var operation in source.DescendantsAndSelf())
        {
            switch (operation)
            {
                case ILocalReferenceOperation local:
                    if (facts.Symbols.Add(local.Local) && depth < 3 && MaterialisedSource(local) is { } earlier &&
                        CollectFacts(earlier, containingType, depth + 1) is { } inherited)
                    {
                        // The local holds an earlier ToList()/ToArray() that PERF009 may report too: once both are removed
                        // (Fix All), this source reads what that one read, lazily. Kavita PersonHelper: `existing =
                        // people.Where(..).ToList(); toRemove = existing.Where(..).ToList(); foreach (..) people.Remove(p);`.
                        facts.Symbols.UnionWith(inherited.Symbols);
                        facts.ReadsOwnState |= inherited.ReadsOwnState;
                        facts.CallsMethods |= inherited.CallsMethods;
                        facts.HeldOutside |= inherited.HeldOutside;
                    }

                    if (IsWrite(local) && IsInsideLambda(local, source) && !IsDeclaredInside(local.Local, source))
                    {
                        return null;
                    }

                    break;
                case IParameterReferenceOperation parameter:
                    facts.Symbols.Add(parameter.Parameter);
                    if (IsWrite(parameter) && IsInsideLambda(parameter, source))
                    {
                        return null;
                    }

                    break;
                case IMemberReferenceOperation member and (IFieldReferenceOperation or IPropertyReferenceOperation):
                    facts.Symbols.Add(member.Member);
                    if (IsOwnMember(member.Member, containingType))
                    {
                        facts.ReadsOwnState = true;
                    }

                    // Object and with-initialisers write the new object's members: no effect outside.
                    if (IsWrite(member) && IsInsideLambda(member, source) && member.Instance is not IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver })
                    {
                        return null;
                    }

                    break;
                case IInstanceReferenceOperation:
                    facts.ReadsOwnState = true;
                    break;
                case IAnonymousFunctionOperation { Symbol.IsAsync: true }:
                    // Select(async x => ...): materialising starts every task at once; lazily they would start one by one.
                    return null;
                case IInvocationOperation call:
                    if (!IsLinqOperator(call.TargetMethod))
                    {
                        // Select(p => (p, Fetch: p.GetRatesAsync())).ToList(): the ToList starts all the work before the
                        // traversal awaits or reads it; without it each task would start only when its element is reached.
                        if (IsTaskLike(call.Type) && IsInsideLambda(call, source))
                        {
                            return null;
                        }

                        facts.CallsMethods = true;
                        if (IsOwnMember(call.TargetMethod, containingType))
                        {
                            facts.ReadsOwnState = true;
                        }

                        if (call.TargetMethod.ReturnsVoid && IsInsideLambda(call, source))
                        {
                            return null;
                        }
                    }

                    break;
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } when IsInsideLambda(operation, source):
                    return null;
            }
        }

        return facts;
    }

    /// <summary>
    /// The source of the <c>ToList()</c>/<c>ToArray()</c>/<c>ToHashSet()</c> that initialises <paramref name="reference"/>'s
    /// local (<c>var x = source.ToList();</c>), or null. The name is read from the syntax before anything is bound.
    /// </summary>
    private static IOperation? MaterialisedSource(ILocalReferenceOperation reference)
    {
        var local = reference.Local;
        if (local.DeclaringSyntaxReferences.Length != 1 || reference.SemanticModel is not { } model ||
            !IsOnlyUse(reference) ||
            local.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax { Initializer.Value: var value } ||
            InvokedNames.Of(value) is not ("ToList" or "ToArray" or "ToHashSet") ||
            model.GetOperation(value) is not IInvocationOperation call || !IsLinqOperator(call.TargetMethod))
        {
            return null;
        }

        return SourceArgument(call);
    }

    /// <summary>
    /// <paramref name="reference"/> is the only use of its local in the block that declares it: only then can the earlier
    /// <c>ToList()</c> be reported (and removed) too. A local read twice or reassigned (Sonarr: `filteredClients.Empty()`
    /// before the use; `possibleSeriesFolders = possibleSeriesFolders.SelectMany(..).ToList()` in a loop) stays a list.
    /// </summary>
    private static bool IsOnlyUse(ILocalReferenceOperation reference)
    {
        for (var current = reference.Parent; current is not null; current = current.Parent)
        {
            if (current is not IBlockOperation block)
            {
                continue;
            }

            foreach (var declared in block.Locals)
            {
                if (SymbolEqualityComparer.Default.Equals(declared, reference.Local))
                {
                    return FindOnlyUse(block, reference.Local) is { } only && only.Syntax == reference.Syntax;
                }
            }
        }

        return false;
    }

    /// <summary>The receiver spine of the source holds an <c>Enumerable</c> operator (<c>Where</c>, <c>Select</c>, ...).</summary>
    private static bool HasLinqOperator(IOperation source)
    {
        var current = (IOperation?)source;
        while (current is not null)
        {
            switch (current)
            {
                case IInvocationOperation call when IsLinqOperator(call.TargetMethod):
                    return true;
                case IConversionOperation conversion:
                    current = conversion.Operand;
                    break;
                case IParenthesizedOperation parenthesized:
                    current = parenthesized.Operand;
                    break;
                default:
                    return false;
            }
        }

        return false;
    }

    /// <summary><c>Task</c>, <c>Task&lt;T&gt;</c>, <c>ValueTask</c> or <c>ValueTask&lt;T&gt;</c>.</summary>
    private static bool IsTaskLike(ITypeSymbol? type) =>
        type is INamedTypeSymbol { Name: "Task" or "ValueTask", ContainingNamespace: { Name: "Tasks", ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } } };

    /// <summary>The receiver spine ends in a local or parameter (through LINQ operators, member accesses, conversions).</summary>
    private static bool IsLocalRoot(IOperation source)
    {
        var current = (IOperation?)source;
        while (current is not null)
        {
            switch (current)
            {
                case ILocalReferenceOperation:
                case IParameterReferenceOperation:
                    return true;
                case IConversionOperation conversion:
                    current = conversion.Operand;
                    break;
                case IParenthesizedOperation parenthesized:
                    current = parenthesized.Operand;
                    break;
                case IInvocationOperation call when IsLinqOperator(call.TargetMethod):
                    current = SourceArgument(call);
                    break;
                case IMemberReferenceOperation { Instance: { } instance }:
                    current = instance;
                    break;
                default:
                    return false;
            }
        }

        return false;
    }

    /// <summary>
    /// A call out of the method (not LINQ, not a System or logging API): an event published, a service called. When
    /// the source is held outside the method, such a call may change it (the snapshot before it is then deliberate).
    /// </summary>
    private static bool CallsOut(IInvocationOperation call)
    {
        if (IsLinqOperator(call.TargetMethod))
        {
            return false;
        }

        return !IsSystemOrLogging(call.TargetMethod.ContainingNamespace);
    }

    /// <summary>
    /// <c>System</c> or a namespace below it, or <c>Microsoft.Extensions.Logging*</c>: what comparing
    /// <c>ToDisplayString()</c> with those prefixes tested, read from the namespace chain without building a string
    /// (issue #15: the string was about 5% of PERF009's time).
    /// </summary>
    private static bool IsSystemOrLogging(INamespaceSymbol? ns)
    {
        if (ns is null || ns.IsGlobalNamespace)
        {
            return false;
        }

        // The outermost three names below the global namespace, outermost first.
        string? first = null, second = null, third = null;
        for (var current = ns; current is { IsGlobalNamespace: false }; current = current.ContainingNamespace)
        {
            third = second;
            second = first;
            first = current.Name;
        }

        return first == "System" ||
               (first == "Microsoft" && second == "Extensions" && third is not null && third.StartsWith("Logging", System.StringComparison.Ordinal));
    }

    private static bool IsInsideLambda(IOperation operation, IOperation root)
    {
        for (var current = operation.Parent; current is not null && current != root; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsDeclaredInside(ILocalSymbol local, IOperation root)
    {
        if (local.DeclaringSyntaxReferences.Length == 0)
        {
            return true;
        }

        var declaration = local.DeclaringSyntaxReferences[0].Span;
        return root.Syntax.Span.Contains(declaration);
    }

    private static bool IsOwnMember(ISymbol member, INamedTypeSymbol? containingType)
    {
        if (containingType is null)
        {
            return false;
        }

        for (var type = containingType; type is not null; type = type.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(member.ContainingType, type))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsLinqOperator(IMethodSymbol method) =>
        method.ContainingType is { Name: "Enumerable" } type && IsSystemLinq(type.ContainingNamespace);

    /// <summary>The namespace <c>System.Linq</c> (what <c>ToDisplayString() == "System.Linq"</c> tested, without building the string: issue #18).</summary>
    private static bool IsSystemLinq(INamespaceSymbol? ns) =>
        ns is { Name: "Linq", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

    private static bool IsWrite(IOperation reference)
    {
        var parent = reference.Parent;
        switch (parent)
        {
            case IAssignmentOperation assignment when assignment.Target == reference:
            case IIncrementOrDecrementOperation:
                return true;
            case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out }:
                return true;
            case ITupleOperation when parent.Parent is IDeconstructionAssignmentOperation:
                return true;
        }

        return false;
    }

    /// <summary>
    /// The local holding the collection is read exactly once, as a sequence, in the same block or below it but not in
    /// a loop, lambda, local function or try body that the declaration is outside of; <paramref name="between"/> gets
    /// the statements from the declaration (exclusive) to the one holding the use (inclusive).
    /// </summary>
    private static bool TryFollowLocal(IVariableDeclaratorOperation declarator, IInvocationOperation invocation, SourceFacts facts, INamedTypeSymbol? containingType, out IOperation use, out List<IOperation> between)
    {
        use = null!;
        between = null!;
        var local = declarator.Symbol;
        if (local.RefKind != RefKind.None || declarator.Parent is not IVariableDeclarationOperation { Declarators.Length: 1, Parent: IVariableDeclarationGroupOperation group } ||
            group.Parent is not IBlockOperation block || group.Syntax is not LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0 } statement)
        {
            return false;
        }

        // A local can only be named inside its block: a syntax scan of the block for the name finds the one use (a
        // name used twice, even by another symbol, is refused), and only the statement holding it is walked for its operation.
        if (FindOnlyUse(block, local) is not { } found || IsWrite(found))
        {
            return false;
        }

        // Walk up to the declaration's block; nothing on the way may repeat, defer or catch.
        IOperation child = found;
        for (var current = found.Parent; current != block; current = current.Parent)
        {
            switch (current)
            {
                case null:
                case IAnonymousFunctionOperation:
                case ILocalFunctionOperation:
                case ITryOperation:
                case ILoopOperation loop when !(loop is IForEachLoopOperation forEach && IsInCollection(forEach, child)):
                // Built before a lock is taken or a resource opened: inlined, the source would run inside the lock
                // (holding it longer) or the using scope (DbCache: sets computed, then traversed under _lock).
                case ILockOperation:
                case IUsingOperation:
                    return false;
            }

            child = current;
        }

        var statementIndex = IndexOf(block.Operations, group);
        var useIndex = IndexOf(block.Operations, child);
        if (statementIndex < 0 || useIndex <= statementIndex)
        {
            return false;
        }

        between = new List<IOperation>();
        for (var i = statementIndex + 1; i <= useIndex; i++)
        {
            between.Add(block.Operations[i]);
        }

        // Statements before the one holding the use run before the inlined source now: they must leave it alone.
        if (useIndex > statementIndex + 1 && (facts.CallsMethods || facts.ReadsOwnState))
        {
            for (var i = statementIndex + 1; i < useIndex; i++)
            {
                if (HasEffects(block.Operations[i]))
                {
                    return false;
                }
            }
        }

        use = found;
        return true;
    }

    /// <summary>
    /// The only reference to <paramref name="local"/> in <paramref name="block"/>, or null when its name appears as an
    /// identifier more than once (or never) after the declaration. Member names (<c>x.name</c>) and argument names do not count.
    /// </summary>
    private static ILocalReferenceOperation? FindOnlyUse(IBlockOperation block, ILocalSymbol local)
    {
        var name = local.Name;
        IdentifierNameSyntax? only = null;
        var ambiguous = false;
        foreach (var token in TokensNamed(block.Syntax, name))
        {
            if (!token.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.IdentifierToken) || token.ValueText != name ||
                token.Parent is not IdentifierNameSyntax identifier)
            {
                continue;
            }

            if ((identifier.Parent is MemberAccessExpressionSyntax access && access.Name == identifier) ||
                identifier.Parent is MemberBindingExpressionSyntax or NameColonSyntax)
            {
                continue;
            }

            if (only is not null)
            {
                ambiguous = true;
                break;
            }

            only = identifier;
        }

        if (ambiguous || only is null)
        {
            return null;
        }

        foreach (var statement in block.Operations)
        {
            if (!statement.Syntax.Span.Contains(only.Span))
            {
                continue;
            }

            // A child outside its parent's span would hide the reference from the pruned walk: then the full walk, as before.
            var reference = ReferenceAt(statement, only) ?? FullWalk(statement, only);
            return reference is not null && SymbolEqualityComparer.Default.Equals(reference.Local, local) ? reference : null;
        }

        return null;
    }

    /// <summary>
    /// The local reference whose syntax is <paramref name="name"/>, found by entering only the operations whose span holds
    /// it (the first in the order a full walk visits them), or null.
    /// </summary>
    private static ILocalReferenceOperation? FullWalk(IOperation statement, IdentifierNameSyntax name)
    {
        foreach (var operation in statement.DescendantsAndSelf())
        {
            if (operation is ILocalReferenceOperation reference && reference.Syntax == name)
            {
                return reference;
            }
        }

        return null;
    }

    private static ILocalReferenceOperation? ReferenceAt(IOperation operation, IdentifierNameSyntax name)
    {
        if (operation is ILocalReferenceOperation reference && reference.Syntax == name)
        {
            return reference;
        }

        foreach (var child in operation.ChildOperations)
        {
            if (child.Syntax.Span.Contains(name.Span) && ReferenceAt(child, name) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>
    /// In text order, every token of <paramref name="node"/> (trivia not entered) that may be an identifier spelled
    /// <paramref name="name"/>: the tokens at the places where the node's text holds <paramref name="name"/>, found
    /// without creating the red nodes of the whole block (issue #18, most of PERF009's time on EF-heavy code). A token
    /// can be named <paramref name="name"/> only where its text holds it, unless an identifier is written with a Unicode
    /// escape (<c>\u0069tems</c>): when the text holds a backslash, every token is returned, as before. The caller
    /// keeps its own test on each token, so the answer is the one the full scan gave.
    /// </summary>
    private static IEnumerable<SyntaxToken> TokensNamed(SyntaxNode node, string name)
    {
        var span = node.Span;
        var text = node.SyntaxTree.GetText().ToString(span);
        if (text.IndexOf('\\') >= 0)
        {
            foreach (var token in node.DescendantTokens())
            {
                yield return token;
            }

            yield break;
        }

        var last = default(SyntaxToken);
        for (var index = text.IndexOf(name, System.StringComparison.Ordinal); index >= 0; index = text.IndexOf(name, index + 1, System.StringComparison.Ordinal))
        {
            // Inside a longer word (`ids` in `customerIds`, `idsByKey`) the token is another identifier, keyword or literal:
            // skipped here without looking it up (issue #15: FindToken was most of this scan's time).
            var end = index + name.Length;
            if ((index > 0 && Microsoft.CodeAnalysis.CSharp.SyntaxFacts.IsIdentifierPartCharacter(text[index - 1])) ||
                (end < text.Length && Microsoft.CodeAnalysis.CSharp.SyntaxFacts.IsIdentifierPartCharacter(text[end])))
            {
                continue;
            }

            var token = node.FindToken(span.Start + index);
            if (token == last || !token.Span.Contains(span.Start + index))
            {
                continue; // the same token again, or the name inside trivia (a comment), which the full scan never visited
            }

            last = token;
            yield return token;
        }
    }

    private static bool IsInCollection(IForEachLoopOperation forEach, IOperation child) => child == forEach.Collection;

    private static int IndexOf(ImmutableArray<IOperation> operations, IOperation operation)
    {
        for (var i = 0; i < operations.Length; i++)
        {
            if (operations[i] == operation)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool HasEffects(IOperation statement)
    {
        foreach (var operation in statement.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IInvocationOperation:
                case IObjectCreationOperation:
                case IAwaitOperation:
                case IIncrementOrDecrementOperation:
                case IAssignmentOperation { Target: not ILocalReferenceOperation }:
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <paramref name="use"/> (the collection) is the source of a LINQ operator or a <c>foreach</c>, and the chain it
    /// starts ends in something that traverses it once: an eager operator, a <c>foreach</c>, or a known consumer.
    /// The later lambdas and loop bodies are added to <paramref name="region"/>.
    /// </summary>
    private static bool TryGetConsumer(IOperation use, KnownTypes known, List<IOperation> region, out string consumerName, out IInvocationOperation? consumer)
    {
        consumerName = string.Empty;
        consumer = null;
        var parent = SkipConversions(use.Parent);
        if (parent is IForEachLoopOperation forEach && SkipConversionsDown(forEach.Collection) == use)
        {
            if (forEach.IsAsynchronous)
            {
                return false;
            }

            consumerName = "foreach";
            region.Add(forEach.Body);
            return true;
        }

        if (parent is not IArgumentOperation { Parent: IInvocationOperation call } argument ||
            !SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingType, known.Enumerable) ||
            !IsSequenceParameter(argument.Parameter))
        {
            return false;
        }

        if (call.Syntax is not InvocationExpressionSyntax)
        {
            return false;
        }

        consumer = call;
        consumerName = call.TargetMethod.Name + "()";
        IOperation current = call;
        IOperation from = argument;
        while (true)
        {
            if (current is IInvocationOperation step)
            {
                foreach (var other in step.Arguments)
                {
                    if (other != from)
                    {
                        region.Add(other);
                    }
                }
            }

            if (!IsLazySequence(current.Type))
            {
                return true;
            }

            var up = SkipConversions(current.Parent);
            switch (up)
            {
                case IForEachLoopOperation loop when !loop.IsAsynchronous && SkipConversionsDown(loop.Collection) == current:
                    region.Add(loop.Body);
                    return true;
                case IArgumentOperation { Parent: IInvocationOperation next } nextArgument when
                    SymbolEqualityComparer.Default.Equals(next.TargetMethod.ContainingType, known.Enumerable) && IsSequenceParameter(nextArgument.Parameter):
                    from = nextArgument;
                    current = next;
                    continue;
                case IArgumentOperation { Parent: IInvocationOperation next } when IsSingleTraversalConsumer(next.TargetMethod, known):
                    return true;
                case IArgumentOperation { Parent: IObjectCreationOperation creation } when IsCollectionType(creation.Type):
                    return true;
                default:
                    return false;
            }
        }
    }

    private static IOperation SkipConversionsDown(IOperation operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    private static bool IsSequenceParameter(IParameterSymbol? parameter) =>
        parameter is not null && parameter.Type is INamedTypeSymbol { Name: "IEnumerable" };

    /// <summary><c>IEnumerable&lt;T&gt;</c>, <c>IOrderedEnumerable&lt;T&gt;</c> or <c>IEnumerable</c>: a lazy result.</summary>
    private static bool IsLazySequence(ITypeSymbol? type) =>
        type is INamedTypeSymbol { TypeKind: TypeKind.Interface, Name: "IEnumerable" or "IOrderedEnumerable" };

    private static bool IsSingleTraversalConsumer(IMethodSymbol method, KnownTypes known)
    {
        if (SymbolEqualityComparer.Default.Equals(method.ContainingType, known.String))
        {
            return method.Name is "Join" or "Concat";
        }

        return method.Name is "AddRange" or "UnionWith" && IsCollectionType(method.ContainingType);
    }

    private static bool IsCollectionType(ITypeSymbol? type) =>
        type is INamedTypeSymbol { Name: "List" or "HashSet", ContainingNamespace: { Name: "Generic", ContainingNamespace: { Name: "Collections", ContainingNamespace.Name: "System" } } };

    private static bool HasInstanceMember(ITypeSymbol? type, string name)
    {
        if (type is null)
        {
            return false;
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers(name))
            {
                if (member is IMethodSymbol { IsStatic: false })
                {
                    return true;
                }
            }
        }

        // Arrays: C# 14 binds some names (Reverse, Contains, ...) to span extensions once the receiver is an array.
        return type is IArrayTypeSymbol && name is "Reverse" or "Contains" or "SequenceEqual" or "IndexOf" or "StartsWith" or "EndsWith";
    }

    /// <summary>Whether <paramref name="region"/> (a later step, a loop body, statements in between) may change what the source reads.</summary>
    private static bool Interferes(IOperation region, SourceFacts facts, INamedTypeSymbol? containingType)
    {
        foreach (var operation in region.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IAwaitOperation when !IsInsideLambda(operation, region):
                    return true;
                case IReturnOperation { Kind: OperationKind.YieldReturn or OperationKind.YieldBreak }:
                    return true;
                case ILocalReferenceOperation local when facts.Symbols.Contains(local.Local) && MayChange(local):
                case IParameterReferenceOperation parameter when facts.Symbols.Contains(parameter.Parameter) && MayChange(parameter):
                    return true;
                case IMemberReferenceOperation member and (IFieldReferenceOperation or IPropertyReferenceOperation):
                    if (facts.Symbols.Contains(member.Member) && MayChange(member))
                    {
                        return true;
                    }

                    if (facts.ReadsOwnState && IsWrite(member) && IsOwnMember(member.Member, containingType))
                    {
                        return true;
                    }

                    break;
                case IInvocationOperation call when facts.ReadsOwnState && IsOwnMember(call.TargetMethod, containingType) && !call.TargetMethod.IsStatic:
                    return true;
                case IInvocationOperation call when facts.HeldOutside && CallsOut(call):
                    return true;
            }
        }

        return false;
    }

    /// <summary>The reference is written, handed on, or used as the receiver of a call or a member write.</summary>
    private static bool MayChange(IOperation reference)
    {
        if (IsWrite(reference))
        {
            return true;
        }

        var parent = reference.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            reference = parent;
            parent = parent.Parent;
        }

        switch (parent)
        {
            case IInvocationOperation call when call.Instance == reference:
                return !IsReadOnlyCall(call.TargetMethod.Name);
            case IArgumentOperation { Parent: IInvocationOperation call }:
                return !IsLinqOperator(call.TargetMethod) && call.TargetMethod.ContainingType?.SpecialType != SpecialType.System_String;
            case IArgumentOperation:
                return true;
            case IMemberReferenceOperation member when member.Instance == reference:
                return IsWrite(member) || MayChange(member);
            case IArrayElementReferenceOperation element when element.ArrayReference == reference:
                return IsWrite(element);
        }

        return false;
    }

    private static bool IsReadOnlyCall(string name) =>
        name is "Contains" or "ContainsKey" or "ContainsValue" or "TryGetValue" or "IndexOf" or "Equals" or "GetHashCode" or "ToString"
            or "StartsWith" or "EndsWith" or "CompareTo" or "GetValueOrDefault";
}
