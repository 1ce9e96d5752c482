using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Grid.Hosting;

namespace Grid.Grains.Hosting;

/// <summary>How a silo finds its cluster and where it listens (section <c>Grid:Clustering</c>).</summary>
public sealed class GridClusteringOptions : GridClusteringOptionsBase, IValidatableObject
{
    /// <summary>Silo-to-silo port. Default 11111.</summary>
    [SettingRange(1, 65535, Rule = "must be a TCP port (1-65535)")]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port. Default 30000.</summary>
    [SettingRange(1, 65535, Rule = "must be a TCP port (1-65535)")]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// Localhost clustering only: the silo port of the primary silo, for a second silo on the same machine.
    /// Default: this silo is the primary.
    /// </summary>
    [SettingRange(1, 65535, Rule = "must be a TCP port (1-65535)")]
    public int? PrimarySiloPort { get; set; }

    /// <summary>The address other silos and clients reach this silo at (Redis clustering). Default: the first non-loopback IPv4 address, or loopback.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>The silo's name in membership and logs (Kubernetes: the pod name). Default: Orleans' own (the host name).</summary>
    public string? SiloName { get; set; }

    /// <summary>The settings, with the Redis password shown as <c>***</c>.</summary>
    public override string ToString() =>
        $"Redis={Grid.Security.RedactedRedis.Of(Redis)}, RedisPasswordFile={RedisPasswordFile}, RedisTrustedCaPath={RedisTrustedCaPath}, ClusterId={ClusterId}, ServiceId={ServiceId}, " +
        $"SiloPort={SiloPort}, GatewayPort={GatewayPort}, PrimarySiloPort={PrimarySiloPort}, AdvertisedAddress={AdvertisedAddress}, SiloName={SiloName}";

    /// <summary>Cross-field rules: distinct ports, a Redis string that parses (with its files), an IP advertised address.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        string section = SettingPath.Of(validationContext);
        if (SiloPort == GatewayPort)
        {
            yield return new ValidationResult(string.Create(CultureInfo.InvariantCulture, $"{section}:SiloPort and GatewayPort must differ (both are {SiloPort})."));
        }

        if (!string.IsNullOrWhiteSpace(Redis) && RedisFailure(Redis, section) is { } redis)
        {
            yield return redis;
        }

        if (AdvertisedAddress is { Length: > 0 } address && !System.Net.IPAddress.TryParse(address, out _))
        {
            yield return new ValidationResult($"{section}:AdvertisedAddress '{address}' is not an IP address.");
        }
    }

    private ValidationResult? RedisFailure(string redis, string section)
    {
        try
        {
            _ = Grid.Security.RedisConnectionSettings.Parse(redis, RedisPasswordFile, RedisTrustedCaPath, section);
            return null;
        }
        catch (ArgumentException ex)
        {
            return new ValidationResult(StrictBinding.WithoutParameter(ex));
        }
    }
}
