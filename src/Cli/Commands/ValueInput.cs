using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text;
using Grid.Cli.Parsing;

namespace Grid.Cli.Commands;

/// <summary>
/// Where a command's value comes from: the command line (as UTF-8 text), standard input (<c>-</c>), or a file
/// (<c>--file PATH</c>). Standard input and files are stored byte for byte (<c>echo</c> adds a newline; <c>printf</c>
/// does not), so binary values round-trip. Exactly one source: the parser refuses none or two, before connecting.
/// </summary>
internal sealed class ValueInput
{
    /// <summary>The value argument that means "read standard input".</summary>
    public const string StandardInput = "-";

    private readonly Argument<string?> _value = new("VALUE")
    {
        Description = "The value, as UTF-8 text; '-' reads it from standard input",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private readonly Option<string?> _file = new("--file")
    {
        Description = "Read the value from this file, byte for byte (instead of VALUE)",
        HelpName = "path",
    };

    /// <summary>Adds the VALUE argument (after the arguments already there) and the <c>--file</c> option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Arguments.Add(_value);
        command.Options.Add(_file);
        command.Validators.Add(Validate);
    }

    /// <summary>Reads the value; a value larger than the grid takes is refused before it is all read.</summary>
    public async Task<byte[]> ReadAsync(CommandCall call)
    {
        int limit = call.Cache.Limits.MaxValueBytes;
        if (call.Value(_file) is { } path)
        {
            long length = new FileInfo(path).Length;
            return length > limit
                ? throw new UsageException($"--file: '{path}' holds {length} bytes, more than the grid's largest value ({limit} bytes, Grid:Limits:MaxValueBytes)")
                : await File.ReadAllBytesAsync(path, call.Cancellation).ConfigureAwait(false);
        }

        string value = call.Parse.GetValue(_value)!;
        if (value != StandardInput)
        {
            return CommandCall.Bytes(value);
        }

        // One byte past the limit tells "too large" from "exactly the limit" without reading an endless pipe to its end.
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await call.Input.ReadAsync(chunk, call.Cancellation).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit)
            {
                throw new UsageException($"standard input holds more than the grid's largest value ({limit} bytes, Grid:Limits:MaxValueBytes)");
            }
        }

        return buffer.ToArray();
    }

    private void Validate(CommandResult result)
    {
        string? value = result.GetValue(_value);
        string? path = result.ValueOrDefault(_file);
        if (result.GetResult(_file) is { Tokens.Count: > 1 })
        {
            result.AddError("--file: give it once");
            return;
        }

        if (value is not null && path is not null)
        {
            result.AddError("give the value as VALUE or with --file, not both");
        }
        else if (value is null && path is null)
        {
            // With an argument before VALUE missing (`grid set`, `grid hset H`), that one's own error names it.
            if (!EarlierArgumentMissing(result))
            {
                result.AddError($"VALUE is missing: give it, '{StandardInput}' to read standard input, or --file PATH");
            }
        }
        else if (path is not null && !File.Exists(path))
        {
            result.AddError(Directory.Exists(path) ? $"--file: '{path}' is a directory, not a file" : $"--file: '{path}' does not exist");
        }
    }

    private bool EarlierArgumentMissing(CommandResult result)
    {
        foreach (var argument in result.Command.Arguments)
        {
            if (ReferenceEquals(argument, _value))
            {
                return false;
            }

            if (result.GetResult(argument) is not { Tokens.Count: > 0 })
            {
                return true;
            }
        }

        return false;
    }
}
