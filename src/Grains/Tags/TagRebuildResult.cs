namespace Grid.Grains.Tags;

/// <summary>How a rebuild went: pairs received, rounds of asking, silos asked, partitions it had to activate.</summary>
internal readonly record struct TagRebuildResult(long Pairs, int Rounds, int Silos, int Activated);
