using Grid.Grains.Hosting;

namespace Grid.Tests.Shared.Options;

/// <summary>
/// Validates silo settings the way start-up does (the generated <see cref="GridSiloOptionsValidator"/>), so tests can
/// check one group of settings (limits, tags, admin, TLS) inside otherwise default options.
/// </summary>
internal static class SiloOptionsFailures
{
    /// <summary>Every failure of <paramref name="options"/>, one line each; empty when they are valid.</summary>
    public static IReadOnlyList<string> Of(GridSiloOptions options) =>
        new GridSiloOptionsValidator().Validate(Microsoft.Extensions.Options.Options.DefaultName, options).Failures?.ToArray() ?? [];

    /// <summary>The failures of <paramref name="limits"/> as the silo's <c>Grid:Limits</c>.</summary>
    public static IReadOnlyList<string> Of(GridLimits limits) => Of(new GridSiloOptions { Limits = limits });

    /// <summary>The failures of <paramref name="tags"/> as the silo's <c>Grid:Tags</c>.</summary>
    public static IReadOnlyList<string> Of(GridTagOptions tags) => Of(new GridSiloOptions { Tags = tags });

    /// <summary>The failures of <paramref name="admin"/> as the silo's <c>Grid:Admin</c>.</summary>
    public static IReadOnlyList<string> Of(GridAdminOptions admin) => Of(new GridSiloOptions { Admin = admin });

    /// <summary>The failures of <paramref name="tls"/> as the silo's <c>Grid:Tls</c>.</summary>
    public static IReadOnlyList<string> Of(GridSiloTlsOptions tls) => Of(new GridSiloOptions { Tls = tls });

    /// <summary>The single failure of <paramref name="options"/> (the test fails when there is none or several).</summary>
    public static string Single(GridSiloOptions options) => Assert.Single(Of(options));
}
