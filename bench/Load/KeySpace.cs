using System.Globalization;

namespace Grid.Bench.Load;

/// <summary>The benchmark's keys (<c>key:0000001</c> style, built once so no formatting happens on the measured path) and values.</summary>
internal sealed class KeySpace
{
    private KeySpace(string[] keys) => Keys = keys;

    /// <summary><c>key:</c> + index as 7 digits, for indexes 0 to count − 1.</summary>
    public string[] Keys { get; }

    public int Count => Keys.Length;

    public static KeySpace Create(int count)
    {
        var keys = new string[count];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = Key(i);
        }

        return new KeySpace(keys);
    }

    public static string Key(int index) => "key:" + index.ToString("D7", CultureInfo.InvariantCulture);

    /// <summary>A value of <paramref name="size"/> pseudo-random (incompressible) bytes.</summary>
    public static byte[] Value(int size)
    {
        var value = new byte[size];
        new Random(size).NextBytes(value);
        return value;
    }
}
