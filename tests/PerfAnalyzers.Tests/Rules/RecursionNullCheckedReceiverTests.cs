using PerfAnalyzers.Tests.Verifiers;
using Verify4 = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF004NonTailRecursionAnalyzer, PerfAnalyzers.CodeFixes.PERF004IntroduceAccumulatorCodeFix>;
using Verify5 = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF005TailRecursionAnalyzer, PerfAnalyzers.CodeFixes.PERF005ConvertTailRecursionToLoopCodeFix>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// A self-call on another receiver in a <c>#nullable disable</c> file (bitwarden's <c>MockedHttpResponse</c>:
/// <c>return await (_childResponse == null ? nextBuilder.ToHttpResponseAsync() : _childResponse.RespondToAsync(request, nextBuilder));</c>).
/// Without nullable analysis the compiler cannot say the receiver is not null, so the fixes declined it; where the call
/// sits right behind a null check of that same field, local or parameter (the other branch of <c>x == null ? .. : x.F(..)</c>,
/// <c>if (x != null) { .. x.F(..) }</c>, or the statement after <c>if (x is null) { return ..; }</c>), nothing runs between
/// the check and the read of the receiver, so it is not null there and <c>this</c> can become a local as in nullable code.
/// Exact output, Fix All (the verifier), a throwing responder and a throwing branch, a run of original and fixed code,
/// and the look-alikes that stay without a fix.
/// </summary>
public class RecursionNullCheckedReceiverTests
{
    private const string Source = """
        using System;
        using System.Threading.Tasks;

        #nullable disable
        public class MockedResponse
        {
            private readonly Func<int, string, string> _responder;
            private MockedResponse _childResponse;

            public MockedResponse(Func<int, string, string> responder) => _responder = responder;

            public int NumberOfResponses { get; private set; }

            public MockedResponse Then(Func<int, string, string> responder)
            {
                _childResponse = new MockedResponse(responder);
                return _childResponse;
            }

            public Task<string> RespondToAsync(int request) => RespondToAsync(request, "");

            private async Task<string> RespondToAsync(int request, string currentBuilder)
            {
                NumberOfResponses++;
                var nextBuilder = _responder(request, currentBuilder);
                return await (_childResponse == null ? Task.FromResult(nextBuilder) : [|_childResponse.RespondToAsync(request, nextBuilder)|]);
            }

            public string Last(int depth)
            {
                return depth < 0 ? throw new ArgumentOutOfRangeException(nameof(depth)) : _childResponse == null ? _responder(depth, "last") : [|_childResponse.Last(depth + 1)|];
            }

            public int Count(int acc)
            {
                if (_childResponse is null)
                {
                    return acc + 1;
                }

                return [|_childResponse.Count(acc + 1)|];
            }
        }
        """;

    private const string Fixed = """
        using System;
        using System.Threading.Tasks;

        #nullable disable
        public class MockedResponse
        {
            private readonly Func<int, string, string> _responder;
            private MockedResponse _childResponse;

            public MockedResponse(Func<int, string, string> responder) => _responder = responder;

            public int NumberOfResponses { get; private set; }

            public MockedResponse Then(Func<int, string, string> responder)
            {
                _childResponse = new MockedResponse(responder);
                return _childResponse;
            }

            public Task<string> RespondToAsync(int request) => RespondToAsync(request, "");

            private async Task<string> RespondToAsync(int request, string currentBuilder)
            {
                var self = this;
                while (true)
                {
                    self.NumberOfResponses++;
                    var nextBuilder = self._responder(request, currentBuilder);
                    if (self._childResponse == null)
                    {
                        return await Task.FromResult(nextBuilder);
                    }

                    (self, currentBuilder) = (self._childResponse, nextBuilder);
                }
            }

            public string Last(int depth)
            {
                var self = this;
                while (true)
                {
                    if (depth < 0)
                    {
                        throw new ArgumentOutOfRangeException(nameof(depth));
                    }

                    if (self._childResponse == null)
                    {
                        return self._responder(depth, "last");
                    }

                    (self, depth) = (self._childResponse, depth + 1);
                }
            }

            public int Count(int acc)
            {
                var self = this;
                while (true)
                {
                    if (self._childResponse is null)
                    {
                        return acc + 1;
                    }

                    (self, acc) = (self._childResponse, acc + 1);
                }
            }
        }
        """;

    [Fact]
    public Task Null_checked_receivers_in_oblivious_code_become_the_self_local() => Verify5.VerifyFixAsync(Source, Fixed);

    /// <summary>PERF004's accumulator on the same shape: <c>_child == null ? 1 : 1 + _child.Depth()</c> in oblivious code.</summary>
    [Fact]
    public Task Accumulated_call_on_a_null_checked_receiver() => Verify4.VerifyFixAsync("""
        using System;

        #nullable disable
        public class Chain
        {
            private Chain _child;
            private int _value;

            public int Sum()
            {
                if (_value < 0)
                {
                    throw new InvalidOperationException("negative");
                }

                return _child == null ? _value : _value + [|_child.Sum()|];
            }
        }
        """, """
        using System;

        #nullable disable
        public class Chain
        {
            private Chain _child;
            private int _value;

            public int Sum()
            {
                var self = this;
                var acc = 0;
                while (true)
                {
                    if (self._value < 0)
                    {
                        throw new InvalidOperationException("negative");
                    }

                    if (self._child == null)
                    {
                        return acc + self._value;
                    }

                    (acc, self) = (acc + self._value, self._child);
                }
            }
        }
        """);

    [Fact]
    public async Task Original_and_fixed_code_give_the_same_results()
    {
        var before = TestCompiler.CompileAndLoad(TestCompiler.StripMarkup(Source));
        var after = TestCompiler.CompileAndLoad(Fixed);
        foreach (var length in new[] { 1, 2, 3, 10 })
        {
            foreach (var request in new[] { -1, 0, 7 })
            {
                Assert.Equal(await RunAsync(before, length, request), await RunAsync(after, length, request));
            }
        }

        // Deep: a chain of 100,000 responses in one frame.
        Assert.Equal("respond 0/1/2/99999 last last/99999 count 100000 responses 100000", await RunAsync(after, 100_000, 0));
    }

    /// <summary>
    /// Still no fix: no null check, a check of another field, a property (its getter may compute another value), a type
    /// whose <c>==</c> is user-defined (it need not test for null), and a statement between the check and the call.
    /// </summary>
    [Fact]
    public Task No_fix_where_the_check_does_not_prove_the_receiver_not_null() => Verify5.VerifyNoFixAsync("""
        #nullable disable
        public class Unchecked
        {
            private Unchecked _next;
            private Unchecked _other;

            public Unchecked Next => _next;

            public int Plain(int acc) => [|_next.Plain(acc + 1)|];

            public int OtherField(int acc) => _other == null ? acc : [|_next.OtherField(acc + 1)|];

            public int Property(int acc) => Next == null ? acc : [|Next.Property(acc + 1)|];

            public int Between(int acc)
            {
                if (_next == null)
                {
                    return acc;
                }

                Reset();
                return [|_next.Between(acc + 1)|];
            }

            private void Reset() => _next = _other;
        }

        public class Overloaded
        {
            private Overloaded _next;

            public static bool operator ==(Overloaded a, Overloaded b) => false;

            public static bool operator !=(Overloaded a, Overloaded b) => true;

            public override bool Equals(object obj) => false;

            public override int GetHashCode() => 0;

            public int Walk(int acc) => _next == null ? acc : [|_next.Walk(acc + 1)|];
        }
        """);

    private static async Task<string> RunAsync(System.Reflection.Assembly assembly, int length, int request)
    {
        var type = assembly.GetType("MockedResponse")!;
        Func<int, string, string> responder(int i) => (r, b) => r < 0 && i == length - 1 ? throw new InvalidOperationException("bad request at " + i) : b.Length == 0 ? i.ToString() : i < 3 || i == length - 1 ? b + "/" + i : b;
        var head = Activator.CreateInstance(type, responder(0))!;
        var current = head;
        for (var i = 1; i < length; i++)
        {
            current = type.GetMethod("Then")!.Invoke(current, new object[] { responder(i) })!;
        }

        string result;
        try
        {
            var respond = await (Task<string>)type.GetMethod("RespondToAsync", new[] { typeof(int) })!.Invoke(head, new object[] { request })!;
            result = "respond " + respond;
        }
        catch (Exception exception)
        {
            result = exception.GetType().Name + ": " + exception.Message;
        }

        result += " last " + Call(() => type.GetMethod("Last")!.Invoke(head, new object[] { request }));
        result += " count " + Call(() => type.GetMethod("Count")!.Invoke(head, new object[] { 0 }));
        var responses = 0;
        for (var node = head; node is not null; node = type.GetField("_childResponse", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(node))
        {
            responses += (int)type.GetProperty("NumberOfResponses")!.GetValue(node)!;
        }

        return result + " responses " + responses;
    }

    private static string Call(Func<object?> call)
    {
        try
        {
            return call()?.ToString() ?? "null";
        }
        catch (System.Reflection.TargetInvocationException exception)
        {
            return exception.InnerException!.GetType().Name + ": " + exception.InnerException.Message;
        }
    }
}
