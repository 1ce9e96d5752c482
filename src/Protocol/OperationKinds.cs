using System.Runtime.CompilerServices;

namespace Grid.Protocol;

/// <summary>Dense indexes and metric tag values (<c>operation</c>) of the operation codes.</summary>
internal static class OperationKinds
{
    private static readonly OpCode[] Codes =
    [
        OpCode.Get, OpCode.Set, OpCode.Remove, OpCode.Exists, OpCode.Expire, OpCode.Persist, OpCode.TimeToLive,
        OpCode.Increment, OpCode.HashSet, OpCode.HashGet, OpCode.HashGetAll, OpCode.HashDelete, OpCode.HashIncrement,
        OpCode.HashLength, OpCode.ListPush, OpCode.ListPop, OpCode.ListRange, OpCode.ListLength, OpCode.Type,
        OpCode.LeaseAcquire, OpCode.LeaseRelease, OpCode.RemoveTagged, OpCode.SetGet, OpCode.GetRemove, OpCode.Append, OpCode.SetIfNoneExist,
        OpCode.GetExpire, OpCode.ExpireIf,
    ];

    private static readonly byte[] Indexes = BuildIndexes();

    /// <summary>Kinds, plus one for unknown codes (index <see cref="Count"/> - 1).</summary>
    public static int Count => Codes.Length + 1;

    /// <summary>The tag value of each kind, by index.</summary>
    public static readonly string[] Names = BuildNames();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int IndexOf(OpCode code) => Indexes[(byte)code];

    /// <summary><c>HashGetAll</c> → <c>hash_get_all</c>, <c>TimeToLive</c> → <c>time_to_live</c>.</summary>
    public static string SnakeCase(string name)
    {
        var text = new System.Text.StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }

    private static byte[] BuildIndexes()
    {
        var indexes = new byte[256];
        Array.Fill(indexes, (byte)Codes.Length);
        for (int i = 0; i < Codes.Length; i++)
        {
            indexes[(byte)Codes[i]] = (byte)i;
        }

        return indexes;
    }

    private static string[] BuildNames()
    {
        var names = new string[Codes.Length + 1];
        for (int i = 0; i < Codes.Length; i++)
        {
            names[i] = SnakeCase(Codes[i].ToString());
        }

        names[^1] = "unknown";
        return names;
    }
}
