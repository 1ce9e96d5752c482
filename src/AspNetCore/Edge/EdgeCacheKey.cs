using System.Text;
using Microsoft.AspNetCore.Http;

namespace Grid.AspNetCore.Edge;

/// <summary>
/// The grid key of a cached response: method (HEAD shares GET's entries), scheme, host, path base, path, query string
/// and the request's values of the rule's <c>Vary</c> headers. Credentials (<c>Authorization</c>, <c>Cookie</c>) enter
/// the key only as their SHA-256, so no token is ever written into a key; a key over 1 KiB is replaced by its SHA-256.
/// </summary>
internal static class EdgeCacheKey
{
    private const char Separator = '\u001f';
    private const int MaxPlainKeyChars = 1024;

    public static string Build(HttpRequest request, EdgeRule rule)
    {
        var key = new StringBuilder("edge:", 128)
            .Append(HttpMethods.IsHead(request.Method) ? HttpMethods.Get : request.Method.ToUpperInvariant()).Append(Separator)
            .Append(request.Scheme.ToLowerInvariant()).Append(Separator)
            .Append(request.Host.Value?.ToLowerInvariant()).Append(Separator)
            .Append(request.PathBase.Value).Append(request.Path.Value).Append(Separator)
            .Append(request.QueryString.Value);
        foreach (var name in rule.Vary)
        {
            string value = request.Headers[name].ToString();
            key.Append(Separator).Append(name.ToLowerInvariant()).Append('=')
                .Append(IsCredential(name) && value.Length > 0 ? "sha256:" + KeyHash.Sha256Hex(value) : value);
        }

        return key.Length <= MaxPlainKeyChars ? key.ToString() : "edge:sha256:" + KeyHash.Sha256Hex(key.ToString());
    }

    private static bool IsCredential(string header) =>
        header.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
        || header.Equals("Cookie", StringComparison.OrdinalIgnoreCase)
        || header.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase);
}
