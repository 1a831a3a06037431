using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PerfAnalyzers.StateMachines;

/// <summary>
/// The [StateMachine] source generator. Pipeline: <c>ForAttributeWithMetadataName</c> → <see cref="StateMachineParser"/>
/// (symbols to a value-equatable model and diagnostics as data) → <see cref="StateMachineEmitter"/> (text).
/// A second, syntax-only pipeline reports PERFSM007 when the attribute is used but PerfAnalyzers.Runtime is not referenced.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class StateMachineGenerator : IIncrementalGenerator
{
    internal const string ModelStep = "StateMachineModel";
    internal const string MissingRuntimeStep = "StateMachineMissingRuntime";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var machines = context.SyntaxProvider.ForAttributeWithMetadataName(
                StateMachineParser.StateMachineAttributeName,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax { ClassOrStructKeyword.ValueText: not "struct" },
                StateMachineParser.Parse)
            .WithTrackingName(ModelStep);

        context.RegisterSourceOutput(machines, static (spc, result) =>
        {
            foreach (var diagnostic in result.Diagnostics)
            {
                spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            }

            if (result.Model is { } model)
            {
                spc.AddSource(model.HintName, StateMachineEmitter.Emit(model));
            }
        });

        // PERFSM007: [StateMachine] written but the runtime (which declares it) is missing.
        var runtimeMissing = context.CompilationProvider.Select(static (c, _) => c.GetTypeByMetadataName(StateMachineParser.StateMachineAttributeName) is null);
        var usages = context.SyntaxProvider.CreateSyntaxProvider(
                static (node, _) => node is AttributeSyntax attribute && IsStateMachineName(attribute.Name) && attribute.Parent?.Parent is ClassDeclarationSyntax,
                static (ctx, _) => new DiagnosticInfo("PERFSM007", LocationInfo.From(ctx.Node), new[] { ((ClassDeclarationSyntax)ctx.Node.Parent!.Parent!).Identifier.ValueText }.ToEquatableArray()))
            .Collect()
            .Combine(runtimeMissing)
            .WithTrackingName(MissingRuntimeStep);
        context.RegisterSourceOutput(usages, static (spc, pair) =>
        {
            if (!pair.Right)
            {
                return;
            }

            foreach (var diagnostic in pair.Left)
            {
                spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });
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
