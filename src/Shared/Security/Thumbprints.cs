namespace Grid.Security;

/// <summary>
/// Certificate thumbprints as settings give them (any case, with or without <c>:</c>, <c>-</c> or spaces). Compiled into
/// the contracts (validation of <c>AllowedThumbprints</c>) and into the client and the grains (TLS validation).
/// </summary>
internal static class Thumbprints
{
    /// <summary>Upper-case hex without separators.</summary>
    public static string Normalize(string thumbprint) =>
        new string(thumbprint.Where(c => c is not (':' or ' ' or '-')).ToArray()).ToUpperInvariant();
}
