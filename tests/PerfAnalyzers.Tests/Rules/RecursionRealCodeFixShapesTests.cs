using PerfAnalyzers.Tests.Verifiers;
using Verify4 = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF004NonTailRecursionAnalyzer, PerfAnalyzers.CodeFixes.PERF004IntroduceAccumulatorCodeFix>;
using Verify5 = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF005TailRecursionAnalyzer, PerfAnalyzers.CodeFixes.PERF005ConvertTailRecursionToLoopCodeFix>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// Shapes from real code that got no PERF004/PERF005 fix (issue #17): a self-call in a <c>switch</c> section
/// (btcpayserver's <c>ExecuteCommand</c>, Newtonsoft.Json's schema generator), an assignment to a member of a property
/// (<c>CurrentSchema.AdditionalProperties = GenerateInternal(..)</c>), an <c>out</c> parameter passed on as itself
/// (jellyfin's <c>TryParseHost</c>), and a method with types that do not bind (a package that is not restored: Sonarr's
/// Moq setups). Exact output and Fix All through the testing library, which also checks that the fixed code compiles;
/// each has a throwing branch. The run tests compile the original and the fixed code and compare results, exceptions
/// and side effects.
/// </summary>
public class RecursionRealCodeFixShapesTests
{
    private const string SwitchSource = """
        using System;
        using System.Collections.Generic;

        static class Plugins
        {
            public static bool Execute(string command, string name, List<string> log)
            {
                if (name.Length == 0)
                {
                    throw new ArgumentException("no name");
                }

                var dir = "/plugins/" + name;
                switch (command)
                {
                    case "delete":
                        [|Execute("enable", name.Trim(), log)|];
                        log.Add("delete " + dir);
                        break;
                    case "install":
                        var file = dir + ".zip";
                        if (name != "x")
                        {
                            [|Execute("delete", name.ToLowerInvariant(), log)|];
                            log.Add("unpack " + file);
                        }

                        log.Add("installed " + dir);
                        break;
                    case "enable":
                        log.Add("enable " + dir);
                        break;
                    default:
                        throw new InvalidOperationException("unknown " + command);
                }

                log.Add("done " + command);
                return true;
            }
        }
        """;

    private const string SwitchFixed = """
        using System;
        using System.Collections.Generic;

        static class Plugins
        {
            public static bool Execute(string command, string name, List<string> log)
            {
                var frames = new Stack<(int site, string dir, string command, string file)>();
                bool result;
                while (true)
                {
                    if (name.Length == 0)
                    {
                        throw new ArgumentException("no name");
                    }

                    var dir = "/plugins/" + name;
                    switch (command)
                    {
                        case "delete":
                            frames.Push((0, dir, command, default!));
                            (command, name) = ("enable", name.Trim());
                            continue;
                        case "install":
                            var file = dir + ".zip";
                            if (name != "x")
                            {
                                frames.Push((1, dir, command, file));
                                (command, name) = ("delete", name.ToLowerInvariant());
                                continue;
                            }

                            log.Add("installed " + dir);
                            break;
                        case "enable":
                            log.Add("enable " + dir);
                            break;
                        default:
                            throw new InvalidOperationException("unknown " + command);
                    }

                    log.Add("done " + command);
                    result = true;
                    break;
                }

                while (frames.Count > 0)
                {
                    var frame = frames.Pop();
                    if (frame.site == 0)
                    {
                        var dir = frame.dir;
                        command = frame.command;
                        log.Add("delete " + dir);

                        log.Add("done " + command);
                        result = true;
                    }
                    else
                    {
                        var file = frame.file;
                        var dir = frame.dir;
                        command = frame.command;
                        log.Add("unpack " + file);

                        log.Add("installed " + dir);

                        log.Add("done " + command);
                        result = true;
                    }
                }

                return result;
            }
        }
        """;

    /// <summary>The call in a switch section: the rest of the section (without its break) and what follows the switch run when unwinding.</summary>
    [Fact]
    public Task Switch_sections_get_the_explicit_stack() => Verify4.VerifyFixAsync(SwitchSource, SwitchFixed);

    [Fact]
    public void Switch_sections_original_and_fixed_code_give_the_same_results()
    {
        var before = TestCompiler.CompileAndLoad(TestCompiler.StripMarkup(SwitchSource));
        var after = TestCompiler.CompileAndLoad(SwitchFixed);
        foreach (var command in new[] { "delete", "install", "enable", "other" })
        {
            foreach (var name in new[] { "a", "x", "", " X ", "Ab " })
            {
                Assert.Equal(Run(before, "Plugins", "Execute", command, name), Run(after, "Plugins", "Execute", command, name));
            }
        }
    }

    /// <summary>
    /// A statement that does not bind (Sonarr's Moq setup, <c>Mocker.GetMock&lt;IDiskProvider&gt;()</c>, with the package
    /// not restored) runs in two places in the explicit stack (the path without the call and the unwinding loop), so its
    /// error shows twice; an error the method already had is not a new one, and the fix is offered.
    /// </summary>
    [Fact]
    public Task Errors_the_method_already_had_do_not_block_the_fix() => Verify4.VerifyFixAsync("""
        static class Fixture
        {
            public static void WithFolder(string path, bool exists = true)
            {
                var slash = path.LastIndexOf('/');
                if (path.Length == 0)
                {
                    throw new System.ArgumentException("empty");
                }

                if (exists && slash > 0)
                {
                    [|WithFolder(path.Substring(0, slash))|];
                }

                {|CS0103:Mocker|}.Setup(path, exists);
            }
        }
        """, """
        using System.Collections.Generic;

        static class Fixture
        {
            public static void WithFolder(string path, bool exists = true)
            {
                var frames = new Stack<(string path, bool exists)>();
                while (true)
                {
                    var slash = path.LastIndexOf('/');
                    if (path.Length == 0)
                    {
                        throw new System.ArgumentException("empty");
                    }

                    if (exists && slash > 0)
                    {
                        frames.Push((path, exists));
                        (exists, path) = (true, path.Substring(0, slash));
                        continue;
                    }

                    {|CS0103:Mocker|}.Setup(path, exists);
                    break;
                }

                while (frames.Count > 0)
                {
                    (path, exists) = frames.Pop();
                    {|CS0103:Mocker|}.Setup(path, exists);
                }
            }
        }
        """);


    private const string TargetSource = """
        using System;
        using System.Collections.Generic;

        sealed class Schema
        {
            public Schema? Items;
            public List<Schema> All = new();
            public string Name = "";
        }

        sealed class Generator
        {
            private readonly List<Schema> _stack = new();

            private Schema Current => _stack[_stack.Count - 1];

            public Schema Generate(string type)
            {
                if (type.StartsWith("!"))
                {
                    throw new FormatException("bad type " + type);
                }

                _stack.Add(new Schema { Name = type });
                if (type.EndsWith("[]"))
                {
                    Current.Items = [|Generate(type.Substring(0, type.Length - 2))|];
                }
                else if (type.EndsWith("*"))
                {
                    Current.All.Add([|Generate(type.Substring(0, type.Length - 1))|]);
                }

                var done = Current;
                _stack.RemoveAt(_stack.Count - 1);
                return done;
            }
        }
        """;

    private const string TargetFixed = """
        using System;
        using System.Collections.Generic;

        sealed class Schema
        {
            public Schema? Items;
            public List<Schema> All = new();
            public string Name = "";
        }

        sealed class Generator
        {
            private readonly List<Schema> _stack = new();

            private Schema Current => _stack[_stack.Count - 1];

            public Schema Generate(string type)
            {
                var frames = new Stack<(int site, Schema current, List<Schema> all)>();
                Schema result;
                while (true)
                {
                    if (type.StartsWith("!"))
                    {
                        throw new FormatException("bad type " + type);
                    }

                    _stack.Add(new Schema { Name = type });
                    if (type.EndsWith("[]"))
                    {
                        var current = Current;
                        frames.Push((0, current, default!));
                        type = type.Substring(0, type.Length - 2);
                        continue;
                    }
                    else if (type.EndsWith("*"))
                    {
                        var all = Current.All;
                        frames.Push((1, default!, all));
                        type = type.Substring(0, type.Length - 1);
                        continue;
                    }

                    var done = Current;
                    _stack.RemoveAt(_stack.Count - 1);
                    result = done;
                    break;
                }

                while (frames.Count > 0)
                {
                    var frame = frames.Pop();
                    if (frame.site == 0)
                    {
                        var current = frame.current;
                        current.Items = result;

                        var done = Current;
                        _stack.RemoveAt(_stack.Count - 1);
                        result = done;
                    }
                    else
                    {
                        var all = frame.all;
                        all.Add(result);

                        var done = Current;
                        _stack.RemoveAt(_stack.Count - 1);
                        result = done;
                    }
                }

                return result;
            }
        }
        """;

    /// <summary>
    /// <c>Current.Items = F(..)</c>: C# evaluates the receiver <c>Current</c> before the call, so it is kept in the frame
    /// (the deeper calls change what <c>Current</c> returns until they pop).
    /// </summary>
    [Fact]
    public Task Assignment_to_a_member_of_a_property_keeps_the_receiver() => Verify4.VerifyFixAsync(TargetSource, TargetFixed);

    [Fact]
    public void Assignment_target_original_and_fixed_code_give_the_same_results()
    {
        var before = TestCompiler.CompileAndLoad(TestCompiler.StripMarkup(TargetSource));
        var after = TestCompiler.CompileAndLoad(TargetFixed);
        foreach (var type in new[] { "int", "int[]", "int[][]*", "a*[]*", "!x[]", "b[]!*", "c**[]" })
        {
            Assert.Equal(RunGenerator(before, type), RunGenerator(after, type));
        }
    }

    private const string OutSource = """
        using System;

        static class Hosts
        {
            public static bool TryParse(string host, out string[]? parts, bool keepEmpty = true, int depth = 0)
            {
                host = host.Trim();
                if (host.Length == 0)
                {
                    parts = null;
                    return false;
                }

                if (host == "!")
                {
                    throw new FormatException("bad host");
                }

                if (host[0] == '[')
                {
                    var i = host.IndexOf(']');
                    if (i != -1)
                    {
                        return [|TryParse(host.Substring(1, i - 1), out parts)|];
                    }

                    parts = Array.Empty<string>();
                    return false;
                }

                parts = host.Split(':', keepEmpty ? StringSplitOptions.None : StringSplitOptions.RemoveEmptyEntries);
                return depth >= 0;
            }
        }
        """;

    private const string OutFixed = """
        using System;

        static class Hosts
        {
            public static bool TryParse(string host, out string[]? parts, bool keepEmpty = true, int depth = 0)
            {
                while (true)
                {
                    host = host.Trim();
                    if (host.Length == 0)
                    {
                        parts = null;
                        return false;
                    }

                    if (host == "!")
                    {
                        throw new FormatException("bad host");
                    }

                    if (host[0] == '[')
                    {
                        var i = host.IndexOf(']');
                        if (i != -1)
                        {
                            (keepEmpty, depth, host) = (true, 0, host.Substring(1, i - 1));
                            continue;
                        }

                        parts = Array.Empty<string>();
                        return false;
                    }

                    parts = host.Split(':', keepEmpty ? StringSplitOptions.None : StringSplitOptions.RemoveEmptyEntries);
                    return depth >= 0;
                }
            }
        }
        """;

    /// <summary>An <c>out</c> parameter passed on as itself is the same variable in every round: no reassignment.</summary>
    [Fact]
    public Task Out_parameter_passed_on_as_itself() => Verify5.VerifyFixAsync(OutSource, OutFixed);

    [Fact]
    public void Out_parameter_original_and_fixed_code_give_the_same_results()
    {
        var before = TestCompiler.CompileAndLoad(TestCompiler.StripMarkup(OutSource));
        var after = TestCompiler.CompileAndLoad(OutFixed);
        foreach (var host in new[] { "a:b", "[a::b]", "[[x]]", "[]", "[ ]", "[!]", "!", " [a:b:c] ", "[a", "" })
        {
            foreach (var keep in new[] { true, false })
            {
                Assert.Equal(RunTryParse(before, host, keep), RunTryParse(after, host, keep));
            }
        }
    }

    /// <summary>
    /// ref, in and out parameters passed on as themselves (these had no fix before; <c>PERF005FixTests</c> keeps
    /// <c>params</c> as the case without one): the same variable in every round, so the loop leaves them alone.
    /// </summary>
    [Fact]
    public Task Ref_in_and_out_parameters_passed_on_as_themselves() => Verify5.VerifyFixAsync("""
        static class M
        {
            public static int R(ref int x, int n) => n == 0 ? x : [|R(ref x, n - 1)|];
            public static int I(in int x, int n) => n == 0 ? x : [|I(in x, n - 1)|];
            public static int O(out int x, int n) { if (n == 0) { x = 0; return 0; } return [|O(out x, n - 1)|]; }
        }
        """, """
        static class M
        {
            public static int R(ref int x, int n)
            {
                while (true)
                {
                    if (n == 0)
                    {
                        return x;
                    }

                    n = n - 1;
                }
            }
            public static int I(in int x, int n)
            {
                while (true)
                {
                    if (n == 0)
                    {
                        return x;
                    }

                    n = n - 1;
                }
            }
            public static int O(out int x, int n)
            {
                while (true)
                {
                    if (n == 0) { x = 0; return 0; }
                    n = n - 1;
                }
            }
        }
        """);

    /// <summary>
    /// A virtual method calling itself on <c>this</c> runs the most derived override at every level (a derived class
    /// that overrides it and calls <c>base</c> is called again each time): no fix; a sealed class has no override.
    /// </summary>
    [Fact]
    public Task Virtual_self_call_on_this_gets_no_fix() => Verify5.VerifyNoFixAsync("""
        class Resources
        {
            public virtual string Get(string key, int language) =>
                language <= 0 ? key : [|Get(key, language - 1)|];
        }

        class Logged : Resources
        {
            public int Calls;

            public override string Get(string key, int language)
            {
                Calls++;
                return base.Get(key, language);
            }
        }
        """);

    /// <summary>
    /// <c>return await (c ? x : F(..))</c> where a branch comes from <c>#nullable disable</c> code (bitwarden's
    /// MockedHttpClient mixes both contexts): its oblivious type differs from the conditional's only in nullable
    /// annotations, which change nothing at run time, so the conditional is split and converted.
    /// </summary>
    [Fact]
    public Task Awaited_conditional_with_a_branch_from_oblivious_code() => Verify5.VerifyFixAsync("""
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        #nullable disable
        public static class Legacy
        {
            public static Task<string> Done(int count) => Task.FromResult("done " + count);
        }
        #nullable enable

        public static class Walker
        {
            public static async Task<string> Find(int n, List<int> log)
            {
                if (n < -5)
                {
                    throw new ArgumentOutOfRangeException(nameof(n));
                }

                log.Add(n);
                await Task.Yield();
                return await (n <= 0 ? Legacy.Done(log.Count) : [|Find(n - 1, log)|]);
            }
        }
        """, """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        #nullable disable
        public static class Legacy
        {
            public static Task<string> Done(int count) => Task.FromResult("done " + count);
        }
        #nullable enable

        public static class Walker
        {
            public static async Task<string> Find(int n, List<int> log)
            {
                while (true)
                {
                    if (n < -5)
                    {
                        throw new ArgumentOutOfRangeException(nameof(n));
                    }

                    log.Add(n);
                    await Task.Yield();
                    if (n <= 0)
                    {
                        return await Legacy.Done(log.Count);
                    }

                    n = n - 1;
                }
            }
        }
        """);

    private const string SpanSource = """
        using System;

        public static class Spans
        {
            public static string Run(string s) => CountOpen(s.AsSpan()).ToString();

            public static int CountOpen(ReadOnlySpan<char> s, bool strict = true, int depth = 0)
            {
                if (s.IsEmpty)
                {
                    return depth;
                }

                if (s[0] == '!')
                {
                    throw new FormatException("bang at " + s.Length);
                }

                if (s[0] == '(')
                {
                    return [|CountOpen(s[1..])|];
                }

                return depth + s.Length + (strict ? 1 : 0);
            }
        }
        """;

    private const string SpanFixed = """
        using System;

        public static class Spans
        {
            public static string Run(string s) => CountOpen(s.AsSpan()).ToString();

            public static int CountOpen(ReadOnlySpan<char> s, bool strict = true, int depth = 0)
            {
                while (true)
                {
                    if (s.IsEmpty)
                    {
                        return depth;
                    }

                    if (s[0] == '!')
                    {
                        throw new FormatException("bang at " + s.Length);
                    }

                    if (s[0] == '(')
                    {
                        strict = true;
                        depth = 0;
                        s = s[1..];
                        continue;
                    }

                    return depth + s.Length + (strict ? 1 : 0);
                }
            }
        }
        """;

    /// <summary>
    /// A ref struct parameter (jellyfin's <c>ReadOnlySpan&lt;char&gt; host</c>) cannot go into a tuple: the parameters
    /// are assigned one after the other, in the order written, where no value reads a parameter assigned before it.
    /// </summary>
    [Fact]
    public Task Ref_struct_parameter_is_assigned_without_a_tuple() => Verify5.VerifyFixAsync(SpanSource, SpanFixed);

    [Fact]
    public void Ref_struct_parameter_original_and_fixed_code_give_the_same_results()
    {
        var before = TestCompiler.CompileAndLoad(TestCompiler.StripMarkup(SpanSource));
        var after = TestCompiler.CompileAndLoad(SpanFixed);
        foreach (var text in new[] { "", "(((ab", "((!", "abc", "(", "(((((" })
        {
            Assert.Equal(RunSpan(before, text), RunSpan(after, text));
        }
    }

    private static string RunSpan(System.Reflection.Assembly assembly, string text)
    {
        try
        {
            return "ok " + TestCompiler.Invoke(assembly, "Spans", "Run", text);
        }
        catch (Exception exception)
        {
            return exception.GetType().Name + ": " + exception.Message;
        }
    }

    /// <summary>An out parameter passed as another variable, or a ref parameter given another value, gets no fix.</summary>
    [Fact]
    public Task Out_parameter_passed_as_another_variable_gets_no_fix() => Verify5.VerifyNoFixAsync("""
        static class Hosts
        {
            public static bool TryParse(string host, out string? first, out string? second)
            {
                if (host.Length == 0)
                {
                    first = second = null;
                    return false;
                }

                return [|TryParse(host.Substring(1), out second, out first)|];
            }
        }
        """);

    private const string CatchSource = """
        using System;
        using System.Collections.Generic;

        static class Numbers
        {
            public static int ParseFrom(string s, List<string> log)
            {
                if (s.Length == 0)
                {
                    throw new ArgumentException("nothing to parse");
                }

                try
                {
                    log.Add("try " + s);
                    return int.Parse(s);
                }
                catch (FormatException) when (s.Length > 1)
                {
                    log.Add("skip " + s[0]);
                    return [|ParseFrom(s.Substring(1), log)|];
                }
            }
        }
        """;

    private const string CatchFixed = """
        using System;
        using System.Collections.Generic;

        static class Numbers
        {
            public static int ParseFrom(string s, List<string> log)
            {
                while (true)
                {
                    if (s.Length == 0)
                    {
                        throw new ArgumentException("nothing to parse");
                    }

                    try
                    {
                        log.Add("try " + s);
                        return int.Parse(s);
                    }
                    catch (FormatException) when (s.Length > 1)
                    {
                        log.Add("skip " + s[0]);
                        s = s.Substring(1);
                        continue;
                    }
                }
            }
        }
        """;

    /// <summary>
    /// A tail call in a catch block of a try with no finally: the try's handlers never covered the deeper call, and nothing
    /// of the try runs after it, so the loop keeps the exceptions (the last round's FormatException escapes as before).
    /// </summary>
    [Fact]
    public Task Tail_call_in_a_catch_block_without_finally() => Verify5.VerifyFixAsync(CatchSource, CatchFixed);

    [Fact]
    public void Tail_call_in_a_catch_block_original_and_fixed_code_give_the_same_results()
    {
        var before = TestCompiler.CompileAndLoad(TestCompiler.StripMarkup(CatchSource));
        var after = TestCompiler.CompileAndLoad(CatchFixed);
        foreach (var text in new[] { "12", "ab12", "abc", "a", "", "x-5", "--" })
        {
            Assert.Equal(Run(before, "Numbers", "ParseFrom", text), Run(after, "Numbers", "ParseFrom", text));
        }
    }

    /// <summary>A tail call in the try block (its catch would also catch the deeper call's exceptions) or with a finally gets no fix.</summary>
    [Fact]
    public Task Tail_call_covered_by_a_handler_or_before_a_finally_gets_no_fix() => Verify5.VerifyNoFixAsync("""
        using System;

        static class Numbers
        {
            public static int Covered(string s)
            {
                try
                {
                    return s.Length < 2 ? int.Parse(s) : [|Covered(s.Substring(1))|];
                }
                catch (FormatException)
                {
                    return -1;
                }
            }

            public static int WithFinally(string s, int[] calls)
            {
                try
                {
                    return int.Parse(s);
                }
                catch (FormatException) when (s.Length > 1)
                {
                    return [|WithFinally(s.Substring(1), calls)|];
                }
                finally
                {
                    calls[0]++;
                }
            }
        }
        """);

    /// <summary>Runs a static method with a new log as its last argument: the value or the exception, then the log.</summary>
    private static string Run(System.Reflection.Assembly assembly, string type, string method, params object[] arguments)
    {
        var log = new List<string>();
        string outcome;
        try
        {
            outcome = "ok " + TestCompiler.Invoke(assembly, type, method, arguments.Append(log).ToArray());
        }
        catch (Exception exception)
        {
            outcome = exception.GetType().Name + ": " + exception.Message;
        }

        return outcome + " | " + string.Join(",", log);
    }

    private static string RunGenerator(System.Reflection.Assembly assembly, string type)
    {
        var generator = Activator.CreateInstance(assembly.GetType("Generator")!)!;
        try
        {
            var schema = generator.GetType().GetMethod("Generate")!.Invoke(generator, new object[] { type })!;
            return Describe(schema);
        }
        catch (System.Reflection.TargetInvocationException exception)
        {
            return exception.InnerException!.GetType().Name + ": " + exception.InnerException.Message;
        }
    }

    private static string Describe(object? schema)
    {
        if (schema is null)
        {
            return "-";
        }

        var type = schema.GetType();
        var all = (System.Collections.IEnumerable)type.GetField("All")!.GetValue(schema)!;
        return type.GetField("Name")!.GetValue(schema) + "(" + Describe(type.GetField("Items")!.GetValue(schema)) + ";" +
            string.Join(",", all.Cast<object>().Select(Describe)) + ")";
    }

    private static string RunTryParse(System.Reflection.Assembly assembly, string host, bool keep)
    {
        var arguments = new object?[] { host, null, keep, 0 };
        try
        {
            var ok = assembly.GetType("Hosts")!.GetMethod("TryParse")!.Invoke(null, arguments);
            return ok + " " + (arguments[1] is string[] parts ? string.Join("|", parts) : "null");
        }
        catch (System.Reflection.TargetInvocationException exception)
        {
            return exception.InnerException!.GetType().Name + ": " + exception.InnerException.Message;
        }
    }
}
