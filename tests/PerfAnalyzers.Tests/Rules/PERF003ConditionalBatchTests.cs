using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003, a key batch chosen by a condition (issue #18, smartstore's <c>ProductService.DeleteProductsPermanentAsync</c>:
/// <c>foreach (var productIdsChunk in productIds.Chunk(50)) { var deletionEvent = new
/// PermanentDeletionRequestedEvent&lt;Product&gt;(productIdsChunk); ..; var idsToDelete =
/// deletionEvent.DisallowedEntityIds.Count &gt; 0 ? productIds.Except(deletionEvent.DisallowedEntityIds).ToArray() :
/// productIdsChunk; await DeleteProductsPermanentInternal(idsToDelete); }</c>): both branches are batches, so the call
/// runs once per chunk, the batched form; the condition, which reads a count, only picks a branch. The same built from
/// one element (<c>new[] { productId }</c>) stays reported. An object built from the chunk and read through a
/// collection it holds (<c>deletionEvent.DisallowedEntityIds</c>) belongs to the chunk.
/// </summary>
public class PERF003ConditionalBatchTests
{
    private const string Deletion = """
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        public class DeletionRequestedEvent
        {
            public DeletionRequestedEvent(int[] ids) => Ids = ids;

            public int[] Ids { get; }

            public HashSet<int> DisallowedIds { get; } = new();
        }

        public interface IEventPublisher
        {
            Task PublishAsync(object message);
        }

        public class ProductDeleter
        {
            private readonly ShopContext _db;

            public ProductDeleter(ShopContext db) => _db = db;

            public Task<int> DeleteAsync(int[] ids) => _db.Products.Where(p => ids.Contains(p.ProductId)).ExecuteDeleteAsync();
        }
        """;

    private static Task Verify(string code, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer> { Sources = { Deletion, code, PERF003Model.Source } };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    [Fact]
    public Task Chunk_or_a_batch_picked_by_a_condition_is_not_reported() => Verify("""
        using System.Linq;
        using System.Threading.Tasks;

        public class ProductService
        {
            private readonly ProductDeleter _deleter;
            private readonly IEventPublisher _events;

            public ProductService(ProductDeleter deleter, IEventPublisher events) => (_deleter, _events) = (deleter, events);

            public async Task<int> DeletePermanentAsync(int[] productIds)
            {
                var deleted = 0;
                foreach (var productIdsChunk in productIds.Chunk(50))
                {
                    var deletionEvent = new DeletionRequestedEvent(productIdsChunk);
                    await _events.PublishAsync(deletionEvent);

                    var idsToDelete = deletionEvent.DisallowedIds.Count > 0
                        ? productIds.Except(deletionEvent.DisallowedIds).Take(50).ToArray()
                        : productIdsChunk;

                    deleted += await _deleter.DeleteAsync(idsToDelete);
                }

                return deleted;
            }
        }
        """);

    [Fact]
    public Task One_element_of_the_chunk_picked_by_a_condition_is_reported() => Verify("""
        using System.Linq;
        using System.Threading.Tasks;

        public class ProductService
        {
            private readonly ProductDeleter _deleter;

            public ProductService(ProductDeleter deleter) => _deleter = deleter;

            public async Task<int> DeleteAsync(int[][] productIds)
            {
                var deleted = 0;
                foreach (var productId in productIds.SelectMany(x => x))
                {
                    var idsToDelete = productId > 0 ? new[] { productId } : new int[0];
                    deleted += await _deleter.{|#0:DeleteAsync(idsToDelete)|};
                }

                foreach (var productId in productIds.SelectMany(x => x))
                {
                    var deletionEvent = new DeletionRequestedEvent(new[] { productId });
                    var idsToDelete = deletionEvent.DisallowedIds.Count > 0 ? deletionEvent.Ids.Except(deletionEvent.DisallowedIds).ToArray() : deletionEvent.Ids;
                    deleted += await _deleter.{|#1:DeleteAsync(idsToDelete)|};
                }

                return deleted;
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0),
        Expect.Diagnostic("PERF003").WithLocation(1));
}
