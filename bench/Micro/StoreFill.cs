// The wire types are compiled into both Grid.Client and Grid.Grains (src/Protocol): these are the silo's copies.
extern alias grains;

using Grid.Bench.Load;
using Grid.Grains.Storage;
using Grid.Protocol;
using GridOp = grains::Grid.Protocol.GridOp;
using ResultStatus = grains::Grid.Protocol.ResultStatus;
using OpFrame = grains::Grid.Protocol.Wire.OpFrame;

namespace Grid.Bench.Micro;

/// <summary>Fills the stores of the store micro-benchmarks and encodes the request frames they replay.</summary>
internal static class StoreFill
{
    /// <summary>
    /// Writes key <paramref name="i"/> (<see cref="KeySpace.Key"/>) with a copy of <paramref name="value"/> into
    /// <paramref name="store"/>; returns the request frames of a GET and of an overwrite of that key.
    /// </summary>
    public static (byte[] Get, byte[] Set) Put(PartitionStore store, int i, byte[] value)
    {
        var key = System.Text.Encoding.UTF8.GetBytes(KeySpace.Key(i));
        var fill = store.Execute(new GridOp { Code = OpCode.Set, Key = key, Value = (byte[])value.Clone() });
        if (fill.Status != ResultStatus.Ok)
        {
            throw new InvalidOperationException($"Filling the store failed: {fill.Status} {fill.Error}");
        }

        return (OpFrame.Encode([new GridOp { Code = OpCode.Get, Key = key }]), OpFrame.Encode([new GridOp { Code = OpCode.Set, Key = key, Value = value }]));
    }
}
