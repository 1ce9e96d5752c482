using System.Globalization;
using System.Net;
using Grid.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.AspNetCore.Tests.Edge;

/// <summary>The edge-caching middleware on two real Kestrel instances sharing a two-silo grid.</summary>
[Collection(GridCollection.Name)]
public sealed class EdgeCachingTests(GridSilosFixture grid)
{
    private static string Unique(string pattern) => string.Format(CultureInfo.InvariantCulture, pattern, Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Static_assets_are_public_for_a_year_and_immutable()
    {
        var apps = await EdgeTestApps.GetAsync(grid);
        foreach (var path in new[] { Unique("/static/{0}/app.js"), Unique("/lib/{0}.css"), Unique("/img/{0}.png") })
        {
            var reply = await Reply.GetAsync(apps.A.Client, path);

            Assert.Equal(HttpStatusCode.OK, reply.Status);
            Assert.Equal("public, max-age=31536000, immutable", reply["Cache-Control"]);
            AssertExpiresIn(reply, TimeSpan.FromDays(365));
            Assert.Equal("MISS", reply.XCache);
            Assert.Equal("a", reply["X-Cache-Instance"]);
            Assert.Matches("^\"[0-9a-f]{32}\"$", reply["ETag"]);
        }
    }

    [Fact]
    public async Task Api_responses_are_cached_briefly_and_vary_by_accept_and_authorization()
    {
        var apps = await EdgeTestApps.GetAsync(grid);
        var reply = await Reply.GetAsync(apps.A.Client, Unique("/api/items/{0}"));

        Assert.Equal("public, max-age=30", reply["Cache-Control"]);
        AssertExpiresIn(reply, TimeSpan.FromSeconds(30));
        Assert.Equal("Accept, Authorization", reply["Vary"]);
        Assert.Equal("MISS", reply.XCache);
    }

    [Fact]
    public async Task Html_pages_are_public_for_an_hour()
    {
        var apps = await EdgeTestApps.GetAsync(grid);
        var reply = await Reply.GetAsync(apps.A.Client, Unique("/pages/{0}.html"));

        Assert.Equal("public, max-age=3600", reply["Cache-Control"]);
        AssertExpiresIn(reply, TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task Everything_else_is_no_cache_no_store_and_never_stored()
    {
        var apps = await EdgeTestApps.GetAsync(grid);
        string path = Unique("/reports/{0}");

        var first = await Reply.GetAsync(apps.A.Client, path);
        var second = await Reply.GetAsync(apps.A.Client, path);

        Assert.Equal("no-cache, no-store, must-revalidate", first["Cache-Control"]);
        Assert.Equal("Thu, 01 Jan 1970 00:00:00 GMT", first["Expires"]);
        Assert.Null(first["ETag"]);
        Assert.Equal("MISS,MISS", Seq(first.XCache, second.XCache));
        Assert.Equal(2, apps.A.Runs(path));
    }

    [Fact]
    public async Task A_miss_is_stored_and_the_other_instance_answers_hit_with_the_first_instances_entry()
    {
        var apps = await EdgeTestApps.GetAsync(grid);
        string path = Unique("/api/items/{0}");

        var miss = await Reply.GetAsync(apps.A.Client, path);
        var hit = await Reply.GetAsync(apps.B.Client, path);

        Assert.Equal(("MISS", "a"), (miss.XCache, miss["X-Cache-Instance"]));
        Assert.Equal(("HIT", "b"), (hit.XCache, hit["X-Cache-Instance"]));
        Assert.Equal($"{path} from a run 1", hit.Body);
        Assert.Equal(miss.Body, hit.Body);
        Assert.Equal(miss["ETag"], hit["ETag"]);
        Assert.Equal(miss["Cache-Control"], hit["Cache-Control"]);
        Assert.Equal(miss["Content-Type"], hit["Content-Type"]);
        Assert.True(int.Parse(hit["Age"]!, CultureInfo.InvariantCulture) >= 0);
        Assert.Equal((1, 0), (apps.A.Runs(path), apps.B.Runs(path)));
    }

    [Fact]
    public async Task Requests_with_different_accept_headers_are_different_entries()
    {
        var apps = await EdgeTestApps.GetAsync(grid);
        string path = Unique("/api/items/{0}");

        var json = await Reply.GetAsync(apps.A.Client, path, ("Accept", "application/json"));
        var text = await Reply.GetAsync(apps.A.Client, path, ("Accept", "text/plain"));
        var jsonAgain = await Reply.GetAsync(apps.B.Client, path, ("Accept", "application/json"));
        var textAgain = await Reply.GetAsync(apps.B.Client, path, ("Accept", "text/plain"));

        Assert.Equal("MISS,MISS,HIT,HIT", Seq(json.XCache, text.XCache, jsonAgain.XCache, textAgain.XCache));
        Assert.StartsWith("application/json", jsonAgain["Content-Type"], StringComparison.Ordinal);
        Assert.StartsWith("text/plain", textAgain["Content-Type"], StringComparison.Ordinal);
        Assert.Equal(json.Body, jsonAgain.Body);
        Assert.Equal(text.Body, textAgain.Body);
        Assert.NotEqual(json["ETag"], text["ETag"]);
        Assert.Equal(2, apps.A.Runs(path));
    }

    [Fact]
    public async Task A_matching_if_none_match_is_answered_with_304_from_the_cache_and_from_the_application()
    {
        var apps = await EdgeTestApps.GetAsync(grid);
        string path = Unique("/api/stable/{0}");
        var first = await Reply.GetAsync(apps.A.Client, path);
        string etag = first["ETag"]!;

        var fromCache = await Reply.GetAsync(apps.B.Client, path, ("If-None-Match", etag));
        var weakAndListed = await Reply.GetAsync(apps.B.Client, path, ("If-None-Match", $"\"other\", W/{etag}"));
        var other = await Reply.GetAsync(apps.B.Client, path, ("If-None-Match", "\"something-else\""));

        Assert.Equal((HttpStatusCode.NotModified, "HIT", etag, ""), (fromCache.Status, fromCache.XCache, fromCache["ETag"], fromCache.Body));
        Assert.Equal("public, max-age=30", fromCache["Cache-Control"]);
        Assert.Equal(HttpStatusCode.NotModified, weakAndListed.Status);
        Assert.Equal((HttpStatusCode.OK, first.Body), (other.Status, other.Body));

        // Evicted, the application answers again; the same body has the same ETag, so the miss is a 304 too.
        await apps.A.App.Services.GetRequiredService<IOutputCacheStore>().EvictByTagAsync(GridEdgeCacheTags.ForPath(path), default);
        var fromApplication = await Reply.GetAsync(apps.A.Client, path, ("If-None-Match", etag));
        Assert.Equal((HttpStatusCode.NotModified, "MISS", ""), (fromApplication.Status, fromApplication.XCache, fromApplication.Body));
        Assert.Equal(2, apps.A.Runs(path));
    }

    [Fact]
    public async Task Responses_that_set_cookies_are_sent_private_and_not_stored()
    {
        var apps = await EdgeTestApps.GetAsync(grid);
        string path = Unique("/api/cookie/{0}");

        var first = await Reply.GetAsync(apps.A.Client, path);
        var second = await Reply.GetAsync(apps.B.Client, path);

        Assert.Contains("session=", first["Set-Cookie"], StringComparison.Ordinal);
        Assert.Equal("private, max-age=30", first["Cache-Control"]);
        Assert.Equal("MISS,MISS", Seq(first.XCache, second.XCache));
        Assert.Equal((1, 1), (apps.A.Runs(path), apps.B.Runs(path)));
    }

    [Theory]
    [InlineData("/api/late-cookie/{0}")]
    [InlineData("/api/late-no-store/{0}")]
    [InlineData("/api/late-session/{0}")]
    public async Task Headers_added_as_the_response_starts_are_seen_and_such_responses_are_not_stored(string pathFormat)
    {
        // A session's cookie and no-store come from an OnStarting callback, after the application returned: a response
        // decided storable before it started would have served one user's page to every other one.
        var apps = await EdgeTestApps.GetAsync(grid);
        string path = Unique(pathFormat);

        var first = await Reply.GetAsync(apps.A.Client, path);
        var second = await Reply.GetAsync(apps.B.Client, path);

        Assert.Equal("MISS,MISS", Seq(first.XCache, second.XCache));
        Assert.Equal((1, 1), (apps.A.Runs(path), apps.B.Runs(path)));
        Assert.DoesNotContain("public", first["Cache-Control"] ?? "", StringComparison.Ordinal);
        if (pathFormat.Contains("late-cookie", StringComparison.Ordinal))
        {
            // A cookie the rule does not allow makes the response private, for downstream caches too.
            Assert.Contains("late=", first["Set-Cookie"], StringComparison.Ordinal);
            Assert.Equal("private, max-age=30", first["Cache-Control"]);
        }
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task A_successful_unsafe_request_evicts_what_the_edge_cache_holds_for_its_path(string method)
    {
        // RFC 9111 section 4.4: a cache invalidates the target URI once an unsafe method on it succeeds.
        var apps = await EdgeTestApps.GetAsync(grid);
        string path = Unique("/api/item/{0}");
        var miss = await Reply.GetAsync(apps.A.Client, path);
        var hit = await Reply.GetAsync(apps.B.Client, path);

        using var change = await apps.A.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.True(change.IsSuccessStatusCode);
        var after = await Reply.GetAsync(apps.B.Client, path);

        Assert.Equal("MISS,HIT,MISS", Seq(miss.XCache, hit.XCache, after.XCache));
        Assert.Equal((2, 1), (apps.A.Runs(path), apps.B.Runs(path)));
    }

    [Fact]
    public async Task A_rule_that_allows_cookies_stores_the_response_without_its_cookie()
    {
        var apps = await EdgeTestApps.GetAsync(grid);
        string path = Unique("/cookie-ok/{0}");

        var first = await Reply.GetAsync(apps.A.Client, path);
        var hit = await Reply.GetAsync(apps.B.Client, path);

        Assert.NotNull(first["Set-Cookie"]);
        Assert.Equal("public, max-age=60", first["Cache-Control"]);
        Assert.Equal("HIT", hit.XCache);
        Assert.Null(hit["Set-Cookie"]);
    }

    [Fact]
    public async Task Requests_with_authorization_bypass_the_cache_unless_the_rule_allows_them()
    {
        var apps = await EdgeTestApps.GetAsync(grid);
        string path = Unique("/api/items/{0}");
        var anonymous = await Reply.GetAsync(apps.A.Client, path);

        var authorized = await Reply.GetAsync(apps.B.Client, path, ("Authorization", "Bearer token-1"));
        var authorizedAgain = await Reply.GetAsync(apps.B.Client, path, ("Authorization", "Bearer token-1"));

        Assert.Equal("MISS", anonymous.XCache);
        Assert.Equal("MISS,MISS", Seq(authorized.XCache, authorizedAgain.XCache));   // never the anonymous entry, never stored
        Assert.Equal("private, max-age=30", authorized["Cache-Control"]);
        Assert.Equal(2, apps.B.Runs(path));
    }

    [Fact]
    public async Task A_rule_that_allows_authorization_keeps_one_entry_per_credential()
    {
        var apps = await EdgeTestApps.GetAsync(grid);
        string path = Unique("/private-api/{0}");

        var first = await Reply.GetAsync(apps.A.Client, path, ("Authorization", "Bearer alice"));
        var sameUser = await Reply.GetAsync(apps.B.Client, path, ("Authorization", "Bearer alice"));
        var otherUser = await Reply.GetAsync(apps.B.Client, path, ("Authorization", "Bearer bob"));

        Assert.Equal("MISS,HIT,MISS", Seq(first.XCache, sameUser.XCache, otherUser.XCache));
        Assert.Equal(first.Body, sameUser.Body);
        Assert.Contains("from b", otherUser.Body, StringComparison.Ordinal);
        Assert.Equal("Authorization", first["Vary"]);
    }

    [Fact]
    public async Task Evicting_by_tag_on_one_instance_evicts_for_the_other()
    {
        var apps = await EdgeTestApps.GetAsync(grid);
        string byPath = Unique("/api/items/{0}");
        string byRule = Unique("/tagged/{0}");
        foreach (var path in new[] { byPath, byRule })
        {
            await Reply.GetAsync(apps.A.Client, path);
            Assert.Equal("HIT", (await Reply.GetAsync(apps.A.Client, path)).XCache);
        }

        var store = apps.B.App.Services.GetRequiredService<IOutputCacheStore>();
        await store.EvictByTagAsync(GridEdgeCacheTags.ForPath(byPath), default);
        await store.EvictByTagAsync("tagged-rule", default);

        foreach (var path in new[] { byPath, byRule })
        {
            // The eviction reaches a's near cache by a push: allow it a moment.
            await Poll.UntilAsync(async () => (await Reply.GetAsync(apps.A.Client, path)).XCache == "MISS", TimeSpan.FromSeconds(10), $"{path} missed on a");
            Assert.Equal(2, apps.A.Runs(path));
        }
    }

    [Fact]
    public async Task Responses_other_than_200_are_not_stored_and_get_no_store_headers()
    {
        var apps = await EdgeTestApps.GetAsync(grid);
        string path = Unique("/api/missing/{0}");

        var first = await Reply.GetAsync(apps.A.Client, path);
        var second = await Reply.GetAsync(apps.A.Client, path);

        Assert.Equal(HttpStatusCode.NotFound, first.Status);
        Assert.Equal("no-cache, no-store, must-revalidate", first["Cache-Control"]);
        Assert.Equal("MISS,MISS", Seq(first.XCache, second.XCache));
        Assert.Equal(2, apps.A.Runs(path));
    }

    [Fact]
    public async Task A_304_from_the_application_keeps_the_rules_headers_and_is_not_stored()
    {
        var apps = await EdgeTestApps.GetAsync(grid);
        string path = Unique("/api/not-modified/{0}");

        var first = await Reply.GetAsync(apps.A.Client, path);
        var second = await Reply.GetAsync(apps.A.Client, path);

        Assert.Equal((HttpStatusCode.NotModified, ""), (first.Status, first.Body));
        Assert.Equal("public, max-age=30", first["Cache-Control"]);
        Assert.Equal("MISS,MISS", Seq(first.XCache, second.XCache));
        Assert.Equal(2, apps.A.Runs(path));
    }

    [Fact]
    public async Task Post_is_never_cached()
    {
        var apps = await EdgeTestApps.GetAsync(grid);
        string path = Unique("/api/items/{0}");

        var first = await Reply.SendAsync(apps.A.Client, HttpMethod.Post, path);
        var second = await Reply.SendAsync(apps.A.Client, HttpMethod.Post, path);

        Assert.Equal("no-cache, no-store, must-revalidate", first["Cache-Control"]);
        Assert.Equal("MISS,MISS", Seq(first.XCache, second.XCache));
        Assert.Equal(2, apps.A.Runs(path));
    }

    [Fact]
    public async Task Head_is_answered_from_the_entry_get_stored()
    {
        var apps = await EdgeTestApps.GetAsync(grid);
        string path = Unique("/api/items/{0}");
        var get = await Reply.GetAsync(apps.A.Client, path);

        var head = await Reply.SendAsync(apps.B.Client, HttpMethod.Head, path);

        Assert.Equal((HttpStatusCode.OK, "HIT", ""), (head.Status, head.XCache, head.Body));
        Assert.Equal(get.Body.Length.ToString(CultureInfo.InvariantCulture), head["Content-Length"]);
        Assert.Equal(get["ETag"], head["ETag"]);
    }

    [Fact]
    public async Task Bodies_over_the_limit_stream_through_without_being_stored()
    {
        var apps = await EdgeTestApps.GetAsync(grid);
        string path = Unique("/api/big/{0}");

        var first = await Reply.GetAsync(apps.A.Client, path);
        var second = await Reply.GetAsync(apps.B.Client, path);

        Assert.True(first.Body.Length > 4 * EdgeTestApps.MaxBodyBytes);
        Assert.Equal("MISS,MISS", Seq(first.XCache, second.XCache));
        Assert.Null(first["ETag"]);
        Assert.Equal("public, max-age=30", first["Cache-Control"]);
    }

    [Fact]
    public async Task A_cache_control_the_application_sets_is_kept_and_the_response_is_not_stored()
    {
        var apps = await EdgeTestApps.GetAsync(grid);
        string path = Unique("/api/own-cache-control/{0}");

        var first = await Reply.GetAsync(apps.A.Client, path);
        var second = await Reply.GetAsync(apps.A.Client, path);

        Assert.Equal("public, max-age=5", first["Cache-Control"]);
        Assert.Equal("MISS,MISS", Seq(first.XCache, second.XCache));
    }

    private static string Seq(params string?[] values) => string.Join(",", values);

    private static void AssertExpiresIn(Reply reply, TimeSpan duration)
    {
        var expires = DateTimeOffset.Parse(reply["Expires"]!, CultureInfo.InvariantCulture);
        var expected = DateTimeOffset.UtcNow + duration;
        Assert.InRange(expires, expected - TimeSpan.FromMinutes(1), expected + TimeSpan.FromMinutes(1));
    }
}
