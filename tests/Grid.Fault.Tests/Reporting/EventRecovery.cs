namespace Grid.Fault.Tests.Reporting;

/// <summary>
/// Throughput recovery after one fault: seconds, or null when throughput was not back before
/// <see cref="ObservedUntil"/> (the next fault, or the end of the load); <see cref="IsCrash"/> when
/// <see cref="FaultGoals.MaxRecoveryAfterCrash"/> applies (a kill -9 or a SIGSTOP).
/// </summary>
internal sealed record EventRecovery(string What, bool IsCrash, double? Seconds, double LowestFraction, string ObservedUntil)
{
    public string Describe() =>
        Seconds is { } seconds ? seconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " s" : "not back before " + ObservedUntil;
}
