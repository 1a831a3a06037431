using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfAnalyzers.Tests.Meta;

/// <summary>Every shipped diagnostic is documented, catalogued and release-tracked; the analyzer assembly loads in old compilers.</summary>
public class DescriptorTests
{
    private static readonly Assembly AnalyzerAssembly = typeof(PerfAnalyzers.Descriptors).Assembly;

    /// <summary>Descriptors an analyzer or generator in the assembly actually reports.</summary>
    private static IEnumerable<DiagnosticDescriptor> AllDescriptors()
    {
        foreach (var type in AnalyzerAssembly.GetTypes())
        {
            if (!type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type))
            {
                var analyzer = (DiagnosticAnalyzer)Activator.CreateInstance(type)!;
                foreach (var descriptor in analyzer.SupportedDiagnostics)
                {
                    yield return descriptor;
                }
            }
        }

        // Descriptors reported by generators: on Descriptors with the state machine category, and StateMachineDescriptors.
        var generatorDescriptorFields = typeof(PerfAnalyzers.Descriptors).GetFields(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
            .Concat(typeof(PerfAnalyzers.StateMachines.StateMachineDescriptors).GetFields(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public));
        foreach (var field in generatorDescriptorFields)
        {
            if (field.GetValue(null) is DiagnosticDescriptor { Category: PerfAnalyzers.Descriptors.StateMachineCategory } descriptor)
            {
                yield return descriptor;
            }
        }
    }

    [Fact]
    public void Descriptor_ids_are_unique_per_definition()
    {
        var byId = AllDescriptors().GroupBy(d => d.Id);
        foreach (var group in byId)
        {
            Assert.Single(group.Select(d => (d.Title.ToString(), d.MessageFormat.ToString(), d.DefaultSeverity)).Distinct());
        }
    }

    [Fact]
    public void Every_reported_rule_has_its_page_catalog_row_and_release_entry()
    {
        var catalog = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "rules", "README.md"));
        var releases = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "PerfAnalyzers", "AnalyzerReleases.Unshipped.md"))
            + File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "PerfAnalyzers", "AnalyzerReleases.Shipped.md"));
        var problems = new List<string>();
        foreach (var descriptor in AllDescriptors().DistinctBy(d => d.Id))
        {
            var id = descriptor.Id;
            if (descriptor.HelpLinkUri != PerfAnalyzers.Descriptors.HelpLinkBase + id + ".md")
            {
                problems.Add($"{id}: help link {descriptor.HelpLinkUri}");
            }

            if (!File.Exists(Path.Combine(RepositoryPaths.Root, "rules", id + ".md")))
            {
                problems.Add($"{id}: rules/{id}.md is missing");
            }

            if (!catalog.Contains($"[{id}]({id}.md)", StringComparison.Ordinal))
            {
                problems.Add($"{id}: no row in rules/README.md");
            }

            if (!releases.Contains(id + " |", StringComparison.Ordinal))
            {
                problems.Add($"{id}: not in AnalyzerReleases.*.md");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Analyzer_assembly_references_only_the_compiler_at_the_oldest_supported_version()
    {
        var references = AnalyzerAssembly.GetReferencedAssemblies();
        Assert.DoesNotContain(references, r => r.Name!.StartsWith("Microsoft.CodeAnalysis.Workspaces", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.Name!.StartsWith("Microsoft.CodeAnalysis.CSharp.Workspaces", StringComparison.Ordinal));
        var roslyn = Assert.Single(references, r => r.Name == "Microsoft.CodeAnalysis");
        Assert.Equal(new Version(4, 5, 0, 0), roslyn.Version);
    }

    [Fact]
    public void Code_fix_assembly_builds_against_the_oldest_supported_roslyn()
    {
        var references = typeof(PerfAnalyzers.CodeFixes.CodeFixesAssemblyMarker).Assembly.GetReferencedAssemblies();
        foreach (var reference in references.Where(r => r.Name!.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)))
        {
            Assert.Equal(new Version(4, 5, 0, 0), reference.Version);
        }
    }
}
