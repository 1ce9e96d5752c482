using System.ComponentModel.DataAnnotations;
using Grid.Hosting;

namespace Grid.Grains.Hosting;

/// <summary>
/// The silo's Redis protocol (RESP2/RESP3) endpoint (section <c>Grid:Resp</c>, README: Redis protocol): redis-cli and
/// any language's Redis client reach the grid's entries through it. It listens apart from the Orleans silo, gateway
/// and admin ports. The limits bound what one connection may cost the silo; a client over one is closed with a
/// Redis-style error, other connections are unaffected.
/// </summary>
public sealed class GridRespOptions : IValidatableObject
{
    /// <summary>Serve the RESP endpoint. Default false (the embedded silo stays a .NET-only grid unless asked).</summary>
    public bool Enabled { get; set; }

    /// <summary>Address to listen on. Default <c>0.0.0.0</c> (all IPv4 interfaces).</summary>
    public string Address { get; set; } = "0.0.0.0";

    /// <summary>TCP port. Default 6379 (Redis's).</summary>
    [SettingRange(1, 65535, Rule = "must be a TCP port (1-65535)")]
    public int Port { get; set; } = 6379;

    /// <summary>
    /// Largest bulk string a client may send (Redis's <c>proto-max-bulk-len</c>); a longer one closes the connection with
    /// <c>Protocol error: invalid bulk length</c>. Default 16 MiB (the grid's values are at most <c>Limits:MaxValueBytes</c>, 8 MiB by default).
    /// </summary>
    [SettingRange(1024L, 1L << 30, Rule = "must be between 1 KiB (1024) and 1 GiB (1073741824)")]
    public long MaxBulkBytes { get; set; } = 16L << 20;

    /// <summary>Most arguments one command may have; more closes the connection with <c>Protocol error: invalid multibulk length</c>. Default 1048576.</summary>
    [SettingRange(16, int.MaxValue)]
    public int MaxMultiBulkLength { get; set; } = 1 << 20;

    /// <summary>
    /// Longest inline command (and length line) in bytes; longer closes the connection with <c>Protocol error: too big
    /// inline request</c>. Default 65536 (Redis's <c>PROTO_INLINE_MAX_SIZE</c>).
    /// </summary>
    [SettingRange(256, 16 << 20, Rule = "must be between 256 and 16777216")]
    public int MaxInlineBytes { get; set; } = 64 * 1024;

    /// <summary>Most connections at once; one more is answered <c>ERR max number of clients reached</c> and closed. Default 10000.</summary>
    [SettingRange(1, 1_000_000)]
    public int MaxClients { get; set; } = 10_000;

    /// <summary>A connection that sends nothing for this long is closed (Redis's <c>timeout</c>); zero: never. Default zero.</summary>
    [SettingRange("00:00:00", "7.00:00:00", Rule = "must be between 0 (never) and 7 days")]
    public TimeSpan IdleTimeout { get; set; }

    /// <summary>
    /// A command must arrive whole within this long once its first bytes came (Kestrel's header timeout): a client that
    /// trickles a frame byte by byte, or stops in the middle of one, is closed instead of holding its connection and
    /// buffers for ever. Zero: never. Default one minute (a 16 MiB value at 1 MB/s takes 16 s).
    /// </summary>
    [SettingRange("00:00:00", "1.00:00:00", Rule = "must be between 0 (never) and 1 day")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Most reply bytes a connection may have waiting for its client to read them; over it the connection is closed (a
    /// client that never reads its replies cannot make the silo hold them all). Default 64 MiB.
    /// </summary>
    [SettingRange(64L * 1024, 1L << 34, Rule = "must be between 64 KiB (65536) and 16 GiB")]
    public long MaxOutputBufferBytes { get; set; } = 64L << 20;

    /// <summary>
    /// Most input bytes one connection may have waiting to be run (Redis's <c>client-query-buffer-limit</c>): past it the
    /// silo stops reading from that client until its commands have run, so a client that sends faster than the grid
    /// answers is held back by TCP instead of filling the silo's memory; one incomplete command that needs more than
    /// this closes the connection. Must hold the largest bulk (<see cref="MaxBulkBytes"/>) plus two length lines
    /// (<see cref="MaxInlineBytes"/> each). Default 64 MiB.
    /// </summary>
    [SettingRange(64L * 1024, 1L << 30, Rule = "must be between 64 KiB (65536) and 1 GiB (1073741824)")]
    public long MaxQueryBufferBytes { get; set; } = 64L << 20;

    /// <summary>
    /// The default user's password (Redis's <c>requirepass</c>): when set, a connection must send <c>AUTH password</c> (or
    /// <c>AUTH default password</c>, or <c>HELLO 3 AUTH default password</c>) before any other command, and is answered
    /// <c>NOAUTH Authentication required.</c> until it does. Default none (every connection is the default user). The
    /// user <c>admin</c> authenticates with the grid's admin token (<c>Grid:Admin:Token</c>) whether or not this is set.
    /// </summary>
    public string? Password { get; set; }

    /// <summary>The settings, one line (the password redacted).</summary>
    public override string ToString() =>
        $"Enabled={Enabled}, Address={Address}, Port={Port}, MaxBulkBytes={MaxBulkBytes}, MaxMultiBulkLength={MaxMultiBulkLength}, MaxInlineBytes={MaxInlineBytes}, MaxClients={MaxClients}, IdleTimeout={IdleTimeout}, CommandTimeout={CommandTimeout}, MaxOutputBufferBytes={MaxOutputBufferBytes}, MaxQueryBufferBytes={MaxQueryBufferBytes}, Password={(Password is null ? "" : "***")}";

    /// <summary>Cross-field rules: the address parses, and one command of the largest bulk fits the query buffer.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Address) || !System.Net.IPAddress.TryParse(Address, out _))
        {
            yield return new ValidationResult($"{SettingPath.Of(validationContext)}:Address '{Address}' is not an IP address.");
        }

        long command = MaxBulkBytes + (2L * MaxInlineBytes);
        // Checked once the bound's own range holds (otherwise that one line says what is wrong).
        if (MaxQueryBufferBytes >= 64L * 1024 && MaxQueryBufferBytes < command)
        {
            yield return new ValidationResult($"{SettingPath.Of(validationContext)}:MaxQueryBufferBytes ({MaxQueryBufferBytes}) must be at least MaxBulkBytes + 2 × MaxInlineBytes ({command}), so that one command of the largest bulk fits.");
        }

        // An empty or blank password would look set but could be sent by anyone by mistake; control characters cannot be typed into redis-cli.
        if (Password is not null && (string.IsNullOrWhiteSpace(Password) || Password.Any(char.IsControl)))
        {
            yield return new ValidationResult($"{SettingPath.Of(validationContext)}:Password must not be empty, blank or hold control characters.");
        }
    }
}
