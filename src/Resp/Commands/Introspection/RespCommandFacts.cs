namespace Grid.Resp.Commands.Introspection;

/// <summary>One command's entry in <c>COMMAND INFO</c> and <c>COMMAND DOCS</c> (Redis 7 fields), its arity aside.</summary>
/// <param name="Name">The lowercase name.</param>
/// <param name="Flags">Command flags (<c>readonly</c>, <c>write</c>, <c>fast</c>, ...).</param>
/// <param name="FirstKey">Position of the first key argument (0: none).</param>
/// <param name="LastKey">Position of the last key argument (-1: the last argument).</param>
/// <param name="Step">Distance between key arguments.</param>
/// <param name="Categories">ACL categories (<c>@read</c>, <c>@string</c>, ...).</param>
/// <param name="Summary">The docs' one-line summary.</param>
/// <param name="Since">The Redis version that introduced it.</param>
/// <param name="Group">The docs' group (<c>string</c>, <c>generic</c>, ...).</param>
/// <param name="Complexity">The docs' time complexity.</param>
internal sealed record RespCommandFacts(
    string Name,
    string[] Flags,
    int FirstKey,
    int LastKey,
    int Step,
    string[] Categories,
    string Summary,
    string Since,
    string Group,
    string Complexity);
