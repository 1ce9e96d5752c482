namespace Grid.Protocol.Wire;

/// <summary>
/// A batch's place among one client's batches to one silo entry: <see cref="Batch"/>, its number (from a counter of the
/// client's, so no two of its batches share one; 0 = not numbered), and <see cref="After"/>, the number of a batch still
/// out when this one left that holds an operation on a partition this one also touches, where one of the two writes
/// (0 = none). The silo runs a batch with <see cref="After"/> only once that batch ran there; otherwise it runs nothing of
/// it and answers every operation <see cref="ResultStatus.OutOfOrder"/>, and the client sends them again after it.
/// So one client's operations on a partition keep their order without the later one waiting on the client for the
/// earlier one's answer (a round trip), which a hot key's writes otherwise do nearly every time.
/// </summary>
/// <param name="Batch">This batch's number, or 0.</param>
/// <param name="After">The number of the batch that must have run first on the silo, or 0.</param>
internal readonly record struct BatchOrder(long Batch, long After);
