using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003, a service asked a question about the element (issue #18, smartstore's <c>ImageOffloaderHook</c>:
/// <c>if (offloader.HasEmbeddedImage(html)) { folder ??= await offloader.GetDefaultMediaFolderAsync(); .. }</c> per saved
/// entry). A call fed with the element was taken to store it into its receiver, as <c>command.Parameters.AddWithValue</c>
/// does, so the offloader became per-entry data and the argument-less folder lookup (which creates the folder and saves
/// once) was reported per entry. A predicate (returns <c>bool</c>, named as a question: <c>Has…</c>, <c>Is…</c>,
/// <c>Can…</c>, <c>Contains…</c>) stores nothing, nor does an asynchronous operation given the element
/// (<c>await offloader.OffloadEmbeddedImagesAsync(html, folder.Value, entityTag)</c>: it returns a <c>Task</c>). A call that stores (<c>Register(html)</c>, <c>TryAdd</c>) still makes
/// the receiver per element, and a call that reads the element stays reported.
/// </summary>
public class PERF003ServiceReceiverTests
{
    private const string Offloading = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public class Folder
        {
            public int Id { get; set; }
        }

        public interface IOffloader
        {
            Task<Folder> GetDefaultMediaFolderAsync();
            Task<int> OffloadEmbeddedImagesAsync(string html, Folder folder);
            bool HasEmbeddedImage(string html);
            bool TryAddImage(string html);
            void Register(string html);
        }

        public class Offloader : IOffloader
        {
            private readonly ShopContext _db;
            private readonly List<string> _pending = new();

            public Offloader(ShopContext db) => _db = db;

            public async Task<Folder> GetDefaultMediaFolderAsync()
            {
                var folder = new Folder();
                await _db.SaveChangesAsync();
                return folder;
            }

            public Task<int> OffloadEmbeddedImagesAsync(string html, Folder folder) => Task.FromResult(html.Length + folder.Id);

            public bool HasEmbeddedImage(string html) => html.Contains("data:image");

            public bool TryAddImage(string html)
            {
                _pending.Add(html);
                return true;
            }

            public void Register(string html) => _pending.Add(html);
        }
        """;

    private static Task Verify(string code, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer> { Sources = { Offloading, code, PERF003Model.Source } };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    [Fact]
    public Task Call_on_a_service_asked_about_the_element_or_working_on_it_asynchronously_is_not_reported() => Verify("""
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public class ImageOffloaderHook
        {
            private readonly Lazy<IOffloader> _imageOffloader;

            public ImageOffloaderHook(Lazy<IOffloader> imageOffloader) => _imageOffloader = imageOffloader;

            public async Task<int> OnAfterSaveCompletedAsync(IEnumerable<Order> entries)
            {
                Folder folder = null;
                var offloader = _imageOffloader.Value;
                var n = 0;
                foreach (var entry in entries)
                {
                    var html = entry.Status;
                    if (html.Length > 50 && offloader.HasEmbeddedImage(html))
                    {
                        folder ??= await offloader.GetDefaultMediaFolderAsync();
                        n += await offloader.OffloadEmbeddedImagesAsync(html, folder);
                    }
                }

                return n;
            }
        }
        """);

    [Fact]
    public Task Call_on_a_service_given_the_element_to_keep_is_reported() => Verify("""
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public class ImageOffloaderHook
        {
            private readonly Lazy<IOffloader> _imageOffloader;

            public ImageOffloaderHook(Lazy<IOffloader> imageOffloader) => _imageOffloader = imageOffloader;

            public async Task<int> Registered(IEnumerable<Order> entries)
            {
                var offloader = _imageOffloader.Value;
                var n = 0;
                foreach (var entry in entries)
                {
                    offloader.Register(entry.Status);
                    n += (await offloader.{|#0:GetDefaultMediaFolderAsync()|}).Id;
                }

                return n;
            }

            public async Task<int> Added(IEnumerable<Order> entries)
            {
                var offloader = _imageOffloader.Value;
                var n = 0;
                foreach (var entry in entries)
                {
                    if (offloader.TryAddImage(entry.Status))
                    {
                        n += (await offloader.{|#1:GetDefaultMediaFolderAsync()|}).Id;
                    }
                }

                return n;
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0),
        Expect.Diagnostic("PERF003").WithLocation(1));
}
