namespace Grid.Protocol;

/// <summary>Modifiers of a <see cref="GridOp"/>. Wire contract: never renumber.</summary>
[Flags]
internal enum OpFlags : byte
{
    /// <summary>No modifier.</summary>
    None = 0,
    /// <summary>Set only when the key does not exist.</summary>
    IfNotExists = 1,
    /// <summary>Set only when the key exists.</summary>
    IfExists = 2,
    /// <summary>List operations act on the left (head) end; otherwise the right (tail).</summary>
    Left = 4,
    /// <summary>
    /// A read whose result the client will keep in its near cache: the silo tracks the key for the client and answers
    /// with the tracking details (partition version, remaining time to live, invalidation sequence).
    /// </summary>
    Track = 8,
    /// <summary>Set (and <see cref="OpCode.SetGet"/>): an existing key keeps its expiry (Redis's KEEPTTL); Arg0/Arg1 apply to a new key.</summary>
    KeepTtl = 16,
    /// <summary>
    /// Runs only when the entry's version is <see cref="GridOp.ExpectedVersion"/> (0: the key does not exist); otherwise
    /// nothing changes and the answer is <see cref="ResultStatus.ConditionNotMet"/> with the current version.
    /// </summary>
    IfVersion = 32,
    /// <summary>The answer carries the entry's version after the operation (<see cref="GridResult.EntryVersion"/>; 0 when absent).</summary>
    WithVersion = 64,
    /// <summary>
    /// A GET of a hot key sent to the silo holding its partition's replica: that silo answers a string hit from the
    /// replica (not a sliding entry, whose reads must move its deadline on the primary) and sends anything else on to
    /// the partition, as for any op whose partition is elsewhere. Ignored where the partition is live.
    /// </summary>
    ReplicaRead = 128,
}
