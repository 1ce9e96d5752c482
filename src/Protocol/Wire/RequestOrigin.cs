namespace Grid.Protocol.Wire;

/// <summary>
/// Who numbered the request ids of a frame's operations: <see cref="Client"/> (a random 64-bit id of one client
/// instance; 0 for frames without request ids), and <see cref="CompletedBelow"/>, the number below which every one of
/// that client's requests has completed (answered or given up), so partitions forget what they kept for its retries.
/// </summary>
internal readonly record struct RequestOrigin(ulong Client, long CompletedBelow);
