using System.CommandLine;
using System.Globalization;
using System.Text;
using Grid.Client;

namespace Grid.Cli.Commands;

/// <summary>One run of a command: the connected cache and the options it was connected with, the parsed command line, where to read and write.</summary>
internal sealed record CommandCall(IGridCache Cache, GridClientOptions Options, ParseResult Parse, Stream Input, TextWriter Out, TextWriter Error, CancellationToken Cancellation)
{
    /// <summary>The value of a required argument.</summary>
    public T Value<T>(Argument<T> argument) => Parse.GetRequiredValue(argument);

    /// <summary>The value of an option (its default when not given).</summary>
    public T? Value<T>(Option<T> option) => Parse.GetValue(option);

    /// <summary>Prints a result line on stdout; exit code 0.</summary>
    public int Print(string line)
    {
        Out.WriteLine(line);
        return GridExitCodes.Ok;
    }

    /// <summary>Prints a number on stdout; exit code 0.</summary>
    public int Print(long number) => Print(number.ToString(CultureInfo.InvariantCulture));

    /// <summary>Prints a stored value as UTF-8 text on stdout; exit code 0.</summary>
    public int PrintValue(byte[] value) => Print(Text(value));

    /// <summary>Says on stderr what was not found (or why the answer is no); exit code 1.</summary>
    public int NotFound(string message)
    {
        Error.WriteLine(message);
        return GridExitCodes.NotFound;
    }

    /// <summary>A stored value as text (invalid UTF-8 shows as U+FFFD).</summary>
    public static string Text(byte[] value) => Encoding.UTF8.GetString(value);

    /// <summary>UTF-8 bytes of a value given on the command line.</summary>
    public static byte[] Bytes(string value) => Encoding.UTF8.GetBytes(value);
}
