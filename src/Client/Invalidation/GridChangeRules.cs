namespace Grid.Client;

/// <summary>
/// The rules that map data-change events to invalidations, by source. Several rules may name the same source; an event
/// whose source no rule names invalidates nothing.
/// </summary>
/// <example>
/// <code>
/// services.AddGridChangeFeed(rules => rules
///     .ForSource("users", r => r.InvalidateKey("user:{id}").InvalidateTag("user:{id}").InvalidatePattern("user:{id}:*"))
///     .ForSource("users", r => r.OnlyOn(DataChangeKind.Inserted, DataChangeKind.Deleted).InvalidateTag("user-lists"))
///     .ForSource("orders", async (change, ct) => new GridInvalidationTargets().Tag($"customer:{await LookUpCustomerAsync(change.Id, ct)}")));
/// </code>
/// </example>
public sealed class GridChangeRules
{
    private readonly Dictionary<string, List<Func<DataChanged, CancellationToken, ValueTask<GridInvalidationTargets>>>> _bySource = new(StringComparer.Ordinal);

    /// <summary>Adds a template rule for the events of <paramref name="source"/>.</summary>
    /// <param name="source">The source name, compared exactly.</param>
    /// <param name="configure">Fills the rule's templates.</param>
    public GridChangeRules ForSource(string source, Action<GridInvalidationRule> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var rule = new GridInvalidationRule();
        configure(rule);
        return ForSource(source, (change, _) =>
        {
            var targets = new GridInvalidationTargets();
            rule.AddTargets(change, targets);
            return ValueTask.FromResult(targets);
        });
    }

    /// <summary>
    /// Adds a rule computed by code (it may look things up). A rule that throws is retried with backoff like a failed
    /// invalidation; one that throws an <see cref="ArgumentException"/> makes the event poison at once.
    /// </summary>
    /// <param name="source">The source name, compared exactly.</param>
    /// <param name="map">Maps an event to what it invalidates.</param>
    public GridChangeRules ForSource(string source, Func<DataChanged, CancellationToken, ValueTask<GridInvalidationTargets>> map)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentNullException.ThrowIfNull(map);
        if (!_bySource.TryGetValue(source, out var rules))
        {
            _bySource[source] = rules = [];
        }

        rules.Add(map);
        return this;
    }

    /// <summary>Every target of every rule of the event's source (empty when no rule names it).</summary>
    internal async ValueTask<GridInvalidationTargets> ResolveAsync(DataChanged change, CancellationToken cancellationToken)
    {
        var targets = new GridInvalidationTargets();
        if (_bySource.TryGetValue(change.Source, out var rules))
        {
            foreach (var rule in rules)
            {
                targets.AddFrom(await rule(change, cancellationToken).ConfigureAwait(false));
            }
        }

        return targets;
    }
}
