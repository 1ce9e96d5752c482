using System.ComponentModel.DataAnnotations;
using Grid.Hosting;

namespace Grid.Grains.Hosting;

/// <summary>The silo's read-only cluster dashboard on the admin endpoint (section <c>Grid:Admin:Dashboard</c>).</summary>
public sealed class GridDashboardOptions : IValidatableObject
{
    /// <summary>Serve the dashboard at <see cref="Path"/>. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>Where the page is served (its data at <c>{Path}/api/cluster</c>). Default <c>/dashboard</c>.</summary>
    public string Path { get; set; } = "/dashboard";

    /// <summary>How often the page polls for fresh data. Default 2 s (at least 250 ms).</summary>
    [SettingRange("00:00:00.250", "00:05:00", Rule = "must be between 250 ms and 5 minutes")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The path's form: absolute, no trailing slash.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Path) || !Path.StartsWith('/') || Path.Length < 2 || Path.EndsWith('/') || Path.Contains("//", StringComparison.Ordinal))
        {
            yield return new ValidationResult($"{SettingPath.Of(validationContext, nameof(Path))} '{Path}' must be an absolute path such as /dashboard (no trailing slash).");
        }
    }
}
