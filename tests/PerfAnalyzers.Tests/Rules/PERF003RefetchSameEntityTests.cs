using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003, a re-fetch of the same entity by its own key inside a loop (issue #18, bitwarden's SCIM
/// <c>PatchUserCommand.PatchUserAsync</c>: <c>orgUser = await _organizationUserRepository.GetByIdAsync(orgUser.Id)</c>
/// after each patch operation that changed the user's status). The local is reassigned in the loop, which made it
/// look like per-iteration data, but the key passed is the entity's own <c>Id</c>: the same id on every pass, so the
/// round-trip does not depend on the element (not N+1). A walk that follows another key of the entity
/// (<c>node = Get(node.ParentId)</c>: one query per ancestor), a step to a neighbour (<c>GetNext(node.Id)</c>) and a
/// fetch keyed by the element stay reported.
/// </summary>
public class PERF003RefetchSameEntityTests
{
    private const string Repository = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public class OrganizationUser
        {
            public Guid Id { get; set; }
            public Guid OrganizationId { get; set; }
            public Guid? ParentId { get; set; }
            public int Status { get; set; }
            public string? ExternalId { get; set; }
        }

        public interface IOrganizationUserRepository
        {
            Task<OrganizationUser?> GetByIdAsync(Guid id);
            Task<OrganizationUser?> GetNextAsync(Guid id);
            Task ReplaceAsync(OrganizationUser user);
        }

        public class Operation
        {
            public string? Op { get; set; }
            public string? Path { get; set; }
            public bool Active { get; set; }
            public Guid UserId { get; set; }
            public string? Value { get; set; }
        }

        public class NotFoundException : Exception
        {
            public NotFoundException(string message) : base(message) { }
        }
        """;

    private static Task Verify(string code, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer> { Sources = { Repository, code, PERF003Model.Source } };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    [Fact]
    public Task Refetch_of_the_same_entity_by_its_own_id_per_operation_is_not_reported() => Verify("""
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public class PatchUserCommand
        {
            private readonly IOrganizationUserRepository _organizationUserRepository;

            public PatchUserCommand(IOrganizationUserRepository organizationUserRepository) => _organizationUserRepository = organizationUserRepository;

            public async Task PatchUserAsync(Guid organizationId, Guid id, List<Operation> operations)
            {
                var orgUser = await _organizationUserRepository.GetByIdAsync(id);
                if (orgUser == null || orgUser.OrganizationId != organizationId)
                {
                    throw new NotFoundException("User not found.");
                }

                var operationHandled = false;
                foreach (var operation in operations)
                {
                    if (operation.Op?.ToLowerInvariant() == "replace")
                    {
                        if (operation.Path?.ToLowerInvariant() == "active")
                        {
                            var handled = await HandleActiveOperationAsync(orgUser, operation.Active);
                            if (!operationHandled)
                            {
                                operationHandled = handled;
                            }

                            // Re-fetch to pick up status changes persisted by restore/revoke
                            if (handled)
                            {
                                orgUser = await _organizationUserRepository.GetByIdAsync(orgUser.Id)
                                    ?? throw new NotFoundException("User not found.");
                            }
                        }
                        else if (string.IsNullOrWhiteSpace(operation.Path))
                        {
                            var handled = await HandleActiveOperationAsync(orgUser, !operation.Active);
                            if (handled)
                            {
                                orgUser = (await _organizationUserRepository.GetByIdAsync(orgUser.Id))!;
                            }
                        }
                    }
                }
            }

            private Task<bool> HandleActiveOperationAsync(OrganizationUser orgUser, bool active) => Task.FromResult(active);
        }
        """);

    [Fact]
    public Task Walk_to_another_key_of_the_entity_is_reported() => Verify("""
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public class Hierarchy
        {
            private readonly IOrganizationUserRepository _repository;

            public Hierarchy(IOrganizationUserRepository repository) => _repository = repository;

            public async Task<int> DepthAsync(OrganizationUser start)
            {
                var depth = 0;
                var node = start;
                while (node?.ParentId is { } parentId)
                {
                    node = await _repository.{|#0:GetByIdAsync(node.ParentId.Value)|};
                    depth++;
                }

                return depth;
            }

            public async Task<OrganizationUser?> UpAsync(OrganizationUser start, List<Operation> steps)
            {
                OrganizationUser? current = start;
                foreach (var step in steps)
                {
                    current = await _repository.{|#1:GetByIdAsync(current!.ParentId!.Value)|};
                }

                return current;
            }

            public async Task<int> CountAfterAsync(OrganizationUser start)
            {
                var count = 0;
                OrganizationUser? node = start;
                while (node is not null)
                {
                    node = await _repository.{|#2:GetNextAsync(node.Id)|};
                    count++;
                }

                return count;
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0),
        Expect.Diagnostic("PERF003").WithLocation(1),
        Expect.Diagnostic("PERF003").WithLocation(2));

    [Fact]
    public Task Refetch_keyed_by_the_element_is_reported() => Verify("""
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public class PatchUsersCommand
        {
            private readonly IOrganizationUserRepository _repository;

            public PatchUsersCommand(IOrganizationUserRepository repository) => _repository = repository;

            public async Task PatchAsync(OrganizationUser orgUser, List<Operation> operations)
            {
                foreach (var operation in operations)
                {
                    orgUser = await _repository.{|#0:GetByIdAsync(operation.UserId)|} ?? orgUser;
                    orgUser.ExternalId = operation.Value;
                    await _repository.{|#1:ReplaceAsync(orgUser)|};
                }
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0),
        Expect.Diagnostic("PERF003").WithLocation(1));
}
