using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace Grid.Silo.Admin;

/// <summary>Liveness: the process runs and its silo has not stopped or failed (Kubernetes restarts the pod otherwise).</summary>
internal sealed class SiloLiveHealthCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Dead
            ? HealthCheckResult.Unhealthy($"Silo {silo.SiloAddress} is declared dead by the cluster.")
            : HealthCheckResult.Healthy($"Silo {silo.SiloAddress} is {status}."));
    }
}

/// <summary>
/// Readiness: the silo joined its cluster and serves (membership status Active), and the host is not stopping. A
/// stopping silo turns unready at once, so Kubernetes takes it out of the client Service while it hands off.
/// </summary>
internal sealed class SiloReadyHealthCheck(IClusterMembershipService membership, ILocalSiloDetails silo, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The silo is stopping: handing its partitions off."));
        }

        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The silo is starting."));
        }

        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"Silo {silo.SiloAddress} is active in the cluster.")
            : HealthCheckResult.Unhealthy($"Silo {silo.SiloAddress} is {status}, not active."));
    }
}
