using System.Text;
using Grid.Resp.Protocol;

namespace Grid.Resp.Commands;

/// <summary>Error replies worded as Redis 7 words them (server.c, t_string.c, object.c), without the leading <c>-</c>.</summary>
internal static class RespErrors
{
    /// <summary>A value of another type at the key.</summary>
    public const string WrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";

    /// <summary>An argument or stored value that is not a 64-bit integer.</summary>
    public const string NotInteger = "ERR value is not an integer or out of range";

    /// <summary>A hash field that is not a 64-bit integer (HINCRBY).</summary>
    public const string HashNotInteger = "ERR hash value is not an integer";

    /// <summary>INCR/DECR past 64 bits.</summary>
    public const string Overflow = "ERR increment or decrement would overflow";

    /// <summary>Options that do not parse or do not go together.</summary>
    public const string Syntax = "ERR syntax error";

    /// <summary>SELECT of a database other than 0.</summary>
    public const string DbIndexOutOfRange = "ERR DB index is out of range";

    /// <summary>A count that must be positive (LPOP/RPOP).</summary>
    public const string MustBePositive = "ERR value is out of range, must be positive";

    /// <summary>The wrong number of arguments for <paramref name="command"/> (lowercase, <c>client|setname</c> for a subcommand).</summary>
    public static string WrongArity(string command) => $"ERR wrong number of arguments for '{command}' command";

    /// <summary>An expiry of zero, negative, or too large.</summary>
    public static string InvalidExpire(string command) => $"ERR invalid expire time in '{command}' command";

    /// <summary>An unknown subcommand of a container command (CLIENT, COMMAND, CLUSTER): its first 128 bytes, as sent.</summary>
    public static string UnknownSubcommand(in RespCall call, string container) => $"ERR unknown subcommand '{call.Quote(1, 128)}'. Try {container} HELP.";

    /// <summary>
    /// Redis's unknown-command error: the name as sent (at most 128 bytes), then each argument quoted, the arguments
    /// taking 128 bytes at most with their quotes (server.c <c>processCommand</c>: <c>'%.*s' </c>, the precision being
    /// what is left of the 128 before the quote is written).
    /// </summary>
    public static string UnknownCommand(in RespCall call)
    {
        var args = new StringBuilder();
        int written = 0;
        for (int i = 1; i < call.Count && written < 128; i++)
        {
            string quoted = call.Quote(i, 128 - written);
            args.Append('\'').Append(quoted).Append("' ");
            written += ClientText.GetByteCount(quoted) + 3;
        }

        return $"ERR unknown command '{call.Quote(0, 128)}', with args beginning with: {args}";
    }
}
