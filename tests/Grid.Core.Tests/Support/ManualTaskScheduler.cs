namespace Grid.Core.Tests.Support;

/// <summary>Runs queued tasks only when the test says so, one at a time on the test's thread, so interleavings are chosen, not raced.</summary>
internal sealed class ManualTaskScheduler : TaskScheduler
{
    private readonly Queue<Task> _queue = new();

    /// <summary>Runs the oldest queued task (continuations it queues wait for later calls); false when none is queued.</summary>
    public bool RunOne()
    {
        Task? task;
        lock (_queue)
        {
            if (!_queue.TryDequeue(out task))
            {
                return false;
            }
        }

        // Without a synchronization context, awaits inside the task (Task.Yield included) come back to this scheduler.
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            TryExecuteTask(task);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }

        return true;
    }

    /// <summary>Runs queued tasks until none is left.</summary>
    public void RunAll()
    {
        while (RunOne())
        {
        }
    }

    protected override void QueueTask(Task task)
    {
        lock (_queue)
        {
            _queue.Enqueue(task);
        }
    }

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    protected override IEnumerable<Task> GetScheduledTasks()
    {
        lock (_queue)
        {
            return [.. _queue];
        }
    }
}
