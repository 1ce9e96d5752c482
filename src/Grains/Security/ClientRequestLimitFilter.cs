using Grid.Protocol;
using Orleans.Runtime;

namespace Grid.Grains.Security;

/// <summary>
/// Applies <see cref="ClientRequestLimiter"/> to the data requests clients send: batches to the silo entry grain,
/// invalidations, and direct partition grain calls (clients with <c>Batching = false</c>). All may wait for a slot; the
/// entry and invalidation grains are reentrant, so a waiting request holds nothing up, while a waiting direct partition
/// call holds its partition's turn (as that client's queued calls would anyway). Calls between silos are never limited.
/// </summary>
internal sealed class ClientRequestLimitFilter(ClientRequestLimiter limiter) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.SourceId is not { } source || !GrainTypePrefix.IsClient(source) || Limited(context) is not { } canWait)
        {
            await context.Invoke();
            return;
        }

        await limiter.EnterAsync(source, canWait);
        try
        {
            await context.Invoke();
        }
        finally
        {
            limiter.Exit(source);
        }
    }

    /// <summary>Null when the call is not limited; else whether it may wait for a slot (every limited call may, today).</summary>
    private static bool? Limited(IIncomingGrainCallContext context)
    {
        var type = context.InterfaceMethod?.DeclaringType;
        if (type == typeof(ISiloEntryGrain))
        {
            return context.MethodName == nameof(ISiloEntryGrain.Execute) ? true : null;
        }

        if (type == typeof(IInvalidationGrain))
        {
            return true;
        }

        return type == typeof(IPartitionGrain) && context.MethodName == nameof(IPartitionGrain.Execute) ? true : null;
    }
}
