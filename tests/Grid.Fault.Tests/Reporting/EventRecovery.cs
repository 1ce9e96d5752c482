namespace Grid.Fault.Tests.Reporting;

/// <summary>
/// Throughput recovery after one fault: seconds, or null when throughput was not back before the load ended;
/// <see cref="IsCrash"/> when <see cref="FaultGoals.MaxRecoveryAfterCrash"/> applies (a kill -9 or a SIGSTOP).
/// </summary>
internal sealed record EventRecovery(string What, bool IsCrash, double? Seconds, double LowestFraction);
