using System.Globalization;
using Grid.Client;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Grid.AspNetCore.Edge;

/// <summary>
/// Edge caching: applies the matching rule's <c>Cache-Control</c>, <c>Expires</c> and <c>Vary</c>, serves cacheable
/// GET and HEAD requests from the grid (<c>X-Cache: HIT</c>, with <c>Age</c>), stores cacheable 200 responses there
/// (<c>X-Cache: MISS</c>), gives them a strong <c>ETag</c> (a hash of the body) and answers a matching
/// <c>If-None-Match</c> with 304. Every response carries <c>X-Cache-Instance</c>. See the README section
/// "ASP.NET Core: distributed cache, HybridCache, output and edge caching" for the rules of what is stored.
/// </summary>
internal sealed partial class GridEdgeCachingMiddleware
{
    private readonly RequestDelegate _next;
    private readonly EdgeRuleSet _rules;
    private readonly GridOutputCacheStore _store;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _instance;
    private readonly int _maxBodyBytes;
    private readonly GridHitCounter? _lookups;

    public GridEdgeCachingMiddleware(RequestDelegate next, IOptions<GridEdgeCachingOptions> options, GridOutputCacheStore store, ILogger<GridEdgeCachingMiddleware> logger, IServiceProvider services)
    {
        _next = next;
        _rules = EdgeRuleSet.Create(options.Value);
        _store = store;
        _logger = logger;
        _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        _instance = options.Value.InstanceName;
        _maxBodyBytes = options.Value.MaxBodyBytes;
        _lookups = services.GetService<GridLevelCounters>()?.For("edge");
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        bool get = HttpMethods.IsGet(request.Method);
        bool head = HttpMethods.IsHead(request.Method);
        if (!get && !head)
        {
            Decorate(context.Response, EdgeRule.NoStore, privateOnly: false);
            await _next(context).ConfigureAwait(false);
            await EvictAfterUnsafeAsync(context).ConfigureAwait(false);
            return;
        }

        var rule = _rules.Match(request.Path.Value ?? "/");
        bool privateOnly = !StringValues.IsNullOrEmpty(request.Headers.Authorization) && !rule.AllowAuthorization;
        if (!rule.Storable || privateOnly)
        {
            Decorate(context.Response, rule, privateOnly);
            await _next(context).ConfigureAwait(false);
            return;
        }

        string key = EdgeCacheKey.Build(request, rule);
        if (await ReadAsync(key, request.Path, context.RequestAborted).ConfigureAwait(false) is { } entry)
        {
            _lookups?.Hit();
            await ServeHitAsync(context, entry).ConfigureAwait(false);
            return;
        }

        _lookups?.Miss();

        if (head)
        {
            // HEAD has no body to hash or store: it is answered by the application, and by GET's entries once stored.
            Decorate(context.Response, rule, privateOnly: false);
            await _next(context).ConfigureAwait(false);
            return;
        }

        await RunAndStoreAsync(context, rule, key).ConfigureAwait(false);
    }

    private async Task ServeHitAsync(HttpContext context, EdgeCacheEntry entry)
    {
        var response = context.Response;
        response.StatusCode = entry.StatusCode;
        foreach (var (name, values) in entry.Headers)
        {
            response.Headers[name] = new StringValues(values);
        }

        long age = Math.Max(0, (long)(_time.GetUtcNow() - entry.Created).TotalSeconds);
        response.Headers.Age = age.ToString(CultureInfo.InvariantCulture);
        response.Headers[EdgeHeaders.XCache] = EdgeHeaders.Hit;
        response.Headers[EdgeHeaders.XCacheInstance] = _instance;
        if (EdgeHeaders.IfNoneMatch(context.Request, entry.ETag))
        {
            NotModified(response);
            return;
        }

        response.ContentLength = entry.Body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(entry.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>Runs the application with the body buffered; stores the response if it may be stored, then sends it.</summary>
    private async Task RunAndStoreAsync(HttpContext context, EdgeRule rule, string key)
    {
        var response = context.Response;
        var late = new EdgeLateHeaders(response, rule);
        late.Register();
        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        var buffer = new EdgeResponseBuffer(
            original.Stream,
            _maxBodyBytes,
            mayBuffer: () => MayStore(response, rule),
            beforePassThrough: () =>
            {
                ApplyHeaders(response, rule, privateOnly: false);
                late.Arm();
            });
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(buffer, original));
        try
        {
            await _next(context).ConfigureAwait(false);
        }
        finally
        {
            context.Features.Set(original);
        }

        if (buffer.PassedThrough)
        {
            return;
        }

        var body = buffer.Buffered;
        if (response.HasStarted)
        {
            await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        bool storable = MayStore(response, rule);
        if (response.StatusCode == StatusCodes.Status200OK && StringValues.IsNullOrEmpty(response.Headers.ETag))
        {
            response.Headers.ETag = EdgeHeaders.StrongETag(body.Span);
        }

        ApplyHeaders(response, rule, privateOnly: false);

        // The entry as it would be stored, taken before a 304 strips the response of its content headers.
        var entry = storable ? new EdgeCacheEntry(_time.GetUtcNow(), StatusCodes.Status200OK, EdgeCacheEntry.StorableHeaders(response.Headers), body) : null;
        bool notModified = response.StatusCode == StatusCodes.Status200OK && EdgeHeaders.IfNoneMatch(context.Request, response.Headers.ETag);
        bool hasBody = !notModified && response.StatusCode is not (StatusCodes.Status204NoContent or StatusCodes.Status304NotModified);
        if (notModified)
        {
            NotModified(response);
        }
        else if (hasBody)
        {
            response.ContentLength = body.Length;
        }

        // Started here, so the application's OnStarting callbacks have run (and the late check after them) before the
        // response is stored: a cookie or no-store added then keeps it out of the cache.
        late.Arm();
        await response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        if (entry is not null && !late.Changed)
        {
            await StoreAsync(context, rule, key, entry).ConfigureAwait(false);
        }

        if (hasBody)
        {
            await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Whether the response may be stored: 200, no <c>Cache-Control</c> of the application's own (it decides then), no
    /// <c>Set-Cookie</c> unless the rule allows it, no <c>Vary</c> on headers outside the rule's key, not an event
    /// stream, not declared larger than the limit.
    /// </summary>
    private bool MayStore(HttpResponse response, EdgeRule rule)
    {
        var headers = response.Headers;
        return response.StatusCode == StatusCodes.Status200OK
            && StringValues.IsNullOrEmpty(headers.CacheControl)
            && (rule.AllowSetCookie || StringValues.IsNullOrEmpty(headers.SetCookie))
            && EdgeHeaders.VaryIsCoveredBy(EdgeHeaders.VaryNames(headers.Vary), rule.Vary)
            && !(response.ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) ?? false)
            && (response.ContentLength is null || response.ContentLength <= _maxBodyBytes);
    }

    private async Task StoreAsync(HttpContext context, EdgeRule rule, string key, EdgeCacheEntry entry)
    {
        string[] tags = [.. rule.Tags, GridEdgeCacheTags.All, GridEdgeCacheTags.ForPath(context.Request.Path.Value ?? "/")];
        try
        {
            await _store.SetAsync(key, entry.Serialize(), tags, rule.Duration, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogStoreFailed(_logger, context.Request.Path.Value, e);
        }
    }

    /// <summary>
    /// RFC 9111 section 4.4: once an unsafe method (POST, PUT, DELETE, PATCH ...) on a path succeeds, what the cache holds
    /// for that path is stale. Its entries (every variant, every instance's: they share the grid) are evicted before the
    /// answer goes out, so the client that changed it reads the change next; only paths a rule may cache cost the call.
    /// A failed eviction is logged: the entries then live out their duration, as they would have without this.
    /// </summary>
    private async Task EvictAfterUnsafeAsync(HttpContext context)
    {
        string path = context.Request.Path.Value ?? "/";
        if (context.Response.StatusCode is < 200 or >= 400 || !_rules.Match(path).Storable)
        {
            return;
        }

        try
        {
            await _store.EvictByTagAsync(GridEdgeCacheTags.ForPath(path), context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogEvictFailed(_logger, path, e);
        }
    }

    private async Task<EdgeCacheEntry?> ReadAsync(string key, PathString path, CancellationToken cancellationToken)
    {
        byte[]? bytes;
        try
        {
            bytes = await _store.ReadAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The site keeps working without its cache: the request is served by the application.
            LogReadFailed(_logger, path.Value, e);
            return null;
        }

        if (bytes is null)
        {
            return null;
        }

        var entry = EdgeCacheEntry.TryDeserialize(bytes);
        if (entry is null)
        {
            LogUnreadableEntry(_logger, path.Value);
        }

        return entry;
    }

    /// <summary>Sets the rule's headers when the response starts (for responses that are not buffered).</summary>
    private void Decorate(HttpResponse response, EdgeRule rule, bool privateOnly) =>
        response.OnStarting(() =>
        {
            ApplyHeaders(response, rule, privateOnly);
            return Task.CompletedTask;
        });

    /// <summary>
    /// <c>Cache-Control</c> and <c>Expires</c> (unless the application set <c>Cache-Control</c> itself): the rule's for
    /// 2xx and 304 responses (<c>private</c> when the request carried credentials or the response sets a cookie and the
    /// rule does not allow it), <c>no-cache, no-store, must-revalidate</c> for anything else; the rule's <c>Vary</c>
    /// merged into the response's; <c>X-Cache: MISS</c> and <c>X-Cache-Instance</c>.
    /// </summary>
    private void ApplyHeaders(HttpResponse response, EdgeRule rule, bool privateOnly)
    {
        var headers = response.Headers;
        bool ruleApplies = response.StatusCode is (>= 200 and < 300) or StatusCodes.Status304NotModified;
        if (StringValues.IsNullOrEmpty(headers.CacheControl))
        {
            if (!ruleApplies || rule.Duration <= TimeSpan.Zero)
            {
                headers.CacheControl = EdgeRule.NoStoreCacheControl;
                headers.Expires = EdgeHeaders.ExpiredDate;
            }
            else
            {
                bool shared = !privateOnly && (rule.AllowSetCookie || StringValues.IsNullOrEmpty(headers.SetCookie));
                headers.CacheControl = shared ? rule.CacheControl : rule.PrivateCacheControl;
                headers.Expires = HeaderUtilities.FormatDate(_time.GetUtcNow() + rule.Duration);
            }
        }

        if (ruleApplies && rule.Vary.Length > 0)
        {
            var vary = EdgeHeaders.VaryNames(headers.Vary);
            foreach (var name in rule.Vary)
            {
                if (!vary.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    vary.Add(name);
                }
            }

            headers.Vary = string.Join(", ", vary);
        }

        headers[EdgeHeaders.XCache] = EdgeHeaders.Miss;
        headers[EdgeHeaders.XCacheInstance] = _instance;
    }

    /// <summary>304: the validators and caching headers stay, the representation's body and its size and type go.</summary>
    private static void NotModified(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status304NotModified;
        response.ContentLength = null;
        response.Headers.ContentType = default;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Edge cache read for {Path} failed; the application answers it")]
    private static partial void LogReadFailed(ILogger logger, string? path, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Edge cache could not store the response of {Path}")]
    private static partial void LogStoreFailed(ILogger logger, string? path, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Edge cache could not evict the entries of {Path} after a request that changed it; they live out their duration")]
    private static partial void LogEvictFailed(ILogger logger, string? path, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Edge cache entry of {Path} is not in a format this version reads; the application answers it")]
    private static partial void LogUnreadableEntry(ILogger logger, string? path);
}
