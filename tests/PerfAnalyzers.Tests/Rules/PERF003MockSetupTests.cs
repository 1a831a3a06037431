using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 in unit tests (issue #18, bitwarden's test projects): a repository call configured or checked on a
/// substitute in a loop is no round-trip. NSubstitute — the call whose result is the receiver of <c>Returns</c>,
/// <c>ReturnsForAnyArgs</c>, <c>Throws</c>, <c>ThrowsAsync</c>
/// (<c>sutProvider.GetDependency&lt;IUserRepository&gt;().GetByIdAsync(Arg.Is(users[i].Id)).Returns(users[i])</c>), a call
/// on the result of <c>Received()</c>/<c>DidNotReceive()</c>, and calls in a lambda given to <c>When</c> or
/// <c>Received.InOrder</c> — and Moq's <c>Setup(x =&gt; ...)</c>/<c>Verify(x =&gt; ...)</c> (expression trees) are not
/// reported. A real repository call in the same loop, also one whose result is an argument of <c>Returns</c>, is.
/// </summary>
public class PERF003MockSetupTests
{
    private const string NSubstitute = """
        using System;
        using System.Threading.Tasks;

        namespace NSubstitute
        {
            public class ConfiguredCall { }

            public class WhenCalled<T>
            {
                public void Do(Action<object> callback) { }
            }

            public static class SubstituteExtensions
            {
                public static ConfiguredCall Returns<T>(this T value, T returnThis, params T[] returnThese) => new();
                public static ConfiguredCall Returns<T>(this Task<T> value, T returnThis, params T[] returnThese) => new();
                public static ConfiguredCall ReturnsForAnyArgs<T>(this Task<T> value, T returnThis, params T[] returnThese) => new();
                public static T Received<T>(this T substitute) where T : class => substitute;
                public static T Received<T>(this T substitute, int requiredNumberOfCalls) where T : class => substitute;
                public static T DidNotReceive<T>(this T substitute) where T : class => substitute;
                public static WhenCalled<T> When<T>(this T substitute, Func<T, Task> substituteCall) where T : class => new();
            }

            public static class Substitute
            {
                public static T For<T>() where T : class => default!;
            }

            public static class Arg
            {
                public static T Is<T>(T value) => value;
                public static T Any<T>() => default!;
            }

            public static class Received
            {
                public static void InOrder(Func<Task> calls) { }
            }
        }

        namespace NSubstitute.ExceptionExtensions
        {
            public static class ExceptionExtensions
            {
                public static ConfiguredCall Throws<T>(this T value, Exception ex) => new();
                public static ConfiguredCall ThrowsAsync<T>(this Task<T> value, Exception ex) => new();
            }
        }
        """;

    private const string Moq = """
        using System;
        using System.Linq.Expressions;

        namespace Moq
        {
            public class Mock<T> where T : class
            {
                public T Object => default!;
                public ISetup<TResult> Setup<TResult>(Expression<Func<T, TResult>> expression) => default!;
                public void Verify<TResult>(Expression<Func<T, TResult>> expression) { }
            }

            public interface ISetup<TResult>
            {
                void ReturnsAsync(object value);
            }
        }
        """;

    private const string Repository = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public class Organization
        {
            public Guid Id { get; set; }
        }

        public interface IOrganizationRepository
        {
            Task<Organization?> GetByIdAsync(Guid id);
            Task ReplaceAsync(Organization organization);
        }

        public interface ISutProvider
        {
            T GetDependency<T>() where T : class;
        }
        """;

    private static Task Verify(string code, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer> { Sources = { NSubstitute, Moq, Repository, code, PERF003Model.Source } };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    [Fact]
    public Task NSubstitute_set_ups_and_checks_in_loops_are_not_reported() => Verify("""
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using NSubstitute;
        using NSubstitute.ExceptionExtensions;

        public class UpdateTests
        {
            private readonly IOrganizationRepository _organizationRepository = Substitute.For<IOrganizationRepository>();

            public async Task Arrange(ISutProvider sutProvider, List<Organization> organizations, Guid[] ids)
            {
                for (var i = 0; i < organizations.Count; i++)
                {
                    sutProvider.GetDependency<IOrganizationRepository>().GetByIdAsync(Arg.Is(organizations[i].Id)).Returns(organizations[i]);
                }

                foreach (var id in ids)
                {
                    var org = new Organization { Id = id };
                    _organizationRepository.GetByIdAsync(id).Returns(org);
                    _organizationRepository.GetByIdAsync(id).ReturnsForAnyArgs(org);
                    _organizationRepository.GetByIdAsync(id).ThrowsAsync(new InvalidOperationException());
                    _organizationRepository.ReplaceAsync(org).Throws(new InvalidOperationException());
                    await _organizationRepository.Received(1).GetByIdAsync(id);
                    await _organizationRepository.DidNotReceive().ReplaceAsync(org);
                    _organizationRepository.When(r => r.ReplaceAsync(org)).Do(_ => { });
                    Received.InOrder(async () => await _organizationRepository.GetByIdAsync(id));
                }
            }

            public void ArrangeMoq(Moq.Mock<IOrganizationRepository> mock, Guid[] ids)
            {
                foreach (var id in ids)
                {
                    mock.Setup(r => r.GetByIdAsync(id)).ReturnsAsync(new Organization { Id = id });
                    mock.Verify(r => r.GetByIdAsync(id));
                }
            }
        }
        """);

    [Fact]
    public Task Real_repository_calls_beside_set_ups_are_reported() => Verify("""
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using NSubstitute;

        public class Seeder
        {
            private readonly IOrganizationRepository _organizationRepository;
            private readonly IOrganizationRepository _substitute = Substitute.For<IOrganizationRepository>();

            public Seeder(IOrganizationRepository organizationRepository) => _organizationRepository = organizationRepository;

            public async Task Seed(Guid[] ids)
            {
                foreach (var id in ids)
                {
                    var org = await _organizationRepository.{|#0:GetByIdAsync(id)|};
                    _substitute.GetByIdAsync(id).Returns(await _organizationRepository.{|#1:GetByIdAsync(id)|});
                    await _organizationRepository.{|#2:ReplaceAsync(org!)|};
                }
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0),
        Expect.Diagnostic("PERF003").WithLocation(1),
        Expect.Diagnostic("PERF003").WithLocation(2));
}
