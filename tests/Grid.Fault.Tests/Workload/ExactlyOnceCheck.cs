namespace Grid.Fault.Tests.Workload;

/// <summary>The end-of-run check of a counter or a list: acknowledged changes lost, and exactly-once violations (applied twice, out of order, never sent).</summary>
internal sealed record ExactlyOnceCheck(long Lost, long Violations, IReadOnlyList<string> Notes);
