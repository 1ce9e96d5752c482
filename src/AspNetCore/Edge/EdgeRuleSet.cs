using Microsoft.Extensions.Options;

namespace Grid.AspNetCore.Edge;

/// <summary>The configured rules in order, then the defaults, then <see cref="EdgeRule.NoStore"/>.</summary>
internal sealed class EdgeRuleSet
{
    private readonly EdgeRule[] _rules;

    private EdgeRuleSet(EdgeRule[] rules) => _rules = rules;

    public IReadOnlyList<EdgeRule> Rules => _rules;

    /// <summary>The first rule matching <paramref name="path"/>, or <see cref="EdgeRule.NoStore"/>.</summary>
    public EdgeRule Match(string path)
    {
        foreach (var rule in _rules)
        {
            if (rule.IsMatch(path))
            {
                return rule;
            }
        }

        return EdgeRule.NoStore;
    }

    /// <summary>Compiles validated options (throws <see cref="OptionsValidationException"/> listing every problem otherwise).</summary>
    public static EdgeRuleSet Create(GridEdgeCachingOptions options)
    {
        var errors = new List<string>();
        var rules = Compile(options, errors);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(GridEdgeCachingOptions), errors);
        }

        return new EdgeRuleSet(rules);
    }

    /// <summary>Checks every setting; each problem names its setting (<c>GridEdge:Rules:1:Duration ...</c>).</summary>
    public static EdgeRule[] Compile(GridEdgeCachingOptions options, List<string> errors)
    {
        const string Section = GridEdgeCachingOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.InstanceName) || options.InstanceName.Any(c => c is < ' ' or > '~'))
        {
            errors.Add($"{Section}:InstanceName must be non-empty printable ASCII (it is sent as the X-Cache-Instance header).");
        }

        if (options.MaxBodyBytes is < 1 or > 64 * 1024 * 1024)
        {
            errors.Add($"{Section}:MaxBodyBytes ({options.MaxBodyBytes}) must be between 1 and 67108864 (64 MiB).");
        }

        var compiled = new List<EdgeRule>();
        if (options.Rules is null)
        {
            errors.Add($"{Section}:Rules must not be null.");
        }
        else
        {
            for (int i = 0; i < options.Rules.Count; i++)
            {
                if (Compile(options.Rules[i], $"{Section}:Rules:{i}", errors) is { } rule)
                {
                    compiled.Add(rule);
                }
            }
        }

        if (options.UseDefaultRules)
        {
            foreach (var rule in GridEdgeCachingOptions.CreateDefaultRules())
            {
                compiled.Add(Compile(rule, $"{Section} default rule '{rule.Name}'", errors)!);
            }
        }

        return compiled.ToArray();
    }

    private static EdgeRule? Compile(GridEdgeRule? rule, string setting, List<string> errors)
    {
        if (rule is null)
        {
            errors.Add($"{setting} must not be empty.");
            return null;
        }

        int before = errors.Count;
        var globs = new List<PathGlob>();
        if (rule.Paths is not { Count: > 0 })
        {
            errors.Add($"{setting}:Paths must list at least one path glob (such as /static/** or *.html).");
        }
        else
        {
            for (int j = 0; j < rule.Paths.Count; j++)
            {
                if (PathGlob.TryParse(rule.Paths[j], out var glob, out var error))
                {
                    globs.Add(glob);
                }
                else
                {
                    errors.Add($"{setting}:Paths:{j} {error}.");
                }
            }
        }

        if (rule.Duration < TimeSpan.Zero || rule.Duration > TimeSpan.FromDays(3650))
        {
            errors.Add($"{setting}:Duration ({rule.Duration}) must be between 00:00:00 (no caching) and 3650.00:00:00.");
        }
        else if (rule.Duration > TimeSpan.Zero && rule.Duration < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{setting}:Duration ({rule.Duration}) must be zero (no caching) or at least one second (max-age counts seconds).");
        }

        if (rule.Immutable && rule.Duration <= TimeSpan.Zero)
        {
            errors.Add($"{setting}:Immutable needs a positive Duration.");
        }

        if (!Enum.IsDefined(rule.Visibility))
        {
            errors.Add($"{setting}:Visibility ({rule.Visibility}) must be Public or Private.");
        }

        CheckVary(rule, setting, errors);
        CheckTags(rule, setting, errors);
        return errors.Count == before ? new EdgeRule(rule, globs.ToArray()) : null;
    }

    private static void CheckVary(GridEdgeRule rule, string setting, List<string> errors)
    {
        if (rule.Vary is null)
        {
            errors.Add($"{setting}:Vary must not be null.");
            return;
        }

        for (int j = 0; j < rule.Vary.Count; j++)
        {
            string? name = rule.Vary[j]?.Trim();
            if (string.IsNullOrEmpty(name) || name == "*" || !name.All(IsTokenChar))
            {
                errors.Add($"{setting}:Vary:{j} ('{rule.Vary[j]}') must be a request header name (and not '*').");
            }
        }

        bool storable = rule.Duration > TimeSpan.Zero && rule.Visibility == GridEdgeVisibility.Public;
        if (rule.AllowAuthorization && storable && !rule.Vary.Any(v => string.Equals(v?.Trim(), "Authorization", StringComparison.OrdinalIgnoreCase)))
        {
            errors.Add($"{setting}:AllowAuthorization needs 'Authorization' in {setting}:Vary, or one user's response would be served to another.");
        }
    }

    private static void CheckTags(GridEdgeRule rule, string setting, List<string> errors)
    {
        if (rule.Tags is null)
        {
            errors.Add($"{setting}:Tags must not be null.");
            return;
        }

        for (int j = 0; j < rule.Tags.Count; j++)
        {
            if (string.IsNullOrWhiteSpace(rule.Tags[j]))
            {
                errors.Add($"{setting}:Tags:{j} must not be empty.");
            }
        }
    }

    private static bool IsTokenChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
