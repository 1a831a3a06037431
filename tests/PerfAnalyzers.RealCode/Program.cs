using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using PerfAnalyzers.RealCode;

// Runs every PerfAnalyzers rule over the C# projects below a folder and prints each diagnostic with its source line.
// Each .csproj becomes one compilation of its own .cs files against the .NET and ASP.NET Core reference packs, the
// libraries this tool references (EF Core, Dapper, caching, dataflow) and its project references (as compilation
// references); with --restore also its NuGet packages, as far as the feed serves them (PackageRestore.cs). Types from
// packages that are not there stay unresolved: the rules must cope with that as they do with half-typed code in an IDE.
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: PerfAnalyzers.RealCode FOLDER [--out FILE] [--only PERF003,PERF004] [--times] [--cpu-times] [--fixes] [--restore] [--errors PATH-PART] [--projects PATH-PART] [--analyzers OTHER.dll]");
    return 2;
}

var root = Path.GetFullPath(args[0]);
string? outFile = null;
HashSet<string>? only = null;
var showTimes = false;
var cpuTimes = false;
var showFixes = false;
var extraAnalyzerPaths = new List<string>();
var restore = false;
string? errorsIn = null;
string? projectsIn = null;
for (var i = 1; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--out": outFile = args[++i]; break;
        case "--only": only = new HashSet<string>(args[++i].Split(','), StringComparer.OrdinalIgnoreCase); break;
        case "--times": showTimes = true; break;
        case "--cpu-times": cpuTimes = true; break;
        case "--fixes": showFixes = true; break;
        case "--analyzers": extraAnalyzerPaths.Add(Path.GetFullPath(args[++i])); break;
        case "--restore": restore = true; break;
        case "--errors": errorsIn = args[++i]; break;
        case "--projects": projectsIn = args[++i]; break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}

// With --only, just the analyzers that report one of those IDs run (a big code base takes minutes with all of them).
var analyzers = typeof(PerfAnalyzers.Rules.PERF001StringConcatenationInLoopAnalyzer).Assembly.GetTypes()
    .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
    .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
    .Concat(ExtraAnalyzers.Load(extraAnalyzerPaths))
    .Where(a => only is null || a.SupportedDiagnostics.Any(d => only.Contains(d.Id)))
    .Select(a => cpuTimes ? new PerfAnalyzers.Benchmarks.Analyzers.CpuTimedAnalyzer(a) : a)
    .ToImmutableArray();

var projects = ProjectSet.Load(root);
var references = ReferenceSet.Create();
if (restore)
{
    references.Packages = PackageRestore.Run(root, projects.InBuildOrder(), Console.Error);
}
var output = new StringBuilder();
var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
var fixedCounts = new SortedDictionary<string, int>(StringComparer.Ordinal);
var times = new Dictionary<string, TimeSpan>();
var exceptions = 0;
long lines = 0;
var total = Stopwatch.StartNew();

foreach (var project in projects.InBuildOrder())
{
    // --projects: analyse only the projects whose folder contains PATH-PART (their references are still compiled).
    if (projectsIn is not null && !project.Directory.Contains(projectsIn, StringComparison.Ordinal))
    {
        continue;
    }

    var compilation = project.Compile(references, projects);
    if (ExtraAnalyzers.Ids.Count > 0)
    {
        // Rules of other analyzers that are off by default run when asked for by --only (or all of them without it).
        var enabled = ExtraAnalyzers.Ids.Where(id => only is null || only.Contains(id)).ToDictionary(id => id, _ => ReportDiagnostic.Warn);
        compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(enabled));
    }

    lines += project.LineCount;
    var options = new CompilationWithAnalyzersOptions(
        new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new ProjectOptions(project.IsTestProject)),
        onAnalyzerException: (ex, analyzer, diagnostic) =>
        {
            exceptions++;
            output.AppendLine($"AD0001 {(analyzer is PerfAnalyzers.Benchmarks.Analyzers.CpuTimedAnalyzer c ? c.Inner : analyzer).GetType().Name} threw in {project.Name}: {ex.GetType().Name}: {ex.Message}");
            output.AppendLine(ex.StackTrace);
        },
        concurrentAnalysis: true,
        logAnalyzerExecutionTime: showTimes,
        reportSuppressedDiagnostics: false);
    if (errorsIn is not null)
    {
        // --errors: the compiler errors in matching files, to see what the rules saw unresolved there.
        foreach (var tree in compilation.SyntaxTrees.Where(t => t.FilePath.Contains(errorsIn, StringComparison.Ordinal)))
        {
            foreach (var error in compilation.GetSemanticModel(tree).GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error))
            {
                output.AppendLine($"error {Path.GetRelativePath(root, tree.FilePath)}:{error.Location.GetLineSpan().StartLinePosition.Line + 1}: {error.Id} {error.GetMessage()}");
            }
        }
    }

    var withAnalyzers = compilation.WithAnalyzers(analyzers, options);
    var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
    var fixes = showFixes ? FixProbe.Create(compilation) : null;
    foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceTree?.FilePath).ThenBy(d => d.Location.SourceSpan.Start))
    {
        if (only is not null && !only.Contains(diagnostic.Id))
        {
            continue;
        }

        if (diagnostic.Id == "AD0001")
        {
            exceptions++;
        }

        counts[diagnostic.Id] = counts.TryGetValue(diagnostic.Id, out var n) ? n + 1 : 1;
        var span = diagnostic.Location.GetLineSpan();
        var path = Path.GetRelativePath(root, span.Path);
        var text = diagnostic.Location.SourceTree?.GetText().Lines[span.StartLinePosition.Line].ToString().Trim() ?? "";
        output.AppendLine($"{diagnostic.Id} {diagnostic.Severity} {path}:{span.StartLinePosition.Line + 1}:{span.StartLinePosition.Character + 1}");
        output.AppendLine($"    {diagnostic.GetMessage()}");
        output.AppendLine($"    | {text}");
        if (fixes is not null)
        {
            var title = await fixes.FirstFixTitleAsync(diagnostic);
            if (title is not null && !title.StartsWith("THREW", StringComparison.Ordinal))
            {
                fixedCounts[diagnostic.Id] = fixedCounts.TryGetValue(diagnostic.Id, out var f) ? f + 1 : 1;
            }

            output.AppendLine($"    fix: {title ?? "none"}");
        }
    }

    if (showTimes)
    {
        foreach (var analyzer in analyzers)
        {
            var info = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None);
            var name = (analyzer is PerfAnalyzers.Benchmarks.Analyzers.CpuTimedAnalyzer c ? c.Inner : analyzer).GetType().Name;
            times[name] = (times.TryGetValue(name, out var t) ? t : TimeSpan.Zero) + info.ExecutionTime;
        }
    }
}

output.AppendLine();
output.AppendLine($"{projects.Count} projects, {lines:N0} lines, {total.Elapsed.TotalSeconds:F1} s");
if (references.Packages is { } restored)
{
    output.AppendLine($"packages: {restored.Count} restored with their dependencies; dropped or changed: {(restored.Dropped.Count == 0 ? "none" : string.Join("; ", restored.Dropped))}");
}

foreach (var (id, n) in counts)
{
    output.AppendLine(showFixes ? $"{id}: {n} ({(fixedCounts.TryGetValue(id, out var f) ? f : 0)} with a fix)" : $"{id}: {n}");
}

if (cpuTimes)
{
    // --cpu-times: thread CPU time in each analyzer's callbacks, summed over all projects (see CpuTimedAnalyzer).
    var cpuTotal = 0.0;
    foreach (var timed in analyzers.OfType<PerfAnalyzers.Benchmarks.Analyzers.CpuTimedAnalyzer>().OrderByDescending(a => a.CpuTime))
    {
        var ms = timed.CpuTime.TotalMilliseconds;
        cpuTotal += ms;
        output.AppendLine($"cpu {timed.Inner.GetType().Name}: {ms:F0} ms ({ms / (lines / 1000.0):F2} ms per 1,000 lines)");
    }

    output.AppendLine($"cpu (sum): {cpuTotal:F0} ms ({cpuTotal / (lines / 1000.0):F2} ms per 1,000 lines); clock correction {PerfAnalyzers.Benchmarks.Analyzers.CpuTimedAnalyzer.ClockPairNanoseconds} ns per callback");
}

if (showTimes)
{
    foreach (var (name, time) in times.OrderByDescending(p => p.Value))
    {
        output.AppendLine($"{name}: {time.TotalMilliseconds:F0} ms ({time.TotalMilliseconds / (lines / 1000.0):F2} ms per 1,000 lines)");
    }
}

output.AppendLine($"analyzer exceptions: {exceptions}");
if (outFile is null)
{
    Console.Write(output);
}
else
{
    File.WriteAllText(outFile, output.ToString());
    Console.WriteLine($"{counts.Values.Sum()} diagnostics, {exceptions} analyzer exceptions: {outFile}");
}

return exceptions > 0 ? 1 : 0;

namespace PerfAnalyzers.RealCode
{
    /// <summary>
    /// --analyzers: C# analyzers of another assembly (SonarAnalyzer.CSharp.dll, ...) run beside the pack, for side-by-side
    /// comparisons; its dependencies are loaded from the same folder. Their rules are enabled even when their descriptor
    /// is off by default (S6962 is), so that `--only` can pick them.
    /// </summary>
    internal static class ExtraAnalyzers
    {
        public static readonly HashSet<string> Ids = new(StringComparer.Ordinal);

        public static IEnumerable<DiagnosticAnalyzer> Load(IEnumerable<string> paths)
        {
            foreach (var path in paths)
            {
                var folder = Path.GetDirectoryName(path)!;
                System.Runtime.Loader.AssemblyLoadContext.Default.Resolving += (context, name) =>
                {
                    var candidate = Path.Combine(folder, name.Name + ".dll");
                    return File.Exists(candidate) ? context.LoadFromAssemblyPath(candidate) : null;
                };
                var assembly = System.Runtime.Loader.AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
                Type[] types;
                try
                {
                    types = assembly.GetTypes();
                }
                catch (System.Reflection.ReflectionTypeLoadException ex)
                {
                    types = ex.Types.Where(t => t is not null).ToArray()!;
                }

                foreach (var type in types)
                {
                    if (type.IsAbstract || !typeof(DiagnosticAnalyzer).IsAssignableFrom(type) || type.GetConstructor(Type.EmptyTypes) is null ||
                        !type.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), false).Cast<DiagnosticAnalyzerAttribute>().Any(a => a.Languages.Contains(LanguageNames.CSharp)))
                    {
                        continue;
                    }

                    DiagnosticAnalyzer analyzer;
                    try
                    {
                        analyzer = (DiagnosticAnalyzer)Activator.CreateInstance(type)!;
                        foreach (var descriptor in analyzer.SupportedDiagnostics)
                        {
                            Ids.Add(descriptor.Id);
                        }
                    }
                    catch (Exception)
                    {
                        continue;
                    }

                    yield return analyzer;
                }
            }
        }
    }

    /// <summary>--fixes: puts a compilation's trees in a workspace and asks the pack's fix providers for each diagnostic.</summary>
    internal sealed class FixProbe
    {
        private static readonly ImmutableArray<Microsoft.CodeAnalysis.CodeFixes.CodeFixProvider> s_providers =
            typeof(PerfAnalyzers.CodeFixes.PERF003BatchQueryCodeFix).Assembly.GetTypes()
                .Where(t => !t.IsAbstract && typeof(Microsoft.CodeAnalysis.CodeFixes.CodeFixProvider).IsAssignableFrom(t))
                .Select(t => (Microsoft.CodeAnalysis.CodeFixes.CodeFixProvider)Activator.CreateInstance(t)!)
                .ToImmutableArray();

        private readonly Dictionary<SyntaxTree, Document> _documents = new();

        private FixProbe(Compilation compilation)
        {
            var workspace = new Microsoft.CodeAnalysis.AdhocWorkspace();
            var projectId = ProjectId.CreateNewId();
            var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
                projectId, VersionStamp.Default, compilation.AssemblyName ?? "p", compilation.AssemblyName ?? "p", LanguageNames.CSharp,
                compilationOptions: compilation.Options,
                parseOptions: compilation.SyntaxTrees.FirstOrDefault()?.Options,
                metadataReferences: compilation.References));
            var ids = new List<(SyntaxTree Tree, DocumentId Id)>();
            foreach (var tree in compilation.SyntaxTrees)
            {
                var id = DocumentId.CreateNewId(projectId);
                solution = solution.AddDocument(id, Path.GetFileName(tree.FilePath), tree.GetText(), filePath: tree.FilePath);
                ids.Add((tree, id));
            }

            foreach (var (tree, id) in ids)
            {
                _documents[tree] = solution.GetDocument(id)!;
            }
        }

        public static FixProbe Create(Compilation compilation) => new(compilation);

        private static async Task<string> ChangedLinesAsync(Document document, Microsoft.CodeAnalysis.CodeActions.CodeAction action)
        {
            var operations = await action.GetOperationsAsync(CancellationToken.None);
            var changed = operations.OfType<Microsoft.CodeAnalysis.CodeActions.ApplyChangesOperation>().FirstOrDefault()?.ChangedSolution.GetDocument(document.Id);
            if (changed is null)
            {
                return string.Empty;
            }

            var before = (await document.GetTextAsync()).ToString().Split('\n');
            var after = (await changed.GetTextAsync()).ToString().Split('\n');
            var start = 0;
            while (start < before.Length && start < after.Length && before[start] == after[start])
            {
                start++;
            }

            var end = 0;
            while (end < before.Length - start && end < after.Length - start && before[before.Length - 1 - end] == after[after.Length - 1 - end])
            {
                end++;
            }

            var text = new System.Text.StringBuilder();
            for (var i = start; i < after.Length - end; i++)
            {
                text.Append("\n      + ").Append(after[i].TrimEnd('\r'));
            }

            return text.ToString();
        }

        /// <summary>The title of the first fix any provider registers for the diagnostic, or null.</summary>
        public async Task<string?> FirstFixTitleAsync(Diagnostic diagnostic)
        {
            if (diagnostic.Location.SourceTree is not { } tree || !_documents.TryGetValue(tree, out var document))
            {
                return null;
            }

            // The workspace's tree is a new parse of the same text: the location's span is the same.
            var documentTree = await document.GetSyntaxTreeAsync();
            // The additional locations move too: fixes that find their target through one (PERF006's options object or
            // factory lambda, PERF009's local) offered nothing when they were dropped here.
            var additional = new List<Location>();
            foreach (var location in diagnostic.AdditionalLocations)
            {
                if (location.SourceTree is { } additionalTree && _documents.TryGetValue(additionalTree, out var additionalDocument))
                {
                    additional.Add(Location.Create((await additionalDocument.GetSyntaxTreeAsync())!, location.SourceSpan));
                }
            }

            var moved = Diagnostic.Create(diagnostic.Descriptor, Location.Create(documentTree!, diagnostic.Location.SourceSpan), diagnostic.Severity, additional, diagnostic.Properties);
            foreach (var provider in s_providers)
            {
                if (!provider.FixableDiagnosticIds.Contains(diagnostic.Id))
                {
                    continue;
                }

                string? title = null;
                Microsoft.CodeAnalysis.CodeActions.CodeAction? first = null;
                var context = new Microsoft.CodeAnalysis.CodeFixes.CodeFixContext(document, moved, (action, _) => { title ??= action.Title; first ??= action; }, CancellationToken.None);
                try
                {
                    await provider.RegisterCodeFixesAsync(context);
                }
                catch (Exception ex)
                {
                    return "THREW " + ex.GetType().Name + ": " + ex.Message;
                }

                if (title is not null)
                {
                    // PERFANALYZERS_SHOW_FIXES=1: also print the lines the fix changes (for reviewing fixes on real code).
                    if (Environment.GetEnvironmentVariable("PERFANALYZERS_SHOW_FIXES") == "1" && first is not null)
                    {
                        title += await ChangedLinesAsync(document, first);
                    }

                    return title;
                }
            }

            return null;
        }
    }

    /// <summary>The projects below a folder, each with its own .cs files and project references.</summary>
    internal sealed class ProjectSet
    {
        private readonly Dictionary<string, RealProject> _byPath;

        private ProjectSet(Dictionary<string, RealProject> byPath) => _byPath = byPath;

        public int Count => _byPath.Count;

        public static ProjectSet Load(string root)
        {
            var projectFiles = Directory.EnumerateFiles(root, "*.csproj", SearchOption.AllDirectories)
                .Where(p => !IsIgnoredDirectory(p))
                .Select(Path.GetFullPath)
                .ToList();
            var projectDirs = new HashSet<string>(projectFiles.Select(p => Path.GetDirectoryName(p)!), StringComparer.Ordinal);
            var byPath = new Dictionary<string, RealProject>(StringComparer.Ordinal);
            foreach (var file in projectFiles)
            {
                var dir = Path.GetDirectoryName(file)!;
                if (byPath.Values.Any(p => p.Directory == dir))
                {
                    continue; // Several .csproj in one folder (multi-targeting variants): analyze the folder once.
                }

                byPath[file] = RealProject.Read(file, projectDirs);
            }

            return new ProjectSet(byPath);
        }

        public RealProject? Find(string path) => _byPath.TryGetValue(path, out var p) ? p : null;

        public IEnumerable<RealProject> InBuildOrder()
        {
            var done = new HashSet<RealProject>();
            var visiting = new HashSet<RealProject>();
            var order = new List<RealProject>();
            foreach (var project in _byPath.Values.OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                Visit(project);
            }

            return order;

            void Visit(RealProject project)
            {
                if (done.Contains(project) || !visiting.Add(project))
                {
                    return;
                }

                foreach (var reference in project.ProjectReferences)
                {
                    if (Find(reference) is { } dependency)
                    {
                        Visit(dependency);
                    }
                }

                done.Add(project);
                order.Add(project);
            }
        }

        internal static bool IsIgnoredDirectory(string path) =>
            path.Contains("/obj/", StringComparison.Ordinal) || path.Contains("/bin/", StringComparison.Ordinal) ||
            path.Contains("/node_modules/", StringComparison.Ordinal);
    }

    internal sealed class RealProject
    {
        private Compilation? _compilation;

        public required string Name { get; init; }
        public required string Directory { get; init; }
        public required List<string> SourceFiles { get; init; }
        public required List<string> ProjectReferences { get; init; }
        public required bool IsTestProject { get; init; }
        public required bool IsWeb { get; init; }
        public required bool ImplicitUsings { get; init; }
        public required NullableContextOptions Nullable { get; init; }
        public required List<(string Id, string Version)> Packages { get; init; }
        public long LineCount { get; private set; }

        public static RealProject Read(string file, HashSet<string> projectDirs)
        {
            var dir = Path.GetDirectoryName(file)!;
            var xml = TryLoad(file);
            var text = xml?.ToString() ?? "";
            var references = xml?.Descendants().Where(e => e.Name.LocalName == "ProjectReference")
                .Select(e => (string?)e.Attribute("Include"))
                .Where(p => p is not null)
                .Select(p => Path.GetFullPath(Path.Combine(dir, p!.Replace('\\', '/'))))
                .ToList() ?? new List<string>();
            var name = Path.GetFileNameWithoutExtension(file);
            var isTest = text.Contains("<IsTestProject>true", StringComparison.OrdinalIgnoreCase) ||
                         text.Contains("xunit", StringComparison.OrdinalIgnoreCase) ||
                         text.Contains("NUnit", StringComparison.OrdinalIgnoreCase) ||
                         text.Contains("MSTest", StringComparison.OrdinalIgnoreCase) ||
                         text.Contains("Microsoft.NET.Test.Sdk", StringComparison.OrdinalIgnoreCase);
            var sources = System.IO.Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
                .Where(p => !ProjectSet.IsIgnoredDirectory(p.Substring(dir.Length)) && OwnedBy(dir, p, projectDirs))
                .OrderBy(p => p, StringComparer.Ordinal)
                .ToList();
            return new RealProject
            {
                Name = name,
                Directory = dir,
                SourceFiles = sources,
                ProjectReferences = references,
                IsTestProject = isTest,
                IsWeb = text.Contains("Microsoft.NET.Sdk.Web", StringComparison.Ordinal) || text.Contains("Microsoft.NET.Sdk.Razor", StringComparison.Ordinal),
                ImplicitUsings = text.Contains("<ImplicitUsings>enable", StringComparison.OrdinalIgnoreCase) || InheritsImplicitUsings(dir),
                Nullable = NullableSetting(text) ?? InheritedNullable(dir) ?? NullableContextOptions.Disable,
                Packages = PackageReferences(xml, dir),
            };
        }

        // <PackageReference Include="X" Version="1.2" /> (or a <Version> element, VersionOverride, or the version from the
        // nearest Directory.Packages.props); a version made of MSBuild properties becomes "*" (the newest served).
        private static List<(string Id, string Version)> PackageReferences(XDocument? xml, string dir)
        {
            var result = new List<(string, string)>();
            if (xml is null)
            {
                return result;
            }

            Dictionary<string, string>? central = null;
            foreach (var element in xml.Descendants().Where(e => e.Name.LocalName == "PackageReference"))
            {
                var id = (string?)element.Attribute("Include");
                if (id is null)
                {
                    continue;
                }

                var version = (string?)element.Attribute("VersionOverride") ?? (string?)element.Attribute("Version") ??
                              element.Elements().FirstOrDefault(e => e.Name.LocalName == "Version")?.Value;
                if (version is null)
                {
                    central ??= CentralVersions(dir);
                    central.TryGetValue(id, out version);
                }

                result.Add((id, version is null || version.Contains("$(", StringComparison.Ordinal) ? "*" : version.Trim()));
            }

            return result;
        }

        private static Dictionary<string, string> CentralVersions(string dir)
        {
            var versions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (var current = dir; current is not null; current = Path.GetDirectoryName(current))
            {
                var props = Path.Combine(current, "Directory.Packages.props");
                if (File.Exists(props) && TryLoad(props) is { } document)
                {
                    foreach (var element in document.Descendants().Where(e => e.Name.LocalName == "PackageVersion"))
                    {
                        if ((string?)element.Attribute("Include") is { } id && (string?)element.Attribute("Version") is { } version)
                        {
                            versions.TryAdd(id, version);
                        }
                    }

                    break;
                }
            }

            return versions;
        }

        // <Nullable> as the build sees it: the project's own setting, else the nearest Directory.Build.props (the SDK's
        // default is off). Nullable warnings the build would not give must not block a fix here either.
        private static NullableContextOptions? NullableSetting(string text)
        {
            var start = text.IndexOf("<Nullable>", StringComparison.OrdinalIgnoreCase);
            if (start < 0)
            {
                return null;
            }

            var value = text.Substring(start + "<Nullable>".Length);
            return value.StartsWith("enable", StringComparison.OrdinalIgnoreCase) ? NullableContextOptions.Enable
                : value.StartsWith("warnings", StringComparison.OrdinalIgnoreCase) ? NullableContextOptions.Warnings
                : value.StartsWith("annotations", StringComparison.OrdinalIgnoreCase) ? NullableContextOptions.Annotations
                : NullableContextOptions.Disable;
        }

        private static NullableContextOptions? InheritedNullable(string dir)
        {
            for (var current = dir; current is not null; current = Path.GetDirectoryName(current))
            {
                var props = Path.Combine(current, "Directory.Build.props");
                if (File.Exists(props))
                {
                    var text = File.ReadAllText(props);
                    if (NullableSetting(text) is { } setting)
                    {
                        return setting;
                    }

                    if (!text.Contains("GetPathOfFileAbove", StringComparison.Ordinal))
                    {
                        return null;
                    }
                }
            }

            return null;
        }

        // ImplicitUsings is often set once for a whole repository in a Directory.Build.props above the project.
        private static bool InheritsImplicitUsings(string dir)
        {
            for (var current = dir; current is not null; current = Path.GetDirectoryName(current))
            {
                var props = Path.Combine(current, "Directory.Build.props");
                if (File.Exists(props))
                {
                    var text = File.ReadAllText(props);
                    if (text.Contains("<ImplicitUsings>enable", StringComparison.OrdinalIgnoreCase))
                    {
                        return true;
                    }

                    if (!text.Contains("GetPathOfFileAbove", StringComparison.Ordinal))
                    {
                        return false; // The nearest Directory.Build.props wins unless it imports the next one up.
                    }
                }
            }

            return false;
        }

        private static XDocument? TryLoad(string file)
        {
            try
            {
                return XDocument.Load(file);
            }
            catch (Exception)
            {
                return null;
            }
        }

        // A file belongs to the nearest project folder above it.
        private static bool OwnedBy(string dir, string file, HashSet<string> projectDirs)
        {
            var current = Path.GetDirectoryName(file);
            while (current is not null && current.Length >= dir.Length)
            {
                if (projectDirs.Contains(current))
                {
                    return current == dir;
                }

                current = Path.GetDirectoryName(current);
            }

            return false;
        }

        public Compilation Compile(ReferenceSet references, ProjectSet projects)
        {
            if (_compilation is not null)
            {
                return _compilation;
            }

            var parse = new CSharpParseOptions(LanguageVersion.Preview, preprocessorSymbols: new[] { "NET", "NETCOREAPP", "NET8_0_OR_GREATER", "NET6_0_OR_GREATER", "NET5_0_OR_GREATER", "NETSTANDARD2_0_OR_GREATER", "RELEASE", "TRACE" });
            var trees = new List<SyntaxTree>();
            foreach (var file in SourceFiles)
            {
                var text = File.ReadAllText(file);
                LineCount += text.AsSpan().Count('\n');
                trees.Add(CSharpSyntaxTree.ParseText(text, parse, file));
            }

            if (ImplicitUsings)
            {
                var usings = "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;";
                if (IsWeb)
                {
                    usings += " global using Microsoft.AspNetCore.Builder; global using Microsoft.AspNetCore.Hosting; global using Microsoft.AspNetCore.Http; global using Microsoft.AspNetCore.Routing; global using Microsoft.Extensions.Configuration; global using Microsoft.Extensions.DependencyInjection; global using Microsoft.Extensions.Hosting; global using Microsoft.Extensions.Logging;";
                }

                trees.Add(CSharpSyntaxTree.ParseText(usings, parse, Path.Combine(Directory, "obj", "GlobalUsings.g.cs")));
            }

            var all = new List<MetadataReference>(references.Metadata);

            // Project references flow transitively in MSBuild: a project sees its references' references too.
            var visited = new HashSet<RealProject> { this };
            var withPackages = new List<RealProject> { this };
            var pending = new Stack<string>(ProjectReferences);
            while (pending.Count > 0)
            {
                if (projects.Find(pending.Pop()) is { } dependency && visited.Add(dependency))
                {
                    all.Add(dependency.Compile(references, projects).ToMetadataReference());
                    withPackages.Add(dependency);
                    foreach (var next in dependency.ProjectReferences)
                    {
                        pending.Push(next);
                    }
                }
            }

            // So do package references: a project sees the packages of the projects it references (bitwarden's Billing
            // uses Stripe.net through Core's reference).
            if (references.Packages is { } packages)
            {
                all.AddRange(packages.ReferencesFor(withPackages, references.Names));
            }

            _compilation = CSharpCompilation.Create(
                Name,
                trees,
                all,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: Nullable, allowUnsafe: true));
            return _compilation;
        }
    }

    /// <summary>The .NET and ASP.NET Core reference packs of the SDK that runs this tool, and the libraries beside it.</summary>
    internal sealed class ReferenceSet
    {
        public required List<MetadataReference> Metadata { get; init; }
        public required HashSet<string> Names { get; init; }
        public PackageRestore? Packages { get; set; }

        public static ReferenceSet Create()
        {
            var dotnetRoot = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(typeof(object).Assembly.Location))))!;
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var metadata = new List<MetadataReference>();
            foreach (var pack in new[] { "Microsoft.NETCore.App.Ref", "Microsoft.AspNetCore.App.Ref" })
            {
                var packDir = Path.Combine(dotnetRoot, "packs", pack);
                var version = System.IO.Directory.GetDirectories(packDir).OrderByDescending(d => Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) ? v : new Version()).First();
                var refDir = System.IO.Directory.GetDirectories(Path.Combine(version, "ref")).OrderByDescending(d => d).First();
                foreach (var dll in System.IO.Directory.EnumerateFiles(refDir, "*.dll"))
                {
                    if (names.Add(Path.GetFileNameWithoutExtension(dll)))
                    {
                        metadata.Add(MetadataReference.CreateFromFile(dll));
                    }
                }
            }

            foreach (var dll in System.IO.Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
            {
                var name = Path.GetFileNameWithoutExtension(dll);
                if (name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) || name.StartsWith("PerfAnalyzers", StringComparison.Ordinal) ||
                    name.StartsWith("System.Collections.Immutable", StringComparison.Ordinal) || name.StartsWith("System.Reflection.Metadata", StringComparison.Ordinal))
                {
                    continue;
                }

                if (names.Add(name))
                {
                    metadata.Add(MetadataReference.CreateFromFile(dll));
                }
            }

            return new ReferenceSet { Metadata = metadata, Names = names };
        }
    }

    /// <summary>What MSBuild would pass the analyzers: whether the project is a test project.</summary>
    internal sealed class ProjectOptions(bool isTestProject) : AnalyzerConfigOptionsProvider
    {
        private readonly Options _global = new(isTestProject);

        public override AnalyzerConfigOptions GlobalOptions => _global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => _global;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => _global;

        private sealed class Options(bool isTestProject) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, out string value)
            {
                if (key == "build_property.IsTestProject" && isTestProject)
                {
                    value = "true";
                    return true;
                }

                value = "";
                return false;
            }
        }
    }
}
