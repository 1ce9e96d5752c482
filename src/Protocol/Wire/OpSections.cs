namespace Grid.Protocol.Wire;

/// <summary>Which optional parts follow an operation's key in a frame. Wire contract: never renumber.</summary>
[Flags]
internal enum OpSections : byte
{
    None = 0,
    Arg0 = 1,
    Arg1 = 2,
    Value = 4,
    Field = 8,
    Values = 16,
    Tags = 32,
    RequestId = 64,
    ExpectedVersion = 128,
}
