using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF010NewHttpClientPerCallAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>PERF010: a new HttpClient per call.</summary>
public class PERF010Tests
{
    internal const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Net.Http;
        using System.Threading.Tasks;
        using Microsoft.Extensions.DependencyInjection;

        """;

    /// <summary>IHttpClientFactory and IHostedService as Microsoft.Extensions.Http/Hosting declare them (not referenced by the tests).</summary>
    internal const string Declarations = """

        namespace System.Net.Http
        {
            public interface IHttpClientFactory { HttpClient CreateClient(string name); }

            public static class HttpClientFactoryExtensions
            {
                public static HttpClient CreateClient(this IHttpClientFactory factory) => factory.CreateClient(string.Empty);
            }
        }

        namespace Microsoft.Extensions.Hosting
        {
            public interface IHostedService { Task StartAsync(System.Threading.CancellationToken token); }
        }
        """;

    private static DiagnosticResult Diag(string id) => Expect.Diagnostic(id);

    private static Task VerifyAsync(string body, params DiagnosticResult[] expected) => Verify.VerifyAsync(Usings + body + Declarations, expected);

    [Fact]
    public Task Using_declaration_in_a_method_is_reported_with_message() =>
        VerifyAsync("""
            class Weather
            {
                public async Task<string> Get(string city)
                {
                    using var client = {|#0:new HttpClient()|};
                    return await client.GetStringAsync("http://localhost/" + city);
                }
            }
            """,
            Diag("PERF010").WithLocation(0)
                .WithMessage("'Get' creates a new HttpClient on every call: each one opens its own connection pool and leaves sockets in TIME_WAIT; share one static client with a SocketsHttpHandler, or use IHttpClientFactory")
                .WithSeverity(DiagnosticSeverity.Warning));

    [Fact]
    public Task Loops_lambdas_local_functions_and_direct_use_are_reported() =>
        VerifyAsync("""
            class C
            {
                async Task M(IEnumerable<string> urls)
                {
                    foreach (var url in urls)
                    {
                        using (var client = {|#0:new HttpClient()|}) { await client.GetAsync(url); }
                    }

                    Func<Task<string>> f = async () => await [|new HttpClient()|].GetStringAsync("http://x");
                    async Task<string> Local() { var c = [|new HttpClient(new HttpClientHandler())|]; return await c.GetStringAsync("http://x"); }
                    HttpClient typed = [|new()|];
                    await typed.GetAsync("http://x");
                    var handler = new HttpClientHandler();
                    var withLocalHandler = [|new HttpClient(handler, false)|];
                    await withLocalHandler.GetAsync("http://x");
                    using ([|new HttpClient()|]) { }
                }
            }
            """,
            Diag("PERF010").WithLocation(0).WithArguments("'M'", "on every iteration of a loop", "share one static client with a SocketsHttpHandler, or use IHttpClientFactory"));

    [Fact]
    public Task Client_per_instance_of_a_transient_type_is_reported() =>
        VerifyAsync("""
            class Controller
            {
                private readonly HttpClient _client;
                private HttpClient? _lazy;

                public Controller() { _client = {|#0:new HttpClient()|}; }

                HttpClient Lazy() => _lazy ??= [|new HttpClient()|];
            }
            """,
            Diag("PERF010").WithLocation(0).WithArguments("'Controller'", "for every instance of 'Controller'", "share one static client with a SocketsHttpHandler, or use IHttpClientFactory"));

    [Fact]
    public Task Advice_names_the_injected_factory() =>
        VerifyAsync("""
            class Api
            {
                private readonly IHttpClientFactory _factory;

                public Api(IHttpClientFactory factory) => _factory = factory;

                public Task<string> Get() { using var c = {|#0:new HttpClient()|}; return c.GetStringAsync("http://x"); }
            }
            """,
            Diag("PERF010").WithLocation(0).WithArguments("'Get'", "on every call", "use the injected '_factory'"));

    [Fact]
    public Task Field_initialisers_statics_factories_and_factory_clients_are_not_reported() =>
        VerifyAsync("""
            class C
            {
                private static readonly HttpClient s_shared = new HttpClient();
                private readonly HttpClient _perInstanceInitialiser = new HttpClient();
                private static HttpClient? s_lazy;
                private static HttpClient S { get; } = new HttpClient();
                private static readonly Lazy<HttpClient> s_lazyClient = new(() => new HttpClient());

                static C() { s_lazy = new HttpClient(); }

                HttpClient Create() => new HttpClient();
                HttpClient CreateConfigured() { var c = new HttpClient(); c.Timeout = TimeSpan.FromSeconds(5); return c; }
                static HttpClient Shared() => s_lazy ??= new HttpClient();
                void Store() { var c = new HttpClient(); s_lazy = c; }
                Task<string> ViaFactory(IHttpClientFactory factory) => factory.CreateClient().GetStringAsync("http://x");
                void Register(IServiceCollection services) => services.AddSingleton(sp => new HttpClient());
                void Register2(IServiceCollection services) => services.AddSingleton(new HttpClient());
            }
            """);

    [Fact]
    public Task Shared_handlers_from_outside_are_not_reported() =>
        VerifyAsync("""
            class C
            {
                private static readonly SocketsHttpHandler s_handler = new();

                Task<string> A() { var c = new HttpClient(s_handler, disposeHandler: false); return c.GetStringAsync("http://x"); }
                Task<string> B(HttpMessageHandler handler) { using var c = new HttpClient(handler, false); return c.GetStringAsync("http://x"); }
                Task<string> D() => new HttpClient(s_handler, false).GetStringAsync("http://x");
            }
            """);

    [Fact]
    public Task Singletons_where_visible_are_not_reported() =>
        VerifyAsync("""
            class RegisteredService
            {
                private readonly HttpClient _client;
                public RegisteredService() { _client = new HttpClient(); }
            }

            interface IApi { }

            class ApiViaInterface : IApi
            {
                private readonly HttpClient _client = null!;
                public ApiViaInterface(int x) { _client = new HttpClient(); }
            }

            class Typeof
            {
                private readonly HttpClient _client;
                public Typeof() { _client = new HttpClient(); }
            }

            class ByFactoryLambda
            {
                private readonly HttpClient _client;
                public ByFactoryLambda(int x) { _client = new HttpClient(); }
            }

            class Worker : Microsoft.Extensions.Hosting.IHostedService
            {
                private readonly HttpClient _client;
                public Worker() { _client = new HttpClient(); }
                public Task StartAsync(System.Threading.CancellationToken token) => Task.CompletedTask;
            }

            class Classic
            {
                public static readonly Classic Instance = new Classic();
                private readonly HttpClient _client;
                private Classic() { _client = new HttpClient(); }
            }

            static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddSingleton<RegisteredService>();
                    services.AddSingleton<IApi, ApiViaInterface>();
                    services.AddSingleton(typeof(Typeof));
                    services.AddSingleton(sp => new ByFactoryLambda(1));
                }
            }
            """);

    [Fact]
    public Task Clients_handed_to_other_code_are_not_reported_unless_disposed_here() =>
        VerifyAsync("""
            class Wrapper { public Wrapper(HttpClient c) { } }

            class C
            {
                Wrapper Make() => new Wrapper(new HttpClient());
                void Pass(List<HttpClient> pool) { var c = new HttpClient(); pool.Add(c); }
                async Task Disposed() { using var c = [|new HttpClient()|]; await Send(c); }
                Task Send(HttpClient c) => c.GetAsync("http://x");
            }
            """);

    [Fact]
    public Task Test_projects_are_not_reported() =>
        new AnalyzerTest<PERF010NewHttpClientPerCallAnalyzer>
        {
            TestCode = Usings + """
                class Fixture
                {
                    public Task<string> Get() { using var c = new HttpClient(); return c.GetStringAsync("http://x"); }
                }
                """ + Declarations,
            EditorConfig = "build_property.IsTestProject = true",
        }.RunAsync();

    [Fact]
    public Task Top_level_statements_are_covered() =>
        new AnalyzerTest<PERF010NewHttpClientPerCallAnalyzer>
        {
            TestCode = Usings + """
                using var client = [|new HttpClient()|];
                Console.WriteLine(await client.GetStringAsync("http://localhost"));
                """,
            OutputKind = OutputKind.ConsoleApplication,
        }.RunAsync();

    [Fact]
    public Task Broken_and_odd_code_does_not_throw() =>
        new AnalyzerTest<PERF010NewHttpClientPerCallAnalyzer>
        {
            TestCode = Usings + """
                class C
                {
                    HttpClient _f = new HttpClient(;
                    void M()
                    {
                        var a = new HttpClient(new Unknown());
                        var b = [|new HttpClient { BaseAddress = }|];
                        using var c = new HttpClient(null!, );
                        _ = new HttpClient().;
                        [|new HttpClient()|]
                    }
                    C() : this(new HttpClient()) { }
                    C(HttpClient c) { }
                }
                """,
            AllowCompilerErrors = true,
        }.RunAsync();

    [Fact]
    public Task Test_methods_and_fixtures_are_not_reported_outside_test_projects() =>
        VerifyAsync("""
            namespace NUnit.Framework { public sealed class TestAttribute : System.Attribute { } public sealed class TestFixtureAttribute : System.Attribute { } }
            namespace Xunit { public sealed class FactAttribute : System.Attribute { } }

            class Tests
            {
                [NUnit.Framework.Test]
                public async Task A() { using var c = new HttpClient(); await c.GetAsync("http://x"); }

                [Xunit.Fact]
                public async Task B() { using var c = new HttpClient(); await c.GetAsync("http://x"); }
            }

            [NUnit.Framework.TestFixture]
            class Fixture
            {
                public async Task Helper() { using var c = new HttpClient(); await c.GetAsync("http://x"); }
            }
            """);

    [Fact]
    public Task Unresolved_test_attributes_still_mark_test_methods() =>
        new AnalyzerTest<PERF010NewHttpClientPerCallAnalyzer>
        {
            TestCode = Usings + """
                class Fixture
                {
                    [TestCase("a")]
                    public async Task A(string path) { using var c = new HttpClient(); await c.GetAsync(path); }
                }
                """ + Declarations,
            AllowCompilerErrors = true,
        }.RunAsync();
}
