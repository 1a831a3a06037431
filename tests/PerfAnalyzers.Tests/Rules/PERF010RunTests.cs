using System.Net;
using System.Net.Sockets;
using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF010 fix, run: the original (a client per call) and the fixed code (one shared static client, with the constant
/// header moved to its initialiser) send requests to an <see cref="HttpListener"/> on loopback. The server sees the same
/// requests (path, method, header) from both; the shared client reuses its connection, the original opens one per call.
/// </summary>
public class PERF010RunTests
{
    private const string Original = """
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;

        public static class Client
        {
            public static async Task<string> Get(string url)
            {
                using var client = [|new HttpClient()|];
                client.DefaultRequestHeaders.Add("X-Run", "perf010");
                return await client.GetStringAsync(url);
            }
        }
        """;

    private const string Fixed = """
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;

        public static class Client
        {
            private static readonly HttpClient s_httpClient = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) { DefaultRequestHeaders = { { "X-Run", "perf010" } } };

            public static async Task<string> Get(string url)
            {
                var client = s_httpClient;
                return await client.GetStringAsync(url);
            }
        }
        """;

    [Fact]
    public async Task Fixed_code_sends_the_same_requests_over_fewer_connections()
    {
        await CodeFixVerifier<PERF010NewHttpClientPerCallAnalyzer, PERF010ShareHttpClientCodeFix>.VerifyFixAsync(Original, Fixed);

        var original = TestCompiler.CompileAndLoad(Original.Replace("[|", string.Empty).Replace("|]", string.Empty));
        var fixedAssembly = TestCompiler.CompileAndLoad(Fixed);

        var before = await RunAsync(original);
        var after = await RunAsync(fixedAssembly);

        Assert.Equal(before.Requests, after.Requests);
        Assert.Equal(before.Responses, after.Responses);
        Assert.Equal(10, before.Connections);
        Assert.True(after.Connections < before.Connections, $"shared client opened {after.Connections} connections, per-call {before.Connections}");
    }

    private sealed record Run(List<string> Requests, List<string> Responses, int Connections);

    private static async Task<Run> RunAsync(System.Reflection.Assembly assembly)
    {
        var port = FreePort();
        var prefix = $"http://127.0.0.1:{port}/";
        using var listener = new HttpListener();
        listener.Prefixes.Add(prefix);
        listener.Start();
        var requests = new List<string>();
        var endpoints = new HashSet<string>();
        var server = Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                var context = await listener.GetContextAsync();
                lock (requests)
                {
                    requests.Add(context.Request.HttpMethod + " " + context.Request.RawUrl + " X-Run=" + context.Request.Headers["X-Run"]);
                    endpoints.Add(context.Request.RemoteEndPoint.ToString());
                }

                var body = System.Text.Encoding.UTF8.GetBytes("ok " + context.Request.RawUrl);
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });

        var responses = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            var task = (Task<string>)TestCompiler.Invoke(assembly, "Client", "Get", prefix + "item/" + i)!;
            responses.Add(await task.WaitAsync(TimeSpan.FromSeconds(30)));
        }

        await server.WaitAsync(TimeSpan.FromSeconds(30));
        listener.Stop();
        return new Run(requests, responses, endpoints.Count);
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
