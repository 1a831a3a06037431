namespace PerfAnalyzers.Tests.StateMachines;

/// <summary>Typed <c>AskAsync</c> extensions for machines hosted in Orleans, generated only when PerfAnalyzers.Orleans is referenced.</summary>
public sealed class StateMachineOrleansExtensionTests
{
    // The shape of PerfAnalyzers.Orleans.StateMachineReference<T> the extensions forward to (the test has no Orleans).
    private const string ReferenceStub = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        namespace PerfAnalyzers.Orleans
        {
            public readonly struct StateMachineReference<TMachine> where TMachine : class
            {
                public Task<TReply> AskAsync<TReply>(object message, CancellationToken cancellationToken = default) => Task.FromResult(default(TReply)!);
                public Task<TReply> AskAsync<TReply>(object message, TimeSpan timeout, CancellationToken cancellationToken = default) => Task.FromResult(default(TReply)!);
                public Task RequestAsync(object message, CancellationToken cancellationToken = default) => Task.CompletedTask;
                public Task RequestAsync(object message, TimeSpan timeout, CancellationToken cancellationToken = default) => Task.CompletedTask;
            }
        }
        """;

    private const string Caller = """
        using System;
        using System.Threading.Tasks;
        using PerfAnalyzers.Orleans;

        namespace Entitlements
        {
            public static class Client
            {
                public static async Task<EntitlementState> Run(StateMachineReference<EntitlementGovernor> governor)
                {
                    EntitlementState state = await governor.AskAsync(new EntitlementGovernor.Grant("c"));
                    state = await governor.AskAsync(new EntitlementGovernor.Approve("ops"), TimeSpan.FromSeconds(1));
                    await governor.AskAsync(new EntitlementGovernor.Audit("x"));   // a batched cast type: Task, no reply
                    return state;
                }
            }
        }
        """;

    [Fact]
    public void With_PerfAnalyzers_Orleans_typed_extensions_are_generated_and_compile()
    {
        var run = GeneratorHarness.Run(EntitlementGovernorSource.Code, ReferenceStub, Caller);

        var extensions = Assert.Single(run.Generated, g => g.Key.EndsWith(".Orleans.g.cs", StringComparison.Ordinal));
        Assert.Contains("internal static class EntitlementGovernorStateMachineReferenceExtensions", extensions.Value);
        Assert.Contains("global::System.Threading.Tasks.Task<global::Entitlements.EntitlementState> AskAsync(this global::PerfAnalyzers.Orleans.StateMachineReference<global::Entitlements.EntitlementGovernor> machine, global::Entitlements.EntitlementGovernor.Grant message", extensions.Value);
        Assert.Contains("machine.RequestAsync(message, cancellationToken)", extensions.Value);
        run.CompileAndLoad();
    }

    [Fact]
    public void Without_PerfAnalyzers_Orleans_nothing_more_is_generated()
    {
        var run = GeneratorHarness.Run(EntitlementGovernorSource.Code);

        Assert.DoesNotContain(run.Generated.Keys, k => k.EndsWith(".Orleans.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void Machines_in_a_generic_type_get_no_extensions_and_nested_ones_are_named_through_their_container()
    {
        const string source = """
            using PerfAnalyzers.Runtime.StateMachines;

            public enum Light { Off, On }

            public partial class Outer<T>
            {
                [StateMachine(Light.Off)]
                public partial class Inner
                {
                    public sealed record Toggle : IMessage;

                    [On] private Light Handle(Toggle toggle) { TransitionTo(State == Light.Off ? Light.On : Light.Off); return State; }
                }
            }

            public partial class Host
            {
                [StateMachine(Light.Off)]
                public partial class Switch
                {
                    public sealed record Toggle : IMessage;

                    [On] private Light Handle(Toggle toggle) { TransitionTo(State == Light.Off ? Light.On : Light.Off); return State; }
                }
            }
            """;

        var run = GeneratorHarness.Run(source, ReferenceStub);

        var extensions = Assert.Single(run.Generated, g => g.Key.EndsWith(".Orleans.g.cs", StringComparison.Ordinal));
        Assert.Contains("internal static class Host_SwitchStateMachineReferenceExtensions", extensions.Value);
        Assert.Contains("StateMachineReference<global::Host.Switch>", extensions.Value);
        run.CompileAndLoad();
    }
}
