using System.Diagnostics;
using System.Globalization;
using Grid.Grains.Hosting;
using Grid.Tests.Shared.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using YamlDotNet.RepresentationModel;

namespace Grid.Deploy.Tests;

/// <summary>The Kubernetes hardening: network policies, non-root read-only pods without capabilities, secrets as files.</summary>
public sealed class SecurityManifestTests
{
    private static readonly string[] Workloads = ["StatefulSet/grid-silo", "Deployment/grid-redis"];

    private static YamlMappingNode PodSpec(string workload)
    {
        var (kind, name) = (workload.Split('/')[0], workload.Split('/')[1]);
        return Manifests.Single(kind, name).Root.Path("spec", "template", "spec");
    }

    private static YamlMappingNode SiloContainer => PodSpec("StatefulSet/grid-silo").Seq("containers").Maps().Single(c => c.Scalar("name") == "silo");

    private static Dictionary<string, YamlMappingNode> SiloEnv => SiloContainer.Seq("env").Maps().ToDictionary(e => e.Scalar("name"));

    private static YamlMappingNode Policy(string name) => Manifests.Single("NetworkPolicy", name).Root.Map("spec");

    [Theory]
    [InlineData("StatefulSet/grid-silo")]
    [InlineData("Deployment/grid-redis")]
    public void Pods_run_as_non_root_with_a_read_only_root_filesystem_no_capabilities_and_no_api_token(string workload)
    {
        var pod = PodSpec(workload);
        Assert.Equal("false", pod.Scalar("automountServiceAccountToken"));
        var podSecurity = pod.Map("securityContext");
        Assert.Equal("true", podSecurity.Scalar("runAsNonRoot"));
        Assert.NotEqual("0", podSecurity.Scalar("runAsUser"));
        Assert.Equal("RuntimeDefault", podSecurity.Path("seccompProfile").Scalar("type"));
        foreach (var container in pod.Seq("containers").Maps())
        {
            var security = container.Map("securityContext");
            Assert.Equal("false", security.Scalar("allowPrivilegeEscalation"));
            Assert.Equal("true", security.Scalar("readOnlyRootFilesystem"));
            Assert.Equal(["ALL"], security.Path("capabilities").Seq("drop").Children.Select(c => ((YamlScalarNode)c).Value));
            Assert.Null(security.Path("capabilities").Find("add"));
            // A read-only root needs a writable /tmp (the .NET runtime and redis' config file).
            Assert.Contains(container.Seq("volumeMounts").Maps(), m => m.Scalar("mountPath") == "/tmp");
        }
    }

    [Fact]
    public void Silo_secrets_are_files_on_read_only_mounts_and_the_settings_point_at_them()
    {
        var mounts = SiloContainer.Seq("volumeMounts").Maps().ToDictionary(m => m.Scalar("name"));
        var volumes = PodSpec("StatefulSet/grid-silo").Seq("volumes").Maps().ToDictionary(v => v.Scalar("name"));
        var expected = new Dictionary<string, (string Secret, string Setting, string File)>
        {
            ["redis-auth"] = ("grid-redis-auth", "Grid__Clustering__RedisPasswordFile", "password"),
            ["tls"] = ("grid-silo-tls", "Grid__Tls__CertificateDirectory", ""),
            ["admin-token"] = ("grid-admin-token", "Grid__Admin__TokenFile", "token"),
        };
        foreach (var (volume, (secret, setting, file)) in expected)
        {
            Assert.Equal(secret, volumes[volume].Path("secret").Scalar("secretName"));
            Assert.Equal("0440", volumes[volume].Path("secret").Scalar("defaultMode"));
            Assert.Equal("true", mounts[volume].Scalar("readOnly"));
            string path = mounts[volume].Scalar("mountPath");
            Assert.Equal(file.Length == 0 ? path : $"{path}/{file}", SiloEnv[setting].Scalar("value"));
        }

        // No secret in the ConfigMap or the environment: no password in the Redis string, no token.
        var config = Manifests.Single("ConfigMap", "grid-silo-config").Root.Map("data").ToStrings();
        Assert.DoesNotContain("password", config["Grid__Clustering__Redis"], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(config.Keys, k => k.Contains("Token", StringComparison.Ordinal) || k.Contains("Password", StringComparison.Ordinal));
        Assert.DoesNotContain(SiloEnv.Values, e => e.Find("valueFrom") is YamlMappingNode from && from.Find("secretKeyRef") is not null);
    }

    [Fact]
    public void Silos_use_mutual_tls_and_the_manifest_settings_bind_to_the_silo_options()
    {
        Assert.Equal("true", SiloEnv["Grid__Tls__Enabled"].Scalar("value"));
        Assert.Equal("Require", SiloEnv["Grid__Tls__ClientCertificateMode"].Scalar("value"));
        var settings = Manifests.Single("ConfigMap", "grid-silo-config").Root.Map("data").ToStrings()
            .Concat(SiloEnv.Where(e => e.Key.StartsWith("Grid__", StringComparison.Ordinal) && e.Value.Find("value") is not null).Select(e => KeyValuePair.Create(e.Key, e.Value.Scalar("value"))))
            .Select(p => KeyValuePair.Create(p.Key.Replace("__", ":", StringComparison.Ordinal), (string?)p.Value));
        var options = GridSiloHostingExtensions.BindOptions(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        Assert.True(options.Tls.Enabled);
        Assert.Equal(GridClientCertificateMode.Require, options.Tls.ClientCertificateMode);
    }

    [Fact]
    public void Redis_takes_its_password_from_the_secret_and_never_on_its_command_line()
    {
        var redis = PodSpec("Deployment/grid-redis").Seq("containers").Maps().Single();
        var env = redis.Seq("env").Maps().Single(e => e.Scalar("name") == "REDIS_PASSWORD");
        var reference = env.Path("valueFrom", "secretKeyRef");
        Assert.Equal("grid-redis-auth", reference.Scalar("name"));
        Assert.Equal("password", reference.Scalar("key"));
        string script = string.Join(' ', redis.Seq("args").Children.Select(c => ((YamlScalarNode)c).Value));
        Assert.Contains("requirepass", script, StringComparison.Ordinal);
        Assert.Contains("> /tmp/redis.conf", script, StringComparison.Ordinal);
        Assert.DoesNotContain("--requirepass", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Network_policies_let_clients_reach_the_gateway_and_resp_only_silos_each_other_and_silos_redis()
    {
        var denyAll = Policy("grid-default-deny");
        Assert.Empty(denyAll.Map("podSelector").Children);
        Assert.Null(denyAll.Find("ingress"));

        var silo = Policy("grid-silo");
        Assert.Equal("grid-silo", silo.Path("podSelector", "matchLabels").Scalar("app.kubernetes.io/name"));
        var ingress = silo.Seq("ingress").Maps().ToList();
        var clientRule = ingress.Single(r => FromLabel(r, "grid.io/client"));
        Assert.Equal([30000, 6379], Ports(clientRule));
        var siloRule = ingress.Single(r => FromLabel(r, "app.kubernetes.io/name", "grid-silo"));
        Assert.Equal([11111], Ports(siloRule));
        Assert.DoesNotContain(ingress, r => r.Find("from") is null);

        var egress = silo.Seq("egress").Maps().ToList();
        Assert.Equal([11111], Ports(egress.Single(r => ToLabel(r, "app.kubernetes.io/name", "grid-silo"))));
        Assert.Equal([6379], Ports(egress.Single(r => ToLabel(r, "app.kubernetes.io/name", "grid-redis"))));
        Assert.Equal([53, 53], Ports(egress.Single(r => ToLabel(r, "k8s-app", "kube-dns"))));
        Assert.Equal(3, egress.Count);

        var redis = Policy("grid-redis");
        var redisIngress = redis.Seq("ingress").Maps().Single();
        Assert.Equal([6379], Ports(redisIngress));
        Assert.True(FromLabel(redisIngress, "app.kubernetes.io/name", "grid-silo"));
    }

    [Fact]
    public void The_kustomization_makes_the_secrets_from_uncommitted_files_with_stable_names()
    {
        var kustomization = Manifests.Documents(Path.Combine(Manifests.Directory, "kustomization.yaml")).Single();
        Assert.Equal("true", kustomization.Path("generatorOptions").Scalar("disableNameSuffixHash"));
        var generators = kustomization.Seq("secretGenerator").Maps().ToDictionary(g => g.Scalar("name"));
        Assert.Equal(["grid-admin-token", "grid-redis-auth", "grid-silo-tls"], generators.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("kubernetes.io/tls", generators["grid-silo-tls"].Scalar("type"));
        var ignore = File.ReadAllText(Path.Combine(Manifests.Directory, "secrets", ".gitignore"));
        Assert.Contains("*", ignore, StringComparison.Ordinal);
        foreach (var file in generators.Values.SelectMany(g => g.Seq("files").Children).Select(f => ((YamlScalarNode)f).Value!.Split('=')[1]))
        {
            Assert.StartsWith("secrets/", file, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_secret_script_makes_certificates_the_silo_and_client_load_and_trust()
    {
        if (!File.Exists("/usr/bin/openssl"))
        {
            return; // The script needs openssl; the CI machine has it.
        }

        string output = Path.Combine(Path.GetTempPath(), "grid-secrets-" + Guid.NewGuid().ToString("N"));
        try
        {
            var start = new ProcessStartInfo("bash", [Path.Combine(Manifests.Directory, "secrets", "make-secrets.sh"), output]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using (var process = Process.Start(start)!)
            {
                process.WaitForExit(60_000);
                Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());
            }

            // The silo reads the secret directory as Kubernetes mounts it (tls.crt, tls.key, ca.crt).
            string mounted = Path.Combine(output, "mounted");
            Directory.CreateDirectory(mounted);
            File.Copy(Path.Combine(output, "silo.crt"), Path.Combine(mounted, "tls.crt"));
            File.Copy(Path.Combine(output, "silo.key"), Path.Combine(mounted, "tls.key"));
            File.Copy(Path.Combine(output, "ca.crt"), Path.Combine(mounted, "ca.crt"));
            var silo = new GridSiloTlsOptions { Enabled = true, CertificateDirectory = mounted, ClientCertificateMode = GridClientCertificateMode.Require };
            Assert.Empty(SiloOptionsFailures.Of(silo));
            var source = new TlsCertificateSource(silo, "Grid:Tls");
            var trust = new CertificateTrust(source, null);
            using var client = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(Path.Combine(output, "client.crt"), Path.Combine(output, "client.key"));
            Assert.True(trust.Validate(client, null, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors));
            Assert.True(trust.Validate(source.Certificate!, null, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors));
            Assert.Equal(64, File.ReadAllText(Path.Combine(output, "redis-password")).Length);
            Assert.True(File.ReadAllText(Path.Combine(output, "admin-token")).Length >= 16);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static bool FromLabel(YamlMappingNode rule, string label, string? value = null) => Peers(rule, "from", label, value);

    private static bool ToLabel(YamlMappingNode rule, string label, string? value = null) => Peers(rule, "to", label, value);

    private static bool Peers(YamlMappingNode rule, string direction, string label, string? value) =>
        rule.Find(direction) is YamlSequenceNode peers && peers.Maps().Any(p =>
            p.Find("podSelector") is YamlMappingNode selector && selector.Find("matchLabels") is YamlMappingNode labels
            && labels.ToStrings().TryGetValue(label, out var actual) && (value is null || actual == value));

    private static int[] Ports(YamlMappingNode rule) =>
        rule.Seq("ports").Maps().Select(p => int.Parse(p.Scalar("port"), CultureInfo.InvariantCulture)).ToArray();
}
