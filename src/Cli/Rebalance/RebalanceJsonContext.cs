using System.Text.Json.Serialization;

namespace Grid.Cli.Rebalance;

/// <summary>Source-generated JSON for <c>grid rebalance status --json</c> (camelCase, indented).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(GridRebalanceStatus))]
internal sealed partial class RebalanceJsonContext : JsonSerializerContext;
