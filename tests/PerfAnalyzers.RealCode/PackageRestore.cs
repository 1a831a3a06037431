using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;

namespace PerfAnalyzers.RealCode
{
    /// <summary>
    /// --restore: gives each project the compile-time assemblies of its NuGet packages, so that real code binds as it
    /// does in the user's IDE. All packages of the code base are restored together in one scratch project (cached under
    /// the temp folder); packages the feed does not serve, or not at a usable version, are dropped one restore at a time
    /// and listed, and those projects keep unresolved types for them.
    /// </summary>
    internal sealed partial class PackageRestore
    {
        private readonly Dictionary<string, Library> _libraries;
        private readonly string _packageFolder;

        private PackageRestore(Dictionary<string, Library> libraries, string packageFolder, List<string> dropped)
        {
            _libraries = libraries;
            _packageFolder = packageFolder;
            Dropped = dropped;
        }

        public List<string> Dropped { get; }

        public int Count => _libraries.Count;

        /// <summary>Restores every package any project below <paramref name="root"/> references; null when nothing restores.</summary>
        public static PackageRestore? Run(string root, IEnumerable<RealProject> projects, TextWriter log)
        {
            var wanted = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var project in projects)
            {
                foreach (var (id, version) in project.Packages)
                {
                    // Several projects, several versions: take the highest that parses, else the first seen.
                    if (!wanted.TryGetValue(id, out var seen) || IsHigher(version, seen))
                    {
                        wanted[id] = version;
                    }
                }
            }

            if (wanted.Count == 0)
            {
                return null;
            }

            var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(root + "|" + string.Join(";", wanted.Select(p => p.Key + "=" + p.Value)))))[..16];
            var dir = Path.Combine(Path.GetTempPath(), "perfanalyzers-realcode", Path.GetFileName(root.TrimEnd('/')) + "-" + key);
            Directory.CreateDirectory(dir);
            var assets = Path.Combine(dir, "obj", "project.assets.json");
            var droppedFile = Path.Combine(dir, "dropped.txt");
            var dropped = new List<string>();
            if (File.Exists(assets) && File.Exists(droppedFile))
            {
                dropped.AddRange(File.ReadAllLines(droppedFile));
                log.WriteLine($"restore: cached in {dir}");
                return Read(assets, dropped);
            }

            for (var attempt = 0; attempt < 40 && wanted.Count > 0; attempt++)
            {
                WriteProject(dir, wanted);
                var (code, output) = RunRestore(dir);
                if (code == 0)
                {
                    File.WriteAllLines(droppedFile, dropped);
                    log.WriteLine($"restore: {wanted.Count} packages restored, {dropped.Count} dropped ({dir})");
                    return Read(assets, dropped);
                }

                var changed = false;
                foreach (Match match in FailedPackage().Matches(output))
                {
                    var id = match.Groups["id"].Value.TrimEnd('.');
                    if (!wanted.TryGetValue(id, out var version))
                    {
                        // A dependency of a wanted package failed: drop the wanted packages that bring it in.
                        foreach (var parent in WantedParents(assets, id, wanted))
                        {
                            dropped.Add($"{parent} {wanted[parent]}: its dependency {id} failed ({match.Groups["code"].Value})");
                            wanted.Remove(parent);
                            changed = true;
                        }

                        continue;
                    }

                    // A version the feed lacks (NU1102) is retried once at any version it has; then the package goes.
                    if (match.Groups["code"].Value == "NU1102" && version != "*")
                    {
                        wanted[id] = "*";
                        dropped.Add($"{id} {version}: not served, took the newest served");
                    }
                    else
                    {
                        wanted.Remove(id);
                        dropped.Add($"{id} {version}: {match.Groups["code"].Value}");
                    }

                    changed = true;
                }

                // A version conflict between two wanted packages' dependencies (NU1107, Kavita's Hangfire.Core): reference
                // the version NuGet names directly, as its message says.
                foreach (Match match in VersionConflict().Matches(output))
                {
                    var id = match.Groups["id"].Value;
                    var version = match.Groups["version"].Value;
                    if (!wanted.TryGetValue(id, out var current) || current != version)
                    {
                        wanted[id] = version;
                        dropped.Add($"{id} {version}: added to resolve a version conflict (NU1107)");
                        changed = true;
                    }
                }

                if (!changed)
                {
                    log.WriteLine("restore: failed for a reason this tool cannot act on; continuing without packages");
                    log.WriteLine(string.Join('\n', output.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Take(10)));
                    return null;
                }
            }

            return null;
        }

        // The failed restore still writes the assets file with the graph it resolved: walk up from the failed package.
        private static List<string> WantedParents(string assetsPath, string failed, SortedDictionary<string, string> wanted)
        {
            var result = new List<string>();
            if (!File.Exists(assetsPath))
            {
                return result;
            }

            var parents = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
            using (var document = JsonDocument.Parse(File.ReadAllText(assetsPath)))
            {
                foreach (var target in document.RootElement.GetProperty("targets").EnumerateObject())
                {
                    foreach (var entry in target.Value.EnumerateObject())
                    {
                        if (entry.Value.TryGetProperty("dependencies", out var deps))
                        {
                            foreach (var dependency in deps.EnumerateObject())
                            {
                                if (!parents.TryGetValue(dependency.Name, out var list))
                                {
                                    parents[dependency.Name] = list = new List<string>();
                                }

                                list.Add(entry.Name.Split('/')[0]);
                            }
                        }
                    }
                }
            }

            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var stack = new Stack<string>();
            stack.Push(failed);
            while (stack.Count > 0)
            {
                var id = stack.Pop();
                if (!seen.Add(id) || !parents.TryGetValue(id, out var list))
                {
                    continue;
                }

                foreach (var parent in list)
                {
                    if (wanted.ContainsKey(parent))
                    {
                        result.Add(parent);
                    }

                    stack.Push(parent);
                }
            }

            return result.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        }

        /// <summary>The compile-time assemblies of the projects' packages and everything they depend on.</summary>
        public IEnumerable<MetadataReference> ReferencesFor(IEnumerable<RealProject> projects, HashSet<string> alreadyReferenced)
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var stack = new Stack<string>(projects.SelectMany(project => project.Packages).Select(p => p.Id));
            while (stack.Count > 0)
            {
                var id = stack.Pop();
                if (!seen.Add(id) || !_libraries.TryGetValue(id, out var library))
                {
                    continue;
                }

                foreach (var dependency in library.Dependencies)
                {
                    stack.Push(dependency);
                }

                foreach (var file in library.CompileFiles)
                {
                    var path = Path.Combine(_packageFolder, library.Path, file);
                    // The reference packs and the libraries the rules know come first: a package's copy of one of them
                    // would give two assemblies of the same name.
                    if (File.Exists(path) && !alreadyReferenced.Contains(Path.GetFileNameWithoutExtension(path)))
                    {
                        yield return MetadataReference.CreateFromFile(path);
                    }
                }
            }
        }

        private static PackageRestore? Read(string assetsPath, List<string> dropped)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(assetsPath));
            var rootElement = document.RootElement;
            var packageFolder = rootElement.GetProperty("packageFolders").EnumerateObject().First().Name;
            var paths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var library in rootElement.GetProperty("libraries").EnumerateObject())
            {
                if (library.Value.TryGetProperty("path", out var path))
                {
                    paths[library.Name] = path.GetString()!;
                }
            }

            var libraries = new Dictionary<string, Library>(StringComparer.OrdinalIgnoreCase);
            var target = rootElement.GetProperty("targets").EnumerateObject().First().Value;
            foreach (var entry in target.EnumerateObject())
            {
                if (!paths.TryGetValue(entry.Name, out var path))
                {
                    continue; // a project, not a package
                }

                var dependencies = entry.Value.TryGetProperty("dependencies", out var deps)
                    ? deps.EnumerateObject().Select(d => d.Name).ToList()
                    : new List<string>();
                var compile = entry.Value.TryGetProperty("compile", out var files)
                    ? files.EnumerateObject().Select(f => f.Name).Where(f => f.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)).ToList()
                    : new List<string>();
                libraries[entry.Name.Split('/')[0]] = new Library(path, dependencies, compile);
            }

            return new PackageRestore(libraries, packageFolder, dropped);
        }

        private static void WriteProject(string dir, SortedDictionary<string, string> packages)
        {
            var project = new XElement("Project",
                new XAttribute("Sdk", "Microsoft.NET.Sdk"),
                new XElement("PropertyGroup",
                    new XElement("TargetFramework", "net10.0"),
                    new XElement("ManagePackageVersionsCentrally", "false"),
                    new XElement("NuGetAudit", "false"),
                    new XElement("TreatWarningsAsErrors", "false"),
                    new XElement("WarningsAsErrors", ""),
                    // Downgrades, fallback frameworks and next-higher versions are fine for binding real code.
                    new XElement("NoWarn", "NU1603;NU1605;NU1608;NU1701;NU1902;NU1903;NU1904")),
                new XElement("ItemGroup",
                    packages.Select(p => new XElement("PackageReference", new XAttribute("Include", p.Key), new XAttribute("Version", p.Value)))));
            File.WriteAllText(Path.Combine(dir, "restore.csproj"), project.ToString());
            // Keep the code base's Directory.Build.props/Directory.Packages.props out: the scratch folder is outside it.
            File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), "<Project />");
            File.WriteAllText(Path.Combine(dir, "Directory.Packages.props"), "<Project />");
        }

        private static (int Code, string Output) RunRestore(string dir)
        {
            var start = new ProcessStartInfo("dotnet", "restore restore.csproj --nologo")
            {
                WorkingDirectory = dir,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            return (process.ExitCode, stdout.Result + stderr.Result);
        }

        private static bool IsHigher(string candidate, string current) =>
            NuGetVersionLike(candidate) is { } a && NuGetVersionLike(current) is { } b && a > b;

        private static Version? NuGetVersionLike(string text) =>
            Version.TryParse(text.Trim('[', ']', '(', ')').Split(',')[0].Split('-')[0], out var v) ? v : null;

        [GeneratedRegex(@"error NU1107: Version conflict detected for (?<id>[A-Za-z0-9_.\-]+)\. Install/reference [A-Za-z0-9_.\-]+ (?<version>[0-9][A-Za-z0-9_.\-]*) directly")]
        private static partial Regex VersionConflict();

        [GeneratedRegex(@"(?i)error (?<code>NU1101|NU1102|NU1202|NU1103|NU1212|NU1213): .*?package '?(?<id>[A-Za-z0-9_.\-]+)'?")]
        private static partial Regex FailedPackage();

        private sealed record Library(string Path, List<string> Dependencies, List<string> CompileFiles);
    }
}
