namespace Grid;

/// <summary>Hits and misses of one cache level, counted since the process that reports them started.</summary>
/// <param name="Level">The level: <c>l1</c> (a client's near cache), <c>edge</c> (HTTP edge caching), <c>output</c> (ASP.NET Core output caching).</param>
/// <param name="Hits">Lookups the level answered.</param>
/// <param name="Misses">Lookups it did not (they went on to the next level, or to the application).</param>
[GenerateSerializer, Immutable, Alias("grid.LevelCount")]
public sealed record GridLevelCount([property: Id(0)] string Level, [property: Id(1)] long Hits, [property: Id(2)] long Misses);
