using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace PerfAnalyzers.Tests.Verifiers;

/// <summary>
/// What every test compilation references: the .NET 10 reference pack (<see cref="Framework"/>, through the testing
/// library's <see cref="ReferenceAssemblies"/>) plus <see cref="Libraries"/>: the libraries whose APIs the rules
/// recognise (EF Core, Dapper, Microsoft.Extensions.Caching, System.Runtime.Caching) and PerfAnalyzers.Runtime, taken
/// from this test project's own package assemblies. The test project downloads the reference pack at restore time
/// (PackageDownload in the project file), so the library finds it in the NuGet packages folder and tests run offline.
/// </summary>
public static class TestReferences
{
    /// <summary>The version of Microsoft.NETCore.App.Ref that the test project downloads (keep in step with its PackageDownload).</summary>
    public const string FrameworkPackVersion = "10.0.0";

    public static ReferenceAssemblies Framework { get; } = new(
        "net10.0",
        new PackageIdentity("Microsoft.NETCore.App.Ref", FrameworkPackVersion),
        Path.Combine("ref", "net10.0"));

    /// <summary>No framework at all: used when a test gives its whole reference set (<c>References</c>).</summary>
    public static ReferenceAssemblies None { get; } = new("net10.0");

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_libraries = new(CreateLibraries);
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_default = new(() =>
        Framework.ResolveAsync(LanguageNames.CSharp, CancellationToken.None).GetAwaiter().GetResult().AddRange(Libraries));

    public static ImmutableArray<MetadataReference> Libraries => s_libraries.Value;

    /// <summary>Framework and libraries: the whole set, for compilations made outside the testing library (TestCompiler).</summary>
    public static ImmutableArray<MetadataReference> Default => s_default.Value;

    private static ImmutableArray<MetadataReference> CreateLibraries()
    {
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

        var builder = ImmutableArray.CreateBuilder<MetadataReference>();
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
