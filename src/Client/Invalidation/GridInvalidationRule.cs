using System.Text;

namespace Grid.Client;

/// <summary>
/// A rule for the changes of one source, written as templates: <c>{id}</c> stands for the changed item's id and
/// <c>{source}</c> for the source. <c>users</c> row 42 with key <c>user:{id}</c>, tag <c>user:{id}</c> and pattern
/// <c>user:{id}:*</c> invalidates key <c>user:42</c>, tag <c>user:42</c> and pattern <c>user:42:*</c>. Any other
/// brace is kept, so <c>user:{{id}}</c> gives the hash-tagged key <c>user:{42}</c>. Inside a pattern the id is escaped
/// (an id <c>4*</c> matches only itself, not every id starting with 4).
/// </summary>
public sealed class GridInvalidationRule
{
    private readonly List<string> _keys = [];
    private readonly List<string> _tags = [];
    private readonly List<string> _patterns = [];
    private DataChangeKind[]? _kinds;

    /// <summary>Removes the key the template gives.</summary>
    /// <param name="template">For example <c>user:{id}</c>.</param>
    public GridInvalidationRule InvalidateKey(string template)
    {
        _keys.Add(CheckTemplate(template));
        return this;
    }

    /// <summary>Invalidates the tag the template gives.</summary>
    /// <param name="template">For example <c>user:{id}</c>, or a fixed tag such as <c>user-lists</c>.</param>
    public GridInvalidationRule InvalidateTag(string template)
    {
        _tags.Add(CheckTemplate(template));
        return this;
    }

    /// <summary>Invalidates the key pattern the template gives.</summary>
    /// <param name="template">For example <c>user:{id}:*</c>.</param>
    public GridInvalidationRule InvalidatePattern(string template)
    {
        _patterns.Add(CheckTemplate(template));
        return this;
    }

    /// <summary>Applies the rule only to these kinds of change (by default to all).</summary>
    /// <param name="kinds">The kinds.</param>
    public GridInvalidationRule OnlyOn(params DataChangeKind[] kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        if (kinds.Length == 0)
        {
            throw new ArgumentException("Name at least one kind of change.", nameof(kinds));
        }

        foreach (var kind in kinds)
        {
            if (!Enum.IsDefined(kind))
            {
                throw new ArgumentOutOfRangeException(nameof(kinds), kind, "Unknown DataChangeKind.");
            }
        }

        _kinds = kinds;
        return this;
    }

    internal void AddTargets(DataChanged change, GridInvalidationTargets targets)
    {
        if (_kinds is not null && Array.IndexOf(_kinds, change.Kind) < 0)
        {
            return;
        }

        foreach (var key in _keys)
        {
            targets.Keys.Add(Expand(key, change, escape: false));
        }

        foreach (var tag in _tags)
        {
            targets.Tags.Add(Expand(tag, change, escape: false));
        }

        foreach (var pattern in _patterns)
        {
            targets.Patterns.Add(Expand(pattern, change, escape: true));
        }
    }

    private static string CheckTemplate(string template)
    {
        ArgumentException.ThrowIfNullOrEmpty(template);
        return template;
    }

    private static string Expand(string template, DataChanged change, bool escape) => template
        .Replace("{id}", escape ? EscapeGlob(change.Id) : change.Id, StringComparison.Ordinal)
        .Replace("{source}", escape ? EscapeGlob(change.Source) : change.Source, StringComparison.Ordinal);

    /// <summary>Makes text match itself literally inside a Redis glob.</summary>
    internal static string EscapeGlob(string text)
    {
        if (text.AsSpan().IndexOfAny("*?[]\\") < 0)
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }
}
