using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace PerfAnalyzers.Tests.Verifiers;

/// <summary>
/// The references every test compilation gets: the .NET 10 reference assemblies plus the libraries whose APIs the
/// rules recognise (EF Core, Dapper, Microsoft.Extensions.Caching, System.Runtime.Caching) and PerfAnalyzers.Runtime.
/// Built once: Roslyn shares the metadata of the same reference objects across compilations.
/// </summary>
public static class TestReferences
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_default = new(CreateDefault);

    public static ImmutableArray<MetadataReference> Default => s_default.Value;

    private static ImmutableArray<MetadataReference> CreateDefault()
    {
        var builder = ImmutableArray.CreateBuilder<MetadataReference>();
        builder.AddRange(Basic.Reference.Assemblies.Net100.References.All);

        var libraries = new[]
        {
            typeof(Microsoft.EntityFrameworkCore.DbContext).Assembly,
            typeof(Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions).Assembly,
            typeof(Microsoft.EntityFrameworkCore.SqliteDbContextOptionsBuilderExtensions).Assembly,
            typeof(Microsoft.Data.Sqlite.SqliteConnection).Assembly,
            typeof(Dapper.SqlMapper).Assembly,
            typeof(Microsoft.Extensions.Caching.Memory.IMemoryCache).Assembly,
            typeof(Microsoft.Extensions.Caching.Memory.MemoryCache).Assembly,
            typeof(Microsoft.Extensions.Caching.Distributed.IDistributedCache).Assembly,
            typeof(Microsoft.Extensions.Options.IOptions<>).Assembly,
            typeof(Microsoft.Extensions.Primitives.IChangeToken).Assembly,
            typeof(Microsoft.Extensions.Internal.ISystemClock).Assembly,
            typeof(Microsoft.Extensions.DependencyInjection.IServiceCollection).Assembly,
            typeof(Microsoft.Extensions.Logging.ILogger).Assembly,
            typeof(System.Runtime.Caching.MemoryCache).Assembly,
            typeof(PerfAnalyzers.Runtime.RuntimeAssemblyMarker).Assembly,
        };

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var assembly in libraries)
        {
            if (seen.Add(assembly.Location))
            {
                builder.Add(MetadataReference.CreateFromFile(assembly.Location));
            }
        }

        return builder.ToImmutable();
    }

    /// <summary>The default references without PerfAnalyzers.Runtime, for tests of "runtime not referenced" behaviour.</summary>
    public static ImmutableArray<MetadataReference> WithoutRuntime()
    {
        var runtimeLocation = typeof(PerfAnalyzers.Runtime.RuntimeAssemblyMarker).Assembly.Location;
        return Default.Where(r => r is not PortableExecutableReference pe || !string.Equals(pe.FilePath, runtimeLocation, StringComparison.OrdinalIgnoreCase)).ToImmutableArray();
    }
}
