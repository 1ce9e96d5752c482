namespace Grid.Protocol;

/// <summary>What an operation of a request frame (see src/Protocol) asks a partition to run. Wire contract: never renumber.</summary>
public enum OpCode : byte
{
    /// <summary>Read a string value (a counter reads as its decimal text).</summary>
    Get = 1,
    /// <summary>Write a string value, with optional TTL, sliding window, condition and tags.</summary>
    Set = 2,
    /// <summary>Delete a key of any type.</summary>
    Remove = 3,
    /// <summary>Whether a key exists.</summary>
    Exists = 4,
    /// <summary>Give a key a time to live (Arg0 = milliseconds).</summary>
    Expire = 5,
    /// <summary>Remove a key's expiry.</summary>
    Persist = 6,
    /// <summary>A key's remaining time to live.</summary>
    TimeToLive = 7,
    /// <summary>Add Arg0 to a 64-bit counter.</summary>
    Increment = 8,
    /// <summary>
    /// Read the string value, then write as <see cref="Set"/> does, under one lock hold (Redis's SET ... GET, GETSET):
    /// the result's Value is the old value (none when the key was missing); a key of another type is left alone
    /// (WrongType). The status is the write's (ConditionNotMet when its condition failed).
    /// </summary>
    SetGet = 9,
    /// <summary>Set a hash field.</summary>
    HashSet = 10,
    /// <summary>Read a hash field.</summary>
    HashGet = 11,
    /// <summary>Read all fields of a hash.</summary>
    HashGetAll = 12,
    /// <summary>Delete a hash field.</summary>
    HashDelete = 13,
    /// <summary>Add Arg0 to a counter held in a hash field.</summary>
    HashIncrement = 14,
    /// <summary>Number of fields of a hash.</summary>
    HashLength = 15,
    /// <summary>Push Values onto a list (left or right by flags).</summary>
    ListPush = 20,
    /// <summary>Pop up to Arg0 values from a list end.</summary>
    ListPop = 21,
    /// <summary>Read list elements Arg0..Arg1 (inclusive, negative counts from the end).</summary>
    ListRange = 22,
    /// <summary>Length of a list.</summary>
    ListLength = 23,
    /// <summary>The type of the value at a key.</summary>
    Type = 30,
    /// <summary>Read the string value and delete the key, under one lock hold (Redis's GETDEL); NotFound when missing.</summary>
    GetRemove = 31,
    /// <summary>
    /// Append Value to the string at the key (created when missing; its expiry and tags kept), under one lock hold
    /// (Redis's APPEND); Number is the new length. Arg0 is the longest value allowed (at most the cluster's MaxValueBytes).
    /// </summary>
    Append = 32,
    /// <summary>
    /// Set the op's Key to Value and every further key-value pair of Values (key, value, key, value, ...; every key has
    /// the op key's hash-slot part, so they share its partition) only if none of the keys exists, under one lock hold
    /// (Redis's MSETNX); Number is 1 when they were set, 0 when one existed.
    /// </summary>
    SetIfNoneExist = 33,
    /// <summary>
    /// Read the string value, then change the key's expiry, under one lock hold (Redis's GETEX): Arg0 &gt; 0 expires it
    /// in Arg0 ms, 0 removes its expiry, &lt; 0 deletes the key (an absolute time already past). The result carries the
    /// value read; NotFound when missing; a key of another type is left alone (WrongType).
    /// </summary>
    GetExpire = 34,
    /// <summary>
    /// Give a key a time to live of Arg0 ms (Arg0 &lt;= 0 deletes it) only when its current expiry meets the condition
    /// in Arg1, under one lock hold (Redis's EXPIRE NX/XX/GT/LT): 1 NX (no expiry), 2 XX (an expiry), 4 GT (longer
    /// than now; no expiry counts as infinite), 8 LT (shorter), or XX with GT or LT. Number is 1 when applied.
    /// </summary>
    ExpireIf = 35,
    /// <summary>Takes the key's lease for Arg0 ms for the owner in Value (1 = taken, 0 = another owner holds it).</summary>
    LeaseAcquire = 42,
    /// <summary>Gives back the key's lease if the owner in Value holds it (1 = released).</summary>
    LeaseRelease = 43,
    /// <summary>
    /// Delete a key only when its entry carries the one tag given in the op's tags block (tag invalidation); Number is 1
    /// when removed, 0 when the key is missing or no longer carries the tag.
    /// </summary>
    RemoveTagged = 40,
}
