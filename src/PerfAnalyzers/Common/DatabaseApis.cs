using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.Common;

/// <summary>What a call that reaches the database does.</summary>
internal enum DatabaseCallKind
{
    /// <summary>Not a database round-trip.</summary>
    None,

    /// <summary>Reads: a materialised EF Core query, <c>Find</c>, explicit loading, a Dapper query, <c>ExecuteReader</c>/<c>ExecuteScalar</c>.</summary>
    Read,

    /// <summary>Writes: <c>SaveChanges</c>, <c>ExecuteUpdate</c>/<c>ExecuteDelete</c>, <c>ExecuteSql</c>, Dapper <c>Execute</c>, <c>ExecuteNonQuery</c>.</summary>
    Write,
}

/// <summary>
/// The database APIs of one compilation (EF Core, Dapper, ADO.NET), resolved once, and what a call to them does:
/// whether it executes a round-trip, and whether an expression is a query that runs on the database.
/// </summary>
internal sealed class DatabaseApis
{
    private const int MaxTraceDepth = 8;

    private readonly INamedTypeSymbol? _dbContext;
    private readonly INamedTypeSymbol? _dbSet;
    private readonly INamedTypeSymbol? _navigationEntry;
    private readonly INamedTypeSymbol? _databaseFacade;
    private readonly INamedTypeSymbol? _sqlMapper;
    private readonly INamedTypeSymbol? _dbCommand;
    private readonly INamedTypeSymbol? _iDbCommand;
    private readonly INamedTypeSymbol? _iDataParameter;
    private readonly INamedTypeSymbol? _queryable;
    private readonly INamedTypeSymbol? _iQueryable;
    private readonly INamedTypeSymbol? _enumerable;
    private readonly INamedTypeSymbol? _iEnumerableOfT;
    private readonly INamedTypeSymbol? _iOrderedEnumerable;
    private readonly INamedTypeSymbol? _iAsyncEnumerable;

    // IsQueryable's answer per type definition (issue #18, analyzer cost): asking a symbol for its AllInterfaces builds a
    // new array of public symbols each time, and PERF003 asks the same few definitions (IQueryable<T>, IEnumerable<T>,
    // List<T>, DbSet<T>) at every LINQ call in a loop. One DatabaseApis serves one compilation, so the table dies with it.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ITypeSymbol, bool> _queryableDefinitions = new(SymbolEqualityComparer.Default);

    private DatabaseApis(Compilation compilation)
    {
        _dbContext = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.DbContext");
        _dbSet = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.DbSet`1");
        _navigationEntry = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.ChangeTracking.NavigationEntry");
        _databaseFacade = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade");
        _sqlMapper = compilation.GetTypeByMetadataName("Dapper.SqlMapper");
        _dbCommand = compilation.GetTypeByMetadataName("System.Data.Common.DbCommand");
        _iDbCommand = compilation.GetTypeByMetadataName("System.Data.IDbCommand");
        _iDataParameter = compilation.GetTypeByMetadataName("System.Data.IDataParameter");
        _queryable = compilation.GetTypeByMetadataName("System.Linq.Queryable");
        _iQueryable = compilation.GetTypeByMetadataName("System.Linq.IQueryable");
        _enumerable = compilation.GetTypeByMetadataName("System.Linq.Enumerable");
        _iEnumerableOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.IEnumerable`1");
        _iOrderedEnumerable = compilation.GetTypeByMetadataName("System.Linq.IOrderedEnumerable`1");
        _iAsyncEnumerable = compilation.GetTypeByMetadataName("System.Collections.Generic.IAsyncEnumerable`1");
    }

    /// <summary>The APIs of <paramref name="compilation"/>, or null when it references no database API at all.</summary>
    public static DatabaseApis? TryCreate(Compilation compilation)
    {
        var apis = new DatabaseApis(compilation);
        return apis._dbContext is null && apis._sqlMapper is null && apis._dbCommand is null && apis._iDbCommand is null ? null : apis;
    }

    public INamedTypeSymbol? Enumerable => _enumerable;

    public bool IsDbContext(ITypeSymbol? type) => _dbContext is not null && DerivesFrom(type, _dbContext);

    public bool IsDbSet(ITypeSymbol? type) => _dbSet is not null && DerivesFromGeneric(type, _dbSet);

    /// <summary>
    /// <c>DbContext.SaveChanges</c>/<c>SaveChangesAsync</c> or an override of it. A method that hides it with <c>new</c>
    /// is not EF Core's save (a unit of work's own, often buffering, save).
    /// </summary>
    private bool IsEntityFrameworkSave(IMethodSymbol method)
    {
        for (var current = method; current is not null; current = current.OverriddenMethod)
        {
            if (SymbolEqualityComparer.Default.Equals(current.ContainingType, _dbContext))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What <paramref name="invocation"/> does on the database, if anything.</summary>
    public DatabaseCallKind Classify(IInvocationOperation invocation, Func<IOperation, bool>? isQuerySource = null)
    {
        var method = invocation.TargetMethod;
        var type = method.ContainingType;
        if (type is null)
        {
            return DatabaseCallKind.None;
        }

        var name = method.Name;

        // Dapper: connection.Query*/Execute* (+Async).
        if (_sqlMapper is not null && SymbolEqualityComparer.Default.Equals(type, _sqlMapper))
        {
            if (name.StartsWith("Query", System.StringComparison.Ordinal))
            {
                return DatabaseCallKind.Read;
            }

            return name.StartsWith("Execute", System.StringComparison.Ordinal)
                ? (name.StartsWith("ExecuteScalar", System.StringComparison.Ordinal) || name.StartsWith("ExecuteReader", System.StringComparison.Ordinal) ? DatabaseCallKind.Read : DatabaseCallKind.Write)
                : DatabaseCallKind.None;
        }

        // ADO.NET: command.ExecuteReader/ExecuteScalar/ExecuteNonQuery (+Async).
        if (name.StartsWith("Execute", System.StringComparison.Ordinal) && IsCommand(invocation.Instance?.Type ?? type))
        {
            switch (name)
            {
                case "ExecuteReader":
                case "ExecuteReaderAsync":
                case "ExecuteScalar":
                case "ExecuteScalarAsync":
                    return DatabaseCallKind.Read;
                case "ExecuteNonQuery":
                case "ExecuteNonQueryAsync":
                    return DatabaseCallKind.Write;
            }

            return DatabaseCallKind.None;
        }

        if (_dbContext is null && isQuerySource is null)
        {
            return DatabaseCallKind.None;
        }

        // DbSet.Find/FindAsync, DbContext.Find/FindAsync, SaveChanges.
        if (!method.IsStatic)
        {
            if (IsDbSet(type) || IsDbContext(type))
            {
                switch (name)
                {
                    case "Find":
                    case "FindAsync":
                        return DatabaseCallKind.Read;
                    case "SaveChanges":
                    case "SaveChangesAsync":
                        return IsEntityFrameworkSave(method) ? DatabaseCallKind.Write : DatabaseCallKind.None;
                }

                return DatabaseCallKind.None;
            }

            // context.Entry(e).Collection(...).Load() / .Reference(...).LoadAsync().
            if ((name == "Load" || name == "LoadAsync") && _navigationEntry is not null && DerivesFrom(type, _navigationEntry))
            {
                return DatabaseCallKind.Read;
            }

            return DatabaseCallKind.None;
        }

        // database.ExecuteSql*(...).
        if (_databaseFacade is not null && name.StartsWith("ExecuteSql", System.StringComparison.Ordinal) && IsEntityFrameworkNamespace(type.ContainingNamespace) &&
            method.Parameters.Length > 0 && SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, _databaseFacade))
        {
            return DatabaseCallKind.Write;
        }

        // A LINQ operator that runs a query: its source must be a query on the database.
        if (invocation.Arguments.Length == 0 || !IsExecutingOperator(method))
        {
            return DatabaseCallKind.None;
        }

        if (!IsDatabaseQuery(ReceiverOf(invocation), 0, isQuerySource))
        {
            return DatabaseCallKind.None;
        }

        return name.StartsWith("ExecuteUpdate", System.StringComparison.Ordinal) || name.StartsWith("ExecuteDelete", System.StringComparison.Ordinal)
            ? DatabaseCallKind.Write
            : DatabaseCallKind.Read;
    }

    /// <summary>The source of an extension-method LINQ operator (its first argument), or the instance of an instance call.</summary>
    public static IOperation? ReceiverOf(IInvocationOperation invocation)
    {
        if (invocation.Instance is not null)
        {
            return invocation.Instance;
        }

        if (invocation.TargetMethod.IsExtensionMethod || invocation.TargetMethod.IsStatic)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Ordinal == 0)
                {
                    return argument.Value;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// A LINQ operator that runs its source: a <c>Queryable</c> operator that does not return a query, an EF Core
    /// extension that does not return a query or async stream (<c>ToListAsync</c>, <c>FirstAsync</c>, <c>Load</c>,
    /// <c>ExecuteUpdate</c>, ...), or an <c>Enumerable</c> operator that does not return a lazy sequence.
    /// </summary>
    private bool IsExecutingOperator(IMethodSymbol method)
    {
        var type = method.ContainingType;
        if (!method.IsStatic)
        {
            return false;
        }

        if (SymbolEqualityComparer.Default.Equals(type, _queryable) || SymbolEqualityComparer.Default.Equals(type, _enumerable))
        {
            return !IsLazySequence(ReturnTypeOf(method));
        }

        if (method.IsExtensionMethod && IsEntityFrameworkNamespace(type.ContainingNamespace) && IsQueryable(FirstParameterType(method)))
        {
            return method.Name != "ToQueryString" && !IsLazySequence(ReturnTypeOf(method));
        }

        return false;
    }

    // Cost (issue #18): a generic method's constructed form is a new symbol at every call site, and asking it for its
    // parameters, return type or their interfaces builds them anew each time. Where the generic definition declares a
    // named type (IQueryable<TSource>, IEnumerable<TSource>), that type is a query or a lazy sequence exactly when the
    // constructed one is (type arguments cannot add or remove the non-generic IQueryable interface), and the
    // definition's symbols are built once. A declared type parameter (TSource) can become anything: the constructed
    // type is used then.

    /// <summary>The first parameter's type, from the generic definition where it declares a named type (see above).</summary>
    private static ITypeSymbol? FirstParameterType(IMethodSymbol method)
    {
        var definition = method.OriginalDefinition;
        if (definition.Parameters.Length == 0)
        {
            return null;
        }

        var declared = definition.Parameters[0].Type;
        return declared is INamedTypeSymbol ? declared : method.Parameters[0].Type;
    }

    /// <summary>The return type, from the generic definition where it declares a named type (see above).</summary>
    private static ITypeSymbol ReturnTypeOf(IMethodSymbol method)
    {
        var declared = method.OriginalDefinition.ReturnType;
        return declared is INamedTypeSymbol ? declared : method.ReturnType;
    }

    /// <summary>
    /// True when <paramref name="expression"/> is a query that runs on the database when enumerated: a <c>DbSet</c>,
    /// a query a <c>DbContext</c> (or <c>Database.SqlQuery</c>, or a navigation entry's <c>Query()</c>) returns, a
    /// LINQ operator chain over one, or a local initialised with one. <c>AsQueryable()</c> over an in-memory
    /// collection is not.
    /// </summary>
    public bool IsDatabaseQuery(IOperation expression, Func<IOperation, bool>? isQuerySource = null) => IsDatabaseQuery(expression, 0, isQuerySource);

    private bool IsDatabaseQuery(IOperation? expression, int depth, Func<IOperation, bool>? isQuerySource)
    {
        if (expression is null || depth > MaxTraceDepth || (_dbContext is null && isQuerySource is null))
        {
            return false;
        }

        expression = Loops.UnwrapConversions(expression);

        if (IsDbSet(expression.Type) || (isQuerySource is not null && isQuerySource(expression)))
        {
            return true;
        }

        switch (expression)
        {
            case IInvocationOperation invocation:
            {
                var method = invocation.TargetMethod;
                var type = method.ContainingType;
                if (type is null)
                {
                    return false;
                }

                if (!method.IsStatic)
                {
                    // context.Set<T>(), a DbContext method returning a query, entry.Collection(...).Query().
                    return IsLazySequence(ReturnTypeOf(method)) &&
                           (IsDbContext(type) || (_navigationEntry is not null && DerivesFrom(type, _navigationEntry)));
                }

                if (!IsLazySequence(ReturnTypeOf(method)))
                {
                    return false;
                }

                if (SymbolEqualityComparer.Default.Equals(type, _queryable) || SymbolEqualityComparer.Default.Equals(type, _enumerable) ||
                    (method.IsExtensionMethod && IsEntityFrameworkNamespace(type.ContainingNamespace)))
                {
                    var source = ReceiverOf(invocation);
                    if (source is not null && _databaseFacade is not null && SymbolEqualityComparer.Default.Equals(source.Type, _databaseFacade))
                    {
                        return true; // context.Database.SqlQuery<T>(...)
                    }

                    return IsDatabaseQuery(source, depth + 1, isQuerySource);
                }

                // A query-composing extension of the code base: IQueryable<T> Includes(this IQueryable<T> q, ...) adds
                // Include/Where clauses and returns the same query (Kavita's repositories, issue #13).
                if (method.IsExtensionMethod && IsQueryable(ReturnTypeOf(method)) && IsQueryable(FirstParameterType(method)))
                {
                    return IsDatabaseQuery(ReceiverOf(invocation), depth + 1, isQuerySource);
                }

                return false;
            }

            case IPropertyReferenceOperation property:
                return IsLazySequence(property.Type) && property.Instance is not null && IsDbContext(property.Instance.Type);

            case ILocalReferenceOperation local:
                return IsLocalInitializedWithQuery(local, depth, isQuerySource);

            default:
                return false;
        }
    }

    private bool IsLocalInitializedWithQuery(ILocalReferenceOperation reference, int depth, Func<IOperation, bool>? isQuerySource)
    {
        var root = (IOperation)reference;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        if (!LocalValues.GetValue(root, static r => new LocalValueIndex(r)).TryGet(reference.Local, out var values))
        {
            return false;
        }

        foreach (var value in values)
        {
            if (IsDatabaseQuery(value, depth + 1, isQuerySource))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Per method body (operation root): the values each local is initialised or assigned with, indexed in one walk.</summary>
    private static readonly ConditionalWeakTable<IOperation, LocalValueIndex> LocalValues = new();

    private sealed class LocalValueIndex
    {
        private readonly Dictionary<ILocalSymbol, List<IOperation>> _values = new(SymbolEqualityComparer.Default);

        public LocalValueIndex(IOperation root)
        {
            foreach (var operation in root.Descendants())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation { Initializer: { } initializer } declarator:
                        Add(declarator.Symbol, initializer.Value);
                        break;
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment:
                        Add(target.Local, assignment.Value);
                        break;
                }
            }
        }

        public bool TryGet(ILocalSymbol local, out List<IOperation> values) => _values.TryGetValue(local, out values!);

        private void Add(ILocalSymbol local, IOperation value)
        {
            if (!_values.TryGetValue(local, out var list))
            {
                list = new List<IOperation>(1);
                _values.Add(local, list);
            }

            list.Add(value);
        }
    }

    /// <summary>A type that is an <c>IQueryable</c>, or a lazy <c>IEnumerable&lt;T&gt;</c>/<c>IOrderedEnumerable&lt;T&gt;</c>/<c>IAsyncEnumerable&lt;T&gt;</c>.</summary>
    private bool IsLazySequence(ITypeSymbol? type)
    {
        if (type is null)
        {
            return false;
        }

        if (IsQueryable(type))
        {
            return true;
        }

        var definition = type.OriginalDefinition;
        return SymbolEqualityComparer.Default.Equals(definition, _iEnumerableOfT) ||
               SymbolEqualityComparer.Default.Equals(definition, _iOrderedEnumerable) ||
               SymbolEqualityComparer.Default.Equals(definition, _iAsyncEnumerable);
    }

    public bool IsQueryable(ITypeSymbol? type)
    {
        if (type is null || _iQueryable is null)
        {
            return false;
        }

        if (SymbolEqualityComparer.Default.Equals(type, _iQueryable))
        {
            return true;
        }

        if (type is not INamedTypeSymbol named)
        {
            // An array implements IList<T> and its kin, never IQueryable; asking an array type for its AllInterfaces
            // substitutes them anew for each array symbol (9% of PERF003's profile on EF-heavy code, issue #18).
            // A type parameter is queryable when a constraint is.
            if (type is ITypeParameterSymbol parameter)
            {
                foreach (var constraint in parameter.ConstraintTypes)
                {
                    if (IsQueryable(constraint))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        var definition = named.OriginalDefinition;
        if (_queryableDefinitions.TryGetValue(definition, out var cached))
        {
            return cached;
        }

        var computed = ImplementsQueryable(definition);
        _queryableDefinitions.TryAdd(definition, computed);
        return computed;
    }

    private bool ImplementsQueryable(ITypeSymbol type)
    {
        foreach (var implemented in DefinitionInterfaces.Of(type))
        {
            if (SymbolEqualityComparer.Default.Equals(implemented, _iQueryable))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when <paramref name="execution"/> runs an ADO.NET command and <paramref name="body"/> sets a command
    /// parameter's <c>Value</c> from the iteration: a command prepared before the loop and re-run per element.
    /// </summary>
    public bool SetsCommandParameterPerIteration(IOperation execution, IOperation body, IterationDependence dependence)
    {
        if (_iDataParameter is null || execution is not IInvocationOperation { Instance: { } instance } || !IsCommand(instance.Type))
        {
            return false;
        }

        foreach (var operation in body.Descendants())
        {
            if (operation is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "Value", Instance: { } parameter } } assignment &&
                Implements(parameter.Type, _iDataParameter) &&
                dependence.IsReferencedIn(assignment.Value))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Implements(ITypeSymbol? type, INamedTypeSymbol @interface)
    {
        if (type is null)
        {
            return false;
        }

        if (SymbolEqualityComparer.Default.Equals(type, @interface))
        {
            return true;
        }

        foreach (var implemented in type.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(implemented, @interface))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsCommand(ITypeSymbol? type)
    {
        if (type is null)
        {
            return false;
        }

        if (_dbCommand is not null && DerivesFrom(type, _dbCommand))
        {
            return true;
        }

        if (_iDbCommand is null)
        {
            return false;
        }

        if (SymbolEqualityComparer.Default.Equals(type, _iDbCommand))
        {
            return true;
        }

        foreach (var implemented in type.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(implemented, _iDbCommand))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsEntityFrameworkNamespace(INamespaceSymbol? ns)
    {
        // Microsoft.EntityFrameworkCore or a namespace below it.
        while (ns is not null && !ns.IsGlobalNamespace)
        {
            if (ns.Name == "EntityFrameworkCore" && ns.ContainingNamespace is { Name: "Microsoft", ContainingNamespace.IsGlobalNamespace: true })
            {
                return true;
            }

            ns = ns.ContainingNamespace;
        }

        return false;
    }

    private static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol baseType)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, baseType))
            {
                return true;
            }
        }

        return false;
    }

    private static bool DerivesFromGeneric(ITypeSymbol? type, INamedTypeSymbol genericDefinition)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, genericDefinition))
            {
                return true;
            }
        }

        return false;
    }
}
