namespace Grid.Grains.Storage;

/// <summary>Every <see cref="IStoreChangeListener"/> registered with the silo, called in registration order.</summary>
internal sealed class StoreChangeListeners(IEnumerable<IStoreChangeListener> listeners) : IStoreChangeListener
{
    private readonly IStoreChangeListener[] _listeners = [.. listeners];

    /// <summary>The listener stores should call, or null when nobody listens (so stores pay nothing).</summary>
    public IStoreChangeListener? OrNull => _listeners.Length == 0 ? null : this;

    public void OnChanged(in StoreChange change)
    {
        foreach (var listener in _listeners)
        {
            listener.OnChanged(change);
        }
    }
}
