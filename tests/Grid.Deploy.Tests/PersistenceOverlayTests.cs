using Grid.Grains.Hosting;
using Grid.Tests.Shared.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using YamlDotNet.RepresentationModel;

namespace Grid.Deploy.Tests;

/// <summary>
/// The optional warm-restart overlay (<c>deploy/k8s/persistence</c>): it builds on the base, gives each silo pod a
/// volume claim mounted where <c>Grid__Persistence__Directory</c> points, and its settings bind and validate with the
/// base configuration.
/// </summary>
public sealed class PersistenceOverlayTests
{
    private static readonly string Overlay = Path.Combine(Manifests.Directory, "persistence");

    private static YamlMappingNode Patch => Manifests.Documents(Path.Combine(Overlay, "silo-persistence.yaml")).Single();

    private static YamlMappingNode PatchedContainer => Patch.Path("spec", "template", "spec").Seq("containers").Maps().Single(c => c.Scalar("name") == "silo");

    private static Dictionary<string, string> PatchedEnv => PatchedContainer.Seq("env").Maps().ToDictionary(e => e.Scalar("name"), e => e.Scalar("value"));

    [Fact]
    public void The_overlay_builds_on_the_base_and_patches_the_silo_statefulset()
    {
        var kustomization = Manifests.Documents(Path.Combine(Overlay, "kustomization.yaml")).Single();
        Assert.Equal("..", Assert.Single(kustomization.Seq("resources").Children.Select(n => ((YamlScalarNode)n).Value)));
        Assert.Equal("silo-persistence.yaml", Assert.Single(kustomization.Seq("patches").Maps()).Scalar("path"));

        var statefulSet = Manifests.Single("StatefulSet", "grid-silo");
        Assert.Equal(statefulSet.Kind, Patch.Scalar("kind"));
        Assert.Equal(statefulSet.Name, Patch.Map("metadata").Scalar("name"));
    }

    [Fact]
    public void The_volume_claim_is_mounted_where_the_silo_writes_its_snapshots()
    {
        var claim = Assert.Single(Patch.Map("spec").Seq("volumeClaimTemplates").Maps());
        string name = claim.Map("metadata").Scalar("name");
        var mount = Assert.Single(PatchedContainer.Seq("volumeMounts").Maps());

        Assert.Equal(name, mount.Scalar("name"));
        Assert.Equal(PatchedEnv["Grid__Persistence__Directory"], mount.Scalar("mountPath"));
        Assert.Equal("ReadWriteOnce", Assert.Single(claim.Path("spec").Seq("accessModes").Children.Select(n => ((YamlScalarNode)n).Value)));
        Assert.False(string.IsNullOrWhiteSpace(claim.Path("spec", "resources", "requests").Scalar("storage")));

        // Not a path the base already mounts (the memory-backed /tmp, the secrets).
        var baseMounts = Manifests.Single("StatefulSet", "grid-silo").Root.Path("spec", "template", "spec").Seq("containers").Maps()
            .Single(c => c.Scalar("name") == "silo").Seq("volumeMounts").Maps().Select(m => m.Scalar("mountPath"));
        Assert.DoesNotContain(mount.Scalar("mountPath"), baseMounts);
    }

    [Fact]
    public void The_overlay_settings_bind_with_the_base_configuration_and_validate()
    {
        var baseConfig = Manifests.Single("ConfigMap", "grid-silo-config").Root.Map("data").ToStrings();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(baseConfig.Concat(PatchedEnv).Select(p => KeyValuePair.Create(p.Key.Replace("__", ":", StringComparison.Ordinal), (string?)p.Value)))
            .Build();

        var options = GridSiloHostingExtensions.BindOptions(configuration);

        Assert.Empty(SiloOptionsFailures.Of(options));
        Assert.True(options.Persistence.Enabled);
        Assert.True(options.Persistence.OnShutdown);
        Assert.True(options.Persistence.Interval > TimeSpan.Zero);
    }
}
