namespace Grid.Grains.Hosting;

/// <summary>The silo's read-only cluster dashboard on the admin endpoint (section <c>Grid:Admin:Dashboard</c>).</summary>
public sealed class GridDashboardOptions
{
    /// <summary>Serve the dashboard at <see cref="Path"/>. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>Where the page is served (its data at <c>{Path}/api/cluster</c>). Default <c>/dashboard</c>.</summary>
    public string Path { get; set; } = "/dashboard";

    /// <summary>How often the page polls for fresh data. Default 2 s (at least 250 ms).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Throws an <see cref="ArgumentException"/> that names the first invalid setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Path) || !Path.StartsWith('/') || Path.Length < 2 || Path.EndsWith('/') || Path.Contains("//", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Grid:Admin:Dashboard:Path '{Path}' must be an absolute path such as /dashboard (no trailing slash).", nameof(Path));
        }

        if (RefreshInterval < TimeSpan.FromMilliseconds(250) || RefreshInterval > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentOutOfRangeException(nameof(RefreshInterval), RefreshInterval, "Grid:Admin:Dashboard:RefreshInterval must be between 250 ms and 5 minutes.");
        }
    }
}
