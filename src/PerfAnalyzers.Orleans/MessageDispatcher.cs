using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Orleans;

/// <summary>
/// Calls a generated machine's typed <c>AskAsync</c>/<c>TryPost</c>/<c>PostAsync</c> for a message that arrived as
/// <see cref="object"/>. The grain sees only <typeparamref name="TMachine"/> (one source generator does not see another's
/// output, so nothing here is generated): the generated public methods are found once per message type and bound as
/// open-instance delegates, so a call costs one dictionary lookup and a delegate call, no reflection.
/// </summary>
internal abstract class MessageDispatcher<TMachine>
    where TMachine : class, IStateMachine
{
    private static readonly ConcurrentDictionary<Type, MessageDispatcher<TMachine>?> Cache = new();

    /// <summary>The message type's name, as the generated machine names it in its <c>statemachine.message</c> tag.</summary>
    public string MessageName { get; private init; } = "";

    /// <summary>Whether this message type's requests may run on the activation's turn (see <see cref="TurnTrust"/>).</summary>
    public TurnTrust Trust { get; } = new();

    /// <summary>The dispatcher for a message's runtime type (or a base type / interface the machine takes), or null.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "The generated machine's public methods are kept by the grain's reference to TMachine.")]
    public static MessageDispatcher<TMachine>? For(Type messageType)
    {
        if (Cache.TryGetValue(messageType, out var dispatcher))
        {
            return dispatcher;
        }

        return Cache.GetOrAdd(messageType, static type => Create(type));
    }

    /// <summary>
    /// A remote request: on this thread (<paramref name="hop"/> false; an idle machine runs the handler here) or on the
    /// thread pool; the outcome as <paramref name="host"/> turns it into a <see cref="RemoteReply"/>. A request handled at
    /// once allocates nothing here but the boxed reply; one that waits uses a pooled <see cref="RemoteAsk{TMachine, TMessage, TReply}"/>.
    /// With a <paramref name="budgetTicks"/> above 0, the time until the machine returned is reported to <see cref="Trust"/>.
    /// </summary>
    public abstract ValueTask<RemoteReply> AskRemote(IAskHost<TMachine> host, TMachine machine, object message, TimeSpan timeout, CancellationToken cancellationToken, long start, bool hop, long budgetTicks);

    /// <summary>Reports a run on the turn to <see cref="Trust"/>; returns the clock read that ended it (0 when not timed).</summary>
    private protected long ObserveOnTurn(long start, long budgetTicks)
    {
        if (budgetTicks == 0)
        {
            return 0;
        }

        var end = Stopwatch.GetTimestamp();
        Trust.ObserveOnTurn(end - start, budgetTicks);
        return end;
    }

    private protected static ValueTask<RemoteReply> FailedAtOnce(IAskHost<TMachine> host, Exception exception, TMachine machine, string messageName, long start, CancellationToken cancellationToken)
        => host.Failed(exception, machine, messageName, start, cancellationToken) is { } reply
            ? new ValueTask<RemoteReply>(reply)
            : ValueTask.FromException<RemoteReply>(exception);

    public abstract PostStatus TryPost(TMachine machine, object message);

    public abstract ValueTask<PostStatus> PostAsync(TMachine machine, object message, CancellationToken cancellationToken);

    private static MessageDispatcher<TMachine>? Create(Type messageType)
    {
        // The generated per-message methods: TryPost(M), PostAsync(M, CancellationToken), AskAsync(M, TimeSpan, CancellationToken).
        // A message of a derived type goes to the most derived M it is assignable to.
        MethodInfo? tryPost = null;
        foreach (var method in typeof(TMachine).GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            if (method.Name != "TryPost" || method.ReturnType != typeof(PostStatus))
            {
                continue;
            }

            var parameters = method.GetParameters();
            if (parameters.Length != 1 || !parameters[0].ParameterType.IsAssignableFrom(messageType))
            {
                continue;
            }

            if (tryPost is null || tryPost.GetParameters()[0].ParameterType.IsAssignableFrom(parameters[0].ParameterType))
            {
                tryPost = method;
            }
        }

        if (tryPost is null)
        {
            return null;
        }

        var declared = tryPost.GetParameters()[0].ParameterType;
        var post = typeof(TMachine).GetMethod("PostAsync", BindingFlags.Public | BindingFlags.Instance, [declared, typeof(CancellationToken)]);
        var ask = typeof(TMachine).GetMethod("AskAsync", BindingFlags.Public | BindingFlags.Instance, [declared, typeof(TimeSpan), typeof(CancellationToken)]);
        if (post is null || ask is null)
        {
            return null;
        }

        Type dispatcherType;
        if (ask.ReturnType == typeof(ValueTask))
        {
            dispatcherType = typeof(NoReplyDispatcher<>).MakeGenericType(typeof(TMachine), declared);
        }
        else if (ask.ReturnType.IsGenericType && ask.ReturnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            dispatcherType = typeof(ReplyDispatcher<,>).MakeGenericType(typeof(TMachine), declared, ask.ReturnType.GetGenericArguments()[0]);
        }
        else
        {
            return null;
        }

        var dispatcher = (MessageDispatcher<TMachine>)Activator.CreateInstance(dispatcherType, tryPost, post, ask)!;
        return dispatcher;
    }

    private abstract class Typed<TMessage> : MessageDispatcher<TMachine>
    {
        private readonly Func<TMachine, TMessage, PostStatus> _tryPost;
        private readonly Func<TMachine, TMessage, CancellationToken, ValueTask<PostStatus>> _post;

        protected Typed(MethodInfo tryPost, MethodInfo post)
        {
            _tryPost = tryPost.CreateDelegate<Func<TMachine, TMessage, PostStatus>>();
            _post = post.CreateDelegate<Func<TMachine, TMessage, CancellationToken, ValueTask<PostStatus>>>();
            MessageName = typeof(TMessage).Name;
        }

        public override PostStatus TryPost(TMachine machine, object message) => _tryPost(machine, (TMessage)message);

        public override ValueTask<PostStatus> PostAsync(TMachine machine, object message, CancellationToken cancellationToken)
            => _post(machine, (TMessage)message, cancellationToken);
    }

    private class ReplyDispatcher<TMessage, TReply> : Typed<TMessage>
    {
        private readonly Func<TMachine, TMessage, TimeSpan, CancellationToken, ValueTask<TReply>> _ask;

        public ReplyDispatcher(MethodInfo tryPost, MethodInfo post, MethodInfo ask)
            : this(tryPost, post, ask.CreateDelegate<Func<TMachine, TMessage, TimeSpan, CancellationToken, ValueTask<TReply>>>())
        {
        }

        protected ReplyDispatcher(MethodInfo tryPost, MethodInfo post, Func<TMachine, TMessage, TimeSpan, CancellationToken, ValueTask<TReply>> ask)
            : base(tryPost, post)
        {
            _ask = ask;
        }

        public override ValueTask<RemoteReply> AskRemote(IAskHost<TMachine> host, TMachine machine, object message, TimeSpan timeout, CancellationToken cancellationToken, long start, bool hop, long budgetTicks)
        {
            var typed = (TMessage)message;
            if (hop)
            {
                return RemoteAsk<TMachine, TMessage, TReply>.Hop(host, _ask, machine, typed, MessageName, timeout, cancellationToken, start, budgetTicks == 0 ? null : Trust, budgetTicks);
            }

            ValueTask<TReply> pending;
            try
            {
                pending = _ask(machine, typed, timeout, cancellationToken);
            }
            catch (Exception e)
            {
                ObserveOnTurn(start, budgetTicks);
                return FailedAtOnce(host, e, machine, MessageName, start, cancellationToken);
            }

            // One clock read ends both the trust observation and, for a request handled at once, its recorded time.
            var end = ObserveOnTurn(start, budgetTicks);

            if (pending.IsCompleted)
            {
                // Handled inline and synchronously (an idle machine), or refused at once: no async state machine, no pooled request.
                TReply reply;
                try
                {
                    reply = pending.GetAwaiter().GetResult();
                }
                catch (Exception e)
                {
                    return FailedAtOnce(host, e, machine, MessageName, start, cancellationToken);
                }

                return new ValueTask<RemoteReply>(host.Handled(machine, MessageName, reply, start, end));
            }

            return RemoteAsk<TMachine, TMessage, TReply>.Await(host, pending, machine, MessageName, cancellationToken, start);
        }
    }

    // A handler without a reply: its ValueTask as a ValueTask<object?> (null), with no allocation when it completed at once.
    private sealed class NoReplyDispatcher<TMessage>(MethodInfo tryPost, MethodInfo post, MethodInfo ask)
        : ReplyDispatcher<TMessage, object?>(tryPost, post, Adapt(ask.CreateDelegate<Func<TMachine, TMessage, TimeSpan, CancellationToken, ValueTask>>()))
    {
        private static Func<TMachine, TMessage, TimeSpan, CancellationToken, ValueTask<object?>> Adapt(Func<TMachine, TMessage, TimeSpan, CancellationToken, ValueTask> ask)
            => (machine, message, timeout, cancellationToken) =>
            {
                var pending = ask(machine, message, timeout, cancellationToken);
                if (pending.IsCompletedSuccessfully)
                {
                    pending.GetAwaiter().GetResult();
                    return default;
                }

                return Await(pending);
            };

        private static async ValueTask<object?> Await(ValueTask pending)
        {
            await pending.ConfigureAwait(false);
            return null;
        }
    }
}
