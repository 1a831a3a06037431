using System;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.Common;

namespace PerfAnalyzers.Rules;

/// <summary>
/// PERF006: a cache write whose entry provably never expires (IMemoryCache, System.Runtime.Caching.ObjectCache,
/// IDistributedCache). Options, policies and entries are followed only within the method that creates them; anything
/// that comes from elsewhere (a parameter, a field, a helper) or escapes to unknown code is not reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PERF006CacheEntryWithoutExpirationAnalyzer : DiagnosticAnalyzer
{
    internal const string RuleId = "PERF006";
    internal const string TtlOptionName = "default_cache_ttl";
    internal static readonly TimeSpan DefaultTtl = TimeSpan.FromMinutes(5);

    // Diagnostic properties read by the code fix.
    internal const string FixKindProperty = "FixKind";
    internal const string TtlTicksProperty = "TtlTicks";
    internal const string MemberProperty = "Member";
    internal const string InsertAfterArgumentProperty = "InsertAfterArgument";

    /// <summary>How the fix gives the entry an expiration; the fix target is the diagnostic's first additional location.</summary>
    internal static class FixKinds
    {
        /// <summary><c>cache.Set(key, value)</c> → <c>cache.Set(key, value, TTL)</c>; target: the invocation.</summary>
        internal const string AddRelativeExpirationArgument = nameof(AddRelativeExpirationArgument);

        /// <summary>IDistributedCache write without options → pass new options; target: the invocation.</summary>
        internal const string AddDistributedOptionsArgument = nameof(AddDistributedOptionsArgument);

        /// <summary>Options or policy created in the method → add member <c>Member</c> to its initializer; target: the creation.</summary>
        internal const string AddToInitializer = nameof(AddToInitializer);

        /// <summary>An infinite absolute expiration → <c>DateTimeOffset.UtcNow.Add(TTL)</c>; target: that expression.</summary>
        internal const string ReplaceInfinite = nameof(ReplaceInfinite);

        /// <summary>GetOrCreate(Async) factory lambda → set the entry's relative expiration first; target: the lambda.</summary>
        internal const string SetInFactory = nameof(SetInFactory);

        /// <summary><c>cache.CreateEntry(key)</c> → <c>cache.CreateEntry(key).SetAbsoluteExpiration(TTL)</c>; target: the invocation.</summary>
        internal const string AppendSetAbsoluteExpiration = nameof(AppendSetAbsoluteExpiration);
    }

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.PERF006CacheEntryWithoutExpiration);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        // Generated code is not analysed (the driver skips it); ReportDiagnostics spares the per-tree [GeneratedCode] lookup on
        // the first diagnostic of each tree. The diagnostics lie in the analysed operation, so the same are reported (issue #18).
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Create(start.Compilation);
            if (types is null)
            {
                return;
            }

            start.RegisterOperationAction(c => AnalyzeInvocation(c, types), OperationKind.Invocation);
            if (types.ObjectCache is not null)
            {
                start.RegisterOperationAction(c => AnalyzeIndexerSet(c, types), OperationKind.SimpleAssignment);
            }
        });
    }

    private sealed class KnownTypes
    {
        public INamedTypeSymbol? MemoryCache;
        public INamedTypeSymbol? CacheExtensions;
        public INamedTypeSymbol? CacheEntry;
        public INamedTypeSymbol? CacheEntryExtensions;
        public INamedTypeSymbol? MemoryCacheEntryOptions;
        public INamedTypeSymbol? MemoryCacheEntryExtensions;
        public INamedTypeSymbol? ObjectCache;
        public INamedTypeSymbol? CacheItemPolicy;
        public INamedTypeSymbol? DistributedCache;
        public INamedTypeSymbol? DistributedCacheExtensions;
        public INamedTypeSymbol? DistributedCacheEntryOptions;
        public INamedTypeSymbol? DistributedCacheEntryExtensions;
        public INamedTypeSymbol? DateTimeOffset;
        public INamedTypeSymbol? TimeSpan;

        public static KnownTypes? Create(Compilation compilation)
        {
            var t = new KnownTypes
            {
                MemoryCache = compilation.GetTypeByMetadataName("Microsoft.Extensions.Caching.Memory.IMemoryCache"),
                CacheExtensions = compilation.GetTypeByMetadataName("Microsoft.Extensions.Caching.Memory.CacheExtensions"),
                CacheEntry = compilation.GetTypeByMetadataName("Microsoft.Extensions.Caching.Memory.ICacheEntry"),
                CacheEntryExtensions = compilation.GetTypeByMetadataName("Microsoft.Extensions.Caching.Memory.CacheEntryExtensions"),
                MemoryCacheEntryOptions = compilation.GetTypeByMetadataName("Microsoft.Extensions.Caching.Memory.MemoryCacheEntryOptions"),
                MemoryCacheEntryExtensions = compilation.GetTypeByMetadataName("Microsoft.Extensions.Caching.Memory.MemoryCacheEntryExtensions"),
                ObjectCache = compilation.GetTypeByMetadataName("System.Runtime.Caching.ObjectCache"),
                CacheItemPolicy = compilation.GetTypeByMetadataName("System.Runtime.Caching.CacheItemPolicy"),
                DistributedCache = compilation.GetTypeByMetadataName("Microsoft.Extensions.Caching.Distributed.IDistributedCache"),
                DistributedCacheExtensions = compilation.GetTypeByMetadataName("Microsoft.Extensions.Caching.Distributed.DistributedCacheExtensions"),
                DistributedCacheEntryOptions = compilation.GetTypeByMetadataName("Microsoft.Extensions.Caching.Distributed.DistributedCacheEntryOptions"),
                DistributedCacheEntryExtensions = compilation.GetTypeByMetadataName("Microsoft.Extensions.Caching.Distributed.DistributedCacheEntryExtensions"),
                DateTimeOffset = compilation.GetTypeByMetadataName("System.DateTimeOffset"),
                TimeSpan = compilation.GetTypeByMetadataName("System.TimeSpan"),
            };

            if (t.MemoryCache is null && t.ObjectCache is null && t.DistributedCache is null)
            {
                return null;
            }

            return t;
        }

        public bool IsHolder(ITypeSymbol? type) =>
            type is not null &&
            (Same(type, CacheEntry) || Same(type, MemoryCacheEntryOptions) || Same(type, CacheItemPolicy) || Same(type, DistributedCacheEntryOptions));

        public bool IsHolderExtensionClass(INamedTypeSymbol? type) =>
            type is not null &&
            (Same(type, CacheEntryExtensions) || Same(type, MemoryCacheEntryExtensions) || Same(type, DistributedCacheEntryExtensions));

        public bool IsObjectCache(ITypeSymbol? type)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                if (Same(current, ObjectCache))
                {
                    return true;
                }
            }

            return false;
        }

        public bool IsDistributedCacheMember(IMethodSymbol method)
        {
            if (DistributedCache is null)
            {
                return false;
            }

            if (Same(method.ContainingType, DistributedCache))
            {
                return true;
            }

            foreach (var member in DistributedCache.GetMembers(method.Name))
            {
                if (member is IMethodSymbol interfaceMethod &&
                    SymbolEqualityComparer.Default.Equals(method.ContainingType.FindImplementationForInterfaceMember(interfaceMethod), method))
                {
                    return true;
                }
            }

            return false;
        }

        public bool IsMemoryCacheCreateEntry(IMethodSymbol method)
        {
            if (method.Name != "CreateEntry" || MemoryCache is null || method.Parameters.Length != 1)
            {
                return false;
            }

            if (Same(method.ContainingType, MemoryCache))
            {
                return true;
            }

            foreach (var member in MemoryCache.GetMembers("CreateEntry"))
            {
                if (member is IMethodSymbol interfaceMethod &&
                    SymbolEqualityComparer.Default.Equals(method.ContainingType.FindImplementationForInterfaceMember(interfaceMethod), method))
                {
                    return true;
                }
            }

            return false;
        }

        public static bool Same(ITypeSymbol? a, ITypeSymbol? b) => b is not null && SymbolEqualityComparer.Default.Equals(a?.OriginalDefinition, b);
    }

    private enum State
    {
        /// <summary>Provably no expiration (so far).</summary>
        None,

        /// <summary>An expiration (or expiration token) is set.</summary>
        Has,

        /// <summary>Cannot tell: the object comes from, or escapes to, code we do not see.</summary>
        Unknown,
    }

    /// <summary>What is known about an options object, policy or cache entry.</summary>
    private struct Finding
    {
        public State State;

        /// <summary>The object creation (options, policy) that a fix can add an expiration to.</summary>
        public IOperation? Creation;

        /// <summary>An infinite absolute expiration (DateTimeOffset.MaxValue, ObjectCache.InfiniteAbsoluteExpiration) a fix can replace.</summary>
        public IOperation? Infinite;

        public static Finding Of(State state) => new() { State = state };
    }

    private enum UseKind
    {
        Neutral,
        Expiration,
        Infinite,
        Unknown,
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, KnownTypes types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        switch (method.Name)
        {
            case "Set":
            case "SetAsync":
            case "SetString":
            case "SetStringAsync":
            case "Add":
            case "AddOrGetExisting":
            case "GetOrCreate":
            case "GetOrCreateAsync":
            case "CreateEntry":
                break;
            default:
                return;
        }

        var containing = method.ContainingType;
        if (KnownTypes.Same(containing, types.CacheExtensions))
        {
            AnalyzeMemoryCacheExtension(context, types, invocation);
        }
        else if (method.Name == "CreateEntry")
        {
            if (types.IsMemoryCacheCreateEntry(method))
            {
                AnalyzeCreateEntry(context, types, invocation);
            }
        }
        else if (KnownTypes.Same(containing, types.DistributedCacheExtensions) || types.IsDistributedCacheMember(method))
        {
            AnalyzeDistributed(context, types, invocation);
        }
        else if (method.Name is "Add" or "Set" or "AddOrGetExisting" && types.IsObjectCache(containing))
        {
            AnalyzeObjectCache(context, types, invocation);
        }
    }

    private static void AnalyzeMemoryCacheExtension(OperationAnalysisContext context, KnownTypes types, IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var parameters = method.Parameters;
        if (method.Name == "Set")
        {
            if (parameters.Length == 3)
            {
                Report(context, invocation, FixKinds.AddRelativeExpirationArgument, invocation);
                return;
            }

            if (parameters.Length != 4)
            {
                return;
            }

            var argument = GetArgument(invocation, parameters[3]);
            if (argument is null)
            {
                return;
            }

            if (KnownTypes.Same(parameters[3].Type, types.DateTimeOffset))
            {
                if (IsInfinite(argument, types))
                {
                    Report(context, invocation, FixKinds.ReplaceInfinite, argument);
                }
            }
            else if (KnownTypes.Same(parameters[3].Type, types.MemoryCacheEntryOptions))
            {
                ReportIfNone(context, invocation, AnalyzeHolder(argument, types, depth: 0), "AbsoluteExpirationRelativeToNow");
            }

            return;
        }

        if (method.Name is "GetOrCreate" or "GetOrCreateAsync" && parameters.Length >= 3)
        {
            var finding = Finding.Of(State.None);
            if (parameters.Length == 4 && GetArgument(invocation, parameters[3]) is { } createOptions && !IsNullOrDefault(createOptions))
            {
                var options = AnalyzeHolder(createOptions, types, depth: 0);
                if (options.State != State.None)
                {
                    return;
                }

                finding.Infinite = options.Infinite;
            }

            if (GetArgument(invocation, parameters[2]) is not IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda } ||
                lambda.Symbol.Parameters.Length != 1 ||
                lambda.Syntax.ContainsDiagnostics)
            {
                return;
            }

            var entryParameter = lambda.Symbol.Parameters[0];
            foreach (var operation in lambda.Body.Descendants())
            {
                if (operation is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter, entryParameter))
                {
                    if (!Accumulate(ref finding, ClassifyUse(reference, types, out var infinite), infinite))
                    {
                        return;
                    }
                }
            }

            if (finding.Infinite is not null)
            {
                Report(context, invocation, FixKinds.ReplaceInfinite, finding.Infinite);
            }
            else
            {
                Report(context, invocation, FixKinds.SetInFactory, lambda);
            }
        }
    }

    private static void AnalyzeCreateEntry(OperationAnalysisContext context, KnownTypes types, IInvocationOperation createEntry)
    {
        var finding = Finding.Of(State.None);
        IOperation current = createEntry;

        // Follow a fluent chain: cache.CreateEntry(key).SetValue(v).SetSize(1)...
        while (SkipConversionsUp(current) is IArgumentOperation { Parent: IInvocationOperation next } argument &&
               IsHolderExtensionThis(next, argument, types))
        {
            if (!Accumulate(ref finding, ClassifyExtension(next, types, out var infinite), infinite))
            {
                return;
            }

            current = next;
        }

        var committed = false;
        var consumer = SkipConversionsUp(current);
        switch (consumer)
        {
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                committed = IsUsingDeclared(declarator);
                var root = GetRoot(createEntry);
                foreach (var operation in root.Descendants())
                {
                    if (operation is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, declarator.Symbol))
                    {
                        if (reference.Parent is IInvocationOperation { TargetMethod.Name: "Dispose", Arguments.Length: 0 } dispose && dispose.Instance == reference)
                        {
                            committed = true;
                            continue;
                        }

                        if (!Accumulate(ref finding, ClassifyUse(reference, types, out var infinite), infinite))
                        {
                            return;
                        }
                    }
                }

                break;

            case IInvocationOperation { TargetMethod.Name: "Dispose", Arguments.Length: 0 } dispose when dispose.Instance is not null:
                committed = true;
                break;

            case IUsingOperation:
                committed = true;
                break;
        }

        if (!committed)
        {
            // An entry that is never disposed is never added to the cache.
            return;
        }

        if (finding.Infinite is not null)
        {
            Report(context, createEntry, FixKinds.ReplaceInfinite, finding.Infinite);
        }
        else
        {
            Report(context, createEntry, FixKinds.AppendSetAbsoluteExpiration, createEntry);
        }
    }

    private static bool IsUsingDeclared(IVariableDeclaratorOperation declarator)
    {
        var declaration = declarator.Parent;
        var group = declaration?.Parent;
        return group?.Parent is IUsingDeclarationOperation or IUsingOperation;
    }

    private static void AnalyzeDistributed(OperationAnalysisContext context, KnownTypes types, IInvocationOperation invocation)
    {
        IParameterSymbol? optionsParameter = null;
        IParameterSymbol? valueParameter = null;
        foreach (var parameter in invocation.TargetMethod.Parameters)
        {
            if (KnownTypes.Same(parameter.Type, types.DistributedCacheEntryOptions))
            {
                optionsParameter = parameter;
            }
            else if (parameter.Name == "value")
            {
                valueParameter = parameter;
            }
        }

        if (optionsParameter is null)
        {
            if (valueParameter is null || GetArgument(invocation, valueParameter)?.Parent is not IArgumentOperation { Syntax: ArgumentSyntax valueSyntax })
            {
                return;
            }

            var index = valueSyntax.Parent is ArgumentListSyntax list ? list.Arguments.IndexOf(valueSyntax) : -1;
            Report(
                context,
                invocation,
                FixKinds.AddDistributedOptionsArgument,
                invocation,
                extra: (InsertAfterArgumentProperty, index.ToString(CultureInfo.InvariantCulture)));
            return;
        }

        if (GetArgument(invocation, optionsParameter) is { } options)
        {
            ReportIfNone(context, invocation, AnalyzeHolder(options, types, depth: 0), "AbsoluteExpirationRelativeToNow");
        }
    }

    private static void AnalyzeObjectCache(OperationAnalysisContext context, KnownTypes types, IInvocationOperation invocation)
    {
        foreach (var parameter in invocation.TargetMethod.Parameters)
        {
            if (KnownTypes.Same(parameter.Type, types.DateTimeOffset))
            {
                if (GetArgument(invocation, parameter) is { } expiration && IsInfinite(expiration, types))
                {
                    Report(context, invocation, FixKinds.ReplaceInfinite, expiration);
                }

                return;
            }

            if (KnownTypes.Same(parameter.Type, types.CacheItemPolicy))
            {
                if (GetArgument(invocation, parameter) is { } policy)
                {
                    ReportIfNone(context, invocation, AnalyzeHolder(policy, types, depth: 0), "AbsoluteExpiration");
                }

                return;
            }
        }
    }

    /// <summary><c>objectCache[key] = value</c> stores with <see cref="System.Runtime.Caching.ObjectCache.InfiniteAbsoluteExpiration"/>.</summary>
    private static void AnalyzeIndexerSet(OperationAnalysisContext context, KnownTypes types)
    {
        var assignment = (ISimpleAssignmentOperation)context.Operation;
        if (assignment.Target is IPropertyReferenceOperation { Property.IsIndexer: true } indexer &&
            types.IsObjectCache(indexer.Property.ContainingType))
        {
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.PERF006CacheEntryWithoutExpiration,
                assignment.Syntax.GetLocation(),
                EffectiveSeverity(context.Options, assignment.Syntax.SyntaxTree),
                additionalLocations: null,
                properties: null,
                indexer.Property.ContainingType.Name + " indexer"));
        }
    }

    /// <summary>Follows an options object, policy or entry expression back to where it is created in this method.</summary>
    private static Finding AnalyzeHolder(IOperation value, KnownTypes types, int depth)
    {
        value = SkipConversionsDown(value);
        if (depth > 8)
        {
            return Finding.Of(State.Unknown);
        }

        switch (value)
        {
            case IObjectCreationOperation creation when types.IsHolder(creation.Type):
                return AnalyzeCreation(creation, types);

            case IInvocationOperation invocation when invocation.Arguments.Length > 0 && IsHolderExtensionThis(invocation, invocation.Arguments[0], types):
            {
                var kind = ClassifyExtension(invocation, types, out var infinite);
                if (kind == UseKind.Expiration)
                {
                    return Finding.Of(State.Has);
                }

                if (kind == UseKind.Unknown)
                {
                    return Finding.Of(State.Unknown);
                }

                var inner = AnalyzeHolder(invocation.Arguments[0].Value, types, depth + 1);
                if (inner.State == State.None && kind == UseKind.Infinite)
                {
                    inner.Infinite ??= infinite;
                }

                return inner;
            }

            case ILocalReferenceOperation local:
                return AnalyzeLocal(local, types, depth);

            default:
                return Finding.Of(State.Unknown);
        }
    }

    private static Finding AnalyzeCreation(IObjectCreationOperation creation, KnownTypes types)
    {
        var finding = new Finding { State = State.None, Creation = creation };
        if (creation.Initializer is null)
        {
            return finding;
        }

        foreach (var initializer in creation.Initializer.Initializers)
        {
            switch (initializer)
            {
                case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property } assignment:
                {
                    var kind = ClassifyPropertySet(property.Property, assignment.Value, types);
                    if (!Accumulate(ref finding, kind, kind == UseKind.Infinite ? SkipConversionsDown(assignment.Value) : null))
                    {
                        return finding;
                    }

                    break;
                }

                case IMemberInitializerOperation { InitializedMember: IPropertyReferenceOperation property } member:
                    if (IsTokenProperty(property.Property) && member.Initializer is IObjectOrCollectionInitializerOperation { Initializers.Length: > 0 })
                    {
                        return Finding.Of(State.Has);
                    }

                    break;

                case ISimpleAssignmentOperation:
                    return Finding.Of(State.Unknown);
            }
        }

        return finding;
    }

    private static Finding AnalyzeLocal(ILocalReferenceOperation local, KnownTypes types, int depth)
    {
        var root = GetRoot(local);
        IVariableDeclaratorOperation? declarator = null;
        foreach (var operation in root.Descendants())
        {
            if (operation is IVariableDeclaratorOperation candidate && SymbolEqualityComparer.Default.Equals(candidate.Symbol, local.Local))
            {
                declarator = candidate;
                break;
            }
        }

        var initializer = declarator?.GetVariableInitializer();
        if (initializer is null)
        {
            return Finding.Of(State.Unknown);
        }

        var finding = AnalyzeHolder(initializer.Value, types, depth + 1);
        if (finding.State != State.None)
        {
            return finding;
        }

        foreach (var operation in root.Descendants())
        {
            if (operation is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local.Local))
            {
                if (!Accumulate(ref finding, ClassifyUse(reference, types, out var infinite), infinite))
                {
                    return finding;
                }
            }
        }

        return finding;
    }

    /// <summary>Adds one use to a finding; false when the finding is settled (Has or Unknown).</summary>
    private static bool Accumulate(ref Finding finding, UseKind kind, IOperation? infinite)
    {
        switch (kind)
        {
            case UseKind.Expiration:
                finding = Finding.Of(State.Has);
                return false;
            case UseKind.Unknown:
                finding = Finding.Of(State.Unknown);
                return false;
            case UseKind.Infinite:
                finding.Infinite ??= infinite;
                return true;
            default:
                return true;
        }
    }

    /// <summary>What one reference to a local or parameter holding an options object, policy or entry does to it.</summary>
    private static UseKind ClassifyUse(IOperation reference, KnownTypes types, out IOperation? infinite)
    {
        infinite = null;
        switch (SkipConversionsUp(reference))
        {
            case IPropertyReferenceOperation property when property.Instance == reference:
                if (IsTokenProperty(property.Property))
                {
                    return UseKind.Expiration;
                }

                if (property.Parent is ISimpleAssignmentOperation assignment && assignment.Target == property)
                {
                    var kind = ClassifyPropertySet(property.Property, assignment.Value, types);
                    if (kind == UseKind.Infinite)
                    {
                        infinite = SkipConversionsDown(assignment.Value);
                    }

                    return kind;
                }

                if (property.Parent is IAssignmentOperation compound && compound.Target == property)
                {
                    return UseKind.Unknown;
                }

                return UseKind.Neutral;

            case IInvocationOperation invocation when invocation.Instance == reference:
                return UseKind.Neutral;

            case IArgumentOperation { Parent: IInvocationOperation invocation } argument:
                if (IsHolderExtensionThis(invocation, argument, types))
                {
                    // A fluent chain (options.SetSize(1).SetSlidingExpiration(...)): each call returns the same object.
                    var result = UseKind.Neutral;
                    while (true)
                    {
                        var kind = ClassifyExtension(invocation, types, out var chainInfinite);
                        if (kind is UseKind.Expiration or UseKind.Unknown)
                        {
                            return kind;
                        }

                        if (kind == UseKind.Infinite && infinite is null)
                        {
                            infinite = chainInfinite;
                            result = UseKind.Infinite;
                        }

                        if (SkipConversionsUp(invocation) is IArgumentOperation { Parent: IInvocationOperation next } nextArgument &&
                            IsHolderExtensionThis(next, nextArgument, types))
                        {
                            invocation = next;
                            continue;
                        }

                        // The object flows on through the last call's result: fine if discarded or handed to a cache write.
                        return invocation.Parent is IExpressionStatementOperation || IsCacheWriteArgument(invocation.Parent, types)
                            ? result
                            : UseKind.Unknown;
                    }
                }

                return IsCacheWriteArgument(argument, types) ? UseKind.Neutral : UseKind.Unknown;

            case INameOfOperation:
                return UseKind.Neutral;

            default:
                return UseKind.Unknown;
        }
    }

    /// <summary>The options/policy argument of a cache write this analyzer understands (it is only read there).</summary>
    private static bool IsCacheWriteArgument(IOperation? operation, KnownTypes types)
    {
        while (operation is IConversionOperation { IsImplicit: true })
        {
            operation = operation.Parent;
        }

        if (operation is not IArgumentOperation { Parent: IInvocationOperation invocation, Parameter: { } parameter })
        {
            return false;
        }

        if (!types.IsHolder(parameter.Type) || KnownTypes.Same(parameter.Type, types.CacheEntry))
        {
            return false;
        }

        var method = invocation.TargetMethod;
        var containing = method.ContainingType;
        return KnownTypes.Same(containing, types.CacheExtensions) ||
               KnownTypes.Same(containing, types.DistributedCacheExtensions) ||
               types.IsDistributedCacheMember(method) ||
               types.IsObjectCache(containing);
    }

    private static bool IsHolderExtensionThis(IInvocationOperation invocation, IArgumentOperation argument, KnownTypes types) =>
        invocation.TargetMethod.IsExtensionMethod &&
        invocation.Arguments.Length > 0 &&
        invocation.Arguments[0] == argument &&
        types.IsHolderExtensionClass(invocation.TargetMethod.ContainingType);

    /// <summary>A fluent extension on an entry or options object (SetAbsoluteExpiration, SetSize, SetOptions...).</summary>
    private static UseKind ClassifyExtension(IInvocationOperation invocation, KnownTypes types, out IOperation? infinite)
    {
        infinite = null;
        switch (invocation.TargetMethod.Name)
        {
            case "SetAbsoluteExpiration":
                if (invocation.Arguments.Length == 2 && IsInfinite(invocation.Arguments[1].Value, types))
                {
                    infinite = SkipConversionsDown(invocation.Arguments[1].Value);
                    return UseKind.Infinite;
                }

                return UseKind.Expiration;

            case "SetSlidingExpiration":
                return invocation.Arguments.Length == 2 && IsNoExpirationValue(invocation.Arguments[1].Value) ? UseKind.Neutral : UseKind.Expiration;

            case "AddExpirationToken":
                return UseKind.Expiration;

            case "SetOptions":
                if (invocation.Arguments.Length != 2)
                {
                    return UseKind.Unknown;
                }

                var options = AnalyzeHolder(invocation.Arguments[1].Value, types, depth: 1);
                return options.State switch
                {
                    State.Has => UseKind.Expiration,
                    State.Unknown => UseKind.Unknown,
                    _ => UseKind.Neutral,
                };

            default:
                return UseKind.Neutral;
        }
    }

    private static UseKind ClassifyPropertySet(IPropertySymbol property, IOperation value, KnownTypes types)
    {
        if (!types.IsHolder(property.ContainingType))
        {
            return UseKind.Neutral;
        }

        switch (property.Name)
        {
            case "AbsoluteExpiration":
                if (IsInfinite(value, types))
                {
                    return UseKind.Infinite;
                }

                return IsNullOrDefault(value) ? UseKind.Neutral : UseKind.Expiration;

            case "AbsoluteExpirationRelativeToNow":
            case "SlidingExpiration":
                return IsNoExpirationValue(value) ? UseKind.Neutral : UseKind.Expiration;

            case "ExpirationTokens":
            case "ChangeMonitors":
                return UseKind.Expiration;

            default:
                return UseKind.Neutral;
        }
    }

    private static bool IsTokenProperty(IPropertySymbol property) => property.Name is "ExpirationTokens" or "ChangeMonitors";

    /// <summary>DateTimeOffset.MaxValue or ObjectCache.InfiniteAbsoluteExpiration.</summary>
    private static bool IsInfinite(IOperation value, KnownTypes types) =>
        SkipConversionsDown(value) is IFieldReferenceOperation field &&
        ((field.Field.Name == "MaxValue" && KnownTypes.Same(field.Field.ContainingType, types.DateTimeOffset)) ||
         (field.Field.Name == "InfiniteAbsoluteExpiration" && types.IsObjectCache(field.Field.ContainingType)));

    /// <summary>null, default, TimeSpan.Zero or ObjectCache.NoSlidingExpiration: no relative or sliding expiration.</summary>
    private static bool IsNoExpirationValue(IOperation value)
    {
        value = SkipConversionsDown(value);
        if (IsNullOrDefault(value))
        {
            return true;
        }

        return value is IFieldReferenceOperation field &&
               (field.Field.Name is "Zero" or "NoSlidingExpiration");
    }

    private static bool IsNullOrDefault(IOperation value)
    {
        value = SkipConversionsDown(value);
        return value is IDefaultValueOperation || (value.ConstantValue.HasValue && value.ConstantValue.Value is null);
    }

    private static IOperation? GetArgument(IInvocationOperation invocation, IParameterSymbol parameter)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (SymbolEqualityComparer.Default.Equals(argument.Parameter, parameter))
            {
                return argument.ArgumentKind == ArgumentKind.DefaultValue ? null : argument.Value;
            }
        }

        return null;
    }

    private static IOperation SkipConversionsDown(IOperation operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    private static IOperation? SkipConversionsUp(IOperation operation)
    {
        var parent = operation.Parent;
        while (parent is IConversionOperation { IsImplicit: true })
        {
            parent = parent.Parent;
        }

        return parent;
    }

    private static IOperation GetRoot(IOperation operation)
    {
        while (operation.Parent is not null)
        {
            operation = operation.Parent;
        }

        return operation;
    }

    private static void ReportIfNone(OperationAnalysisContext context, IInvocationOperation invocation, Finding finding, string member)
    {
        if (finding.State != State.None)
        {
            return;
        }

        if (finding.Infinite is not null)
        {
            Report(context, invocation, FixKinds.ReplaceInfinite, finding.Infinite);
        }
        else if (finding.Creation is not null)
        {
            Report(context, invocation, FixKinds.AddToInitializer, finding.Creation, (MemberProperty, member));
        }
    }

    /// <summary>Info in test projects (<c>build_property.IsTestProject</c>): a cache there is a test double.</summary>
    private static DiagnosticSeverity EffectiveSeverity(AnalyzerOptions options, SyntaxTree tree) =>
        TestProjects.IsTestCode(options, tree) ? DiagnosticSeverity.Info : Descriptors.PERF006CacheEntryWithoutExpiration.DefaultSeverity;

    private static void Report(OperationAnalysisContext context, IInvocationOperation invocation, string fixKind, IOperation target, (string Key, string Value) extra = default)
    {
        var ttl = RuleOptions.GetTimeSpan(context.Options, invocation.Syntax.SyntaxTree, RuleId, TtlOptionName, DefaultTtl);
        var properties = ImmutableDictionary.CreateBuilder<string, string?>();
        properties.Add(FixKindProperty, fixKind);
        properties.Add(TtlTicksProperty, ttl.Ticks.ToString(CultureInfo.InvariantCulture));
        if (extra.Key is not null)
        {
            properties.Add(extra.Key, extra.Value);
        }

        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.PERF006CacheEntryWithoutExpiration,
            invocation.Syntax.GetLocation(),
            EffectiveSeverity(context.Options, invocation.Syntax.SyntaxTree),
            additionalLocations: new[] { target.Syntax.GetLocation() },
            properties: properties.ToImmutable(),
            invocation.TargetMethod.Name));
    }
}
