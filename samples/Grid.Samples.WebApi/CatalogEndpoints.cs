using Grid.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Samples.WebApi;

/// <summary>The sample's endpoints: cache-aside with tags, invalidation on update, an output-cached report.</summary>
public static class CatalogEndpoints
{
    private static readonly TimeSpan Life = TimeSpan.FromMinutes(10);

    /// <summary>Maps <c>/api/products</c>, <c>/api/users</c>, <c>/reports/products</c> and <c>/stats</c>.</summary>
    public static void MapCatalog(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");

        // Cache-aside: one database read per key for all concurrent callers; tagged so an update can drop it.
        api.MapGet("/products", (IGridCache cache, Catalog catalog, CancellationToken ct) =>
            cache.GetOrSetAsync("products:all", catalog.LoadProductsAsync, Cached("products"), ct));

        api.MapGet("/products/{id:int}", async (int id, IGridCache cache, Catalog catalog, CancellationToken ct) =>
            catalog.HasProduct(id)
                ? Results.Ok(await cache.GetOrSetAsync($"product:{id}", t => catalog.LoadProductAsync(id, t), Cached($"product:{id}", "products"), ct))
                : Results.NotFound());

        // Update: check the body (400 with problem details, nothing written), write the new value and, in the same call,
        // drop everything tagged "products" (the list) except the entry just written; then evict the output-cached and
        // edge-cached responses tagged "products".
        api.MapPut("/products/{id:int}", async (int id, ProductUpdate update, IGridCache cache, IOutputCacheStore responses, Catalog catalog, CancellationToken ct) =>
        {
            if (UpdateValidation.Problems(update) is { Count: > 0 } problems)
            {
                return Results.ValidationProblem(problems);
            }

            if (catalog.UpdateProduct(id, update) is not { } product)
            {
                return Results.NotFound();
            }

            await cache.SetAsync($"product:{id}", product, new GridEntryOptions
            {
                TimeToLive = Life,
                Tags = [$"product:{id}", "products"],
                InvalidateTags = ["products"],
            }, ct);
            await responses.EvictByTagAsync("products", ct);
            return Results.Ok(product);
        });

        api.MapGet("/users/{id:int}", async (int id, IGridCache cache, Catalog catalog, CancellationToken ct) =>
            catalog.HasUser(id)
                ? Results.Ok(await cache.GetOrSetAsync($"user:{id}", t => catalog.LoadUserAsync(id, t), Cached($"user:{id}", "users"), ct))
                : Results.NotFound());

        // Derived from the user and tagged with it: the user's update drops it.
        api.MapGet("/users/{id:int}/summary", async (int id, IGridCache cache, Catalog catalog, CancellationToken ct) =>
            catalog.HasUser(id)
                ? Results.Ok(await cache.GetOrSetAsync($"user:{id}:summary", async t =>
                {
                    var user = await catalog.LoadUserAsync(id, t);
                    return new UserSummary(id, $"{user.Name} <{user.Email}>", DateTimeOffset.UtcNow);
                }, Cached($"user:{id}"), ct))
                : Results.NotFound());

        api.MapPut("/users/{id:int}", async (int id, UserUpdate update, IGridCache cache, Catalog catalog, CancellationToken ct) =>
        {
            if (UpdateValidation.Problems(update) is { Count: > 0 } problems)
            {
                return Results.ValidationProblem(problems);
            }

            if (catalog.UpdateUser(id, update) is not { } user)
            {
                return Results.NotFound();
            }

            await cache.SetAsync($"user:{id}", user, new GridEntryOptions
            {
                TimeToLive = Life,
                Tags = [$"user:{id}", "users"],
                InvalidateTags = [$"user:{id}"],
            }, ct);
            return Results.Ok(user);
        });

        // ASP.NET Core output caching, stored in the grid: every instance shares the rendered report.
        app.MapGet("/reports/products", async (Catalog catalog, CancellationToken ct) =>
        {
            var products = await catalog.LoadProductsAsync(ct);
            return new { Count = products.Length, Total = products.Sum(p => p.Price), RenderedAt = DateTimeOffset.UtcNow };
        }).CacheOutput("reports");

        app.MapGet("/stats", (Catalog catalog) => catalog.Stats);
    }

    private static GridGetOrSetOptions Cached(params string[] tags) => new()
    {
        Entry = new GridEntryOptions { TimeToLive = Life, Tags = tags },
    };
}
