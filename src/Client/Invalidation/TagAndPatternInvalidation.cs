using Grid.Client.Connection;
using Grid.Client.Requests;
using Grid.Client.Results;
using Grid.Protocol;

namespace Grid.Client.Invalidation;

/// <summary>
/// Invalidation by tag and by key pattern through the cluster's invalidation grain, and the tags a write invalidates
/// (<see cref="GridEntryOptions.InvalidateTags"/>). Once the grid answers, the near cache catches up with the pushes
/// the invalidation caused, so this client does not read its own removed entries afterwards.
/// </summary>
internal sealed class TagAndPatternInvalidation(ClusterConnection connection, RequestBuilder requests)
{
    /// <summary>Removes every entry carrying <paramref name="tag"/>; the number removed.</summary>
    public ValueTask<long> InvalidateTagAsync(string tag, CancellationToken cancellationToken)
    {
        requests.CheckName(tag, "tag", nameof(tag));
        return InvalidateAsync(grain => grain.InvalidateTag(tag, null), $"invalidating tag '{ResultCheck.Shorten(tag)}'", cancellationToken);
    }

    /// <summary>Removes every entry whose key matches the glob <paramref name="pattern"/>; the number removed.</summary>
    public ValueTask<long> InvalidatePatternAsync(string pattern, CancellationToken cancellationToken)
    {
        requests.CheckName(pattern, "pattern", nameof(pattern));
        return InvalidateAsync(grain => grain.InvalidatePattern(pattern), $"invalidating pattern '{ResultCheck.Shorten(pattern)}'", cancellationToken);
    }

    /// <summary>Checks <see cref="GridEntryOptions.InvalidateTags"/> before anything is sent; null when there are none.</summary>
    public string[]? TagsToInvalidate(GridEntryOptions? options)
    {
        if (options?.InvalidateTags is not { Count: > 0 } tags)
        {
            return null;
        }

        var copy = new string[tags.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            requests.CheckName(tags[i], "tag", $"options.InvalidateTags[{i}]");
            copy[i] = tags[i];
        }

        return copy;
    }

    /// <summary>Invalidates <paramref name="tags"/> after a write, keeping the entries the write just made.</summary>
    public async ValueTask InvalidateAfterWriteAsync(string[] tags, string[] written, CancellationToken cancellationToken)
    {
        var calls = new Task<long>[tags.Length];
        for (int i = 0; i < tags.Length; i++)
        {
            string tag = tags[i];
            calls[i] = InvalidateAsync(grain => grain.InvalidateTag(tag, written), $"invalidating tag '{ResultCheck.Shorten(tag)}' after a write", cancellationToken).AsTask();
        }

        await Task.WhenAll(calls).ConfigureAwait(false);
    }

    private async ValueTask<long> InvalidateAsync(Func<IInvalidationGrain, Task<long>> call, string what, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await connection.EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            long removed = await call(connection.Client.GetGrain<IInvalidationGrain>(0)).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (connection.Coordinator is { } coordinator)
            {
                await coordinator.CatchUpAsync(cancellationToken).ConfigureAwait(false);
            }

            return removed;
        }
        catch (Exception ex) when (ex is not (ArgumentException or GridException or OperationCanceledException))
        {
            connection.Router.TriggerRefresh();
            throw new GridUnavailableException($"The grid failed {what}: {ex.Message}", ex);
        }
    }
}
