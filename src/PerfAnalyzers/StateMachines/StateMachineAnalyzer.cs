using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfAnalyzers.StateMachines;

/// <summary>
/// PERFSM001–PERFSM010: the checks of [StateMachine] classes. PERFSM001–PERFSM006, PERFSM008 and PERFSM009 come from <see cref="StateMachineParser"/>,
/// the same code that builds the generator's model, so the analyzer and the generator agree on what is valid. Reported by an
/// analyzer (not the generator) so that <c>#pragma warning disable</c>, <c>[SuppressMessage]</c> and <c>.editorconfig</c>
/// severities apply, and so that the generator's model holds no diagnostics.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class StateMachineAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        StateMachineDescriptors.PERFSM001ClassNotPartial,
        StateMachineDescriptors.PERFSM002NoStates,
        StateMachineDescriptors.PERFSM003InvalidHandler,
        StateMachineDescriptors.PERFSM004DuplicateHandler,
        StateMachineDescriptors.PERFSM005UnreachableState,
        StateMachineDescriptors.PERFSM006UnhandledMessage,
        StateMachineDescriptors.PERFSM007RuntimeNotReferenced,
        StateMachineDescriptors.PERFSM008InvalidSetting,
        StateMachineDescriptors.PERFSM009MemberClash,
        StateMachineDescriptors.PERFSM010OnWithoutStateMachine);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(Start);
    }

    private static void Start(CompilationStartAnalysisContext context)
    {
        var attributeType = context.Compilation.GetTypeByMetadataName(StateMachineParser.StateMachineAttributeName);
        if (attributeType is null)
        {
            // PERFSM007: the runtime, which declares the attribute, is not referenced; look for the attribute by name.
            context.RegisterSyntaxNodeAction(AnalyzeAttributeWithoutRuntime, SyntaxKind.Attribute);
            return;
        }

        var onAttribute = context.Compilation.GetTypeByMetadataName(StateMachineParser.OnAttributeName);
        var priorityAttribute = context.Compilation.GetTypeByMetadataName(StateMachineParser.PriorityAttributeName);
        context.RegisterSymbolAction(c => AnalyzeType(c, attributeType, onAttribute, priorityAttribute), SymbolKind.NamedType);
    }

    private static void AnalyzeType(SymbolAnalysisContext context, INamedTypeSymbol attributeType, INamedTypeSymbol? onAttribute, INamedTypeSymbol? priorityAttribute)
    {
        if (context.Symbol is not INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } type)
        {
            return;
        }

        // PERFSM008 on a message type's [Priority]: checked on the message type, once, whichever machines handle it.
        if (priorityAttribute is not null)
        {
            foreach (var attribute in type.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, priorityAttribute))
                {
                    StateMachineParser.CheckPriority(attribute, context.ReportDiagnostic, context.CancellationToken);
                }
            }
        }

        if (type.TypeKind != TypeKind.Class)
        {
            return;
        }

        foreach (var attribute in type.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType))
            {
                StateMachineParser.Validate(type, attribute, context.Compilation, context.ReportDiagnostic, context.CancellationToken);
                return; // [StateMachine] is not AllowMultiple: a second one is already a compiler error (CS0579)
            }
        }

        ReportHandlersWithoutMachine(context, type, onAttribute);
    }

    /// <summary>PERFSM010: [On] handlers in a class without [StateMachine] are never called.</summary>
    private static void ReportHandlersWithoutMachine(SymbolAnalysisContext context, INamedTypeSymbol type, INamedTypeSymbol? onAttribute)
    {
        if (onAttribute is null)
        {
            return;
        }

        List<string>? handlers = null;
        Location? location = null;
        foreach (var member in type.GetMembers())
        {
            if (member is not IMethodSymbol { MethodKind: MethodKind.Ordinary } method)
            {
                continue;
            }

            foreach (var attribute in method.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, onAttribute))
                {
                    (handlers ??= new List<string>()).Add(method.Name);
                    location ??= DeclarationHolding(type, method);
                    break;
                }
            }
        }

        if (handlers is not null && location is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(StateMachineDescriptors.PERFSM010OnWithoutStateMachine, location, type.Name, string.Join(", ", handlers)));
        }
    }

    /// <summary>The class name in the (partial) declaration that holds <paramref name="method"/>, else the first one.</summary>
    private static Location? DeclarationHolding(INamedTypeSymbol type, IMethodSymbol method)
    {
        var methodLocation = method.Locations.Length > 0 ? method.Locations[0] : null;
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (methodLocation is not null && reference.SyntaxTree == methodLocation.SourceTree && reference.Span.Contains(methodLocation.SourceSpan)
                && reference.GetSyntax() is BaseTypeDeclarationSyntax declaration)
            {
                return declaration.Identifier.GetLocation();
            }
        }

        return type.Locations.Length > 0 && type.Locations[0].IsInSource ? type.Locations[0] : null;
    }

    private static void AnalyzeAttributeWithoutRuntime(SyntaxNodeAnalysisContext context)
    {
        var attribute = (AttributeSyntax)context.Node;
        if (!IsStateMachineName(attribute.Name)
            || attribute.Parent?.Parent is not TypeDeclarationSyntax declaration
            || !StateMachineGenerator.IsCandidate(declaration))
        {
            return;
        }

        // A StateMachine attribute of another library (it binds) is not ours.
        if (context.SemanticModel.GetTypeInfo(attribute, context.CancellationToken).Type is { TypeKind: not TypeKind.Error })
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(StateMachineDescriptors.PERFSM007RuntimeNotReferenced, attribute.GetLocation(), declaration.Identifier.ValueText));
    }

    private static bool IsStateMachineName(NameSyntax name)
    {
        var simple = name switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            SimpleNameSyntax s => s.Identifier.ValueText,
            _ => "",
        };
        return simple is "StateMachine" or "StateMachineAttribute";
    }
}
