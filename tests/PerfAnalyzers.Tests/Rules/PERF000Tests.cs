using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using PerfAnalyzers.Common;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF000: invalid and unknown <c>perf_analyzers.*</c> options. PERF000 has no source location (it is reported at the end
/// of the compilation with Location.None), which the markup verifier cannot express, so these tests run the analyzer
/// themselves: through a workspace with a real .editorconfig (which passes keys lower-cased), and through a provider that
/// passes keys as written (as other hosts may).
/// </summary>
public class PERF000Tests
{
    private const string TtlForm = "a positive duration, hh:mm:ss (00:05:00, 1.00:00:00) or a whole number with a unit (30s, 5m, 2h, 1d)";

    [Theory]
    [InlineData("banana", "not valid")]
    [InlineData("-5", "not valid (a number alone has no unit)")]
    [InlineData("0", "not valid (a number alone has no unit)")]
    [InlineData("30", "not valid (a number alone has no unit)")]
    [InlineData("1e3", "not valid")]
    [InlineData("yes", "not valid")]
    [InlineData("5:00", "not valid")]
    [InlineData("-00:01:00", "not valid")]
    [InlineData("00:00:00", "not valid")]
    [InlineData("0s", "not valid")]
    [InlineData("99999999999999d", "not valid")]
    public async Task Ttl_that_does_not_parse_is_reported_with_the_accepted_forms_and_the_default(string value, string problem)
    {
        var diagnostic = Assert.Single(await RunAsync("perf_analyzers.default_cache_ttl = " + value));
        AssertShape(diagnostic);
        Assert.Equal(
            $"'perf_analyzers.default_cache_ttl = {value}': {problem}; expected {TtlForm}; the default (00:05:00) is used unless a rule-specific key is set",
            diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("00:05:00")]
    [InlineData("1.00:00:00")]
    [InlineData("00:00:00.250")]
    [InlineData("30s")]
    [InlineData("5m")]
    [InlineData("2h")]
    [InlineData("1d")]
    [InlineData("90S")]
    public async Task Ttl_in_an_accepted_form_is_not_reported(string value) =>
        Assert.Empty(await RunAsync("perf_analyzers.PERF006.default_cache_ttl = " + value));

    [Fact]
    public async Task Empty_value_is_reported() => Assert.Equal(
        "'perf_analyzers.PERF007.default_queue_capacity = ': the value is empty; expected a whole number, at least 1; the default (1024) is used",
        Assert.Single(await RunAsync("perf_analyzers.PERF007.default_queue_capacity =")).GetMessage());

    [Theory]
    [InlineData("perf_analyzers.PERF007.default_queue_capacity = 0", "'perf_analyzers.PERF007.default_queue_capacity = 0': not valid; expected a whole number, at least 1; the default (1024) is used")]
    [InlineData("perf_analyzers.PERF001.max_constant_iterations = -1", "'perf_analyzers.PERF001.max_constant_iterations = -1': not valid; expected a whole number, at least 0; the default (8) is used")]
    [InlineData("perf_analyzers.PERF002.max_constant_iterations = 1e3", "'perf_analyzers.PERF002.max_constant_iterations = 1e3': not valid; expected a whole number, at least 0; the default (64) is used")]
    [InlineData("perf_analyzers.PERF002.default_max_concurrency = 3.5", "'perf_analyzers.PERF002.default_max_concurrency = 3.5': not valid; expected a whole number, at least 1; the default (ProcessorCount for CPU work, 16 for async I/O) is used")]
    [InlineData("perf_analyzers.PERF004.include_tree_recursion = yes", "'perf_analyzers.PERF004.include_tree_recursion = yes': not valid; expected true or false; the default (false) is used")]
    [InlineData("perf_analyzers.PERF003.batch_size = 99999999999", "'perf_analyzers.PERF003.batch_size = 99999999999': not valid; expected a whole number, at least 1; the default (not set: one query for all keys) is used")]
    [InlineData("perf_analyzers.max_constant_iterations = lots", "'perf_analyzers.max_constant_iterations = lots': not valid; expected a whole number, at least 0; each rule's default (PERF001: 8; PERF002: 64; PERF003: 5) is used unless a rule-specific key is set")]
    public async Task Value_out_of_range_or_malformed_names_key_value_form_and_default(string line, string message)
    {
        var diagnostic = Assert.Single(await RunAsync(line));
        AssertShape(diagnostic);
        Assert.Equal(message, diagnostic.GetMessage());
    }

    [Fact]
    public async Task Invalid_rule_specific_value_says_the_valid_pack_wide_one_is_used() => Assert.Equal(
        "'perf_analyzers.PERF007.default_queue_capacity = banana': not valid; expected a whole number, at least 1; the pack-wide value perf_analyzers.default_queue_capacity = 64 is used",
        Assert.Single(await RunAsync("perf_analyzers.default_queue_capacity = 64\nperf_analyzers.PERF007.default_queue_capacity = banana")).GetMessage());

    [Theory]
    [InlineData("perf_analyzers.default_cache_tll = 00:05:00", "'perf_analyzers.default_cache_tll = 00:05:00': no rule reads this option, so it has no effect; did you mean 'perf_analyzers.default_cache_ttl'?")]
    [InlineData("perf_analyzers.PERF001.max_constant_iteration = 4", "'perf_analyzers.PERF001.max_constant_iteration = 4': no rule reads this option, so it has no effect; did you mean 'perf_analyzers.PERF001.max_constant_iterations'?")]
    [InlineData("perf_analyzers.PERF001.default_cache_ttl = 5m", "'perf_analyzers.PERF001.default_cache_ttl = 5m': no rule reads this option, so it has no effect; did you mean 'perf_analyzers.PERF006.default_cache_ttl'?")]
    [InlineData("perf_analyzers.PERF007.default_queue_capacty = 10", "'perf_analyzers.PERF007.default_queue_capacty = 10': no rule reads this option, so it has no effect; did you mean 'perf_analyzers.PERF007.default_queue_capacity'?")]
    [InlineData("perf_analyzers.colour = blue", "'perf_analyzers.colour = blue': no rule reads this option, so it has no effect; the options are listed in rules/README.md")]
    public async Task Unknown_key_is_reported_with_the_nearest_known_key(string line, string message)
    {
        var diagnostic = Assert.Single(await RunAsync(line));
        AssertShape(diagnostic);
        Assert.Equal(message, diagnostic.GetMessage());
    }

    [Fact]
    public async Task Every_known_option_with_a_valid_value_is_not_reported()
    {
        var lines = new StringBuilder();
        foreach (var option in RuleOptions.Known)
        {
            var value = option.Kind switch
            {
                OptionKind.Int32 => "7",
                OptionKind.Boolean => "true",
                OptionKind.TimeSpan => "00:01:00",
                _ => "*Store, MyApp.Data.IQueries",
            };
            lines.Append(option.RuleKey).Append(" = ").Append(value).Append('\n');
            lines.Append(option.PackWideKey).Append(" = ").Append(value).Append('\n');
        }

        lines.Append("dotnet_diagnostic.PERF001.severity = error\n"); // not ours
        Assert.Empty(await RunAsync(lines.ToString()));
    }

    [Fact]
    public async Task One_key_read_by_many_files_is_reported_once()
    {
        var diagnostics = await RunAsync("perf_analyzers.default_cache_ttl = 30", files: 3);
        Assert.Single(diagnostics);
    }

    [Fact]
    public async Task Different_values_in_different_sections_are_each_reported_once()
    {
        var diagnostics = await RunAsync("perf_analyzers.default_cache_ttl = 30\n[Test1.cs]\nperf_analyzers.default_cache_ttl = 45\n[Test2.cs]\nperf_analyzers.default_cache_ttl = 45", files: 3);
        Assert.Equal(new[] { "30", "45" }, diagnostics.Select(d => d.GetMessage().Split('=')[1].Split('\'')[0].Trim()).ToArray());
    }

    [Fact]
    public async Task Keys_arrive_lower_cased_from_an_editorconfig_and_are_still_recognised()
    {
        // What the workspace (as the compiler) passes: the rule ID in the key is lower-cased.
        var options = await OptionsOfFirstFileAsync("perf_analyzers.PERF007.default_queue_capacity = 64");
        Assert.Contains("perf_analyzers.perf007.default_queue_capacity", options.Keys);
        Assert.True(options.TryGetValue("perf_analyzers.PERF007.default_queue_capacity", out _)); // lookups ignore case
        Assert.Empty(await RunAsync("PERF_ANALYZERS.PERF007.DEFAULT_QUEUE_CAPACITY = 64"));
    }

    [Fact]
    public async Task Host_that_passes_keys_as_written_gets_the_same_diagnostics()
    {
        var provider = new DictionaryProvider(new Dictionary<string, string>
        {
            ["perf_analyzers.PERF007.default_queue_capacity"] = "banana",
            ["perf_analyzers.default_queue_capacity"] = "64",
            ["perf_analyzers.Default_Cache_Tll"] = "5m",
        });
        var diagnostics = await RunWithProviderAsync(provider);
        Assert.Equal(
            new[]
            {
                "'perf_analyzers.Default_Cache_Tll = 5m': no rule reads this option, so it has no effect; did you mean 'perf_analyzers.default_cache_ttl'?",
                "'perf_analyzers.PERF007.default_queue_capacity = banana': not valid; expected a whole number, at least 1; the pack-wide value perf_analyzers.default_queue_capacity = 64 is used",
            },
            diagnostics.Select(d => d.GetMessage()).ToArray());
    }

    [Fact]
    public async Task Host_whose_options_cannot_list_their_keys_gets_nothing_and_no_exception() =>
        Assert.Empty(await RunWithProviderAsync(new DictionaryProvider(new Dictionary<string, string> { ["perf_analyzers.x"] = "1" }, keysThrow: true)));

    [Fact]
    public async Task Option_in_a_global_config_only_is_reported_once()
    {
        var provider = new DictionaryProvider(new Dictionary<string, string>(), global: new Dictionary<string, string> { ["perf_analyzers.default_cache_ttl"] = "30" });
        var diagnostic = Assert.Single(await RunWithProviderAsync(provider));
        Assert.StartsWith("'perf_analyzers.default_cache_ttl = 30': not valid (a number alone has no unit)", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("perf_analyzers. = 1")]
    [InlineData("perf_analyzers.. = 1")]
    [InlineData("perf_analyzers.PERF007. = 1")]
    [InlineData("perf_analyzers.PERF007 = 1")]
    [InlineData("perf_analyzers.PERF007.default_queue_capacity.extra = 1")]
    [InlineData("perf_analyzers.default_cache_ttl = ∞")]
    [InlineData("perf_analyzers.default_cache_ttl = 00:00:00:00")]
    [InlineData("perf_analyzers.default_cache_ttl = 10675199.02:48:05.4775808")]
    [InlineData("perf_analyzers.default_cache_ttl = d")]
    [InlineData("perf_analyzers.default_cache_ttl = -5m")]
    [InlineData("perf_analyzers.default_queue_capacity = 2147483648")]
    [InlineData("perf_analyzers.default_queue_capacity = ==")]
    public async Task Odd_keys_and_values_never_throw(string line)
    {
        var diagnostics = await RunAsync(line);
        Assert.All(diagnostics, AssertShape);
    }

    [Fact]
    public void Every_option_the_docs_show_is_known()
    {
        // A key on a rule page or in README that is not in RuleOptions.Known would be reported as unknown.
        // PERF000.md is left out: it shows mistakes on purpose.
        var files = Directory.GetFiles(Path.Combine(Meta.RepositoryPaths.Root, "rules"), "*.md")
            .Where(f => Path.GetFileName(f) != "PERF000.md")
            .Append(Path.Combine(Meta.RepositoryPaths.Root, "README.md"));
        var known = new HashSet<string>(RuleOptions.Known.SelectMany(o => new[] { o.RuleKey, o.PackWideKey }), StringComparer.OrdinalIgnoreCase);
        foreach (var file in files)
        {
            foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(file), @"perf_analyzers\.[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)?"))
            {
                var key = match.Value.TrimEnd('.');
                Assert.True(known.Contains(key), key + " (" + Path.GetFileName(file) + ") is not in RuleOptions.Known");
            }
        }
    }

    private static void AssertShape(Diagnostic diagnostic)
    {
        Assert.Equal("PERF000", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal(Location.None, diagnostic.Location);
    }

    private static Solution CreateSolution(string editorConfig, int files, out ProjectId projectId)
    {
        var workspace = new AdhocWorkspace();
        projectId = ProjectId.CreateNewId("P");
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId, VersionStamp.Default, "P", "P", LanguageNames.CSharp, filePath: "/P/P.csproj",
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary),
            metadataReferences: TestReferences.Default));
        for (var i = 0; i < files; i++)
        {
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId), $"Test{i}.cs", SourceText.From($"class C{i} {{ }}", Encoding.UTF8), filePath: $"/P/Test{i}.cs");
        }

        return solution.AddAnalyzerConfigDocument(DocumentId.CreateNewId(projectId), ".editorconfig", SourceText.From("root = true\n\n[*.cs]\n" + editorConfig + "\n", Encoding.UTF8), filePath: "/P/.editorconfig");
    }

    private static async Task<AnalyzerConfigOptions> OptionsOfFirstFileAsync(string editorConfig)
    {
        var project = CreateSolution(editorConfig, 1, out var projectId).GetProject(projectId)!;
        var compilation = (await project.GetCompilationAsync())!;
        return project.AnalyzerOptions.AnalyzerConfigOptionsProvider.GetOptions(compilation.SyntaxTrees.First());
    }

    private static async Task<ImmutableArray<Diagnostic>> RunAsync(string editorConfig, int files = 2)
    {
        var project = CreateSolution(editorConfig, files, out var projectId).GetProject(projectId)!;
        return await AnalyzeAsync((await project.GetCompilationAsync())!, project.AnalyzerOptions);
    }

    private static async Task<ImmutableArray<Diagnostic>> RunWithProviderAsync(AnalyzerConfigOptionsProvider provider)
    {
        var compilation = CSharpCompilation.Create("P", new[] { CSharpSyntaxTree.ParseText("class C { }", path: "/P/Test0.cs"), CSharpSyntaxTree.ParseText("class D { }", path: "/P/Test1.cs") }, TestReferences.Default);
        return await AnalyzeAsync(compilation, new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, provider));
    }

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation, AnalyzerOptions options)
    {
        var exceptions = new List<Exception>();
        var withAnalyzers = compilation.WithAnalyzers(
            ImmutableArray.Create<DiagnosticAnalyzer>(new PERF000InvalidOptionAnalyzer()),
            new CompilationWithAnalyzersOptions(options, (e, _, _) => { lock (exceptions) { exceptions.Add(e); } }, concurrentAnalysis: true, logAnalyzerExecutionTime: false));
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        Assert.Empty(exceptions);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        return diagnostics;
    }

    /// <summary>A host that passes keys as written (not lower-cased), optionally one whose options cannot list their keys.</summary>
    private sealed class DictionaryProvider(Dictionary<string, string> values, Dictionary<string, string>? global = null, bool keysThrow = false) : AnalyzerConfigOptionsProvider
    {
        private readonly Options _options = new(values, keysThrow);

        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(global ?? new Dictionary<string, string>(), keysThrow);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => _options;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => _options;

        private sealed class Options(Dictionary<string, string> values, bool keysThrow) : AnalyzerConfigOptions
        {
            private readonly Dictionary<string, string> _values = new(values, StringComparer.OrdinalIgnoreCase);

            public override IEnumerable<string> Keys => keysThrow ? throw new NotImplementedException() : values.Keys;

            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => _values.TryGetValue(key, out value);
        }
    }
}
