using Microsoft.CodeAnalysis;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF002UnboundedTaskSpawningAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF002 over a list that provably holds few elements (issue #18 section 2, bitwarden
/// OrganizationUpdateCollectionManagementCommand: a private builder adds at most four logging actions, each under an
/// <c>if</c>, none in a loop): Info. A builder that adds in a loop, or a list that escapes, stays a warning.
/// </summary>
public class PERF002FewAddsTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;

        """;

    [Fact]
    public Task Actions_from_a_builder_with_a_few_adds_are_info() =>
        Verify.VerifyAsync(Usings + """
            public class Settings { public bool A; public bool B; public bool C; public bool D; }

            public class UpdateCommand
            {
                private Task Log(string what) => Task.Delay(1);

                public async Task UpdateAsync(Settings existing, Settings settings)
                {
                    var loggingActions = CreateLoggingActions(existing, settings);
                    if (loggingActions.Any())
                    {
                        await Task.WhenAll({|#0:loggingActions.Select(action => action())|});
                    }
                }

                private List<Func<Task>> CreateLoggingActions(Settings existing, Settings settings)
                {
                    var loggingActions = new List<Func<Task>>();
                    if (existing.A != settings.A) { loggingActions.Add(() => Log("A")); }
                    if (existing.B != settings.B) { loggingActions.Add(() => Log("B")); }
                    if (existing.C != settings.C) { loggingActions.Add(() => Log("C")); }
                    if (existing.D != settings.D) { loggingActions.Add(() => Log("D")); }
                    return loggingActions;
                }
            }
            """,
            Expect.Diagnostic("PERF002").WithLocation(0).WithArguments("Select").WithSeverity(DiagnosticSeverity.Info));

    [Fact]
    public Task A_local_list_with_a_few_adds_is_info() =>
        Verify.VerifyAsync(Usings + """
            public class Notifier
            {
                private Task Send(string to) => Task.Delay(1);

                public Task NotifyAsync(string owner, string? admin)
                {
                    var recipients = new List<string>();
                    recipients.Add(owner);
                    if (admin is not null)
                    {
                        recipients.Add(admin);
                    }

                    return Task.WhenAll({|#0:recipients.Select(r => Send(r))|});
                }
            }
            """,
            Expect.Diagnostic("PERF002").WithLocation(0).WithArguments("Select").WithSeverity(DiagnosticSeverity.Info));

    [Fact]
    public Task Lists_filled_in_a_loop_or_escaping_stay_warnings() =>
        Verify.VerifyAsync(Usings + """
            public class Notifier
            {
                private Task Send(string to) => Task.Delay(1);
                private void Fill(List<string> into) { }

                public Task FromLoop(IEnumerable<string> users)
                {
                    var actions = Build(users);
                    return Task.WhenAll({|#0:actions.Select(a => a())|});
                }

                private List<Func<Task>> Build(IEnumerable<string> users)
                {
                    var actions = new List<Func<Task>>();
                    foreach (var user in users)
                    {
                        actions.Add(() => Send(user));
                    }

                    return actions;
                }

                public Task Escaping(string owner)
                {
                    var recipients = new List<string>();
                    recipients.Add(owner);
                    Fill(recipients);
                    return Task.WhenAll({|#1:recipients.Select(r => Send(r))|});
                }

                public Task Ranged(string owner, IEnumerable<string> more)
                {
                    var recipients = new List<string>();
                    recipients.Add(owner);
                    recipients.AddRange(more);
                    return Task.WhenAll({|#2:recipients.Select(r => Send(r))|});
                }
            }
            """,
            Expect.Diagnostic("PERF002").WithLocation(0).WithArguments("Select"),
            Expect.Diagnostic("PERF002").WithLocation(1).WithArguments("Select"),
            Expect.Diagnostic("PERF002").WithLocation(2).WithArguments("Select"));
}
