using System.Collections.Concurrent;
using Grid.Client;
using Grid.Client.Invalidation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace Grid.Cluster.Tests.Tags;

/// <summary>Item 5: data-change events mapped by rules to keys, tags and patterns, in order per source, with retries and poison handling.</summary>
[Collection(TagsCollection.Name)]
public sealed class ChangeFeedTests(TagsClusterFixture fixture)
{
    private GridCache Cache => fixture.Cache;

    /// <summary>A started change-feed processor over the fixture's cache, with fast retries.</summary>
    private sealed class Feed : IAsyncDisposable
    {
        private readonly ServiceProvider _services;
        private readonly List<IHostedService> _hosted;

        public Feed(GridCache cache, Action<GridChangeRules> rules, Action<IServiceCollection>? more = null, int maxAttempts = 3)
        {
            var services = new ServiceCollection();
            services.AddLogging(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
            services.AddSingleton<IGridCache>(cache);
            more?.Invoke(services);
            services.AddGridChangeFeed(rules, o =>
            {
                o.MaxAttempts = maxAttempts;
                o.RetryDelay = TimeSpan.FromMilliseconds(1);
                o.MaxRetryDelay = TimeSpan.FromMilliseconds(5);
            });
            _services = services.BuildServiceProvider();
            _hosted = _services.GetServices<IHostedService>().ToList();
            foreach (var service in _hosted)
            {
                service.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
            }
        }

        public FakeLoggerProvider Logs { get; } = new();

        public IChangeFeed Publisher => _services.GetRequiredService<IChangeFeed>();

        public ChangeFeedStatistics Statistics => _services.GetRequiredService<ChangeFeedProcessor>().Statistics;

        public async Task PublishAndWaitAsync(params DataChanged[] changes)
        {
            long target = Statistics.Completed + changes.Length;
            foreach (var change in changes)
            {
                await Publisher.PublishAsync(change);
            }

            await WaitForAsync(target);
        }

        public Task WaitForAsync(long completed) =>
            Poll.UntilAsync(() => Task.FromResult(Statistics.Completed >= completed), TimeSpan.FromSeconds(20), $"{completed} events were processed");

        public async ValueTask DisposeAsync()
        {
            foreach (var service in _hosted)
            {
                await service.StopAsync(CancellationToken.None);
            }

            await _services.DisposeAsync();
        }
    }

    private static string Id() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task A_changed_row_invalidates_its_key_tag_and_pattern()
    {
        string id = Id();
        await using var feed = new Feed(Cache, rules => rules.ForSource("users", r => r
            .InvalidateKey("user:{id}").InvalidateTag("user:{id}").InvalidatePattern("user:{id}:*")));
        await Cache.SetStringAsync($"user:{id}", "row");
        await Cache.SetStringAsync($"profile-page:{id}", "html", new GridEntryOptions { Tags = [$"user:{id}"] });
        await Cache.SetStringAsync($"user:{id}:orders", "[]");
        await Cache.SetStringAsync($"user:{id}x", "another user");

        await feed.PublishAndWaitAsync(new DataChanged("users", id, DataChangeKind.Updated));

        Assert.Null(await Cache.GetAsync($"user:{id}"));
        Assert.Null(await Cache.GetAsync($"profile-page:{id}"));
        Assert.Null(await Cache.GetAsync($"user:{id}:orders"));
        Assert.Equal("another user", await Cache.GetStringAsync($"user:{id}x"));
        Assert.Equal(1, feed.Statistics.Applied);
    }

    [Fact]
    public async Task Rules_can_be_limited_to_kinds_of_change_and_unknown_sources_invalidate_nothing()
    {
        string lists = $"user-lists:{Id()}";
        await using var feed = new Feed(Cache, rules => rules
            .ForSource("users", r => r.OnlyOn(DataChangeKind.Inserted, DataChangeKind.Deleted).InvalidateTag(lists)));
        await Cache.SetStringAsync($"list:{lists}", "[1,2]", new GridEntryOptions { Tags = [lists] });

        await feed.PublishAndWaitAsync(new DataChanged("users", "1", DataChangeKind.Updated), new DataChanged("orders", "1", DataChangeKind.Deleted));
        Assert.Equal("[1,2]", await Cache.GetStringAsync($"list:{lists}"));

        await feed.PublishAndWaitAsync(new DataChanged("users", "2", DataChangeKind.Inserted));
        Assert.Null(await Cache.GetAsync($"list:{lists}"));
    }

    [Fact]
    public async Task Events_of_one_source_are_applied_in_the_order_they_were_published()
    {
        var applied = new ConcurrentDictionary<string, ConcurrentQueue<int>>();
        ValueTask<GridInvalidationTargets> Record(DataChanged change, CancellationToken _)
        {
            applied.GetOrAdd(change.Source, _ => new()).Enqueue(int.Parse(change.Id, System.Globalization.CultureInfo.InvariantCulture));
            return ValueTask.FromResult(new GridInvalidationTargets());
        }

        string[] sources = ["a", "b", "c", "d", "e", "f"];
        await using var feed = new Feed(Cache, rules =>
        {
            foreach (var source in sources)
            {
                rules.ForSource(source, Record);
            }
        });

        var changes = Enumerable.Range(0, 600).Select(i => new DataChanged(sources[i % sources.Length], i.ToString(System.Globalization.CultureInfo.InvariantCulture), DataChangeKind.Updated)).ToArray();
        await feed.PublishAndWaitAsync(changes);

        foreach (var source in sources)
        {
            var ids = applied[source].ToArray();
            Assert.Equal(100, ids.Length);
            Assert.Equal(ids.Order(), ids);
        }
    }

    [Fact]
    public async Task A_failing_event_is_retried_with_backoff_until_it_succeeds()
    {
        int attempts = 0;
        string key = $"flaky:{Id()}";
        await Cache.SetStringAsync(key, "v");
        await using var feed = new Feed(Cache, rules => rules.ForSource("flaky", (_, _) =>
            Interlocked.Increment(ref attempts) <= 2
                ? throw new TimeoutException("the lookup database is slow")
                : ValueTask.FromResult(new GridInvalidationTargets().Key(key))));

        await feed.PublishAndWaitAsync(new DataChanged("flaky", "1", DataChangeKind.Updated));

        Assert.Equal(3, attempts);
        Assert.Equal(2, feed.Statistics.Retries);
        Assert.Equal(1, feed.Statistics.Applied);
        Assert.Null(await Cache.GetAsync(key));
    }

    [Fact]
    public async Task A_poison_event_is_logged_and_skipped_and_the_events_after_it_still_apply()
    {
        string key = $"after-poison:{Id()}";
        await Cache.SetStringAsync(key, "v");
        await using var feed = new Feed(Cache, rules => rules
            .ForSource("orders", (change, _) => change.Id switch
            {
                "broken" => throw new InvalidOperationException("this row cannot be mapped"),
                "rejected" => throw new ArgumentException("not an order id"),
                _ => ValueTask.FromResult(new GridInvalidationTargets().Key(key)),
            }));

        await feed.PublishAndWaitAsync(
            new DataChanged("orders", "broken", DataChangeKind.Updated) { Position = "lsn:7" },
            new DataChanged("orders", "rejected", DataChangeKind.Updated),
            new DataChanged("orders", "ok", DataChangeKind.Updated));

        Assert.Equal(2, feed.Statistics.Poisoned);
        Assert.Equal(1, feed.Statistics.Applied);
        Assert.Equal(2, feed.Statistics.Retries);
        Assert.Null(await Cache.GetAsync(key));
        var poison = feed.Logs.Collector.GetSnapshot().Where(r => r.Level == LogLevel.Error).ToList();
        Assert.Equal(2, poison.Count);
        Assert.Contains("orders/broken", poison[0].Message, StringComparison.Ordinal);
        Assert.Contains("lsn:7", poison[0].Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(poison[0].Exception);
        Assert.IsType<ArgumentException>(poison[1].Exception);
    }

    [Fact]
    public async Task Bad_targets_from_a_rule_make_the_event_poison_without_retries()
    {
        await using var feed = new Feed(Cache, rules => rules.ForSource("users", r => r.InvalidateTag("{id}")));
        await feed.PublishAndWaitAsync(new DataChanged("users", "", DataChangeKind.Updated));
        Assert.Equal(1, feed.Statistics.Poisoned);
        Assert.Equal(0, feed.Statistics.Retries);
    }

    /// <summary>A feed adapter as a CDC connector would be: events with positions, acknowledged back.</summary>
    private sealed class ListFeed : IChangeFeedConsumer
    {
        public static readonly List<DataChanged> Events = [];
        public static readonly ConcurrentQueue<string?> Acknowledged = new();

        public async IAsyncEnumerable<DataChanged> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var change in Events)
            {
                yield return change;
            }

            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        public ValueTask AcknowledgeAsync(DataChanged change, CancellationToken cancellationToken)
        {
            Acknowledged.Enqueue(change.Position);
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task A_feed_adapter_is_read_beside_the_in_process_feed_and_every_event_is_acknowledged_in_order()
    {
        string id = Id();
        await Cache.SetStringAsync($"cdc:{id}:1", "v");
        await Cache.SetStringAsync($"cdc:{id}:2", "v");
        await Cache.SetStringAsync($"cdc:{id}:3", "v");
        ListFeed.Events.Clear();
        ListFeed.Events.AddRange(
        [
            new DataChanged("cdc", $"{id}:1", DataChangeKind.Updated) { Position = "1" },
            new DataChanged("cdc", $"{id}:2", DataChangeKind.Deleted) { Position = "2" },
        ]);
        await using var feed = new Feed(Cache, rules => rules.ForSource("cdc", r => r.InvalidateKey("cdc:{id}")), services =>
            services.AddGridChangeFeedConsumer<ListFeed>());

        await feed.WaitForAsync(2);
        await feed.PublishAndWaitAsync(new DataChanged("cdc", $"{id}:3", DataChangeKind.Updated));

        Assert.Equal(["1", "2"], ListFeed.Acknowledged.Where(p => p is not null));
        Assert.All(await Cache.GetManyAsync([$"cdc:{id}:1", $"cdc:{id}:2", $"cdc:{id}:3"]), Assert.Null);
    }

    [Fact]
    public void Pattern_templates_escape_glob_characters_of_the_id()
    {
        var targets = new GridInvalidationTargets();
        new GridInvalidationRule().InvalidatePattern("user:{id}:*").InvalidateKey("user:{{id}}").AddTargets(new DataChanged("users", "4*[x]", DataChangeKind.Updated), targets);
        Assert.Equal([@"user:4\*\[x\]:*"], targets.Patterns);
        Assert.Equal(["user:{4*[x]}"], targets.Keys);
    }

    [Fact]
    public void Bad_feed_settings_are_refused_on_start_and_bad_templates_at_registration()
    {
        // Settings are validated when the host starts, as every Grid options class: reading them names the setting.
        var invalid = new ServiceCollection();
        invalid.AddGridChangeFeed(_ => { }, o => o.MaxAttempts = 0);
        using (var provider = invalid.BuildServiceProvider())
        {
            var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<GridChangeFeedOptions>>().Value);
            Assert.Equal("GridChangeFeed:MaxAttempts must be between 1 and 100 (it is 0).", Assert.Single(error.Failures));
        }

        var services = new ServiceCollection();
        Assert.ThrowsAny<ArgumentException>(() => services.AddGridChangeFeed(r => r.ForSource("users", rule => rule.InvalidateKey(""))));
        Assert.ThrowsAny<ArgumentException>(() => services.AddGridChangeFeed(r => r.ForSource("", rule => rule.InvalidateKey("k"))));
        services.AddGridChangeFeed(r => r.ForSource("users", rule => rule.InvalidateKey("user:{id}")));
        Assert.Throws<InvalidOperationException>(() => services.AddGridChangeFeed(r => r.ForSource("orders", rule => rule.InvalidateKey("order:{id}"))));
    }
}
