namespace Grid.Extensions.Caching;

/// <summary>Settings of <see cref="GridDistributedCache"/>.</summary>
public sealed class GridDistributedCacheOptions
{
    /// <summary>Put before every key, so distributed-cache entries live in their own part of the key space (like RedisCacheOptions.InstanceName). Default "dc:".</summary>
    public string KeyPrefix { get; set; } = "dc:";

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate() => ArgumentNullException.ThrowIfNull(KeyPrefix, nameof(KeyPrefix));
}
