using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;

namespace Grid.Resp.Hosting;

/// <summary>The HTTP application Kestrel asks for at start; the RESP endpoint has only connection handlers, so it never runs.</summary>
internal sealed class NoHttpApplication : IHttpApplication<object>
{
    public object CreateContext(IFeatureCollection contextFeatures) => contextFeatures;

    public Task ProcessRequestAsync(object context) => Task.CompletedTask;

    public void DisposeContext(object context, Exception? exception)
    {
    }
}
