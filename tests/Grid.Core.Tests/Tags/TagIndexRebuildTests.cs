using System.Net;
using Grid.Grains.Partitions;
using Grid.Grains.Tags;
using Grid.Protocol.Wire;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;

namespace Grid.Core.Tests.Tags;

/// <summary>
/// The rounds of a shard's rebuild against a scripted cluster: partitions between silos or without a live primary are
/// asked for again, then activated; a silo that dies while asked is dropped, one that fails while alive is asked again.
/// </summary>
public sealed class TagIndexRebuildTests
{
    private const int Partitions = 16;

    private static readonly SiloAddress A = Silo(1);
    private static readonly SiloAddress B = Silo(2);
    private static readonly SiloAddress C = Silo(3);

    private readonly FakeTimeProvider _time = new();
    private readonly FakeSource _source = new();
    private readonly List<byte[]> _applied = [];

    private TagIndexRebuild Rebuild(bool replicated = true) => new(_source, Partitions, replicated, _time, NullLogger.Instance);

    [Fact]
    public async Task When_every_known_partition_was_walked_one_round_is_enough()
    {
        _source.Answer(A, round => Answer(pairs: 3, scanned: [0, 1], known: [0, 1, 5]));
        _source.Answer(B, round => Answer(pairs: 2, scanned: [5], known: [5]));

        var result = await Rebuild().RunAsync(0, 0, _applied.Add, CancellationToken.None);

        Assert.Equal(new TagRebuildResult(5, 1, 2, 0), result);
        Assert.Equal(2, _applied.Count);
        Assert.All(_source.Requests, r => Assert.Null(r.Partitions));
    }

    [Fact]
    public async Task A_partition_known_but_walked_nowhere_is_asked_for_again_and_only_activated_if_still_nowhere()
    {
        // Round 1: partition 7 is between silos (B knows it was there). Round 2: it is live on C. Partition 9 (a replica
        // on A whose primary died) is walked from that replica in round 2. Partition 11 is nowhere until activated.
        _source.Answer(A, round => round switch
        {
            1 => Answer(1, scanned: [0], known: [0, 9]),
            2 => Answer(1, scanned: [9], known: [0, 9]),
            _ => Answer(0, scanned: [], known: [0, 9]),
        });
        _source.Answer(B, round => Answer(round == 1 ? 1 : 0, scanned: round == 1 ? [1] : [], known: [1, 7, 11]));
        _source.Answer(C, round => round switch
        {
            1 => Answer(0, scanned: [], known: []),
            2 => Answer(4, scanned: [7], known: [7]),
            _ => Answer(2, scanned: [11], known: [7, 11]),
        });

        var result = await Rebuild().RunAsync(0, 0, _applied.Add, CancellationToken.None);

        Assert.Equal(3, result.Rounds);
        Assert.Equal(1 + 1 + 1 + 4 + 2, result.Pairs);
        Assert.Equal([11], _source.Activated);
        Assert.Equal([7, 9, 11], _source.RequestsOf(C)[1].Partitions!.Partitions());
        Assert.Equal([11], _source.RequestsOf(C)[2].Partitions!.Partitions());
    }

    [Fact]
    public async Task Partitions_that_appear_after_the_first_round_are_not_chased()
    {
        // Partition 3 is created while the shard asks: in round 2, a silo reports it (as every later round might report
        // yet another new one); it held nothing when the shard activated, so the rebuild ends without it.
        _source.Answer(A, round => round == 1 ? Answer(1, scanned: [0], known: [0, 2]) : Answer(1, scanned: [2], known: [0, 2, 3]));

        var result = await Rebuild().RunAsync(0, 0, _applied.Add, CancellationToken.None);

        Assert.Equal(2, result.Rounds);
        Assert.Empty(_source.Activated);
    }

    [Fact]
    public async Task A_silo_declared_dead_while_asked_is_dropped_without_waiting_for_its_call()
    {
        _source.Answer(A, round => Answer(1, scanned: [0], known: [0]));
        _source.Hang(B);

        var run = Rebuild().RunAsync(0, 0, _applied.Add, CancellationToken.None);
        _time.Advance(TagIndexRebuild.LivenessCheck);
        Assert.False(run.IsCompleted);

        _source.Kill(B);
        await AdvanceUntilAsync(run);

        Assert.Equal(new TagRebuildResult(1, 1, 2, 0), await run);
    }

    [Fact]
    public async Task Without_replicas_a_silo_that_left_while_asked_makes_every_partition_not_walked_looked_for()
    {
        _source.Answer(A, round => round == 1 ? Answer(1, scanned: [0, 1], known: [0, 1]) : Answer(0, scanned: [], known: [0, 1]));
        _source.Answer(C, round => Answer(0, scanned: round >= 3 ? [.. Enumerable.Range(2, Partitions - 2)] : [], known: []));
        _source.Hang(B);

        var run = Rebuild(replicated: false).RunAsync(0, 0, _applied.Add, CancellationToken.None);
        _source.Kill(B);
        await AdvanceUntilAsync(run);

        var result = await run;
        Assert.Equal(3, result.Rounds);
        Assert.Equal(Enumerable.Range(2, Partitions - 2), _source.Activated.Order());
    }

    [Fact]
    public async Task A_live_silo_whose_call_fails_is_asked_again()
    {
        _source.Answer(A, round => Answer(2, scanned: [0], known: [0]));
        _source.FailOnce(A);

        var run = Rebuild().RunAsync(0, 0, _applied.Add, CancellationToken.None);
        await AdvanceUntilAsync(run);

        Assert.Equal(2, (await run).Pairs);
        Assert.Equal(2, _source.RequestsOf(A).Count);
    }

    [Fact]
    public async Task A_live_silo_that_never_answers_ends_the_rebuild_at_its_deadline()
    {
        _source.Hang(A);
        using var deadline = new CancellationTokenSource();
        var run = Rebuild().RunAsync(0, 0, _applied.Add, deadline.Token);
        _time.Advance(TagIndexRebuild.LivenessCheck * 3);
        Assert.False(run.IsCompleted);

        await deadline.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    private async Task AdvanceUntilAsync(Task run)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!run.IsCompleted && DateTime.UtcNow < deadline)
        {
            _time.Advance(TimeSpan.FromMilliseconds(200));
            await Task.Delay(5);
        }
    }

    private static SiloAddress Silo(int n) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11110 + n), n);

    private static TagPairsAnswer Answer(int pairs, int[] scanned, int[] known)
    {
        using var body = new FrameBuffer();
        for (int i = 0; i < pairs; i++)
        {
            TagUpdateFrame.Write(body, TagUpdateFrame.Add, "t"u8, System.Text.Encoding.UTF8.GetBytes($"k{i}"));
        }

        return new TagPairsAnswer { Updates = TagUpdateFrame.Build(pairs, body.Written), Pairs = pairs, Scanned = Set(scanned), Known = Set(known) };
    }

    private static PartitionSet Set(int[] partitions)
    {
        var set = new PartitionSet(Partitions);
        foreach (int p in partitions)
        {
            set.Add(p);
        }

        return set;
    }

    /// <summary>A scripted cluster: per silo, an answer per round, or a call that never returns; liveness switched by the test.</summary>
    private sealed class FakeSource : ITagPairSource
    {
        private readonly Dictionary<SiloAddress, Func<int, TagPairsAnswer>> _answers = [];
        private readonly HashSet<SiloAddress> _hanging = [];
        private readonly HashSet<SiloAddress> _dead = [];
        private readonly HashSet<SiloAddress> _failOnce = [];
        private readonly Lock _gate = new();

        public List<(SiloAddress Silo, PartitionSet? Partitions)> Requests { get; } = [];

        public List<int> Activated { get; } = [];

        public void Answer(SiloAddress silo, Func<int, TagPairsAnswer> answer) => _answers[silo] = answer;

        public void Hang(SiloAddress silo) => _hanging.Add(silo);

        public void Kill(SiloAddress silo)
        {
            lock (_gate)
            {
                _dead.Add(silo);
            }
        }

        public void FailOnce(SiloAddress silo) => _failOnce.Add(silo);

        public List<(SiloAddress Silo, PartitionSet? Partitions)> RequestsOf(SiloAddress silo)
        {
            lock (_gate)
            {
                return [.. Requests.Where(r => r.Silo.Equals(silo))];
            }
        }

        public SiloAddress[] ActiveSilos()
        {
            lock (_gate)
            {
                return [.. new[] { A, B, C }.Where(s => (_answers.ContainsKey(s) || _hanging.Contains(s)) && !_dead.Contains(s))];
            }
        }

        public bool IsActive(SiloAddress silo)
        {
            lock (_gate)
            {
                return !_dead.Contains(silo);
            }
        }

        public Task<TagPairsAnswer> CollectAsync(SiloAddress silo, int bucket, int shard, PartitionSet? partitions)
        {
            int round;
            lock (_gate)
            {
                Requests.Add((silo, partitions));
                round = Requests.Count(r => r.Silo.Equals(silo));
                if (_failOnce.Remove(silo))
                {
                    return Task.FromException<TagPairsAnswer>(new TimeoutException("scripted failure"));
                }
            }

            if (_hanging.Contains(silo))
            {
                return new TaskCompletionSource<TagPairsAnswer>().Task;
            }

            return Task.FromResult(_answers[silo](round));
        }

        public Task ActivateAsync(int partition)
        {
            lock (_gate)
            {
                Activated.Add(partition);
            }

            return Task.CompletedTask;
        }
    }
}
