using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF002UnboundedTaskSpawningAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF002 (issue #13): a field written once holding <c>source.Select(...)</c> of tasks, joined in another method of
/// the type than the one that assigns it; the bounded forms and fields written more than once stay unreported.
/// </summary>
public class PERF002FieldJoinTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;

        """;

    [Fact]
    public Task Field_assigned_in_one_method_and_joined_in_another_is_reported() =>
        Verify.VerifyAsync(Usings + """
            class Pusher
            {
                private Task[]? _refreshes;
                private IEnumerable<Task>? _posts;

                Task SendAsync(int id) => Task.CompletedTask;

                public void Start(List<int> userIds)
                {
                    _refreshes = {|#0:userIds.Select(id => SendAsync(id))|}.ToArray();
                    _posts = {|#1:userIds.Select(SendAsync)|};
                }

                public Task WaitAsync() => Task.WhenAll(_refreshes!);

                public void Wait() => Task.WaitAll(_posts!.ToArray());
            }

            class Deferred
            {
                private IEnumerable<Task>? _tasks;

                Task SendAsync(int id) => Task.CompletedTask;

                public void Prepare(List<int> ids) => this._tasks = {|#2:ids.Select(SendAsync)|};

                public async Task RunAsync() => await Task.WhenAll(this._tasks!);
            }
            """,
            Expect.Diagnostic("PERF002").WithLocation(0).WithArguments("Select"),
            Expect.Diagnostic("PERF002").WithLocation(1).WithArguments("Select"),
            Expect.Diagnostic("PERF002").WithLocation(2).WithArguments("Select"));

    [Fact]
    public Task Bounded_forms_and_fields_written_elsewhere_are_not_reported() =>
        Verify.VerifyAsync(Usings + """
            class Sequential
            {
                private IEnumerable<Task>? _tasks;

                Task SendAsync(int id) => Task.CompletedTask;

                public void Prepare(List<int> ids) => _tasks = ids.Select(SendAsync);

                // Deferred and enumerated one at a time: each starts after the previous one ended.
                public async Task RunAsync()
                {
                    foreach (var t in _tasks!)
                    {
                        await t;
                    }
                }
            }

            class WrittenTwice
            {
                private IEnumerable<Task>? _tasks;

                Task SendAsync(int id) => Task.CompletedTask;

                public void Prepare(List<int> ids) => _tasks = ids.Select(SendAsync);

                // Another method writes the field too: what the join sees is not known.
                public void Reset() => _tasks = new[] { Task.CompletedTask };

                public Task RunAsync() => Task.WhenAll(_tasks!);
            }

            class Initialised
            {
                private IEnumerable<Task> _tasks = Array.Empty<Task>();

                Task SendAsync(int id) => Task.CompletedTask;

                public void Prepare(List<int> ids) => _tasks = ids.Select(SendAsync);

                public Task RunAsync() => Task.WhenAll(_tasks);
            }

            class NeverJoined
            {
                private IEnumerable<Task>? _tasks;

                Task SendAsync(int id) => Task.CompletedTask;

                public void Prepare(List<int> ids) => _tasks = ids.Select(SendAsync);

                public bool Prepared() => _tasks != null;
            }
            """);
}
