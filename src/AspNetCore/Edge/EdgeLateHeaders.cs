using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Grid.AspNetCore.Edge;

/// <summary>
/// The caching headers an application adds as its response starts (its <c>OnStarting</c> callbacks: a session's cookie
/// and <c>no-store</c>), after the edge cache decided from the headers it saw when the application returned. Its check
/// is registered before the application runs, so it runs after the application's own callbacks (ASP.NET Core runs them
/// in reverse order of registration) and sees the headers as they go out. A response whose <c>Cache-Control</c> or
/// cookies changed then is not stored; one that gained a cookie its rule does not allow goes out private, so no shared
/// cache downstream keeps it either.
/// </summary>
internal sealed class EdgeLateHeaders(HttpResponse response, EdgeRule rule)
{
    private StringValues _cacheControl;
    private StringValues _setCookie;
    private bool _armed;

    /// <summary>True once the response started with other caching headers than those noted by <see cref="Arm"/>.</summary>
    public bool Changed { get; private set; }

    /// <summary>Registers the check; call before the application runs.</summary>
    public void Register() => response.OnStarting(static state => ((EdgeLateHeaders)state).Check(), this);

    /// <summary>Notes the caching headers as the edge cache decided them, just before the response starts.</summary>
    public void Arm()
    {
        _cacheControl = response.Headers.CacheControl;
        _setCookie = response.Headers.SetCookie;
        _armed = true;
    }

    private Task Check()
    {
        if (!_armed)
        {
            return Task.CompletedTask;
        }

        var headers = response.Headers;
        bool cacheControlChanged = !StringValues.Equals(headers.CacheControl, _cacheControl);
        bool cookieAdded = !rule.AllowSetCookie && !StringValues.Equals(headers.SetCookie, _setCookie);
        Changed = cacheControlChanged || cookieAdded;
        if (cookieAdded && !cacheControlChanged && StringValues.Equals(headers.CacheControl, rule.CacheControl))
        {
            headers.CacheControl = rule.PrivateCacheControl;
        }

        return Task.CompletedTask;
    }
}
