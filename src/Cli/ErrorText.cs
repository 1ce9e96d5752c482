namespace Grid.Cli;

/// <summary>Turns exceptions and names into the one-line text the CLI prints.</summary>
internal static class ErrorText
{
    private const int MaxShownKeyLength = 64;

    /// <summary>The first line of an exception's message, without the "(Parameter 'x')" that argument exceptions append.</summary>
    public static string Of(Exception exception)
    {
        string message = exception.Message;
        int newline = message.IndexOfAny(['\r', '\n']);
        if (newline >= 0)
        {
            message = message[..newline];
        }

        if (exception is ArgumentException { ParamName: { } name })
        {
            string suffix = $" (Parameter '{name}')";
            if (message.EndsWith(suffix, StringComparison.Ordinal))
            {
                message = message[..^suffix.Length];
            }
        }

        return message.Trim();
    }

    /// <summary>A key or field, quoted (and shortened when long) for a message.</summary>
    public static string Quote(string name) =>
        name.Length <= MaxShownKeyLength ? $"'{name}'" : $"'{name[..(MaxShownKeyLength - 3)]}...'";
}
