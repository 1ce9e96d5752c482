using System.Globalization;
using Grid.Grains.Hosting;
using Grid.Silo.Admin;
using Grid.Tests.Shared.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using YamlDotNet.RepresentationModel;

namespace Grid.Deploy.Tests;

/// <summary>The Kubernetes manifests parse, carry the fields that matter, and agree with each other and with the silo.</summary>
public sealed class ManifestTests
{
    private static Manifest StatefulSet => Manifests.Single("StatefulSet", "grid-silo");

    private static YamlMappingNode PodSpec => StatefulSet.Root.Path("spec", "template", "spec");

    private static YamlMappingNode SiloContainer => PodSpec.Seq("containers").Maps().Single(c => c.Scalar("name") == "silo");

    private static Dictionary<string, string> PodLabels => StatefulSet.Root.Path("spec", "template", "metadata", "labels").ToStrings();

    private static Dictionary<string, int> ContainerPorts =>
        SiloContainer.Seq("ports").Maps().ToDictionary(p => p.Scalar("name"), p => int.Parse(p.Scalar("containerPort"), CultureInfo.InvariantCulture));

    private static Dictionary<string, string> SiloConfig => Manifests.Single("ConfigMap", "grid-silo-config").Root.Map("data").ToStrings();

    [Fact]
    public void Every_manifest_object_has_api_version_kind_and_name()
    {
        Assert.NotEmpty(Manifests.All);
        foreach (var manifest in Manifests.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(manifest.Root.Scalar("apiVersion")), manifest.ToString());
            Assert.False(string.IsNullOrWhiteSpace(manifest.Kind), manifest.ToString());
            Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", manifest.Name);
        }
    }

    [Fact]
    public void The_kustomization_lists_exactly_the_manifest_files()
    {
        var kustomization = Manifests.Documents(Path.Combine(Manifests.Directory, "kustomization.yaml")).Single();
        var listed = kustomization.Seq("resources").Children.Select(n => ((YamlScalarNode)n).Value!).Order(StringComparer.Ordinal).ToArray();
        var files = Directory.GetFiles(Manifests.Directory, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(files, listed);
        Assert.Equal("grid-silo", kustomization.Seq("images").Maps().Single().Scalar("name"));
        Assert.Equal("grid-silo", SiloContainer.Scalar("image"));
    }

    [Fact]
    public void The_silo_configuration_binds_to_the_silo_options_without_unknown_keys_and_validates()
    {
        var options = BindSiloConfig();
        Assert.Empty(SiloOptionsFailures.Of(options));
        Assert.Equal(1, options.Replication.Replicas);
        Assert.Equal(GridReplicationMode.Sync, options.Replication.Mode);
    }

    [Fact]
    public void Container_ports_match_the_silo_configuration_and_its_defaults()
    {
        var options = BindSiloConfig();
        var defaults = new GridSiloOptions();
        Assert.Equal(defaults.Clustering.SiloPort, ContainerPorts["silo"]);
        Assert.Equal(defaults.Clustering.GatewayPort, ContainerPorts["gateway"]);
        Assert.Equal(defaults.Admin.Port, ContainerPorts["admin"]);
        Assert.Equal(options.Clustering.SiloPort, ContainerPorts["silo"]);
        Assert.Equal(options.Clustering.GatewayPort, ContainerPorts["gateway"]);
        Assert.Equal(options.Admin.Port, ContainerPorts["admin"]);
        Assert.Equal(defaults.Resp.Port, ContainerPorts["resp"]);
        Assert.Equal(options.Resp.Port, ContainerPorts["resp"]);
    }

    [Fact]
    public void The_resp_endpoint_is_on_and_served_on_its_own_service_port_with_readiness_unchanged()
    {
        Assert.True(BindSiloConfig().Resp.Enabled);
        var service = Manifests.Single("Service", "grid-resp");
        var port = service.Root.Path("spec").Seq("ports").Maps().Single();
        Assert.Equal("resp", port.Scalar("name"));
        Assert.Equal("6379", port.Scalar("port"));
        Assert.Equal("resp", port.Scalar("targetPort"));
        Assert.Equal(PodLabels["app.kubernetes.io/name"], service.Root.Path("spec", "selector").ToStrings()["app.kubernetes.io/name"]);

        // Readiness stays the silo's health endpoint on the admin port.
        var readiness = SiloContainer.Map("readinessProbe").Map("httpGet");
        Assert.Equal("admin", readiness.Scalar("port"));
        Assert.Equal("/health/ready", readiness.Scalar("path"));
    }

    [Fact]
    public void Probes_hit_the_admin_port_on_the_silo_health_paths()
    {
        var probes = new Dictionary<string, string> { ["startupProbe"] = GridAdmin.LivePath, ["livenessProbe"] = GridAdmin.LivePath, ["readinessProbe"] = GridAdmin.ReadyPath };
        foreach (var (probe, path) in probes)
        {
            var get = SiloContainer.Path(probe, "httpGet");
            Assert.Equal(path, get.Scalar("path"));
            Assert.Equal("admin", get.Scalar("port"));
        }

        // A starting silo gets time to join the cluster before liveness applies.
        var startup = SiloContainer.Map("startupProbe");
        int startupSeconds = int.Parse(startup.Scalar("periodSeconds"), CultureInfo.InvariantCulture) * int.Parse(startup.Scalar("failureThreshold"), CultureInfo.InvariantCulture);
        Assert.True(startupSeconds >= 60, $"the startup probe allows {startupSeconds} s");
    }

    [Fact]
    public void The_grace_period_outlasts_the_pre_stop_pause_and_the_shutdown_hand_off()
    {
        var options = BindSiloConfig();
        int grace = int.Parse(PodSpec.Scalar("terminationGracePeriodSeconds"), CultureInfo.InvariantCulture);
        var preStop = SiloContainer.Path("lifecycle", "preStop", "exec").Seq("command").Children.Select(c => ((YamlScalarNode)c).Value!).ToArray();
        var sleep = System.Text.RegularExpressions.Regex.Match(string.Join(' ', preStop), @"sleep (\d+)");
        Assert.True(sleep.Success, "preStop pauses with sleep");
        int pause = int.Parse(sleep.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(grace > pause + options.ShutdownTimeout.TotalSeconds, $"grace {grace} s must exceed preStop {pause} s + shutdown {options.ShutdownTimeout.TotalSeconds} s");
    }

    [Fact]
    public void Memory_requests_and_limits_cover_the_budget_and_the_replicas()
    {
        var options = BindSiloConfig();
        var resources = SiloContainer.Map("resources");
        long limit = Quantity(resources.Path("limits").Scalar("memory"));
        long request = Quantity(resources.Path("requests").Scalar("memory"));
        Assert.Equal(limit, request);
        double needed = (1 + options.Replication.Replicas) * options.MaxMemoryBytes / 0.6;
        Assert.True(limit >= needed, $"limit {limit} must be at least (1 + replicas) x MaxMemoryBytes / 0.6 = {needed:0}");
        Assert.True(limit <= needed * 1.5, $"limit {limit} wastes memory: the budget could be raised (needed {needed:0})");
    }

    [Fact]
    public void The_pod_advertises_its_own_ip_and_name_from_the_downward_api()
    {
        var env = SiloContainer.Seq("env").Maps().ToDictionary(e => e.Scalar("name"));
        Assert.Equal("status.podIP", env["POD_IP"].Path("valueFrom", "fieldRef").Scalar("fieldPath"));
        Assert.Equal("metadata.name", env["POD_NAME"].Path("valueFrom", "fieldRef").Scalar("fieldPath"));
        Assert.Equal("metadata.namespace", env["POD_NAMESPACE"].Path("valueFrom", "fieldRef").Scalar("fieldPath"));
        Assert.Equal("$(POD_IP)", env["Grid__Clustering__AdvertisedAddress"].Scalar("value"));
        Assert.Equal("$(POD_NAME)", env["Grid__Clustering__SiloName"].Scalar("value"));
        Assert.Equal("grid-silo-config", SiloContainer.Seq("envFrom").Maps().Single().Path("configMapRef").Scalar("name"));
    }

    [Fact]
    public void Selectors_match_the_pod_labels_and_services_target_named_container_ports()
    {
        var selector = StatefulSet.Root.Path("spec", "selector", "matchLabels").ToStrings();
        Assert.All(selector, pair => Assert.Equal(pair.Value, PodLabels[pair.Key]));
        foreach (var service in Manifests.All.Where(m => m.Kind == "Service" && m.Name.StartsWith("grid-silo", StringComparison.Ordinal) || m.Name is "grid-gateway" or "grid-resp"))
        {
            var serviceSelector = service.Root.Path("spec", "selector").ToStrings();
            Assert.All(serviceSelector, pair => Assert.Equal(pair.Value, PodLabels[pair.Key]));
            foreach (var port in service.Root.Path("spec").Seq("ports").Maps())
            {
                var target = port.Scalar("targetPort");
                Assert.True(ContainerPorts.ContainsKey(target), $"{service}: targetPort {target} is not a container port name");
                Assert.Equal(ContainerPorts[target], int.Parse(port.Scalar("port"), CultureInfo.InvariantCulture));
            }
        }

        var headless = Manifests.Single("Service", StatefulSet.Root.Path("spec").Scalar("serviceName"));
        Assert.Equal("None", headless.Root.Path("spec").Scalar("clusterIP"));
        var pdb = Manifests.Single("PodDisruptionBudget", "grid-silo").Root.Path("spec");
        Assert.Equal(selector, pdb.Path("selector", "matchLabels").ToStrings());
        Assert.Equal("1", pdb.Scalar("maxUnavailable"));
    }

    [Fact]
    public void The_silos_find_redis_at_the_redis_service()
    {
        var redis = Manifests.Single("Service", "grid-redis");
        var port = redis.Root.Path("spec").Seq("ports").Maps().Single();
        var deployment = Manifests.Single("Deployment", "grid-redis");
        var containerPort = deployment.Root.Path("spec", "template", "spec").Seq("containers").Maps().Single().Seq("ports").Maps().Single();
        Assert.Equal(containerPort.Scalar("containerPort"), port.Scalar("port"));
        Assert.Equal(deployment.Root.Path("spec", "template", "metadata", "labels").ToStrings(), redis.Root.Path("spec", "selector").ToStrings());
        var endpoint = BindSiloConfig().Clustering.Redis!.Split(',')[0];
        Assert.Equal($"{redis.Name}:{port.Scalar("port")}", endpoint);
    }

    [Fact]
    public void The_autoscaler_scales_the_silo_statefulset_and_keeps_a_replica_partner()
    {
        var spec = Manifests.Single("HorizontalPodAutoscaler", "grid-silo").Root.Path("spec");
        var target = spec.Map("scaleTargetRef");
        Assert.Equal("StatefulSet", target.Scalar("kind"));
        Assert.Equal(StatefulSet.Name, target.Scalar("name"));
        int min = int.Parse(spec.Scalar("minReplicas"), CultureInfo.InvariantCulture);
        Assert.True(min >= 2, "replicas need a second silo");
        Assert.True(int.Parse(spec.Scalar("maxReplicas"), CultureInfo.InvariantCulture) > min);
        var scaleDown = spec.Path("behavior", "scaleDown").Seq("policies").Maps().Single();
        Assert.Equal("1", scaleDown.Scalar("value"));
    }

    [Fact]
    public void The_dockerfile_builds_the_silo_and_exposes_the_manifest_ports()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Manifests.Root, "Dockerfile"));
        Assert.Contains("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", dockerfile, StringComparison.Ordinal);
        Assert.Contains("FROM mcr.microsoft.com/dotnet/aspnet:10.0", dockerfile, StringComparison.Ordinal);
        Assert.Contains("dotnet publish src/Silo/Grid.Silo.csproj", dockerfile, StringComparison.Ordinal);
        Assert.Contains("COPY src/Shared/ src/Shared/", dockerfile, StringComparison.Ordinal); // compiled into Grid.Grains
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"Grid.Silo.dll\"]", dockerfile, StringComparison.Ordinal);
        var exposed = System.Text.RegularExpressions.Regex.Match(dockerfile, @"^EXPOSE (.+)$", System.Text.RegularExpressions.RegexOptions.Multiline).Groups[1].Value
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).Order().ToArray();
        Assert.Equal(ContainerPorts.Values.Order().ToArray(), exposed);
    }

    /// <summary>Binds the ConfigMap exactly as the silo would read it from the environment (strictly: unknown keys throw).</summary>
    private static GridSiloOptions BindSiloConfig()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(SiloConfig.Select(p => KeyValuePair.Create(p.Key.Replace("__", ":", StringComparison.Ordinal), (string?)p.Value)))
            .Build();
        return GridSiloHostingExtensions.BindOptions(configuration);
    }

    /// <summary>A Kubernetes memory quantity (Ki, Mi, Gi or plain bytes) in bytes.</summary>
    private static long Quantity(string text)
    {
        var units = new Dictionary<string, long> { ["Ki"] = 1L << 10, ["Mi"] = 1L << 20, ["Gi"] = 1L << 30 };
        foreach (var (suffix, factor) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal))
            {
                return long.Parse(text[..^suffix.Length], CultureInfo.InvariantCulture) * factor;
            }
        }

        return long.Parse(text, CultureInfo.InvariantCulture);
    }
}
