using System.Buffers;
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Grid.Cli.Parsing;
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

    /// <summary>
    /// Refuses a time to live or sliding window longer than the connected grid allows (its silos'
    /// <c>Grid:Limits:MaxTimeToLive</c>), naming the flag or argument that gave it: the client library would name its own
    /// setting instead. Known only once connected, as the limit is the grid's.
    /// </summary>
    /// <exception cref="UsageException">Longer than the limit (exit code 2).</exception>
    public void CheckTimeToLive(TimeSpan? timeToLive, string name)
    {
        var max = Cache.Limits.MaxTimeToLive;
        if (timeToLive is { } given && given > max)
        {
            throw new UsageException($"{name} {Durations.Format(given)} is longer than the grid allows (at most {Durations.Format(max)}: the silos' Grid:Limits:MaxTimeToLive)");
        }
    }

    /// <summary>
    /// Prints what <paramref name="write"/> writes as indented JSON on stdout (as the other <c>--json</c> outputs), exit
    /// code 0: values that hold tabs or newlines stay one value, which the line formats cannot promise. Text outside
    /// ASCII is written as itself, not escaped (the output goes to a terminal or a program, never into HTML).
    /// </summary>
    public int PrintJson(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        return Print(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

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
