using System.Net;

namespace Grid.AspNetCore.Tests.Infrastructure;

/// <summary>An HTTP response read whole: status, every header (response and content headers together), body.</summary>
public sealed class Reply
{
    private Reply(HttpStatusCode status, Dictionary<string, string> headers, string body)
    {
        Status = status;
        Headers = headers;
        Body = body;
    }

    public HttpStatusCode Status { get; }

    public Dictionary<string, string> Headers { get; }

    public string Body { get; }

    public string? this[string header] => Headers.TryGetValue(header, out var value) ? value : null;

    public string? XCache => this["X-Cache"];

    public static async Task<Reply> SendAsync(HttpClient client, HttpMethod method, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request);
        var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        // Raw values, as sent: the parsed ones reorder Cache-Control directives.
        foreach (var (name, values) in response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated))
        {
            all[name] = string.Join(", ", values);
        }

        return new Reply(response.StatusCode, all, await response.Content.ReadAsStringAsync());
    }

    public static Task<Reply> GetAsync(HttpClient client, string path, params (string Name, string Value)[] headers) =>
        SendAsync(client, HttpMethod.Get, path, headers);

    public override string ToString() =>
        $"{(int)Status} X-Cache={XCache} Cache-Control={this["Cache-Control"]} body={Body[..Math.Min(Body.Length, 80)]}";
}
