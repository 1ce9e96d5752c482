using System.Collections.Concurrent;

namespace Grid.Samples.WebApi;

/// <summary>A product.</summary>
public sealed record Product(int Id, string Name, decimal Price);

/// <summary>A user.</summary>
public sealed record User(int Id, string Name, string Email);

/// <summary>What a user's page shows: derived from the user, cached with the user's tag.</summary>
public sealed record UserSummary(int Id, string Title, DateTimeOffset ComputedAt);

/// <summary>New values for a product.</summary>
public sealed record ProductUpdate(string Name, decimal Price);

/// <summary>New values for a user.</summary>
public sealed record UserUpdate(string Name, string Email);

/// <summary>How often the "database" was read: each read is a cache miss somewhere.</summary>
public sealed record CatalogStats(long ProductLoads, long UserLoads);

/// <summary>The sample's system of record: an in-memory "database" with a read delay, counting its reads.</summary>
public sealed class Catalog
{
    private static readonly TimeSpan ReadDelay = TimeSpan.FromMilliseconds(50);
    private readonly ConcurrentDictionary<int, Product> _products = new();
    private readonly ConcurrentDictionary<int, User> _users = new();
    private long _productLoads;
    private long _userLoads;

    /// <summary>Creates the catalog with a few products and users.</summary>
    public Catalog()
    {
        _products[1] = new Product(1, "Keyboard", 49.90m);
        _products[2] = new Product(2, "Mouse", 19.90m);
        _products[3] = new Product(3, "Monitor", 189.00m);
        _users[1] = new User(1, "Ada", "ada@example.com");
        _users[2] = new User(2, "Grace", "grace@example.com");
    }

    /// <summary>Reads so far.</summary>
    public CatalogStats Stats => new(Interlocked.Read(ref _productLoads), Interlocked.Read(ref _userLoads));

    /// <summary>Whether a product exists.</summary>
    public bool HasProduct(int id) => _products.ContainsKey(id);

    /// <summary>Whether a user exists.</summary>
    public bool HasUser(int id) => _users.ContainsKey(id);

    /// <summary>Reads every product (slowly).</summary>
    public async ValueTask<Product[]> LoadProductsAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(ReadDelay, cancellationToken);
        Interlocked.Increment(ref _productLoads);
        return [.. _products.Values.OrderBy(p => p.Id)];
    }

    /// <summary>Reads one product (slowly).</summary>
    public async ValueTask<Product> LoadProductAsync(int id, CancellationToken cancellationToken)
    {
        await Task.Delay(ReadDelay, cancellationToken);
        Interlocked.Increment(ref _productLoads);
        return _products[id];
    }

    /// <summary>Reads one user (slowly).</summary>
    public async ValueTask<User> LoadUserAsync(int id, CancellationToken cancellationToken)
    {
        await Task.Delay(ReadDelay, cancellationToken);
        Interlocked.Increment(ref _userLoads);
        return _users[id];
    }

    /// <summary>Updates a product; null when it does not exist.</summary>
    public Product? UpdateProduct(int id, ProductUpdate update) =>
        _products.TryGetValue(id, out var current) ? _products[id] = current with { Name = update.Name, Price = update.Price } : null;

    /// <summary>Updates a user; null when it does not exist.</summary>
    public User? UpdateUser(int id, UserUpdate update) =>
        _users.TryGetValue(id, out var current) ? _users[id] = current with { Name = update.Name, Email = update.Email } : null;
}
