using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Hosting;
using Orleans.Runtime;

namespace PerfAnalyzers.Orleans;

/// <summary>The one line on the silo: <c>silo.AddStateMachines()</c>.</summary>
public static class StateMachineSiloBuilderExtensions
{
    /// <summary>
    /// Lets this silo host any <c>[StateMachine]</c> class as a grain (<see cref="StateMachineGrain{TMachine}"/>), one
    /// machine per key, and registers the silo's <see cref="SiloStateMachines"/> (hosted machines, per-silo telemetry and SLOs).
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Factories for machines whose constructor needs more than the key, the SLO window, the drain timeout.</param>
    public static ISiloBuilder AddStateMachines(this ISiloBuilder builder, Action<StateMachineHostingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new StateMachineHostingOptions();
        configure?.Invoke(options);
        builder.Services.TryAddSingleton(options);
        builder.Services.TryAddSingleton(static services =>
        {
            var silo = services.GetRequiredService<ILocalSiloDetails>();
            return new SiloStateMachines(silo.Name, services.GetRequiredService<StateMachineHostingOptions>());
        });
        return builder;
    }
}
