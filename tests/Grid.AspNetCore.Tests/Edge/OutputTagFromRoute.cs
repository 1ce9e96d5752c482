using Microsoft.AspNetCore.OutputCaching;

namespace Grid.AspNetCore.Tests.Edge;

/// <summary>Tags an output-cached response with <c>out-{id}</c>, so each test evicts only its own entry.</summary>
internal sealed class OutputTagFromRoute : IOutputCachePolicy
{
    public ValueTask CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        context.Tags.Add("out-" + context.HttpContext.Request.RouteValues["id"]);
        return ValueTask.CompletedTask;
    }

    public ValueTask ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    public ValueTask ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;
}
