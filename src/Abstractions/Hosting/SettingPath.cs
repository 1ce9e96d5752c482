using System.ComponentModel.DataAnnotations;

namespace Grid.Hosting;

/// <summary>
/// The configuration path of a setting being validated, as users write it (<c>Grid:Clustering:GatewayPort</c>), from
/// the display name the options validator generator gives it (<c>GridSiloOptions.Clustering.GatewayPort</c>): the root
/// options type becomes its section, dots become colons. Messages name the setting a user can change.
/// </summary>
public static class SettingPath
{
    /// <summary>The sections of the root options types (their <c>SectionName</c>); other types keep their name.</summary>
    private static readonly Dictionary<string, string> Sections = new(StringComparer.Ordinal)
    {
        ["GridSiloOptions"] = "Grid",
        ["GridClientOptions"] = "GridClient",
        ["GridChangeFeedOptions"] = "GridChangeFeed",
        ["WriteBehindOptions"] = "GridWriteBehind",
        ["GridDistributedCacheOptions"] = "GridDistributedCache",
        ["GridOutputCacheOptions"] = "GridOutputCache",
    };

    /// <summary>The path of the member <paramref name="context"/> validates (or of its object, for a cross-field rule).</summary>
    public static string Of(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        string display = context.DisplayName;

        // A cross-field rule (IValidatableObject) is reported as the object's "Validate" member: the path is the object's.
        const string ValidateSuffix = ".Validate";
        if (display.EndsWith(ValidateSuffix, StringComparison.Ordinal))
        {
            display = display[..^ValidateSuffix.Length];
        }

        int dot = display.IndexOf('.', StringComparison.Ordinal);
        string root = dot < 0 ? display : display[..dot];
        string rest = dot < 0 ? "" : display[dot..].Replace('.', ':');
        return (Sections.TryGetValue(root, out string? section) ? section : root) + rest;
    }

    /// <summary>The path of <paramref name="member"/> of the object <paramref name="context"/> validates (cross-field rules).</summary>
    public static string Of(ValidationContext context, string member) => Of(context) + ":" + member;
}
