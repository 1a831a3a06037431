using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>PERF010 fixes: the injected factory or client, else one shared static client.</summary>
public class PERF010FixTests
{
    private const string Usings = PERF010Tests.Usings;
    private const string Declarations = PERF010Tests.Declarations;

    private static Task Verify(string source, string fixedSource, string key = PERF010ShareHttpClientCodeFix.StaticEquivalenceKey, string? batchFixed = null)
    {
        var test = new CodeFixTest<PERF010NewHttpClientPerCallAnalyzer, PERF010ShareHttpClientCodeFix>
        {
            TestCode = Usings + source + Declarations,
            FixedCode = Usings + fixedSource + Declarations,
            CodeActionEquivalenceKey = key,
        };
        if (batchFixed is not null)
        {
            test.BatchFixedCode = Usings + batchFixed + Declarations;
        }

        return test.RunAsync();
    }

    [Fact]
    public Task Using_declaration_becomes_a_shared_static_client() =>
        Verify(
            """
            class Weather
            {
                private const string Host = "http://localhost";

                public async Task<string> Get(string city)
                {
                    using var client = [|new HttpClient()|];
                    return await client.GetStringAsync(Host + "/" + city);
                }
            }
            """,
            """
            class Weather
            {
                private const string Host = "http://localhost";
                private static readonly HttpClient s_httpClient = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) });

                public async Task<string> Get(string city)
                {
                    var client = s_httpClient;
                    return await client.GetStringAsync(Host + "/" + city);
                }
            }
            """);

    [Fact]
    public Task Constant_settings_move_into_the_initialiser_and_fix_all_shares_one_field() =>
        Verify(
            """
            class Api
            {
                public async Task<string> A()
                {
                    using var client = [|new HttpClient()|];
                    client.BaseAddress = new Uri("http://localhost:5000/");
                    client.Timeout = TimeSpan.FromSeconds(10);
                    client.DefaultRequestHeaders.Add("X-Api", "1");
                    return await client.GetStringAsync("a");
                }

                public async Task<string> B()
                {
                    using (var client = [|new HttpClient { BaseAddress = new Uri("http://localhost:5000/"), Timeout = TimeSpan.FromSeconds(10) }|])
                    {
                        client.DefaultRequestHeaders.Add("X-Api", "1");
                        var text = await client.GetStringAsync("b");
                        return text;
                    }
                }

                public Task<string> C() => [|new HttpClient()|].GetStringAsync("http://localhost:5000/c");
            }
            """,
            """
            class Api
            {
                private static readonly HttpClient s_httpClient = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) { BaseAddress = new Uri("http://localhost:5000/"), Timeout = TimeSpan.FromSeconds(10), DefaultRequestHeaders = { { "X-Api", "1" } } };
                private static readonly HttpClient s_httpClient2 = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) });

                public async Task<string> A()
                {
                    var client = s_httpClient;
                    return await client.GetStringAsync("a");
                }

                public async Task<string> B()
                {
                    var client = s_httpClient;
                    var text = await client.GetStringAsync("b");
                    return text;
                }

                public Task<string> C() => s_httpClient2.GetStringAsync("http://localhost:5000/c");
            }
            """);

    [Fact]
    public Task Injected_factory_is_used_and_the_client_keeps_its_settings() =>
        Verify(
            """
            class Api(IHttpClientFactory factory)
            {
                public async Task<string> Get(string path)
                {
                    using var client = [|new HttpClient()|];
                    client.BaseAddress = new Uri(path);
                    return await client.GetStringAsync("x");
                }
            }

            class Api2
            {
                private readonly IHttpClientFactory _factory;

                public Api2(IHttpClientFactory factory) { _factory = factory; }

                public Task<string> Get() => [|new HttpClient()|].GetStringAsync("http://x");
            }
            """,
            """
            class Api(IHttpClientFactory factory)
            {
                public async Task<string> Get(string path)
                {
                    using var client = factory.CreateClient();
                    client.BaseAddress = new Uri(path);
                    return await client.GetStringAsync("x");
                }
            }

            class Api2
            {
                private readonly IHttpClientFactory _factory;

                public Api2(IHttpClientFactory factory) { _factory = factory; }

                public Task<string> Get() => _factory.CreateClient().GetStringAsync("http://x");
            }
            """,
            PERF010ShareHttpClientCodeFix.InjectedEquivalenceKey);

    [Fact]
    public Task Injected_client_is_used_without_disposing_it() =>
        Verify(
            """
            class Api
            {
                private readonly HttpClient _http;

                public Api(HttpClient http) => _http = http;

                public async Task<string> Get()
                {
                    using var client = [|new HttpClient()|];
                    return await client.GetStringAsync("http://x");
                }
            }
            """,
            """
            class Api
            {
                private readonly HttpClient _http;

                public Api(HttpClient http) => _http = http;

                public async Task<string> Get()
                {
                    var client = _http;
                    return await client.GetStringAsync("http://x");
                }
            }
            """,
            PERF010ShareHttpClientCodeFix.InjectedEquivalenceKey);

    [Fact]
    public Task Per_call_settings_handlers_and_hand_offs_get_no_fix() =>
        new CodeFixTest<PERF010NewHttpClientPerCallAnalyzer, PERF010ShareHttpClientCodeFix>
        {
            TestCode = Usings + """
                class C
                {
                    private readonly HttpClient _http;
                    public C(HttpClient http) { _http = http; }

                    async Task A(string baseUrl)
                    {
                        using var client = [|new HttpClient()|];
                        client.BaseAddress = new Uri(baseUrl);
                        await client.GetAsync("x");
                    }

                    async Task B()
                    {
                        using var client = [|new HttpClient(new HttpClientHandler { UseCookies = false })|];
                        await client.GetAsync("http://x");
                    }

                    async Task D()
                    {
                        var client = [|new HttpClient()|];
                        await client.GetAsync("http://x");
                        client.Dispose();
                    }

                    async Task F(string token)
                    {
                        using var client = [|new HttpClient()|];
                        await client.GetAsync("http://x");
                        client.DefaultRequestHeaders.Add("Authorization", token);
                    }
                }
                """ + Declarations,
            FixedCode = Usings + """
                class C
                {
                    private readonly HttpClient _http;
                    public C(HttpClient http) { _http = http; }

                    async Task A(string baseUrl)
                    {
                        using var client = [|new HttpClient()|];
                        client.BaseAddress = new Uri(baseUrl);
                        await client.GetAsync("x");
                    }

                    async Task B()
                    {
                        using var client = [|new HttpClient(new HttpClientHandler { UseCookies = false })|];
                        await client.GetAsync("http://x");
                    }

                    async Task D()
                    {
                        var client = [|new HttpClient()|];
                        await client.GetAsync("http://x");
                        client.Dispose();
                    }

                    async Task F(string token)
                    {
                        using var client = [|new HttpClient()|];
                        await client.GetAsync("http://x");
                        client.DefaultRequestHeaders.Add("Authorization", token);
                    }
                }
                """ + Declarations,
        }.RunAsync();
}
