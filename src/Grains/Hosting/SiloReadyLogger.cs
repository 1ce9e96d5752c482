using Grid.Grains.Cluster;
using Grid.Grains.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Grid.Grains.Hosting;

/// <summary>Logs one line once the silo has joined its cluster and serves clients; scripts and tests wait for it.</summary>
internal sealed partial class SiloReadyLogger(IHostApplicationLifetime lifetime, ILocalSiloDetails silo, ClusterView cluster, PartitionSnapshots snapshots, ILogger<SiloReadyLogger> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => LogReady(logger, silo.SiloAddress.ToParsableString(), silo.GatewayAddress?.ToParsableString() ?? "none"));
        lifetime.ApplicationStopping.Register(() =>
        {
            if (cluster.HasPeer)
            {
                LogStopping(logger, silo.SiloAddress.ToParsableString());
            }
            else if (snapshots.WritesOnShutdown)
            {
                LogStoppingAloneToDisk(logger, silo.SiloAddress.ToParsableString(), snapshots.DirectoryPath!);
            }
            else
            {
                LogStoppingAlone(logger, silo.SiloAddress.ToParsableString());
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Grid silo ready: silo {Silo}, gateway {Gateway}")]
    private static partial void LogReady(ILogger logger, string silo, string gateway);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grid silo {Silo} stopping: handing off and leaving the cluster")]
    private static partial void LogStopping(ILogger logger, string silo);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grid silo {Silo} stopping: it is the only silo, so its entries go with it")]
    private static partial void LogStoppingAlone(ILogger logger, string silo);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grid silo {Silo} stopping: it is the only silo; its partitions are written to {Directory} for the next start")]
    private static partial void LogStoppingAloneToDisk(ILogger logger, string silo, string directory);
}
