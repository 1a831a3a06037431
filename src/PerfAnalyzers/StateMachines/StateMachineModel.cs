namespace PerfAnalyzers.StateMachines;

// The generator's model: strings, numbers and equatable arrays only — no ISymbol, SyntaxNode or Compilation — so that
// the incremental pipeline can compare two runs by value and skip the emitter when nothing relevant changed. It carries no
// diagnostics either (StateMachineAnalyzer reports them): a location that moves with an unrelated edit would defeat the cache.

/// <summary>One machine to emit.</summary>
internal sealed record StateMachineModel(
    string Namespace,
    EquatableArray<ContainingTypeModel> ContainingTypes,
    string TypeDeclaration,
    string HintName,
    string MachineName,
    string StateType,
    EquatableArray<string> States,
    int InitialState,
    MachineOptionsModel Options,
    EquatableArray<MessageModel> Messages,
    EquatableArray<SloModel> Slos);

/// <summary>A type the machine is nested in: its declaration keyword and name with type parameters (e.g. <c>class Outer&lt;T&gt;</c>).</summary>
internal sealed record ContainingTypeModel(string Declaration);

internal sealed record MachineOptionsModel(int MailboxCapacity, int FullMode, int Supervision, int MaxRestarts, double RestartWindowSeconds, int StarvationLimit, bool InlineCasts = false);

/// <summary>A message type and the handlers for it.</summary>
/// <param name="Type">Fully qualified, with nullable annotation, for signatures.</param>
/// <param name="BareType">Fully qualified, without top-level nullable annotation (for casts).</param>
/// <param name="Name">The short name (metric tag).</param>
/// <param name="ReplyType">Fully qualified reply type (T of a Task&lt;T&gt; / ValueTask&lt;T&gt; handler), or null when handlers return void, Task or ValueTask.</param>
/// <param name="BatchKind">0 = not batched, 1 = IReadOnlyList, 2 = ReadOnlySpan.</param>
internal sealed record MessageModel(
    string Type,
    string BareType,
    string Name,
    bool IsValueType, // true when not known to be a reference type: travels unboxed in the envelope's Values struct
    string? ReplyType,
    int Priority,
    int BatchKind,
    int BatchSize,
    int BatchDelayMilliseconds,
    EquatableArray<HandlerModel> Handlers)
{
    /// <summary>Some handler returns a task: the generated dispatch waits for it (see StateMachineCore.AsyncHandlers.cs).</summary>
    public bool IsAsync
    {
        get
        {
            foreach (var handler in Handlers)
            {
                if (handler.ReturnKind != 0)
                {
                    return true;
                }
            }

            return false;
        }
    }
}

/// <summary>A handler method and the state indices it applies in (empty = every state).</summary>
/// <param name="ReturnKind">0 = synchronous (void or the reply), 1 = ValueTask / ValueTask&lt;T&gt;, 2 = Task / Task&lt;T&gt;.</param>
internal sealed record HandlerModel(string MethodName, EquatableArray<int> States, int ReturnKind = 0);

internal sealed record SloModel(string? Message, double P95Milliseconds, double P99Milliseconds);
