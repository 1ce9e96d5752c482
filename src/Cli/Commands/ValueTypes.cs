namespace Grid.Cli.Commands;

/// <summary>The value types each family of commands works on.</summary>
internal static class ValueTypes
{
    public static readonly GridValueType[] Any = [GridValueType.String, GridValueType.Counter, GridValueType.Hash, GridValueType.List];

    public static readonly GridValueType[] Strings = [GridValueType.String, GridValueType.Counter];

    public static readonly GridValueType[] Counters = [GridValueType.Counter];

    public static readonly GridValueType[] Hashes = [GridValueType.Hash];

    public static readonly GridValueType[] Lists = [GridValueType.List];
}
