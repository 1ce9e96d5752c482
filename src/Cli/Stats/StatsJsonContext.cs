using System.Text.Json.Serialization;

namespace Grid.Cli.Stats;

/// <summary>Source-generated JSON for <c>grid stats --json</c> and <c>grid hotkeys --json</c> (camelCase, indented).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(StatsReport))]
[JsonSerializable(typeof(GridHotKey[]))]
internal sealed partial class StatsJsonContext : JsonSerializerContext;
