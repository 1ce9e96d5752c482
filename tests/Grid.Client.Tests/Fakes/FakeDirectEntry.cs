using Grid.Protocol;

namespace Grid.Client.Tests.Fakes;

/// <summary>A silo's direct entry service as an ordinary object: records each batch's shard and answers when the test says.</summary>
internal sealed class FakeDirectEntry : ISiloDirectEntry
{
    private readonly Lock _gate = new();
    private readonly List<(int Shard, TaskCompletionSource<SiloBatchResult> Answer)> _calls = [];

    /// <summary>The shards of the batches received so far, in order.</summary>
    public int[] Shards
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls.Select(call => call.Shard)];
            }
        }
    }

    /// <summary>The answer of the <paramref name="index"/>th batch (0-based), for the test to complete or fail.</summary>
    public TaskCompletionSource<SiloBatchResult> Answer(int index)
    {
        lock (_gate)
        {
            return _calls[index].Answer;
        }
    }

    public Task<SiloBatchResult> Execute(byte[] requestFrame, int shard)
    {
        var answer = new TaskCompletionSource<SiloBatchResult>();
        lock (_gate)
        {
            _calls.Add((shard, answer));
        }

        return answer.Task;
    }
}
