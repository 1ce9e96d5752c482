using Grid.Protocol;

namespace Grid.Client;

public sealed partial class GridCache
{
    /// <inheritdoc />
    public ValueTask<long> InvalidateTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        GridValidation.CheckName(tag, _limits, "tag", nameof(tag));
        return InvalidateAsync(grain => grain.InvalidateTag(tag, null), $"invalidating tag '{Shorten(tag)}'", cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<long> InvalidatePatternAsync(string pattern, CancellationToken cancellationToken = default)
    {
        GridValidation.CheckName(pattern, _limits, "pattern", nameof(pattern));
        return InvalidateAsync(grain => grain.InvalidatePattern(pattern), $"invalidating pattern '{Shorten(pattern)}'", cancellationToken);
    }

    /// <summary>Checks <see cref="GridEntryOptions.InvalidateTags"/> before anything is sent; null when there are none.</summary>
    private string[]? TagsToInvalidate(GridEntryOptions? options)
    {
        if (options?.InvalidateTags is not { Count: > 0 } tags)
        {
            return null;
        }

        var copy = new string[tags.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            GridValidation.CheckName(tags[i], _limits, "tag", $"options.InvalidateTags[{i}]");
            copy[i] = tags[i];
        }

        return copy;
    }

    /// <summary>Invalidates <paramref name="tags"/> after a write, keeping the entries the write just made.</summary>
    private async ValueTask InvalidateAfterWriteAsync(string[] tags, string[] written, CancellationToken cancellationToken)
    {
        var calls = new Task<long>[tags.Length];
        for (int i = 0; i < tags.Length; i++)
        {
            string tag = tags[i];
            calls[i] = InvalidateAsync(grain => grain.InvalidateTag(tag, written), $"invalidating tag '{Shorten(tag)}' after a write", cancellationToken).AsTask();
        }

        await Task.WhenAll(calls).ConfigureAwait(false);
    }

    private async ValueTask<long> InvalidateAsync(Func<IInvalidationGrain, Task<long>> call, string what, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_connected)
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            long removed = await call(_client.GetGrain<IInvalidationGrain>(0)).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (_coordinator is not null)
            {
                await _coordinator.CatchUpAsync(cancellationToken).ConfigureAwait(false);
            }

            return removed;
        }
        catch (Exception ex) when (ex is not (ArgumentException or GridException or OperationCanceledException))
        {
            _router.TriggerRefresh();
            throw new GridUnavailableException($"The grid failed {what}: {ex.Message}", ex);
        }
    }
}
