namespace Grid.Grains.Storage;

/// <summary>Something a caller waits on before answering: it confirms positions in order (a near-cache client confirming invalidations).</summary>
internal interface IConfirmation
{
    /// <summary>Completes once everything up to <paramref name="position"/> is confirmed (or can no longer matter).</summary>
    Task WhenConfirmed(long position);
}
