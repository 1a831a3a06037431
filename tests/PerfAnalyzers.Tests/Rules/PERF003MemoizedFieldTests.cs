using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 through calls, a load memoised in a field (issue #18, bitwarden's <c>EventService</c>: <c>foreach (var orgId
/// in uniqueOrgIds) providerIds[orgId] = await GetProviderIdAsync(orgId);</c>, which reaches the repository only through
/// the request-scoped <c>CurrentContext.GetProviderUserOrganizations</c>: <c>if (_providerUserOrganizations == null
/// &amp;&amp; UserId.HasValue) { _providerUserOrganizations = await _providerUserRepository.GetMany..(..); } return
/// _providerUserOrganizations;</c>). The load runs once per instance, then every call reads the field, so the call is
/// not a round-trip per element. The same with <c>_field ??= await load()</c>. Reported still: a load assigned to the
/// field on every call, and a null test on a field followed by a load into something else.
/// </summary>
public class PERF003MemoizedFieldTests
{
    private const string Context = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;

        public class ProviderUserOrganizationDetails
        {
            public Guid OrganizationId { get; set; }
            public Guid ProviderId { get; set; }
        }

        public interface IProviderUserRepository
        {
            Task<ICollection<ProviderUserOrganizationDetails>> GetManyOrganizationDetailsByUserAsync(Guid userId);
        }

        public interface ICurrentContext
        {
            Task<Guid?> ProviderIdForOrg(Guid orgId);
            Task<Guid?> ProviderIdForOrgLazy(Guid orgId);
            Task<Guid?> ProviderIdForOrgEveryTime(Guid orgId);
            Task<Guid?> ProviderIdForOrgIntoALocal(Guid orgId);
        }

        public class CurrentContext : ICurrentContext
        {
            private readonly IProviderUserRepository _providerUserRepository;
            private ICollection<ProviderUserOrganizationDetails> _providerUserOrganizations;
            private ICollection<ProviderUserOrganizationDetails> _lazy;
            private ICollection<ProviderUserOrganizationDetails> _everyTime;

            public CurrentContext(IProviderUserRepository providerUserRepository) => _providerUserRepository = providerUserRepository;

            public Guid? UserId { get; set; }

            public async Task<Guid?> ProviderIdForOrg(Guid orgId) =>
                (await GetProviderUserOrganizations())?.FirstOrDefault(po => po.OrganizationId == orgId)?.ProviderId;

            public async Task<Guid?> ProviderIdForOrgLazy(Guid orgId)
            {
                _lazy ??= await _providerUserRepository.GetManyOrganizationDetailsByUserAsync(UserId.Value);
                return _lazy.FirstOrDefault(po => po.OrganizationId == orgId)?.ProviderId;
            }

            public async Task<Guid?> ProviderIdForOrgEveryTime(Guid orgId)
            {
                _everyTime = await _providerUserRepository.GetManyOrganizationDetailsByUserAsync(UserId.Value);
                return _everyTime.FirstOrDefault(po => po.OrganizationId == orgId)?.ProviderId;
            }

            public async Task<Guid?> ProviderIdForOrgIntoALocal(Guid orgId)
            {
                ICollection<ProviderUserOrganizationDetails> found = null;
                if (_everyTime == null)
                {
                    found = await _providerUserRepository.GetManyOrganizationDetailsByUserAsync(UserId.Value);
                }

                return found?.FirstOrDefault(po => po.OrganizationId == orgId)?.ProviderId;
            }

            protected async Task<ICollection<ProviderUserOrganizationDetails>> GetProviderUserOrganizations()
            {
                if (_providerUserOrganizations == null && UserId.HasValue)
                {
                    _providerUserOrganizations = await _providerUserRepository.GetManyOrganizationDetailsByUserAsync(UserId.Value);
                }

                return _providerUserOrganizations;
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
    public Task Call_that_reaches_a_load_memoised_in_a_field_is_not_reported() => Verify("""
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public class EventService
        {
            private readonly ICurrentContext _currentContext;

            public EventService(ICurrentContext currentContext) => _currentContext = currentContext;

            public async Task<Dictionary<Guid, Guid?>> ProviderIds(List<Guid> uniqueOrgIds)
            {
                var providerIds = new Dictionary<Guid, Guid?>();
                foreach (var orgId in uniqueOrgIds)
                {
                    providerIds[orgId] = await GetProviderIdAsync(orgId);
                    providerIds[orgId] ??= await _currentContext.ProviderIdForOrgLazy(orgId);
                }

                return providerIds;
            }

            private async Task<Guid?> GetProviderIdAsync(Guid? orgId)
            {
                if (_currentContext == null || !orgId.HasValue)
                {
                    return null;
                }

                return await _currentContext.ProviderIdForOrg(orgId.Value);
            }
        }
        """);

    [Fact]
    public Task Call_that_loads_on_every_call_is_reported() => Verify("""
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public class EventService
        {
            private readonly ICurrentContext _currentContext;

            public EventService(ICurrentContext currentContext) => _currentContext = currentContext;

            public async Task<Dictionary<Guid, Guid?>> ProviderIds(List<Guid> uniqueOrgIds)
            {
                var providerIds = new Dictionary<Guid, Guid?>();
                foreach (var orgId in uniqueOrgIds)
                {
                    providerIds[orgId] = await _currentContext.{|#0:ProviderIdForOrgEveryTime(orgId)|};
                    providerIds[orgId] ??= await _currentContext.{|#1:ProviderIdForOrgIntoALocal(orgId)|};
                }

                return providerIds;
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0),
        Expect.Diagnostic("PERF003").WithLocation(1));
}
