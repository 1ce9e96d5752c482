namespace Grid;

/// <summary>
/// What one client process reports to the cluster about the cache levels in front of the grid (its near cache, and
/// the edge and output caches of an ASP.NET Core application), so a silo's dashboard can show every level's hit
/// ratio: the silos only see the reads that reach them.
/// </summary>
/// <param name="Client">Identifies the reporting client for as long as it runs (a new id per start).</param>
/// <param name="Host">The client's machine and process, for people.</param>
/// <param name="Levels">Counts per level since the client started.</param>
[GenerateSerializer, Immutable, Alias("grid.ClientReport")]
public sealed record GridClientReport([property: Id(0)] string Client, [property: Id(1)] string Host, [property: Id(2)] GridLevelCount[] Levels);

/// <summary>The clients' levels summed: what the clients that reported recently counted since each started.</summary>
/// <param name="Clients">Clients whose report is included.</param>
/// <param name="Levels">Counts per level, summed over those clients.</param>
[GenerateSerializer, Immutable, Alias("grid.ClientLevels")]
public sealed record GridClientLevels([property: Id(0)] int Clients, [property: Id(1)] GridLevelCount[] Levels);
