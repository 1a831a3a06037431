using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;

namespace PerfAnalyzers.Tests.Verifiers;

/// <summary>Compiles C# at test time and loads it, so that tests can run original and fixed code and compare results.</summary>
public static class TestCompiler
{
    private static int s_counter;

    public static CSharpCompilation CreateCompilation(IEnumerable<string> sources, OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary, IEnumerable<MetadataReference>? references = null, string? assemblyName = null)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        return CSharpCompilation.Create(
            assemblyName ?? "Compiled" + Interlocked.Increment(ref s_counter),
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, parseOptions, path: $"Source{i}.cs")),
            references ?? TestReferences.Default,
            new CSharpCompilationOptions(outputKind, nullableContextOptions: NullableContextOptions.Enable, optimizationLevel: OptimizationLevel.Release, allowUnsafe: true));
    }

    /// <summary>The source without its test markup (<c>[|..|]</c>, <c>{|ID:..|}</c>), parsed by the testing library's own parser.</summary>
    public static string StripMarkup(string markup)
    {
        TestFileMarkupParser.GetSpans(markup, treatPositionIndicatorsAsCode: true, out var source, out _);
        return source;
    }

    /// <summary>Compiles and loads into a collectible context; throws with the compiler errors if it does not compile.</summary>
    public static Assembly CompileAndLoad(string source, OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary, IEnumerable<MetadataReference>? references = null) =>
        CompileAndLoad(new[] { source }, outputKind, references);

    public static Assembly CompileAndLoad(IEnumerable<string> sources, OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary, IEnumerable<MetadataReference>? references = null) =>
        Load(CreateCompilation(sources, outputKind, references));

    public static Assembly Load(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
        {
            throw new VerificationException("Compilation failed:\n" + string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => "  " + d)));
        }

        stream.Position = 0;
        // Dependencies (the runtime, EF Core, ...) resolve from the test process's default context.
        var context = new AssemblyLoadContext(compilation.AssemblyName, isCollectible: true);
        return context.LoadFromStream(stream);
    }

    /// <summary>Invokes a static method by type and method name (public or not); unwraps TargetInvocationException.</summary>
    public static object? Invoke(Assembly assembly, string typeName, string methodName, params object?[] arguments)
    {
        var type = assembly.GetType(typeName) ?? throw new VerificationException($"Type {typeName} not found in the compiled assembly.");
        var method = type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .SingleOrDefault(m => m.Name == methodName && m.GetParameters().Length == arguments.Length)
            ?? throw new VerificationException($"Static method {typeName}.{methodName} with {arguments.Length} parameter(s) not found.");
        try
        {
            return method.Invoke(null, arguments);
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(exception.InnerException).Throw();
            throw;
        }
    }
}

/// <summary>Thrown when a compile-and-run helper fails; its message says what went wrong.</summary>
public sealed class VerificationException(string message) : Exception(message);
