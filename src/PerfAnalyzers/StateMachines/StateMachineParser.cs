using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PerfAnalyzers.StateMachines;

/// <summary>
/// Turns a [StateMachine] class (symbols and syntax) into a value-equatable <see cref="StateMachineModel"/>, and checks it:
/// the one place the PERFSM001–PERFSM006, PERFSM008 and PERFSM009 rules live. The generator calls <see cref="Parse(GeneratorAttributeSyntaxContext, CancellationToken)"/>
/// (model only, reports nothing); <see cref="StateMachineAnalyzer"/> calls <see cref="Validate"/> (reports, emits nothing).
/// </summary>
internal static class StateMachineParser
{
    internal const string RuntimeNamespace = "PerfAnalyzers.Runtime.StateMachines";
    internal const string StateMachineAttributeName = RuntimeNamespace + ".StateMachineAttribute";
    internal const string OnAttributeName = RuntimeNamespace + ".OnAttribute";
    private const string BatchAttributeName = RuntimeNamespace + ".BatchAttribute";
    internal const string PriorityAttributeName = RuntimeNamespace + ".PriorityAttribute";
    private const string SloAttributeName = RuntimeNamespace + ".SloAttribute";
    private const string MessageInterfaceName = RuntimeNamespace + ".IMessage";

    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private static readonly SymbolDisplayFormat s_nameFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters);

    /// <summary>The generator's entry: the model to emit, or null when the machine cannot be emitted. Reports nothing.</summary>
    public static StateMachineModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken) =>
        context.TargetNode is TypeDeclarationSyntax declaration && context.TargetSymbol is INamedTypeSymbol type && context.Attributes.Length > 0
            && IsFirstOnType(type, context.Attributes[0])
            ? Parse(declaration, type, context.Attributes[0], context.SemanticModel.Compilation, StateMachineDiagnosticSink.None, cancellationToken)
            : null;

    /// <summary>
    /// The analyzer's entry: reports PERFSM001–PERFSM006, PERFSM008 and PERFSM009 for <paramref name="type"/>, which carries <paramref name="attribute"/>
    /// (the [StateMachine] attribute), through <paramref name="report"/>.
    /// </summary>
    public static void Validate(INamedTypeSymbol type, AttributeData attribute, Compilation compilation, Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        // The declaration the attribute is written on (a partial class may have others): PERFSM001 starts from it.
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax { Parent.Parent: TypeDeclarationSyntax declaration })
        {
            return;
        }

        Parse(declaration, type, attribute, compilation, new StateMachineDiagnosticSink(report), cancellationToken);
    }

    /// <summary>
    /// Whether <paramref name="attribute"/> is the first [StateMachine] of <paramref name="type"/>. The attribute is not
    /// AllowMultiple, but broken code can put it on two partial declarations (CS0579): the generator then gets one call
    /// per declaration and must emit the machine once (a second file with the same name would fail the generator).
    /// </summary>
    private static bool IsFirstOnType(INamedTypeSymbol type, AttributeData attribute)
    {
        foreach (var candidate in type.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(candidate.AttributeClass, attribute.AttributeClass))
            {
                var a = candidate.ApplicationSyntaxReference;
                var b = attribute.ApplicationSyntaxReference;
                return a is null || b is null || (a.SyntaxTree == b.SyntaxTree && a.Span == b.Span);
            }
        }

        return true;
    }

    private static StateMachineModel? Parse(TypeDeclarationSyntax declaration, INamedTypeSymbol type, AttributeData attribute, Compilation compilation, StateMachineDiagnosticSink diagnostics, CancellationToken cancellationToken)
    {
        var attributeLocation = (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) ?? declaration).GetLocation();

        // PERFSM001: the class and every type it is nested in must be partial.
        var notPartial = false;
        for (SyntaxNode? node = declaration; node is TypeDeclarationSyntax typeDeclaration; node = node.Parent)
        {
            if (!typeDeclaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                diagnostics.Add(Diagnostic("PERFSM001", typeDeclaration.Identifier.GetLocation(), typeDeclaration.Identifier.ValueText));
                notPartial = true;
            }
        }

        // PERFSM002: the initial state is a member of an enum that has members.
        var initial = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0] : default;
        if (initial.Kind != TypedConstantKind.Enum || initial.Type is not INamedTypeSymbol { TypeKind: TypeKind.Enum } stateType)
        {
            // A nested enum named State clashes with the generated State property, which then breaks the argument
            // [StateMachine(Order.State.New)] (a compiler error already): PERFSM009 on the enum says why, PERFSM002 would mislead.
            var clashes = diagnostics.IsEnabled ? ReportClashes(type, null, new List<MessageBuilder>(), compilation, diagnostics, cancellationToken) : 0;
            if (clashes == 0 || initial.Kind != TypedConstantKind.Error)
            {
                diagnostics.Add(Diagnostic("PERFSM002", attributeLocation, type.Name, "the argument must be an enum member, e.g. [StateMachine(MyState.Initial)]"));
            }

            return null;
        }

        var stateFields = new List<IFieldSymbol>();
        var seenValues = new HashSet<object>();
        foreach (var member in stateType.GetMembers())
        {
            if (member is IFieldSymbol { HasConstantValue: true } field && field.ConstantValue is not null && seenValues.Add(field.ConstantValue))
            {
                stateFields.Add(field);
            }
        }

        var initialIndex = stateFields.FindIndex(f => Equals(f.ConstantValue, initial.Value));
        if (stateFields.Count == 0 || initialIndex < 0)
        {
            diagnostics.Add(Diagnostic("PERFSM002", attributeLocation, type.Name, stateFields.Count == 0 ? $"'{stateType.Name}' has no members" : "the initial state is not a member of the enum"));
            return null;
        }

        int StateIndex(object? value) => stateFields.FindIndex(f => Equals(f.ConstantValue, value));

        var options = ReadOptions(attribute);
        CheckSettings(attribute, diagnostics, cancellationToken);
        var machineName = NamedString(attribute, "Name") ?? type.ToDisplayString(s_nameFormat);

        // Handlers.
        var onAttribute = compilation.GetTypeByMetadataName(OnAttributeName);
        var batchAttribute = compilation.GetTypeByMetadataName(BatchAttributeName);
        var priorityAttribute = compilation.GetTypeByMetadataName(PriorityAttributeName);
        var sloAttribute = compilation.GetTypeByMetadataName(SloAttributeName);
        var messageInterface = compilation.GetTypeByMetadataName(MessageInterfaceName);
        var readOnlyList = compilation.GetTypeByMetadataName("System.Collections.Generic.IReadOnlyList`1");
        var readOnlySpan = compilation.GetTypeByMetadataName("System.ReadOnlySpan`1");

        var messages = new List<MessageBuilder>();
        var slos = new List<SloModel>();
        var handlerMethods = new List<(IMethodSymbol Method, ImmutableArray<int> States)>();
        var classSlo = FindAttribute(type, sloAttribute);
        if (classSlo is not null)
        {
            CheckSettings(classSlo, diagnostics, cancellationToken);
            slos.Add(new SloModel(null, NamedDouble(classSlo, "P95Milliseconds"), NamedDouble(classSlo, "P99Milliseconds")));
        }

        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member is not IMethodSymbol method || FindAttribute(method, onAttribute) is not { } on)
            {
                continue;
            }

            var location = method.Locations.FirstOrDefault();
            string? problem = null;
            ITypeSymbol? messageType = null;
            var batchKind = 0;
            var batch = FindAttribute(method, batchAttribute);
            if (diagnostics.IsEnabled)
            {
                CheckSettings(batch, diagnostics, cancellationToken);
                CheckSettings(FindAttribute(method, sloAttribute), diagnostics, cancellationToken);
            }

            var returnKind = 0;
            ITypeSymbol? asyncReply = null;
            if (method.IsStatic)
            {
                problem = "must be an instance method";
            }
            else if (method.IsGenericMethod)
            {
                problem = "must not be generic";
            }
            else if (method.Parameters.Length != 1)
            {
                problem = "must take exactly one parameter: the message";
            }
            else if (method.Parameters[0].RefKind != RefKind.None)
            {
                problem = "must take its message by value (no ref, in or out)";
            }
            else if (method.ReturnsByRef || method.ReturnsByRefReadonly)
            {
                problem = "must not return by reference";
            }
            else if (method.IsAsync && method.ReturnsVoid)
            {
                problem = "is 'async void': the machine cannot wait for it; return Task or ValueTask";
            }
            else if ((returnKind = ReturnShape(method.ReturnType, out asyncReply)) < 0)
            {
                problem = $"returns '{method.ReturnType.ToDisplayString()}': return the reply, Task<T> or ValueTask<T> (one reply per message), or void, Task or ValueTask";
            }
            else
            {
                var parameterType = method.Parameters[0].Type;
                if (batch is not null)
                {
                    if (parameterType is INamedTypeSymbol { IsGenericType: true } generic
                        && (SymbolEqualityComparer.Default.Equals(generic.OriginalDefinition, readOnlyList) || SymbolEqualityComparer.Default.Equals(generic.OriginalDefinition, readOnlySpan)))
                    {
                        batchKind = SymbolEqualityComparer.Default.Equals(generic.OriginalDefinition, readOnlySpan) ? 2 : 1;
                        messageType = generic.TypeArguments[0];
                        if (!method.ReturnsVoid && (returnKind == 0 || asyncReply is not null))
                        {
                            problem = "has [Batch] and must return void, Task or ValueTask";
                        }
                    }
                    else
                    {
                        problem = "has [Batch] and must take IReadOnlyList<T> or ReadOnlySpan<T> of messages";
                    }
                }
                else
                {
                    messageType = parameterType;
                }

                if (problem is null && (messageType is null || messageType.IsRefLikeType || messageType.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer or TypeKind.Error || messageType.IsStatic))
                {
                    problem = $"takes '{parameterType.ToDisplayString()}', which cannot be a message";
                }
            }

            // States.
            var states = ImmutableArray.CreateBuilder<int>();
            if (problem is null && on.ConstructorArguments.Length == 1 && on.ConstructorArguments[0].Kind == TypedConstantKind.Array)
            {
                foreach (var state in on.ConstructorArguments[0].Values)
                {
                    var index = state.Kind == TypedConstantKind.Enum && SymbolEqualityComparer.Default.Equals(state.Type, stateType) ? StateIndex(state.Value) : -1;
                    if (index < 0)
                    {
                        problem = $"lists '{(state.IsNull ? "null" : state.ToCSharpString())}', which is not a state of '{stateType.Name}'";
                        break;
                    }

                    if (!states.Contains(index))
                    {
                        states.Add(index);
                    }
                }
            }

            if (problem is not null)
            {
                diagnostics.Add(Diagnostic("PERFSM003", location, method.Name, problem));
                continue;
            }

            var bare = messageType!.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
            var typeName = bare.ToDisplayString(s_typeFormat);
            var replyType = returnKind != 0 ? asyncReply?.ToDisplayString(s_typeFormat) : method.ReturnsVoid ? null : method.ReturnType.ToDisplayString(s_typeFormat);
            var builder = messages.FirstOrDefault(m => m.BareType == typeName);
            if (builder is null)
            {
                var priority = FindAttribute(bare, priorityAttribute) is { ConstructorArguments.Length: 1 } p && p.ConstructorArguments[0].Value is int value ? value : 0;
                builder = new MessageBuilder(messageType.ToDisplayString(s_typeFormat), typeName, bare.Name, !bare.IsReferenceType, replyType, priority, batchKind,
                    batch is null ? 0 : NamedInt(batch, "MaxSize") ?? 100, batch is null ? 0 : NamedInt(batch, "MaxDelayMilliseconds") ?? 0, bare);
                messages.Add(builder);
            }
            else if (builder.ReplyType != replyType)
            {
                diagnostics.Add(Diagnostic("PERFSM003", location, method.Name, $"returns '{replyType ?? "void"}' but another handler of '{bare.Name}' returns '{builder.ReplyType ?? "void"}': one message type has one reply type"));
                continue;
            }
            else if (builder.BatchKind != batchKind)
            {
                diagnostics.Add(Diagnostic("PERFSM003", location, method.Name, $"must {(batchKind == 0 ? "be" : "not be")} a [Batch] handler like the other handlers of '{bare.Name}'"));
                continue;
            }

            // PERFSM004: overlapping states with an earlier handler of the same message.
            var duplicate = false;
            foreach (var existing in builder.Handlers)
            {
                var overlap = Overlap(existing.States, states, stateFields.Count);
                if (overlap >= 0)
                {
                    diagnostics.Add(Diagnostic("PERFSM004", location, existing.MethodName, method.Name, bare.Name, stateFields[overlap].Name));
                    duplicate = true;
                    break;
                }
            }

            if (duplicate)
            {
                continue;
            }

            builder.Handlers.Add(new HandlerModel(method.Name, states.ToImmutable().ToEquatableArray(), returnKind));
            handlerMethods.Add((method, states.ToImmutable()));
            if (FindAttribute(method, sloAttribute) is { } slo)
            {
                slos.Add(new SloModel(bare.Name, NamedDouble(slo, "P95Milliseconds"), NamedDouble(slo, "P99Milliseconds")));
            }
        }

        // PERFSM009: members of the class that clash with what the generator adds.
        if (diagnostics.IsEnabled)
        {
            ReportClashes(type, stateType, messages, compilation, diagnostics, cancellationToken);
        }

        // PERFSM005: states no transition reaches (it reads every declaration's syntax: skipped when nobody listens).
        if (diagnostics.IsEnabled)
        {
            ReportUnreachableStates(type, stateType, stateFields, initialIndex, handlerMethods, compilation, attributeLocation, diagnostics, cancellationToken);
        }

        // PERFSM006: nested IMessage types no handler takes.
        if (diagnostics.IsEnabled && messageInterface is not null)
        {
            foreach (var nested in type.GetTypeMembers())
            {
                if (nested.AllInterfaces.Contains(messageInterface, SymbolEqualityComparer.Default)
                    && !messages.Any(m => SymbolEqualityComparer.Default.Equals(m.Symbol.OriginalDefinition, nested)))
                {
                    diagnostics.Add(Diagnostic("PERFSM006", nested.Locations.FirstOrDefault(), nested.Name, type.Name));
                }
            }
        }

        if (notPartial)
        {
            return null;
        }

        var containing = new List<ContainingTypeModel>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            containing.Insert(0, new ContainingTypeModel(Declaration(outer)));
        }

        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : "";
        var hint = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted)
            .WithGenericsOptions(SymbolDisplayGenericsOptions.None));
        if (type.Arity > 0)
        {
            hint += "_" + type.Arity.ToString(CultureInfo.InvariantCulture);
        }

        var model = new StateMachineModel(
            ns,
            containing.ToEquatableArray(),
            Declaration(type),
            hint.Replace('<', '{').Replace('>', '}') + ".StateMachine.g.cs",
            machineName,
            stateType.ToDisplayString(s_typeFormat),
            stateFields.Select(f => f.Name).ToEquatableArray(),
            initialIndex,
            options,
            messages.Select(m => m.Build()).ToEquatableArray(),
            slos.ToEquatableArray());
        return model;
    }

    private static void ReportUnreachableStates(
        INamedTypeSymbol type,
        INamedTypeSymbol stateType,
        List<IFieldSymbol> stateFields,
        int initialIndex,
        List<(IMethodSymbol Method, ImmutableArray<int> States)> handlers,
        Compilation compilation,
        Location fallbackLocation,
        StateMachineDiagnosticSink diagnostics,
        CancellationToken cancellationToken)
    {
        // Transition targets per handler; TransitionTo calls outside handlers count as reachable from anywhere.
        var reachable = new bool[stateFields.Count];
        reachable[initialIndex] = true;
        var edges = new List<(ImmutableArray<int> From, List<int> Targets)>();
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax(cancellationToken);
            var semanticModel = compilation.GetSemanticModel(syntax.SyntaxTree);
            foreach (var invocation in syntax.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                var name = invocation.Expression switch
                {
                    IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
                    MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax member } => member.Identifier.ValueText,
                    _ => null,
                };
                if (name != "TransitionTo" || invocation.ArgumentList.Arguments.Count != 1)
                {
                    continue;
                }

                var constant = semanticModel.GetConstantValue(invocation.ArgumentList.Arguments[0].Expression, cancellationToken);
                var target = constant.HasValue ? stateFields.FindIndex(f => Equals(f.ConstantValue, constant.Value)) : -1;
                if (target < 0)
                {
                    return; // a computed target: we cannot know what is reachable
                }

                var enclosing = invocation.FirstAncestorOrSelf<MethodDeclarationSyntax>();
                var handler = enclosing is null ? default : handlers.FirstOrDefault(h => h.Method.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == enclosing.SyntaxTree && r.Span == enclosing.Span));
                if (handler.Method is null)
                {
                    reachable[target] = true;
                }
                else
                {
                    edges.Add((handler.States, new List<int> { target }));
                }
            }
        }

        bool changed;
        do
        {
            changed = false;
            foreach (var (from, targets) in edges)
            {
                var active = from.IsEmpty ? reachable.Any(r => r) : from.Any(s => reachable[s]);
                if (!active)
                {
                    continue;
                }

                foreach (var target in targets)
                {
                    if (!reachable[target])
                    {
                        reachable[target] = true;
                        changed = true;
                    }
                }
            }
        }
        while (changed);

        for (var i = 0; i < stateFields.Count; i++)
        {
            if (!reachable[i])
            {
                var field = stateFields[i];
                var location = field.Locations.FirstOrDefault() is { IsInSource: true } l ? l : fallbackLocation;
                diagnostics.Add(Diagnostic("PERFSM005", location, field.Name, type.Name, stateType.Name + "." + field.Name));
            }
        }
    }

    /// <summary>
    /// PERFSM009: a member declared in the class (not by the generator) with the name of a generated property or private
    /// member, or a method with the name and parameters of a generated method (another overload is fine).
    /// </summary>
    /// <returns>How many clashes were reported.</returns>
    private static int ReportClashes(INamedTypeSymbol type, INamedTypeSymbol? stateType, List<MessageBuilder> messages, Compilation compilation, StateMachineDiagnosticSink diagnostics, CancellationToken cancellationToken)
    {
        var reported = 0;
        var stopMode = compilation.GetTypeByMetadataName(RuntimeNamespace + ".StopMode");
        var token = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        var timeSpan = compilation.GetTypeByMetadataName("System.TimeSpan");
        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = member.Name;
            var isPrivate = GeneratedMembers.IsPrivateName(name);
            GeneratedMember? clash = null;
            if (!isPrivate)
            {
                foreach (var generated in GeneratedMembers.All)
                {
                    if (generated.Name == name && Clashes(member, generated, stateType, messages, stopMode, token, timeSpan))
                    {
                        clash = generated;
                        break;
                    }
                }

                if (clash is null)
                {
                    continue;
                }
            }

            if (UserLocation(member, cancellationToken) is not { } location)
            {
                continue; // the generator's own member
            }

            var suggestion = isPrivate ? name.TrimStart('_') : Rename(name, type.Name, clash!.Parameters != GeneratedParameters.Property);
            diagnostics.Add(Diagnostic("PERFSM009", location, KindName(member), name, clash?.Description ?? "private member '" + name + "' (names starting with __Sm are reserved)", type.Name, suggestion));
            reported++;
        }

        // A positional record parameter whose property the generated one replaces: the record binds the parameter to the
        // generated property (CS8866), so the clash has no member of its own; report it on the parameter.
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not RecordDeclarationSyntax { ParameterList: { } parameterList })
            {
                continue;
            }

            foreach (var parameter in parameterList.Parameters)
            {
                var name = parameter.Identifier.ValueText;
                foreach (var generated in GeneratedMembers.All)
                {
                    if (generated.Name == name && generated.Parameters == GeneratedParameters.Property && !HasUserMember(type, name, cancellationToken))
                    {
                        diagnostics.Add(Diagnostic("PERFSM009", parameter.Identifier.GetLocation(), "Positional property", name, generated.Description, type.Name, Rename(name, type.Name, isMethod: false)));
                        reported++;
                        break;
                    }
                }
            }
        }

        return reported;
    }

    private static bool HasUserMember(INamedTypeSymbol type, string name, CancellationToken cancellationToken)
    {
        foreach (var member in type.GetMembers(name))
        {
            if (UserLocation(member, cancellationToken) is not null)
            {
                return true; // already reported above
            }
        }

        return false;
    }

    private static bool Clashes(ISymbol member, GeneratedMember generated, INamedTypeSymbol? stateType, List<MessageBuilder> messages, INamedTypeSymbol? stopMode, INamedTypeSymbol? token, INamedTypeSymbol? timeSpan)
    {
        if (generated.Parameters == GeneratedParameters.Property || member is not IMethodSymbol method)
        {
            return true; // CS0102: a second member of the same name (a method may share its name only with methods)
        }

        if (generated.Name == GeneratedMembers.OnRestarting && (method.IsPartialDefinition || method.PartialDefinitionPart is not null || IsDeclaredPartial(method)))
        {
            return false; // the user's half of the generated partial method
        }

        var parameters = method.Parameters;
        switch (generated.Parameters)
        {
            case GeneratedParameters.None:
                return parameters.Length == 0;
            case GeneratedParameters.StopMode:
                return parameters.Length == 1 && Same(parameters[0].Type, stopMode);
            case GeneratedParameters.State:
                return parameters.Length == 1 && Same(parameters[0].Type, stateType);
        }

        var count = generated.Parameters switch { GeneratedParameters.Message => 1, GeneratedParameters.MessageToken => 2, _ => 3 };
        if (parameters.Length != count || (count >= 2 && !Same(parameters[count - 1].Type, token)) || (count == 3 && !Same(parameters[1].Type, timeSpan)))
        {
            return false;
        }

        foreach (var message in messages)
        {
            if (Same(parameters[0].Type, message.Symbol))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsDeclaredPartial(IMethodSymbol method)
    {
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is MethodDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Same(ITypeSymbol a, ITypeSymbol? b) =>
        b is not null && SymbolEqualityComparer.Default.Equals(a.WithNullableAnnotation(NullableAnnotation.None), b.WithNullableAnnotation(NullableAnnotation.None));

    /// <summary>Where the user declared <paramref name="member"/>; null when only the generator did.</summary>
    private static Location? UserLocation(ISymbol member, CancellationToken cancellationToken)
    {
        foreach (var location in member.Locations)
        {
            if (location.IsInSource && location.SourceTree is { } tree && !IsGeneratedByUs(tree, cancellationToken))
            {
                return location;
            }
        }

        return null;
    }

    private static bool IsGeneratedByUs(SyntaxTree tree, CancellationToken cancellationToken)
    {
        var text = tree.GetText(cancellationToken);
        var length = Math.Min(text.Length, 200);
        return text.ToString(new Microsoft.CodeAnalysis.Text.TextSpan(0, length)).Contains(GeneratedMembers.Header);
    }

    private static string KindName(ISymbol member) => member switch
    {
        IPropertySymbol => "Property",
        IFieldSymbol => "Field",
        IEventSymbol => "Event",
        IMethodSymbol => "Method",
        INamedTypeSymbol => "Nested type",
        _ => "Member",
    };

    /// <summary>A name that does not clash: <c>Status</c> on <c>Order</c> → <c>OrderStatus</c>; <c>StopAsync</c> → <c>StopOrderAsync</c>.</summary>
    private static string Rename(string name, string typeName, bool isMethod)
    {
        if (!isMethod)
        {
            return typeName + name;
        }

        const string Async = "Async";
        return name.EndsWith(Async, StringComparison.Ordinal) ? name.Substring(0, name.Length - Async.Length) + typeName + Async : name + typeName;
    }

    private static int Overlap(EquatableArray<int> existing, ImmutableArray<int>.Builder added, int stateCount)
    {
        for (var state = 0; state < stateCount; state++)
        {
            if ((existing.Count == 0 || existing.Items.Contains(state)) && (added.Count == 0 || added.Contains(state)))
            {
                return state;
            }
        }

        return -1;
    }

    /// <summary>
    /// How a handler returns: 0 = synchronously (void or the reply), 1 = ValueTask / ValueTask&lt;T&gt;, 2 = Task / Task&lt;T&gt;
    /// (<paramref name="reply"/> = T, or null); -1 = an asynchronous shape a handler cannot have (IAsyncEnumerable, another awaitable).
    /// </summary>
    private static int ReturnShape(ITypeSymbol type, out ITypeSymbol? reply)
    {
        reply = null;
        if (type is not INamedTypeSymbol named || type.SpecialType == SpecialType.System_Void)
        {
            return 0;
        }

        var definition = named.OriginalDefinition.ToDisplayString();
        switch (definition)
        {
            case "System.Threading.Tasks.ValueTask":
                return 1;
            case "System.Threading.Tasks.Task":
                return 2;
            case "System.Threading.Tasks.ValueTask<TResult>":
                reply = named.TypeArguments[0];
                return 1;
            case "System.Threading.Tasks.Task<TResult>":
                reply = named.TypeArguments[0];
                return 2;
            case "System.Collections.Generic.IAsyncEnumerable<T>":
            case "System.Collections.Generic.IAsyncEnumerator<T>":
                return -1;
        }

        // Another awaitable (a custom task type, ConfiguredTaskAwaitable…): the machine would not wait for it.
        foreach (var member in named.GetMembers("GetAwaiter"))
        {
            if (member is IMethodSymbol { IsStatic: false, Parameters.Length: 0 })
            {
                return -1;
            }
        }

        return 0;
    }

    private static string Declaration(INamedTypeSymbol type)
    {
        var keyword = type.TypeKind == TypeKind.Struct
            ? (type.IsRecord ? "record struct" : "struct")
            : type.TypeKind == TypeKind.Interface ? "interface" : (type.IsRecord ? "record" : "class");
        var name = type.Name;
        if (type.TypeParameters.Length > 0)
        {
            name += "<" + string.Join(", ", type.TypeParameters.Select(p => p.Name)) + ">";
        }

        return "partial " + keyword + " " + name;
    }

    // No clamping: an out-of-range value is PERFSM008 (an error) and reaches the generated code as written.
    private static MachineOptionsModel ReadOptions(AttributeData attribute) => new(
        NamedInt(attribute, "MailboxCapacity") ?? 1024,
        NamedInt(attribute, "FullMode") ?? 0,
        NamedInt(attribute, "Supervision") ?? 0,
        NamedInt(attribute, "MaxRestarts") ?? 10,
        NamedDouble(attribute, "RestartWindowSeconds", 60),
        NamedInt(attribute, "StarvationLimit") ?? 8,
        NamedBool(attribute, "InlineCasts"));

    /// <summary>
    /// PERFSM008: every named argument of a [StateMachine], [Batch] or [Slo] attribute whose value is out of range, reported
    /// on the argument with the range. A value of the wrong type is already a compiler error and is skipped.
    /// </summary>
    private static void CheckSettings(AttributeData? attribute, StateMachineDiagnosticSink diagnostics, CancellationToken cancellationToken)
    {
        if (attribute is null || !diagnostics.IsEnabled)
        {
            return;
        }

        double? p95 = null, p99 = null;
        foreach (var pair in attribute.NamedArguments)
        {
            if (pair.Value.Kind == TypedConstantKind.Error || pair.Value.IsNull)
            {
                continue;
            }

            var value = pair.Value.Value;
            var problem = pair.Key switch
            {
                "MailboxCapacity" when value is int i && i < 1 => "the mailbox capacity must be at least 1 (default 1024)",
                "StarvationLimit" when value is int i && i < 1 => "it must be at least 1: the high-priority messages served in a row before a waiting normal one (default 8)",
                "MaxRestarts" when value is int i && i < 0 => "it must be 0 or more (0: never restart; default 10)",
                "RestartWindowSeconds" when value is double d && !(d > 0 && d <= MaxSeconds) => "the restart window must be greater than 0 and at most 922337203685 seconds (default 60)",
                "FullMode" when value is int i && (i < 0 || i > 3) => "it must be a member of MailboxFullMode: Wait, Reject, DropOldest or DropNewest",
                "Supervision" when value is int i && (i < 0 || i > 2) => "it must be a member of SupervisionPolicy: Resume, Restart or Stop",
                "Name" when value is not string { Length: > 0 } => "the name must not be empty: leave it out to use the class name",
                "MaxSize" when value is int i && i < 1 => "the batch size must be at least 1 (default 100)",
                "MaxDelayMilliseconds" when value is int i && i < 0 => "the delay must be 0 or more milliseconds (0: do not wait for a batch to fill; the default)",
                "P95Milliseconds" or "P99Milliseconds" when value is double d && !(d > 0 && d <= MaxSeconds * 1000) => "a latency objective must be greater than 0 milliseconds (leave it out for no objective)",
                _ => null,
            };
            if (problem is not null)
            {
                diagnostics.Add(Diagnostic("PERFSM008", ArgumentLocation(attribute, pair.Key, cancellationToken), pair.Key, ArgumentText(attribute, pair, cancellationToken), problem));
            }
            else if (value is double target)
            {
                if (pair.Key == "P95Milliseconds")
                {
                    p95 = target;
                }
                else if (pair.Key == "P99Milliseconds")
                {
                    p99 = target;
                }
            }
        }

        if (p95 is { } at95 && p99 is { } at99 && at99 < at95)
        {
            diagnostics.Add(Diagnostic("PERFSM008", ArgumentLocation(attribute, "P99Milliseconds", cancellationToken), "P99Milliseconds", at99.ToString("R", CultureInfo.InvariantCulture),
                "the 99th percentile objective cannot be below the 95th (P95Milliseconds = " + at95.ToString("R", CultureInfo.InvariantCulture) + ")"));
        }
    }

    /// <summary>PERFSM008 for <c>[Priority(p)]</c> on a message type: <c>p</c> must be <c>MessagePriority.Normal</c> or <c>High</c>.</summary>
    public static void CheckPriority(AttributeData attribute, Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0] is not { Kind: TypedConstantKind.Enum, Value: int value } argument || value is 0 or 1)
        {
            return;
        }

        var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
        var location = syntax?.ArgumentList is { Arguments.Count: > 0 } list ? list.Arguments[0].GetLocation() : syntax?.GetLocation();
        var text = syntax?.ArgumentList is { Arguments.Count: > 0 } arguments ? arguments.Arguments[0].Expression.ToString() : argument.ToCSharpString();
        report(Diagnostic("PERFSM008", location, "Priority", text, "it must be MessagePriority.Normal or MessagePriority.High"));
    }

    /// <summary>TimeSpan.MaxValue in whole seconds: a larger window or objective cannot be a TimeSpan.</summary>
    private const double MaxSeconds = 922337203685;

    private static AttributeArgumentSyntax? FindArgument(AttributeData attribute, string name, CancellationToken cancellationToken)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax { ArgumentList: { } list })
        {
            foreach (var argument in list.Arguments)
            {
                if (argument.NameEquals?.Name.Identifier.ValueText == name)
                {
                    return argument;
                }
            }
        }

        return null;
    }

    private static Location? ArgumentLocation(AttributeData attribute, string name, CancellationToken cancellationToken) =>
        FindArgument(attribute, name, cancellationToken)?.GetLocation() ?? attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation();

    private static string ArgumentText(AttributeData attribute, KeyValuePair<string, TypedConstant> pair, CancellationToken cancellationToken) =>
        FindArgument(attribute, pair.Key, cancellationToken)?.Expression.ToString() ?? pair.Value.ToCSharpString();

    private static AttributeData? FindAttribute(ISymbol symbol, INamedTypeSymbol? attributeType)
    {
        if (attributeType is null)
        {
            return null;
        }

        foreach (var attribute in symbol.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType))
            {
                return attribute;
            }
        }

        return null;
    }

    private static int? NamedInt(AttributeData attribute, string name)
    {
        foreach (var pair in attribute.NamedArguments)
        {
            if (pair.Key == name && pair.Value.Value is int value)
            {
                return value;
            }
        }

        return null;
    }

    private static bool NamedBool(AttributeData attribute, string name)
    {
        foreach (var pair in attribute.NamedArguments)
        {
            if (pair.Key == name && pair.Value.Value is bool value)
            {
                return value;
            }
        }

        return false;
    }

    private static double NamedDouble(AttributeData attribute, string name, double fallback = 0)
    {
        foreach (var pair in attribute.NamedArguments)
        {
            if (pair.Key == name && pair.Value.Value is { } value)
            {
                return Convert.ToDouble(value, CultureInfo.InvariantCulture);
            }
        }

        return fallback;
    }

    private static string? NamedString(AttributeData attribute, string name)
    {
        foreach (var pair in attribute.NamedArguments)
        {
            if (pair.Key == name && pair.Value.Value is string value && value.Length != 0)
            {
                return value;
            }
        }

        return null;
    }

    private static Diagnostic Diagnostic(string id, Location? location, params string[] arguments) =>
        Microsoft.CodeAnalysis.Diagnostic.Create(StateMachineDescriptors.ById(id), location ?? Location.None, arguments);

    private sealed class MessageBuilder(string type, string bareType, string name, bool isValueType, string? replyType, int priority, int batchKind, int batchSize, int batchDelay, ITypeSymbol symbol)
    {
        public string BareType { get; } = bareType;

        public string? ReplyType { get; } = replyType;

        public int BatchKind { get; } = batchKind;

        public ITypeSymbol Symbol { get; } = symbol;

        public List<HandlerModel> Handlers { get; } = new();

        public MessageModel Build() => new(type, BareType, name, isValueType, ReplyType, priority, BatchKind, batchSize, batchDelay, Handlers.ToEquatableArray());
    }
}
