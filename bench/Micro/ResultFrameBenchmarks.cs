// The wire types are compiled into both Grid.Client and Grid.Grains (src/Protocol): these are the silo's copies.
extern alias grains;

using BenchmarkDotNet.Attributes;
using FrameBuffer = grains::Grid.Protocol.Wire.FrameBuffer;
using ResultFrame = grains::Grid.Protocol.Wire.ResultFrame;

namespace Grid.Bench.Micro;

/// <summary>
/// A silo's answer to a batch of reads (<see cref="Values"/> values of <see cref="ValueSize"/> bytes, about what one
/// client batch holds under its 60 KiB bound): the result frame written from a first buffer sized by the request
/// (which grows, copying what was written, as large values arrive) and copied out zeroed first, against one sized by
/// the silo's recent bytes per operation and copied out without zeroing (<see cref="FrameBuffer.CopyOf"/>).
/// </summary>
[MemoryDiagnoser]
public class ResultFrameBenchmarks
{
    private byte[] _value = [];

    [Params(100, 4096)]
    public int ValueSize { get; set; }

    [Params(14)]
    public int Values { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _value = new byte[ValueSize];
        new Random(7).NextBytes(_value);
    }

    [Benchmark(Baseline = true, Description = "sized by request, grows, zeroed copy")]
    public byte[] SizedByRequest()
    {
        using var frame = new FrameBuffer(32 + (Values * 40) + (Values * 8));
        Write(frame);
        return frame.Written.ToArray();
    }

    [Benchmark(Description = "sized by recent answers, unzeroed copy")]
    public byte[] SizedByAnswers()
    {
        using var frame = new FrameBuffer(32 + (Values * (ValueSize + 8)));
        Write(frame);
        return frame.ToArray();
    }

    private void Write(FrameBuffer frame)
    {
        ResultFrame.WriteHeader(frame, Values);
        for (int i = 0; i < Values; i++)
        {
            ResultFrame.WriteValue(frame, _value);
        }
    }
}
