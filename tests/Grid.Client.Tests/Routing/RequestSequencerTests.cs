using Grid.Client.Routing;

namespace Grid.Client.Tests.Routing;

public sealed class RequestSequencerTests
{
    [Fact]
    public void Ids_are_consecutive_from_one_and_nothing_is_completed_yet()
    {
        var requests = new RequestSequencer();

        Assert.Equal([1L, 2, 3], [requests.Next(), requests.Next(), requests.Next()]);
        Assert.Equal(1, requests.CompletedBelow);
        Assert.NotEqual(0UL, requests.ClientId);
        Assert.Equal(new Protocol.Wire.RequestOrigin(requests.ClientId, 1), requests.Origin);
    }

    [Fact]
    public void Each_client_has_its_own_id() => Assert.NotEqual(new RequestSequencer().ClientId, new RequestSequencer().ClientId);

    [Fact]
    public void Low_mark_advances_only_over_consecutive_completed_ids()
    {
        var requests = new RequestSequencer();
        for (int i = 0; i < 5; i++)
        {
            requests.Next();
        }

        requests.Completed(2);
        requests.Completed(4);
        Assert.Equal(1, requests.CompletedBelow);

        requests.Completed(1);
        Assert.Equal(3, requests.CompletedBelow);

        requests.Completed(3);
        Assert.Equal(5, requests.CompletedBelow);

        requests.Completed(5);
        Assert.Equal(6, requests.CompletedBelow);
        Assert.Equal(6, requests.Origin.CompletedBelow);
    }

    [Fact]
    public void Completing_an_id_twice_changes_nothing()
    {
        var requests = new RequestSequencer();
        requests.Next();
        requests.Next();

        requests.Completed(1);
        requests.Completed(1);

        Assert.Equal(2, requests.CompletedBelow);
    }

    [Fact]
    public void Low_mark_never_passes_an_id_not_yet_handed_out()
    {
        var requests = new RequestSequencer();
        requests.Next();
        requests.Completed(1);

        Assert.Equal(2, requests.CompletedBelow);
        Assert.Equal(2, requests.Next());
        Assert.Equal(2, requests.CompletedBelow);
    }

    [Fact]
    public void Beyond_MaxOutstanding_writes_fail_fast_with_GridBusyException()
    {
        var requests = new RequestSequencer();
        for (int i = 0; i < RequestSequencer.MaxOutstanding; i++)
        {
            requests.Next();
        }

        var error = Assert.Throws<GridBusyException>(() => requests.Next());
        Assert.Contains("outstanding", error.Message, StringComparison.Ordinal);

        // The oldest completing makes room for exactly one more.
        requests.Completed(1);
        Assert.Equal(2, requests.CompletedBelow);
        requests.Next();
        Assert.Throws<GridBusyException>(() => requests.Next());
    }

    [Fact]
    public void TryReserve_takes_consecutive_ids_or_none()
    {
        var requests = new RequestSequencer();
        Assert.True(requests.TryReserve(3, out long first));
        Assert.Equal(1, first);
        Assert.Equal(4, requests.Next());

        // Room for MaxOutstanding − 4 more: a reservation one larger takes nothing.
        Assert.False(requests.TryReserve(RequestSequencer.MaxOutstanding - 3, out _));
        Assert.True(requests.TryReserve(RequestSequencer.MaxOutstanding - 4, out first));
        Assert.Equal(5, first);
        Assert.False(requests.TryReserve(1, out _));
    }

    [Fact]
    public async Task A_write_waiting_for_room_behind_one_held_up_write_goes_on_once_that_write_completes()
    {
        // One write held up (its silo froze) and every newer one answered: the window still counts from the held-up one.
        var requests = FullWindowBehindOneHeldUpWrite();
        Assert.False(requests.TryReserve(1, out _));

        var waiting = requests.WaitForRoomAsync(1, Environment.TickCount64 + 60_000);
        Assert.False(waiting.IsCompleted);

        requests.Completed(1);
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(requests.TryReserve(1, out long id));
        Assert.Equal(RequestSequencer.MaxOutstanding + 1, id);
    }

    [Fact]
    public async Task A_write_waiting_for_room_fails_with_GridTimeoutException_at_its_deadline_and_takes_no_id()
    {
        var requests = FullWindowBehindOneHeldUpWrite();

        var error = await Assert.ThrowsAsync<GridTimeoutException>(() => requests.WaitForRoomAsync(1, Environment.TickCount64 + 50));
        Assert.Contains("outstanding", error.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was sent", error.Message, StringComparison.Ordinal);

        // The held-up write completing makes room as before: the timed-out wait took nothing.
        requests.Completed(1);
        Assert.Equal(RequestSequencer.MaxOutstanding + 1, requests.CompletedBelow);
        Assert.True(requests.TryReserve(RequestSequencer.MaxOutstanding, out _));
    }

    [Fact]
    public async Task A_write_waiting_for_room_ends_when_its_caller_cancels()
    {
        var requests = FullWindowBehindOneHeldUpWrite();
        using var cancel = new CancellationTokenSource();

        var waiting = requests.WaitForRoomAsync(1, Environment.TickCount64 + 60_000, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task One_call_of_more_writes_than_the_window_holds_fails_at_once_with_GridBusyException()
    {
        var requests = new RequestSequencer();

        var error = await Assert.ThrowsAsync<GridBusyException>(() => requests.WaitForRoomAsync(RequestSequencer.MaxOutstanding + 1, Environment.TickCount64 + 60_000));
        Assert.Contains("split it", error.Message, StringComparison.Ordinal);

        await requests.WaitForRoomAsync(RequestSequencer.MaxOutstanding, Environment.TickCount64 + 60_000).WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Ids 1 to MaxOutstanding taken, all but id 1 completed: the window is full.</summary>
    private static RequestSequencer FullWindowBehindOneHeldUpWrite()
    {
        var requests = new RequestSequencer();
        Assert.True(requests.TryReserve(RequestSequencer.MaxOutstanding, out _));
        for (long id = 2; id <= RequestSequencer.MaxOutstanding; id++)
        {
            requests.Completed(id);
        }

        Assert.Equal(1, requests.CompletedBelow);
        return requests;
    }

    [Fact]
    public void Low_mark_keeps_advancing_after_writes_were_refused_for_being_too_many()
    {
        var requests = new RequestSequencer();
        var outstanding = new List<long>();
        for (int i = 0; i < RequestSequencer.MaxOutstanding; i++)
        {
            outstanding.Add(requests.Next());
        }

        Assert.Throws<GridBusyException>(() => requests.Next());
        foreach (long id in outstanding)
        {
            requests.Completed(id);
        }

        long below = requests.CompletedBelow;
        Assert.Equal(outstanding[^1] + 1, below);

        // Later writes complete as usual, and the mark follows them: a refusal must not leave a hole in the ring that
        // stops the mark (partitions would keep every answer, and after MaxOutstanding more writes every write is refused).
        for (int round = 0; round < 3; round++)
        {
            long id = requests.Next();
            requests.Completed(id);
            Assert.True(requests.CompletedBelow > id, $"after completing {id} every id below {requests.CompletedBelow} is completed; expected the mark past {id}");
        }
    }

    [Fact]
    public void Sustained_load_beyond_the_ring_never_refuses_when_writes_complete()
    {
        var requests = new RequestSequencer();
        var window = new Queue<long>();
        for (int i = 0; i < RequestSequencer.MaxOutstanding * 3; i++)
        {
            window.Enqueue(requests.Next());
            if (window.Count == 100)
            {
                requests.Completed(window.Dequeue());
            }
        }

        while (window.Count > 0)
        {
            requests.Completed(window.Dequeue());
        }

        Assert.Equal(RequestSequencer.MaxOutstanding * 3L + 1, requests.CompletedBelow);
    }

    [Fact]
    public async Task Concurrent_writers_completing_out_of_order_leave_the_mark_past_every_id()
    {
        // Each round ends with every id completed; a completion racing another (one publishing its id while the other
        // advances the mark past the slot before it) must never leave the mark short. Rounds make the race likely.
        const int Writers = 4;
        const int PerWriter = 20_000;
        for (int round = 0; round < 20; round++)
        {
            var requests = new RequestSequencer();
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(() =>
            {
                // Each writer holds a few ids and completes them newest first.
                var held = new Stack<long>();
                for (int i = 0; i < PerWriter; i++)
                {
                    held.Push(requests.Next());
                    if (held.Count > i % 3)
                    {
                        while (held.Count > 0)
                        {
                            requests.Completed(held.Pop());
                        }
                    }
                }

                while (held.Count > 0)
                {
                    requests.Completed(held.Pop());
                }
            }))).WaitAsync(TimeSpan.FromSeconds(30));

            Assert.True(Writers * (long)PerWriter + 1 == requests.CompletedBelow, $"round {round}: every id up to {Writers * PerWriter} completed, but the mark stopped at {requests.CompletedBelow}");
        }
    }

    [Fact]
    public void Two_completions_racing_at_the_mark_never_leave_it_short()
    {
        // Round after round, the two newest ids complete at the same moment on two threads: one publishes the newer id
        // and finds the older not done yet, the other publishes the older, moves the mark past it and must then see the
        // newer done. Without a full fence between publishing an id and reading the mark, each can miss the other's
        // write (store-load reordering) and the mark stops short until some later completion. (Before the fence: short
        // in 1 to 1,500 of 100,000 rounds in about half the runs here.) Bounded in rounds and in time.
        const int MaxRounds = 100_000;
        const long Stop = -1;
        var budget = System.Diagnostics.Stopwatch.StartNew();
        var requests = new RequestSequencer();
        long published = 0;
        long finished = 0;
        int stoppedShort = 0;
        var worker = new Thread(() =>
        {
            for (long round = 1; ; round++)
            {
                long id;
                int spins = 0;
                while ((id = Volatile.Read(ref published)) == 0)
                {
                    YieldNowAndThen(ref spins);
                }

                if (id == Stop)
                {
                    return;
                }

                Volatile.Write(ref published, 0);
                requests.Completed(id);
                Volatile.Write(ref finished, round);
            }
        });
        worker.Start();
        int rounds = 0;
        while (rounds < MaxRounds && budget.Elapsed < TimeSpan.FromSeconds(1.5))
        {
            rounds++;
            long older = requests.Next();
            long newer = requests.Next();
            Volatile.Write(ref published, newer);
            requests.Completed(older);
            int spins = 0;
            while (Volatile.Read(ref finished) != rounds)
            {
                YieldNowAndThen(ref spins);
            }

            if (requests.CompletedBelow != newer + 1)
            {
                stoppedShort++;
            }
        }

        Volatile.Write(ref published, Stop);
        Assert.True(worker.Join(TimeSpan.FromSeconds(30)), "the completing thread did not finish");
        Assert.True(stoppedShort == 0, $"in {stoppedShort} of {rounds} rounds the mark stopped short after both ids completed");
    }

    /// <summary>
    /// Busy-waits (the two threads must run at the same moment to race), giving the core away now and then so a loaded
    /// machine, where the other thread may not be running, still makes progress.
    /// </summary>
    private static void YieldNowAndThen(ref int spins)
    {
        if (++spins % 1024 == 0)
        {
            Thread.Yield();
        }
    }
}
