using System.Collections;
using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Grid.Hosting;

/// <summary>
/// Binds a configuration section to an options object strictly, shared by silos (<c>Grid</c>) and clients
/// (<c>GridClient</c>); this file is compiled into both. An unknown key (a typo) or a value that does not convert
/// fails with a <see cref="GridConfigurationException"/> whose one-line message names the full setting, where it came
/// from (an environment variable, a file, the command line) and, for a typo, the setting it most likely meant: the
/// binder's own error names only the property and the class.
/// </summary>
internal static class StrictBinding
{
    /// <summary>Binds <paramref name="section"/> to <paramref name="options"/>.</summary>
    /// <exception cref="GridConfigurationException">An unknown key, or a value of the wrong form.</exception>
    public static void Bind(IConfiguration configuration, string section, object options)
    {
        var bound = configuration.GetSection(section);
        if (FirstUnknown(bound, options.GetType()) is { } unknown)
        {
            string meant = unknown.Suggestion is { } suggestion ? $"; did you mean {suggestion}?" : $"; see the {section} settings in the README";
            throw new GridConfigurationException($"{unknown.Path} is not a setting (from {Source(configuration, unknown.Path)}){meant}");
        }

        try
        {
            bound.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            // "Failed to convert configuration value 'x' at 'Grid:ShutdownTimeout' to type 'System.TimeSpan'.": it names
            // the setting; the innermost error says what is wrong with the value.
            var cause = ex;
            while (cause.InnerException is InvalidOperationException inner)
            {
                cause = inner;
            }

            string detail = cause.InnerException is { } reason ? $" ({WithoutParameter(reason).TrimEnd('.')})" : "";
            throw new GridConfigurationException(cause.Message.TrimEnd('.') + detail, ex);
        }
    }

    /// <summary>
    /// A validation error in one line: its message without the "(Parameter 'x')" and "Actual value was" lines that
    /// argument exceptions append (the message names the setting already), and the value when it helps.
    /// </summary>
    internal static string Describe(ArgumentException error)
    {
        string message = WithoutParameter(error);
        return error is ArgumentOutOfRangeException { ActualValue: { } value }
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{message.TrimEnd('.')} (it is {value}).")
            : message;
    }

    /// <summary>An exception's message in one line, cut before the "(Parameter 'x')" an argument exception appends (and the lines after it).</summary>
    internal static string WithoutParameter(Exception error)
    {
        string message = error.Message;
        int parameter = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return (parameter >= 0 ? message[..parameter] : message).ReplaceLineEndings(" ").Trim();
    }

    /// <summary>The first key under <paramref name="section"/> that binds to no property of <paramref name="type"/>, with the closest known name.</summary>
    internal static (string Path, string? Suggestion)? FirstUnknown(IConfigurationSection section, Type type)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        foreach (var child in section.GetChildren())
        {
            var property = Array.Find(properties, p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                string? closest = Closest(child.Key, properties);
                return (child.Path, closest is null ? null : ConfigurationPath.Combine(section.Path, closest));
            }

            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsValue(propertyType) || IsDictionary(propertyType))
            {
                continue;
            }

            if (ElementType(propertyType) is { } element)
            {
                if (IsValue(element))
                {
                    continue;
                }

                foreach (var item in child.GetChildren())
                {
                    if (FirstUnknown(item, element) is { } inItem)
                    {
                        return inItem;
                    }
                }

                continue;
            }

            if (FirstUnknown(child, propertyType) is { } nested)
            {
                return nested;
            }
        }

        return null;
    }

    /// <summary>Where the configuration took <paramref name="path"/> from (the last provider that has it, or a key under it, wins).</summary>
    internal static string Source(IConfiguration configuration, string path)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return "the configuration";
        }

        foreach (var provider in root.Providers.Reverse())
        {
            if (LeafUnder(provider, path) is not { } leaf)
            {
                continue;
            }

            path = leaf;

            string name = provider.ToString() ?? provider.GetType().Name;
            if (name.StartsWith("EnvironmentVariablesConfigurationProvider", StringComparison.Ordinal))
            {
                // "EnvironmentVariablesConfigurationProvider Prefix: 'DOTNET_'": the variable is the prefix plus the path with "__".
                int quote = name.IndexOf('\'', StringComparison.Ordinal);
                string prefix = quote >= 0 && name.Length > quote + 1 ? name[(quote + 1)..^1] : "";
                return $"environment variable {prefix}{path.Replace(":", "__", StringComparison.Ordinal)}";
            }

            if (name.StartsWith("CommandLineConfigurationProvider", StringComparison.Ordinal))
            {
                return $"command-line argument --{path}";
            }

            // File providers: "JsonConfigurationProvider for 'appsettings.json' (Optional)".
            int first = name.IndexOf('\'', StringComparison.Ordinal);
            int last = name.LastIndexOf('\'');
            return first >= 0 && last > first ? name[(first + 1)..last] : name;
        }

        return "the configuration";
    }

    /// <summary>The first key with a value at or under <paramref name="path"/> in <paramref name="provider"/> (a section's own key has none).</summary>
    private static string? LeafUnder(IConfigurationProvider provider, string path)
    {
        if (provider.TryGet(path, out _))
        {
            return path;
        }

        foreach (string key in provider.GetChildKeys([], path).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (LeafUnder(provider, ConfigurationPath.Combine(path, key)) is { } leaf)
            {
                return leaf;
            }
        }

        return null;
    }

    /// <summary>A type the binder reads from one string (numbers, text, durations, enums, anything with a string converter).</summary>
    private static bool IsValue(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Guid) || type == typeof(Uri)
        || TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string));

    private static bool IsDictionary(Type type) =>
        typeof(IDictionary).IsAssignableFrom(type) || Array.Exists(type.GetInterfaces(), i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
        || type.IsGenericType && type.GetGenericTypeDefinition() is { } definition && (definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>));

    /// <summary>The element type of an array or a generic collection; null for anything else.</summary>
    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) && type.GetGenericArguments() is [var element])
        {
            return element;
        }

        return null;
    }

    /// <summary>The property name closest to <paramref name="key"/> (edit distance at most a third of its length, at least 2), if any.</summary>
    private static string? Closest(string key, PropertyInfo[] properties)
    {
        string? best = null;
        int bestDistance = Math.Max(2, key.Length / 3) + 1;
        foreach (var property in properties)
        {
            int distance = Distance(key.ToUpperInvariant(), property.Name.ToUpperInvariant());
            if (distance < bestDistance)
            {
                best = property.Name;
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary>Levenshtein distance (keys are short: two rows suffice).</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
