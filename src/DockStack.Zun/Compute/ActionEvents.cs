using DockStack.Zun.Data;

namespace DockStack.Zun.Compute;

/// <summary>
/// One <c>compute_&lt;method&gt;</c> event on a container action: started when created, finished on dispose,
/// with result Success unless <see cref="Fail"/> was called. Finishing the event finishes the action.
/// </summary>
public sealed class ActionEvents : IAsyncDisposable
{
    private readonly ZunStore _store;
    private readonly TimeProvider _time;
    private readonly ContainerAction? _action;
    private readonly ActionEvent? _event;
    private Exception? _failure;

    private ActionEvents(ZunStore store, TimeProvider time, ContainerAction? action, ActionEvent? ev)
    {
        _store = store;
        _time = time;
        _action = action;
        _event = ev;
    }

    public static async Task<ActionEvents> StartAsync(ZunStore store, TimeProvider time, string uuid, string requestId, string eventName, CancellationToken cancellationToken)
    {
        var action = await store.ActionAsync(uuid, requestId, cancellationToken);
        ActionEvent? ev = null;
        if (action is not null)
        {
            ev = new ActionEvent { Event = eventName, StartTime = Times.Now(time) };
            action.Events.Add(ev);
            await store.UpdateAsync(action, cancellationToken);
        }
        return new ActionEvents(store, time, action, ev);
    }

    public void Fail(Exception e) => _failure = e;

    public async ValueTask DisposeAsync()
    {
        if (_action is null || _event is null) { return; }
        var now = Times.Now(_time);
        _event.FinishTime = now;
        _event.Result = _failure is null ? "Success" : "Error";
        _event.Traceback = _failure?.ToString();
        _action.FinishTime = now;
        _action.Message = _failure is null ? null : "Error";
        try
        {
            await _store.UpdateAsync(_action, CancellationToken.None);
        }
        catch (Exception) when (_failure is not null)
        {
            // The container's own failure is what matters; the action row is best effort then.
        }
    }
}
