namespace Grid.Grains.Replication;

/// <summary>
/// Finds the entries of a partition that activates with no arriving state (<see cref="ReplicaRecovery"/>). An interface
/// so that fault-injection tests can stand between a partition's activation and its recovery.
/// </summary>
internal interface IReplicaRecovery
{
    /// <summary>The newest replica of <paramref name="partition"/> in the cluster and the silos that hold one, or null when none does.</summary>
    Task<RecoveredPartition?> RecoverAsync(int partition);
}
