using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PerfAnalyzers.StateMachines;

/// <summary>
/// The [StateMachine] source generator. Pipeline: <c>ForAttributeWithMetadataName</c> → <see cref="StateMachineParser"/>
/// (symbols to a value-equatable model, or null when the machine cannot be emitted) → <see cref="StateMachineEmitter"/> (text).
/// It reports no diagnostics: <see cref="StateMachineAnalyzer"/> reports PERFSM001–PERFSM010 from the same parser, so that
/// they can be suppressed like any analyzer diagnostic (<c>#pragma</c>, <c>[SuppressMessage]</c>, <c>.editorconfig</c>).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class StateMachineGenerator : IIncrementalGenerator
{
    internal const string ModelStep = "StateMachineModel";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var machines = context.SyntaxProvider.ForAttributeWithMetadataName(
                StateMachineParser.StateMachineAttributeName,
                static (node, _) => IsCandidate(node),
                StateMachineParser.Parse)
            .WithTrackingName(ModelStep);

        context.RegisterSourceOutput(machines, static (spc, model) =>
        {
            // Null: the machine is invalid (not partial, no states); the analyzer says why.
            if (model is not null)
            {
                spc.AddSource(model.HintName, StateMachineEmitter.Emit(model));
            }
        });

        // Typed requests to machines hosted in Orleans, only when the compilation references PerfAnalyzers.Orleans.
        var orleans = context.CompilationProvider.Select(static (compilation, _) =>
            compilation.GetTypeByMetadataName(StateMachineOrleansEmitter.ReferenceTypeName) is not null);
        context.RegisterSourceOutput(machines.Combine(orleans), static (spc, pair) =>
        {
            if (pair.Right && pair.Left is { } model && StateMachineOrleansEmitter.HintName(model) is { } hintName)
            {
                spc.AddSource(hintName, StateMachineOrleansEmitter.Emit(model));
            }
        });
    }

    /// <summary>A class or record class: the declarations [StateMachine] applies to (the analyzer checks the same ones).</summary>
    internal static bool IsCandidate(SyntaxNode node) => node is ClassDeclarationSyntax or RecordDeclarationSyntax { ClassOrStructKeyword.ValueText: not "struct" };
}
