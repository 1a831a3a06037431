using Microsoft.CodeAnalysis;

namespace PerfAnalyzers.StateMachines;

/// <summary>The checks of [StateMachine] classes (PERFSM001…), reported by <see cref="StateMachineAnalyzer"/>.</summary>
internal static class StateMachineDescriptors
{
    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity, string description) =>
        new(id, title, message, Descriptors.StateMachineCategory, severity, isEnabledByDefault: true, description, Descriptors.HelpLink(id));

    internal static readonly DiagnosticDescriptor PERFSM001ClassNotPartial = Create(
        "PERFSM001",
        "State machine class is not partial",
        "'{0}' must be declared partial so that the [StateMachine] generator can add its mailbox and methods",
        DiagnosticSeverity.Error,
        "The generator adds members to the class in another file, which C# allows only for partial types; types it is nested in must be partial too.");

    internal static readonly DiagnosticDescriptor PERFSM002NoStates = Create(
        "PERFSM002",
        "State machine has no states or no initial state",
        "[StateMachine] on '{0}' needs an initial state that is a member of an enum with at least one member: {1}",
        DiagnosticSeverity.Error,
        "The states of a machine are the members of an enum; the attribute's argument names the initial state, e.g. [StateMachine(OrderState.New)].");

    internal static readonly DiagnosticDescriptor PERFSM003InvalidHandler = Create(
        "PERFSM003",
        "Invalid state machine handler",
        "Handler '{0}' {1}",
        DiagnosticSeverity.Error,
        "A handler is an instance method with one parameter (the message, or a list or span of messages with [Batch]) returning the reply, void, Task, ValueTask, Task<T> or ValueTask<T> (reply T); not async void, an async stream or another awaitable; every handler of one message type has the same reply type.");

    internal static readonly DiagnosticDescriptor PERFSM004DuplicateHandler = Create(
        "PERFSM004",
        "Two handlers for the same state and message",
        "Handlers '{0}' and '{1}' both handle '{2}' in state '{3}': keep one",
        DiagnosticSeverity.Error,
        "In each state, at most one handler may apply to a message type; otherwise which one runs would be ambiguous.");

    internal static readonly DiagnosticDescriptor PERFSM005UnreachableState = Create(
        "PERFSM005",
        "State is never reached",
        "State '{0}' of '{1}' is never reached: it is not the initial state and no handler of a reachable state calls TransitionTo({2})",
        DiagnosticSeverity.Warning,
        "A state no transition reaches is dead code, or a transition is missing. Only TransitionTo calls with a constant state are followed; a call with a computed state turns this check off.");

    internal static readonly DiagnosticDescriptor PERFSM006UnhandledMessage = Create(
        "PERFSM006",
        "Message type is not handled in any state",
        "Message type '{0}' of state machine '{1}' has no handler: add an [On(...)] handler for it or remove it",
        DiagnosticSeverity.Warning,
        "A message type nested in a state machine and marked IMessage that no state handles would be refused at run time in every state.");

    internal static readonly DiagnosticDescriptor PERFSM007RuntimeNotReferenced = Create(
        "PERFSM007",
        "PerfAnalyzers.Runtime is not referenced",
        "[StateMachine] on '{0}' needs the PerfAnalyzers.Runtime package: add a reference to it",
        DiagnosticSeverity.Error,
        "The attributes and the mailbox, supervision and telemetry the generated code calls live in PerfAnalyzers.Runtime.");

    internal static readonly DiagnosticDescriptor PERFSM008InvalidSetting = Create(
        "PERFSM008",
        "State machine setting out of range",
        "{0} = {1} is not valid: {2}",
        DiagnosticSeverity.Error,
        "A [StateMachine], [Batch] or [Slo] setting outside its range is not clamped to a valid value: it is an error, reported on the argument, with the range in the message.");

    internal static readonly DiagnosticDescriptor PERFSM009MemberClash = Create(
        "PERFSM009",
        "Member clashes with a generated state machine member",
        "{0} '{1}' clashes with the {2} the [StateMachine] generator adds to '{3}': rename it, e.g. to '{4}'",
        DiagnosticSeverity.Error,
        "The generator adds the machine's API (State, StateName, Status, MachineType, MailboxDepth, Start, StopAsync, DisposeAsync, AskAsync, TryPost, PostAsync, TransitionTo, StateMachineInfo, SloTargets and private members starting with __Sm) to the class; a member of the class with the same name (or, for a method, the same parameters) would fail to compile inside the generated file.");

    internal static readonly DiagnosticDescriptor PERFSM010OnWithoutStateMachine = Create(
        "PERFSM010",
        "[On] handlers in a class without [StateMachine]",
        "'{0}' has [On] handlers ({1}) but no [StateMachine] attribute, so nothing calls them: add [StateMachine(<initial state>)] to the class, or remove [On]",
        DiagnosticSeverity.Warning,
        "[On] marks a handler of a generated state machine; without [StateMachine] on its class no machine is generated and the handlers are never called.");

    internal static DiagnosticDescriptor ById(string id) => id switch
    {
        "PERFSM001" => PERFSM001ClassNotPartial,
        "PERFSM002" => PERFSM002NoStates,
        "PERFSM003" => PERFSM003InvalidHandler,
        "PERFSM004" => PERFSM004DuplicateHandler,
        "PERFSM005" => PERFSM005UnreachableState,
        "PERFSM006" => PERFSM006UnhandledMessage,
        "PERFSM008" => PERFSM008InvalidSetting,
        "PERFSM009" => PERFSM009MemberClash,
        "PERFSM010" => PERFSM010OnWithoutStateMachine,
        _ => PERFSM007RuntimeNotReferenced,
    };
}
