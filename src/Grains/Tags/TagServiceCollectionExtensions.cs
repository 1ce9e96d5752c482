using Grid.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Grid.Grains.Tags;

/// <summary>Registers the tag index's silo services.</summary>
internal static class TagServiceCollectionExtensions
{
    /// <summary>
    /// The tag pump: a store change listener (recording) and a hosted service (delivering to the index); and the
    /// collector that answers index shards rebuilding their sets from this silo's entries.
    /// </summary>
    public static IServiceCollection AddGridTags(this IServiceCollection services)
    {
        services.AddSingleton<TagPairCollector>();
        services.AddSingleton<TagIndexPump>();
        services.AddSingleton<IStoreChangeListener>(sp => sp.GetRequiredService<TagIndexPump>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<TagIndexPump>());
        return services;
    }
}
