using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 severity over the plug-ins a factory hands out (issue #18, Sonarr's <c>NotificationService</c>: 24 warnings,
/// <c>foreach (var notification in _notificationFactory.OnGrabEnabled()) { notification.OnGrab(..);
/// _notificationStatusService.RecordSuccess(notification.Definition.Id); }</c>; <c>MetadataService</c>'s loops over
/// <c>_metadataFactory.Enabled()</c>, the import lists of <c>_importListFactory</c>, the download clients of
/// <c>_downloadClientFactory</c>): one pass per notification, list or client an administrator configured. Interface-typed
/// elements from a call on a field or property whose type is named <c>…Factory</c>, <c>…Provider</c> or
/// <c>IProvide…</c> are reported as a suggestion (Info). Still warnings: class-typed elements of a factory (rows) and
/// interface-typed elements from a service of another name (<c>IContent</c> from a content service).
/// </summary>
public class PERF003ProviderFactoryTests
{
    private const string Context = """
        using System;
        using System.Collections.Generic;
        using System.Linq;

        public class ProviderDefinition
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
            public bool Enable { get; set; }
        }

        public interface INotification
        {
            ProviderDefinition Definition { get; }
            void OnGrab(string message);
        }

        public interface IImportList
        {
            ProviderDefinition Definition { get; }
        }

        public interface IDownloadClient
        {
            ProviderDefinition Definition { get; }
        }

        public interface IContent
        {
            int Id { get; }
        }

        public interface INotificationFactory
        {
            List<INotification> OnGrabEnabled(bool filterBlockedNotifications = true);
            List<ProviderDefinition> AllDefinitions();
        }

        public interface IImportListFactory
        {
            List<IImportList> AutomaticAddEnabled(bool filterBlockedImportLists = true);
        }

        public interface IProvideDownloadClient
        {
            IEnumerable<IDownloadClient> GetDownloadClients(bool filterBlockedClients = false);
        }

        public interface IContentService
        {
            IEnumerable<IContent> GetRootContent();
        }

        public class NotificationStatusService
        {
            private readonly ShopContext _db;

            public NotificationStatusService(ShopContext db) => _db = db;

            public void RecordSuccess(int providerId)
            {
                var status = _db.Orders.FirstOrDefault(o => o.Id == providerId);
                if (status != null)
                {
                    status.Status = "ok";
                    _db.SaveChanges();
                }
            }
        }
        """;

    private static Task Verify(string code, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer> { Sources = { Context, code, PERF003Model.Source } };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    [Fact]
    public Task Status_write_per_notification_of_a_factory_is_a_suggestion() => Verify("""
        using System;

        public class NotificationService
        {
            private readonly INotificationFactory _notificationFactory;
            private readonly NotificationStatusService _notificationStatusService;

            public NotificationService(INotificationFactory notificationFactory, NotificationStatusService notificationStatusService)
            {
                _notificationFactory = notificationFactory;
                _notificationStatusService = notificationStatusService;
            }

            public void Handle(string message)
            {
                foreach (var notification in _notificationFactory.OnGrabEnabled())
                {
                    try
                    {
                        notification.OnGrab(message);
                        _notificationStatusService.{|#0:RecordSuccess(notification.Definition.Id)|};
                    }
                    catch (Exception)
                    {
                        _notificationStatusService.{|#1:RecordSuccess(-notification.Definition.Id)|};
                    }
                }
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0).WithSeverity(DiagnosticSeverity.Info),
        Expect.Diagnostic("PERF003").WithLocation(1).WithSeverity(DiagnosticSeverity.Info));

    [Fact]
    public Task Query_per_provider_through_a_local_and_linq_is_a_suggestion() => Verify("""
        using System.Linq;

        public class ImportListSyncService
        {
            private readonly IImportListFactory _importListFactory;
            private readonly IProvideDownloadClient _downloadClientProvider;

            public ImportListSyncService(IImportListFactory importListFactory, IProvideDownloadClient downloadClientProvider)
            {
                _importListFactory = importListFactory;
                _downloadClientProvider = downloadClientProvider;
            }

            public void Sync(ShopContext db)
            {
                var lists = _importListFactory.AutomaticAddEnabled(false);
                foreach (var list in lists.Where(l => l.Definition.Enable))
                {
                    var count = db.Orders.{|#0:Count(o => o.Status == list.Definition.Name)|};
                }

                var names = _downloadClientProvider.GetDownloadClients().Select(c => db.Customers.{|#1:Count(x => x.Name == c.Definition.Name)|}).ToList();
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0).WithSeverity(DiagnosticSeverity.Info),
        Expect.Diagnostic("PERF003").WithLocation(1).WithSeverity(DiagnosticSeverity.Info));

    [Fact]
    public Task Class_typed_elements_of_a_factory_stay_warnings() => Verify("""
        public class DefinitionCleanup
        {
            private readonly INotificationFactory _notificationFactory;
            private readonly NotificationStatusService _notificationStatusService;

            public DefinitionCleanup(INotificationFactory notificationFactory, NotificationStatusService notificationStatusService)
            {
                _notificationFactory = notificationFactory;
                _notificationStatusService = notificationStatusService;
            }

            public void Run()
            {
                foreach (var definition in _notificationFactory.AllDefinitions())
                {
                    _notificationStatusService.{|#0:RecordSuccess(definition.Id)|};
                }
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning));

    [Fact]
    public Task Interface_typed_data_from_a_service_of_another_name_stays_a_warning() => Verify("""
        public class ContentIndexer
        {
            private readonly IContentService _contentService;
            private readonly NotificationStatusService _notificationStatusService;

            public ContentIndexer(IContentService contentService, NotificationStatusService notificationStatusService)
            {
                _contentService = contentService;
                _notificationStatusService = notificationStatusService;
            }

            public void Run(IImportListFactory factory)
            {
                foreach (var content in _contentService.GetRootContent())
                {
                    _notificationStatusService.{|#0:RecordSuccess(content.Id)|};
                }

                foreach (var list in factory.AutomaticAddEnabled())
                {
                    _notificationStatusService.{|#1:RecordSuccess(list.Definition.Id)|};
                }
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning),
        Expect.Diagnostic("PERF003").WithLocation(1).WithSeverity(DiagnosticSeverity.Warning));
}
