using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.Common;

namespace PerfAnalyzers.Rules;

/// <summary>
/// PERF010: <c>new HttpClient(...)</c> in a method body, lambda or local function (loops included) whose client lives only
/// for the call: not returned (a factory), not stored in a static field, and not stored in the field of a type that is
/// visibly a singleton. A client created per instance of a type is reported at the end of the compilation, once every
/// singleton registration (<c>AddSingleton</c>, <c>AddHostedService</c>, a static <c>new T()</c>) has been seen.
/// </summary>
/// <remarks>
/// Not reported: field and property initialisers, clients whose handler comes from outside (its pool is shared),
/// clients handed to a method (their owner is elsewhere), and test projects (<c>build_property.IsTestProject</c>).
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PERF010NewHttpClientPerCallAnalyzer : DiagnosticAnalyzer
{
    internal const string RuleId = "PERF010";

    /// <summary>Diagnostic property: the field or property holding an injected <c>IHttpClientFactory</c>, when the type has one.</summary>
    internal const string FactoryMemberProperty = "FactoryMember";

    /// <summary>Diagnostic property: the field or property holding an injected <c>HttpClient</c>, when the type has one.</summary>
    internal const string ClientMemberProperty = "ClientMember";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.PERF010NewHttpClientPerCall);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        // Generated code is not analysed. ReportDiagnostics rather than None, as for the other rules (issue #18): every
        // diagnostic lies at a creation found in analysed code (the compilation-end ones too), so it never falls in generated
        // code, and the driver's per-tree [GeneratedCode] lookup on the first diagnostic is saved (GeneratedCodeReportingTests).
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.RegisterCompilationStartAction(Start);
    }

    private static void Start(CompilationStartAnalysisContext context)
    {
        var compilation = context.Compilation;
        if (TestProjects.IsTestProject(context.Options))
        {
            return;
        }

        // Resolved on the first `new HttpClient(...)`, not here: a metadata-name lookup walks every reference the first
        // time, a fixed cost per compilation that most compilations (no HttpClient created) need not pay (issue #15).
        // Without System.Net.Http.HttpClient nothing is reported, as before.
        var known = new Lazy<KnownTypes?>(() =>
            compilation.GetTypeByMetadataName("System.Net.Http.HttpClient") is { } httpClient
                ? new KnownTypes(
                    httpClient,
                    compilation.GetTypeByMetadataName("System.Net.Http.HttpMessageHandler"),
                    compilation.GetTypeByMetadataName("System.Net.Http.IHttpClientFactory"),
                    compilation.GetTypeByMetadataName("Microsoft.Extensions.Hosting.IHostedService"))
                : null);
        var state = new CompilationState();
        context.RegisterOperationAction(c => AnalyzeCreation(c, known, state), OperationKind.ObjectCreation);
        context.RegisterOperationAction(c => CollectRegistration(c, state), OperationKind.Invocation);
        context.RegisterOperationAction(c => CollectStaticInstance(c, state), OperationKind.FieldInitializer, OperationKind.PropertyInitializer);
        context.RegisterCompilationEndAction(c =>
        {
            if (!state.InstanceClients.IsEmpty && known.Value is { } types)
            {
                ReportInstanceClients(c, types, state);
            }
        });
    }

    private sealed class KnownTypes(INamedTypeSymbol httpClient, INamedTypeSymbol? handler, INamedTypeSymbol? factory, INamedTypeSymbol? hostedService)
    {
        public INamedTypeSymbol HttpClient { get; } = httpClient;

        public INamedTypeSymbol? Handler { get; } = handler;

        public INamedTypeSymbol? Factory { get; } = factory;

        public INamedTypeSymbol? HostedService { get; } = hostedService;
    }

    private sealed class CompilationState
    {
        /// <summary>Types registered or held as singletons.</summary>
        public ConcurrentDictionary<ITypeSymbol, bool> Singletons { get; } = new(SymbolEqualityComparer.Default);

        /// <summary>Clients stored in an instance field: reported at the end unless their type is a singleton.</summary>
        public ConcurrentBag<(IObjectCreationOperation Creation, INamedTypeSymbol Owner, Diagnostic Diagnostic)> InstanceClients { get; } = new();
    }

    private enum Lifetime
    {
        /// <summary>Lives for the call: report.</summary>
        PerCall,

        /// <summary>Stored in an instance field of the containing type: report unless the type is a singleton.</summary>
        PerInstance,

        /// <summary>Returned, stored statically, handed on, or unknown: not reported.</summary>
        Kept,
    }

    private static void AnalyzeCreation(OperationAnalysisContext context, Lazy<KnownTypes?> types, CompilationState state)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (creation.Type is not INamedTypeSymbol { Name: "HttpClient" } || types.Value is not { } known ||
            !SymbolEqualityComparer.Default.Equals(creation.Type, known.HttpClient) || !IsInExecutableCode(creation) || HasSharedHandler(creation, known) ||
            TestProjects.IsTestCode(context.Options, creation.Syntax.SyntaxTree))
        {
            return;
        }

        var lifetime = Follow(creation, depth: 0);
        if (lifetime == Lifetime.Kept)
        {
            return;
        }

        var owner = context.ContainingSymbol.ContainingType;
        var method = context.ContainingSymbol;
        if (TestProjects.IsTestMember(method, owner))
        {
            return;
        }

        var where = lifetime == Lifetime.PerInstance
            ? "for every instance of '" + owner?.Name + "'"
            : Loops.TryGetEnclosingLoop(creation, null, out _) ? "on every iteration of a loop" : "on every call";
        var properties = ImmutableDictionary.CreateBuilder<string, string?>();
        var advice = "share one static client with a SocketsHttpHandler, or use IHttpClientFactory";
        if (owner is not null)
        {
            var factoryMember = InjectedMember(owner, known.Factory);
            var clientMember = InjectedMember(owner, known.HttpClient);
            if (factoryMember is not null)
            {
                properties.Add(FactoryMemberProperty, factoryMember);
                advice = "use the injected '" + factoryMember + "'";
            }
            else if (clientMember is not null)
            {
                properties.Add(ClientMemberProperty, clientMember);
                advice = "use the injected '" + clientMember + "'";
            }
        }

        var name = method is IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } ? owner?.Name ?? method.Name : method.Name;
        var diagnostic = Diagnostic.Create(Descriptors.PERF010NewHttpClientPerCall, creation.Syntax.GetLocation(), properties.ToImmutable(), "'" + name + "'", where, advice);
        if (lifetime == Lifetime.PerInstance && owner is not null)
        {
            state.InstanceClients.Add((creation, owner, diagnostic));
            return;
        }

        context.ReportDiagnostic(diagnostic);
    }

    private static void ReportInstanceClients(CompilationAnalysisContext context, KnownTypes known, CompilationState state)
    {
        foreach (var (_, owner, diagnostic) in state.InstanceClients)
        {
            if (!IsSingleton(owner, known, state))
            {
                context.ReportDiagnostic(diagnostic);
            }
        }
    }

    private static bool IsSingleton(INamedTypeSymbol owner, KnownTypes known, CompilationState state)
    {
        if (state.Singletons.ContainsKey(owner) || owner.IsStatic)
        {
            return true;
        }

        if (known.HostedService is not null)
        {
            foreach (var implemented in owner.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(implemented, known.HostedService))
                {
                    return true;
                }
            }
        }

        // Registered through an interface or base type it implements: AddSingleton<IService, Owner> names Owner itself,
        // but AddSingleton<IService>(sp => new Owner(...)) is collected from the creation; nothing more to look at.
        return false;
    }

    /// <summary><c>AddSingleton&lt;T&gt;</c>, <c>AddSingleton&lt;I, T&gt;</c>, <c>TryAddSingleton</c>, <c>AddHostedService&lt;T&gt;</c>, <c>AddSingleton(typeof(T))</c>, <c>AddSingleton(new T())</c>.</summary>
    private static void CollectRegistration(OperationAnalysisContext context, CompilationState state)
    {
        var invocation = (IInvocationOperation)context.Operation;
        // The name as written first: most invocations stop here without building their method symbol.
        if (InvokedNames.Of(invocation.Syntax) is { } spelled && !IsRegistrationName(spelled))
        {
            return;
        }

        var name = invocation.TargetMethod.Name;
        if (!IsRegistrationName(name))
        {
            return;
        }

        foreach (var typeArgument in invocation.TargetMethod.TypeArguments)
        {
            state.Singletons.TryAdd(typeArgument, true);
        }

        foreach (var argument in invocation.Arguments)
        {
            foreach (var operation in argument.Value.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case ITypeOfOperation typeOf:
                        state.Singletons.TryAdd(typeOf.TypeOperand, true);
                        break;
                    case IObjectCreationOperation { Type: { } created }:
                        state.Singletons.TryAdd(created, true);
                        break;
                }
            }
        }
    }

    private static bool IsRegistrationName(string name) => name is "AddSingleton" or "TryAddSingleton" or "AddHostedService";

    /// <summary><c>static readonly T Instance = new T()</c> (or inside a <c>Lazy</c>): T is a singleton.</summary>
    private static void CollectStaticInstance(OperationAnalysisContext context, CompilationState state)
    {
        var isStatic = context.Operation switch
        {
            IFieldInitializerOperation field => field.InitializedFields.Length > 0 && field.InitializedFields[0].IsStatic,
            IPropertyInitializerOperation property => property.InitializedProperties.Length > 0 && property.InitializedProperties[0].IsStatic,
            _ => false,
        };
        if (!isStatic)
        {
            return;
        }

        foreach (var operation in context.Operation.Descendants())
        {
            if (operation is IObjectCreationOperation { Type: { } created })
            {
                state.Singletons.TryAdd(created, true);
            }
        }
    }

    /// <summary>In a method body, lambda or local function; not in a field, property or parameter initialiser.</summary>
    private static bool IsInExecutableCode(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case IAnonymousFunctionOperation:
                case ILocalFunctionOperation:
                case IMethodBodyBaseOperation:
                    return true;
                case IFieldInitializerOperation:
                case IPropertyInitializerOperation:
                case IParameterInitializerOperation:
                    return false;
            }
        }

        // Top-level statements and expression-bodied members without a body operation.
        return operation.SemanticModel is not null;
    }

    /// <summary>A handler argument that is not created for this client: its connection pool outlives the client.</summary>
    private static bool HasSharedHandler(IObjectCreationOperation creation, KnownTypes known)
    {
        foreach (var argument in creation.Arguments)
        {
            if (argument.ArgumentKind == ArgumentKind.DefaultValue || argument.Parameter?.Name != "handler")
            {
                continue;
            }

            var value = Loops.Unwrap(argument.Value);
            switch (value)
            {
                case IObjectCreationOperation:
                    return false;
                case ILocalReferenceOperation local when IsLocalCreatedHere(local):
                    return false;
                default:
                    return true;
            }
        }

        return false;
    }

    private static bool IsLocalCreatedHere(ILocalReferenceOperation reference)
    {
        var root = Root(reference);
        foreach (var operation in root.Descendants())
        {
            if (operation is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, reference.Local))
            {
                return declarator.Initializer is { } initializer && Loops.Unwrap(initializer.Value) is IObjectCreationOperation;
            }
        }

        return false;
    }

    private static IOperation Root(IOperation operation)
    {
        var root = operation;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        return root;
    }

    /// <summary>Where the value of <paramref name="value"/> goes, and so how long it lives.</summary>
    private static Lifetime Follow(IOperation value, int depth)
    {
        if (depth > 4)
        {
            return Lifetime.Kept;
        }

        var child = value;
        var parent = value.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            child = parent;
            parent = parent.Parent;
        }

        switch (parent)
        {
            case IReturnOperation:
                return Lifetime.Kept;
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                return FollowLocal(declarator.Symbol, Root(parent), depth);
            case IAssignmentOperation assignment when assignment.Value == child:
                return Target(assignment.Target, depth);
            case IArgumentOperation { Parent: IObjectCreationOperation outer }:
                // Wrapped: the wrapper's lifetime is the client's.
                return Follow(outer, depth + 1);
            case IArgumentOperation:
                return Lifetime.Kept;
            case IInvocationOperation call when call.Instance == child:
            case IMemberReferenceOperation member when member.Instance == child:
            case IUsingOperation:
            case IExpressionStatementOperation:
                return Lifetime.PerCall;
            default:
                return Lifetime.Kept;
        }
    }

    private static Lifetime Target(IOperation target, int depth)
    {
        switch (target)
        {
            case IMemberReferenceOperation { Member.IsStatic: true }:
                return Lifetime.Kept;
            case IMemberReferenceOperation { Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } }:
                return Lifetime.PerInstance;
            case ILocalReferenceOperation local:
                return FollowLocal(local.Local, Root(target), depth);
            default:
                return Lifetime.Kept;
        }
    }

    /// <summary>A local holding the client: kept when returned, stored, or handed on (unless the method disposes it).</summary>
    private static Lifetime FollowLocal(ILocalSymbol local, IOperation root, int depth)
    {
        var disposed = false;
        var handedOn = false;
        var result = Lifetime.PerCall;
        foreach (var operation in root.Descendants())
        {
            switch (operation)
            {
                case IUsingOperation { Resources: { } resources } when Declares(resources, local):
                    disposed = true;
                    break;
                case IUsingDeclarationOperation usingDeclaration when Declares(usingDeclaration.DeclarationGroup, local):
                    disposed = true;
                    break;
                case ILocalReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Local, local):
                    var parent = reference.Parent;
                    IOperation child = reference;
                    while (parent is IConversionOperation or IParenthesizedOperation)
                    {
                        child = parent;
                        parent = parent.Parent;
                    }

                    switch (parent)
                    {
                        case IInvocationOperation { TargetMethod.Name: "Dispose" } call when call.Instance == child:
                            disposed = true;
                            break;
                        case IReturnOperation:
                            return Lifetime.Kept;
                        case IAssignmentOperation assignment when assignment.Value == child:
                            var stored = Target(assignment.Target, depth + 1);
                            if (stored == Lifetime.Kept)
                            {
                                return Lifetime.Kept;
                            }

                            if (stored == Lifetime.PerInstance)
                            {
                                result = Lifetime.PerInstance;
                            }

                            break;
                        case IArgumentOperation { Parent: IObjectCreationOperation outer }:
                            var wrapped = Follow(outer, depth + 1);
                            if (wrapped == Lifetime.Kept)
                            {
                                handedOn = true;
                            }

                            break;
                        case IArgumentOperation:
                        case IAnonymousFunctionOperation:
                        case ITupleOperation:
                        case IArrayInitializerOperation:
                            handedOn = true;
                            break;
                    }

                    break;
            }
        }

        if (handedOn && !disposed)
        {
            return Lifetime.Kept;
        }

        return result;
    }

    private static bool Declares(IOperation resources, ILocalSymbol local)
    {
        foreach (var operation in resources.DescendantsAndSelf())
        {
            if (operation is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The name of a field or property of <paramref name="owner"/> of type <paramref name="type"/> that a constructor
    /// assigns from a parameter (or a primary constructor parameter of that type).
    /// </summary>
    private static string? InjectedMember(INamedTypeSymbol owner, INamedTypeSymbol? type)
    {
        if (type is null)
        {
            return null;
        }

        foreach (var constructor in owner.InstanceConstructors)
        {
            foreach (var parameter in constructor.Parameters)
            {
                if (!SymbolEqualityComparer.Default.Equals(parameter.Type, type))
                {
                    continue;
                }

                foreach (var reference in constructor.DeclaringSyntaxReferences)
                {
                    var syntax = reference.GetSyntax();
                    if (syntax is TypeDeclarationSyntax)
                    {
                        // A primary constructor parameter is in scope in every member.
                        return parameter.Name;
                    }

                    foreach (var assignment in syntax.DescendantNodes().OfType<AssignmentExpressionSyntax>())
                    {
                        if (assignment.Right is IdentifierNameSyntax { Identifier.ValueText: var from } && from == parameter.Name &&
                            MemberName(assignment.Left) is { } memberName && IsMemberOfType(owner, memberName, type))
                        {
                            return memberName;
                        }
                    }
                }
            }
        }

        return null;
    }

    private static string? MemberName(ExpressionSyntax target) => target switch
    {
        IdentifierNameSyntax name => name.Identifier.ValueText,
        MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: var name } => name.Identifier.ValueText,
        _ => null,
    };

    private static bool IsMemberOfType(INamedTypeSymbol owner, string name, INamedTypeSymbol type)
    {
        foreach (var member in owner.GetMembers(name))
        {
            var memberType = member switch
            {
                IFieldSymbol { IsStatic: false } field => field.Type,
                IPropertySymbol { IsStatic: false, IsIndexer: false } property => property.Type,
                _ => null,
            };
            if (memberType is not null && SymbolEqualityComparer.Default.Equals(memberType, type))
            {
                return true;
            }
        }

        return false;
    }
}
