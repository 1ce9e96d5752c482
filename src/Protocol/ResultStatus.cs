namespace Grid.Protocol;

/// <summary>How an operation ended. Wire contract: never renumber.</summary>
internal enum ResultStatus : byte
{
    /// <summary>Done; the result carries the answer.</summary>
    Ok = 0,
    /// <summary>The key (or field) does not exist.</summary>
    NotFound = 1,
    /// <summary>A conditional write did not happen because its condition was false.</summary>
    ConditionNotMet = 2,
    /// <summary>The key holds a value of another type; nothing changed.</summary>
    WrongType = 3,
    /// <summary>The value is not a 64-bit integer; nothing changed.</summary>
    NotInteger = 4,
    /// <summary>The counter would overflow 64 bits; nothing changed.</summary>
    Overflow = 5,
    /// <summary>An argument is invalid (the error says which); nothing changed.</summary>
    InvalidArgument = 6,
    /// <summary>The partition's store is not live on this silo (moving or closed), or could not be reached and the op is a read: the op did not run (or has no effect), so the client sends it again.</summary>
    NotHere = 7,
    /// <summary>An unexpected failure; the error says what.</summary>
    Error = 8,
    /// <summary>The partition could not be reached and the operation (a write) may or may not have been applied; the error says why.</summary>
    Unavailable = 9,
}
