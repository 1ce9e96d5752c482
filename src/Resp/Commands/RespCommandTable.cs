using System.Buffers;
using System.Text;

namespace Grid.Resp.Commands;

/// <summary>The commands the endpoint knows, found by name ignoring case without allocating.</summary>
internal sealed class RespCommandTable
{
    private readonly Dictionary<string, RespCommand> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, RespCommand>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public RespCommandTable()
    {
        ConnectionCommands.Register(this);
        StringCommands.Register(this);
        KeyCommands.Register(this);
        HashCommands.Register(this);
        ListCommands.Register(this);
        GetExCommand.Register(this);
        MSetNxCommand.Register(this);
        AuthCommands.Register(this);
        FlushAllCommand.Register(this);
        KeysCommand.Register(this);
        ScanCommand.Register(this);
        GridCommands.Register(this);
        Introspection.CommandCommand.Register(this);
        Introspection.InfoCommand.Register(this);
        Introspection.ClusterCommand.Register(this);
        Tracking.TrackingCommands.Register(this);
        _lookup = _byName.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Every command, by name.</summary>
    public IReadOnlyDictionary<string, RespCommand> All => _byName;

    /// <summary>Adds a command.</summary>
    public void Add(RespCommand command) => _byName.Add(command.Name, command);

    /// <summary>Replaces a command by another of the same name (a wrapper that takes over some subcommands).</summary>
    public void Replace(RespCommand command) => _byName[command.Name] = command;

    /// <summary>The command named <paramref name="name"/> (any case), or null.</summary>
    public RespCommand? Find(in ReadOnlySequence<byte> name)
    {
        if (name.Length is 0 or > 32)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[(int)name.Length];
        name.CopyTo(bytes);
        Span<char> chars = stackalloc char[bytes.Length];
        if (Encoding.ASCII.GetChars(bytes, chars) != chars.Length)
        {
            return null;
        }

        return _lookup.TryGetValue(chars, out var command) ? command : null;
    }
}
