using BenchmarkDotNet.Attributes;
using Grid.Client;

namespace Grid.Bench.Micro;

/// <summary>The typed API's default serializer: a small record to UTF-8 JSON and back.</summary>
[MemoryDiagnoser]
public class SerializerBenchmarks
{
    private readonly SystemTextJsonGridSerializer _serializer = new();
    private readonly ProductSummary _product = new(42, "Espresso machine", 249.90m, ["kitchen", "coffee"], DateTimeOffset.UnixEpoch.AddDays(20_000));
    private byte[] _bytes = [];

    [GlobalSetup]
    public void Setup() => _bytes = _serializer.Serialize(_product);

    [Benchmark(Description = "STJ serialize small record")]
    public byte[] Serialize() => _serializer.Serialize(_product);

    [Benchmark(Description = "STJ deserialize small record")]
    public ProductSummary? Deserialize() => _serializer.Deserialize<ProductSummary>(_bytes);

    [Benchmark(Description = "STJ round trip small record")]
    public ProductSummary? RoundTrip() => _serializer.Deserialize<ProductSummary>(_serializer.Serialize(_product));

    /// <summary>A typical small cached object.</summary>
    public sealed record ProductSummary(int Id, string Name, decimal Price, string[] Tags, DateTimeOffset UpdatedAt);
}
