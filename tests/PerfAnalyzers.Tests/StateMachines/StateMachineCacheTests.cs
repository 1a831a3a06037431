using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using PerfAnalyzers.StateMachines;

namespace PerfAnalyzers.Tests.StateMachines;

/// <summary>The incremental pipeline: an edit that does not touch a machine reuses its model and its output.</summary>
public class StateMachineCacheTests
{
    private const string Unrelated = """
        namespace Entitlements;

        public static class Helpers
        {
            public static int Twice(int x) => x * 2;
        }
        """;

    [Fact]
    public void Unrelated_edit_keeps_model_and_output_cached()
    {
        var first = GeneratorHarness.Run(EntitlementGovernorSource.Code, Unrelated);
        var unrelatedTree = first.Input.SyntaxTrees.Single(t => t.ToString().Contains("Helpers", StringComparison.Ordinal));
        var edited = unrelatedTree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(Unrelated.Replace("x * 2", "x + x", StringComparison.Ordinal)));
        var compilation = first.Input.ReplaceSyntaxTree(unrelatedTree, edited);

        var driver = first.Driver.RunGenerators(compilation);
        var result = driver.GetRunResult().Results.Single();

        var modelSteps = result.TrackedSteps[StateMachineGenerator.ModelStep];
        Assert.All(modelSteps.SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"model step was {o.Reason}"));
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output step was {o.Reason}"));
    }

    [Fact]
    public void Editing_a_handler_body_without_changing_transitions_keeps_output_cached()
    {
        var first = GeneratorHarness.Run(EntitlementGovernorSource.Code);
        var tree = first.Input.SyntaxTrees.Single();
        var edited = tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(EntitlementGovernorSource.Code.Replace("AuditLog.Add(audit.Note);", "AuditLog.Add(audit.Note + \"!\");", StringComparison.Ordinal)));
        var driver = first.Driver.RunGenerators(first.Input.ReplaceSyntaxTree(tree, edited));
        var result = driver.GetRunResult().Results.Single();

        // The model is recomputed (its syntax changed) but equals the previous one, so the output is not regenerated.
        var modelOutputs = result.TrackedSteps[StateMachineGenerator.ModelStep].SelectMany(s => s.Outputs).ToList();
        Assert.Contains(modelOutputs, o => o.Reason == IncrementalStepRunReason.Unchanged);
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output step was {o.Reason}"));
    }

    [Fact]
    public void Moving_a_machine_with_a_warning_keeps_output_cached()
    {
        // The model carries no diagnostics (the analyzer reports them): a line inserted above a machine with a PERFSM005
        // warning moves the warning but leaves the model equal, so the output is not regenerated.
        const string code = """
            using PerfAnalyzers.Runtime.StateMachines;

            public enum S { A, B, Unreached }

            [StateMachine(S.A)]
            public partial class Machine
            {
                [On(S.A)] private void Go(string s) => TransitionTo(S.B);
            }
            """;
        var first = GeneratorHarness.Run(code);
        var tree = first.Input.SyntaxTrees.Single();
        var edited = tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From("// a new first line\n\n" + code));
        var driver = first.Driver.RunGenerators(first.Input.ReplaceSyntaxTree(tree, edited));
        var result = driver.GetRunResult().Results.Single();

        var modelOutputs = result.TrackedSteps[StateMachineGenerator.ModelStep].SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(modelOutputs);
        Assert.All(modelOutputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"model step was {o.Reason}"));
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output step was {o.Reason}"));
    }

    [Fact]
    public void Adding_a_handler_regenerates()
    {
        var first = GeneratorHarness.Run(EntitlementGovernorSource.Code);
        var tree = first.Input.SyntaxTrees.Single();
        var edited = tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(EntitlementGovernorSource.Code.Replace(
            "partial void OnRestarting()", "[On] private int Handle(int ping) => ping;\n\n    partial void OnRestarting()", StringComparison.Ordinal)));
        var driver = first.Driver.RunGenerators(first.Input.ReplaceSyntaxTree(tree, edited));
        var result = driver.GetRunResult().Results.Single();
        Assert.Contains(result.TrackedSteps[StateMachineGenerator.ModelStep].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("AskAsync(int message", result.GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Model_has_value_equality_and_holds_no_compiler_objects()
    {
        var a = GeneratorHarness.Run(EntitlementGovernorSource.Code).Result.Results.Single().TrackedSteps[StateMachineGenerator.ModelStep].Single().Outputs.Single().Value;
        var b = GeneratorHarness.Run(EntitlementGovernorSource.Code).Result.Results.Single().TrackedSteps[StateMachineGenerator.ModelStep].Single().Outputs.Single().Value;
        Assert.Equal(a, b);
        Assert.NotSame(a, b);

        foreach (var type in typeof(StateMachineModel).Assembly.GetTypes().Where(t => t.Namespace == "PerfAnalyzers.StateMachines" && t.Name.EndsWith("Model", StringComparison.Ordinal)))
        {
            foreach (var property in type.GetProperties())
            {
                Assert.False(typeof(ISymbol).IsAssignableFrom(property.PropertyType) || typeof(SyntaxNode).IsAssignableFrom(property.PropertyType) || typeof(Compilation).IsAssignableFrom(property.PropertyType), $"{type.Name}.{property.Name}");
            }
        }
    }
}
