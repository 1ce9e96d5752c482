using System.IO.Hashing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Grid.AspNetCore.Edge;

/// <summary>The HTTP headers the edge middleware reads and writes.</summary>
internal static class EdgeHeaders
{
    public const string XCache = "X-Cache";
    public const string XCacheInstance = "X-Cache-Instance";
    public const string Hit = "HIT";
    public const string Miss = "MISS";

    /// <summary><c>Expires</c> of a response nobody may cache: a date in the past.</summary>
    public static readonly string ExpiredDate = HeaderUtilities.FormatDate(DateTimeOffset.UnixEpoch);

    /// <summary>A strong ETag: the 128-bit XxHash3 of the body, in hex, quoted.</summary>
    public static string StrongETag(ReadOnlySpan<byte> body) => "\"" + Convert.ToHexStringLower(XxHash128.Hash(body)) + "\"";

    /// <summary>
    /// Whether the request's <c>If-None-Match</c> matches <paramref name="etag"/>: <c>*</c>, or one of its tags by weak
    /// comparison, as RFC 9110 §13.1.2 asks of <c>If-None-Match</c>.
    /// </summary>
    public static bool IfNoneMatch(HttpRequest request, string? etag)
    {
        if (etag is null || request.Headers.IfNoneMatch.Count == 0 || !EntityTagHeaderValue.TryParse(etag, out var current))
        {
            return false;
        }

        if (!EntityTagHeaderValue.TryParseList(request.Headers.IfNoneMatch, out var candidates))
        {
            return false;
        }

        foreach (var candidate in candidates)
        {
            if (candidate.Equals(EntityTagHeaderValue.Any) || candidate.Compare(current, useStrongComparison: false))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The names in a <c>Vary</c> header (one or more values, each a comma-separated list).</summary>
    public static List<string> VaryNames(StringValues vary)
    {
        var names = new List<string>();
        foreach (var value in vary)
        {
            foreach (var part in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!names.Contains(part, StringComparer.OrdinalIgnoreCase))
                {
                    names.Add(part);
                }
            }
        }

        return names;
    }

    /// <summary>Whether the response's own <c>Vary</c> only names headers that are part of the rule's cache key.</summary>
    public static bool VaryIsCoveredBy(List<string> responseVary, string[] ruleVary)
    {
        foreach (var name in responseVary)
        {
            if (name == "*" || !ruleVary.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }
}
