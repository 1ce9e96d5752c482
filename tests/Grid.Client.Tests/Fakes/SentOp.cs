using Grid.Protocol;

namespace Grid.Client.Tests.Fakes;

/// <summary>One operation as a fake silo read it from a request frame.</summary>
internal sealed record SentOp(OpCode Code, string Key, long RequestId);
