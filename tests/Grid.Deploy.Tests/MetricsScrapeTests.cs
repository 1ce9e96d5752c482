using System.Globalization;
using Grid.Grains.Hosting;
using Grid.Silo.Admin;
using Grid.Tests.Shared.Options;
using YamlDotNet.RepresentationModel;

namespace Grid.Deploy.Tests;

/// <summary>Prometheus finds every silo's /metrics on the admin port: pod annotations, the metrics Service, the ServiceMonitor.</summary>
public sealed class MetricsScrapeTests
{
    private static Manifest StatefulSet => Manifests.Single("StatefulSet", "grid-silo");

    private static int AdminContainerPort => int.Parse(
        StatefulSet.Root.Path("spec", "template", "spec").Seq("containers").Maps().Single(c => c.Scalar("name") == "silo")
            .Seq("ports").Maps().Single(p => p.Scalar("name") == "admin").Scalar("containerPort"),
        CultureInfo.InvariantCulture);

    [Fact]
    public void Silo_pods_carry_prometheus_scrape_annotations_for_the_admin_port_and_metrics_path()
    {
        var annotations = StatefulSet.Root.Path("spec", "template", "metadata", "annotations").ToStrings();
        Assert.Equal("true", annotations["prometheus.io/scrape"]);
        Assert.Equal(AdminContainerPort.ToString(CultureInfo.InvariantCulture), annotations["prometheus.io/port"]);
        Assert.Equal(new GridAdminOptions().Port, AdminContainerPort);
        Assert.Equal(GridAdmin.MetricsPath, annotations["prometheus.io/path"]);
    }

    [Fact]
    public void The_metrics_service_exposes_the_admin_port_of_every_silo()
    {
        var service = Manifests.Single("Service", "grid-silo-metrics").Root;
        var port = service.Path("spec").Seq("ports").Maps().Single();
        Assert.Equal("admin", port.Scalar("targetPort"));
        Assert.Equal(AdminContainerPort, int.Parse(port.Scalar("port"), CultureInfo.InvariantCulture));
        Assert.Equal("metrics", service.Path("metadata", "labels").ToStrings()["app.kubernetes.io/component"]);
    }

    [Fact]
    public void The_optional_service_monitor_selects_the_metrics_service_and_scrapes_its_admin_port()
    {
        var monitor = Manifests.Documents(Path.Combine(Manifests.Directory, "monitoring", "servicemonitor.yaml")).Single();
        Assert.Equal("ServiceMonitor", monitor.Scalar("kind"));
        var service = Manifests.Single("Service", "grid-silo-metrics").Root;
        var serviceLabels = service.Path("metadata", "labels").ToStrings();
        var selector = monitor.Path("spec", "selector", "matchLabels").ToStrings();
        Assert.All(selector, pair => Assert.Equal(pair.Value, serviceLabels[pair.Key]));
        var endpoint = monitor.Path("spec").Seq("endpoints").Maps().Single();
        Assert.Equal(service.Path("spec").Seq("ports").Maps().Single().Scalar("name"), endpoint.Scalar("port"));
        Assert.Equal(GridAdmin.MetricsPath, endpoint.Scalar("path"));
    }

    [Fact]
    public void The_dashboard_is_off_unless_configured_and_its_options_validate()
    {
        var defaults = new GridAdminOptions();
        Assert.False(defaults.Dashboard.Enabled);
        Assert.True(defaults.Metrics);
        Assert.Empty(SiloOptionsFailures.Of(defaults));
        Assert.StartsWith("Grid:Admin:Dashboard:Path 'dashboard' must be an absolute path", Assert.Single(SiloOptionsFailures.Of(new GridAdminOptions { Dashboard = new GridDashboardOptions { Path = "dashboard" } })), StringComparison.Ordinal);
        Assert.StartsWith("Grid:Admin:Dashboard:RefreshInterval must be between", Assert.Single(SiloOptionsFailures.Of(new GridAdminOptions { Dashboard = new GridDashboardOptions { RefreshInterval = TimeSpan.Zero } })), StringComparison.Ordinal);
    }
}
