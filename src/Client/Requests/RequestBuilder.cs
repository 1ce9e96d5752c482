using System.Runtime.InteropServices;
using Grid.Client.Connection;
using Grid.Protocol;

namespace Grid.Client.Requests;

/// <summary>
/// Checks a call's input against the cluster's limits and builds its operations, before anything is sent: bad input
/// throws <see cref="ArgumentException"/> naming the parameter and the limit.
/// </summary>
internal sealed class RequestBuilder(ClusterConnection connection, TimeProvider time)
{
    /// <summary>The cluster's limits (the configured ones until connected).</summary>
    public GridLimits Limits => connection.Limits;

    /// <summary>The key's UTF-8 bytes, checked.</summary>
    public byte[] EncodeKey(string key, string paramName = "key") => GridValidation.EncodeKey(key, connection.Limits, paramName);

    /// <summary>A call's own deadline, checked: positive and at most a day.</summary>
    public static TimeSpan? CallTimeout(TimeSpan? timeout)
    {
        if (timeout is { } value && (value <= TimeSpan.Zero || value > TimeSpan.FromDays(1)))
        {
            throw new ArgumentOutOfRangeException("options.Timeout", value, "A call's Timeout must be positive and at most one day.");
        }

        return timeout;
    }

    /// <summary>Refuses a call with more keys (or values) than MaxKeysPerCall.</summary>
    public void CheckCount(int count, string paramName)
    {
        var limits = connection.Limits;
        if (count > limits.MaxKeysPerCall)
        {
            throw new ArgumentException($"A call may carry at most {limits.MaxKeysPerCall} keys (MaxKeysPerCall); this one has {count}.", paramName);
        }
    }

    /// <summary>Refuses a multi-key call whose keys, values and tags add up to more than MaxRequestBytes.</summary>
    public void CheckRequestBytes(GridOp[] ops, string paramName)
    {
        long total = 0;
        foreach (var op in ops)
        {
            total += op.Key.Length + (op.Value?.Length ?? 0);
            foreach (var tag in op.Tags ?? [])
            {
                total += tag.Length;
            }
        }

        var limits = connection.Limits;
        if (total > limits.MaxRequestBytes)
        {
            throw new ArgumentException($"The call carries {total} bytes of keys, values and tags, more than MaxRequestBytes ({limits.MaxRequestBytes}).", paramName);
        }
    }

    /// <summary>A time span in whole milliseconds, checked against the limits.</summary>
    public long Milliseconds(TimeSpan value, string paramName) => GridValidation.ToMilliseconds(value, connection.Limits, paramName);

    /// <summary>Refuses a value longer than MaxValueBytes.</summary>
    public void CheckValue(int length, string paramName = "value") => GridValidation.CheckValue(length, connection.Limits, paramName);

    /// <summary>Refuses a name (tag, pattern, hash field) that is empty or too long.</summary>
    public void CheckName(string name, string what, string paramName) => GridValidation.CheckName(name, connection.Limits, what, paramName);

    /// <summary>
    /// A removal, with <see cref="GridEntryOptions.IfVersion"/> when <paramref name="options"/> has one; a removal takes
    /// nothing else from the options but <see cref="GridEntryOptions.Timeout"/>.
    /// </summary>
    public GridOp BuildRemove(byte[] key, GridEntryOptions? options)
    {
        var op = new GridOp { Code = OpCode.Remove, Key = key };
        if (options is null)
        {
            return op;
        }

        if (options.TimeToLive is not null || options.AbsoluteExpiration is not null || options.SlidingExpiration is not null
            || options.When != SetCondition.Always || options.Tags is { Count: > 0 } || options.InvalidateTags is { Count: > 0 })
        {
            throw new ArgumentException("A removal takes only IfVersion and Timeout from GridEntryOptions.", nameof(options));
        }

        if (options.IfVersion is not null)
        {
            RequireVersion(op, options);
        }

        return op;
    }

    /// <summary>Makes <paramref name="op"/> run only at the entry version <see cref="GridEntryOptions.IfVersion"/> names.</summary>
    private static void RequireVersion(GridOp op, GridEntryOptions options)
    {
        long version = options.IfVersion!.Value;
        if (version < 0)
        {
            throw new ArgumentOutOfRangeException("options.IfVersion", version, "An entry version is 0 (the key does not exist) or positive.");
        }

        op.Flags |= OpFlags.IfVersion;
        op.ExpectedVersion = version;
    }

    /// <summary>A set operation with its expiry, condition (or expected version) and tags, checked.</summary>
    public GridOp BuildSet(byte[] key, ReadOnlyMemory<byte> value, GridEntryOptions? options, bool allowCondition)
    {
        var limits = connection.Limits;
        GridValidation.CheckValue(value.Length, limits);
        var op = new GridOp { Code = OpCode.Set, Key = key, Value = AsArray(value) };
        if (options is null)
        {
            return op;
        }

        if (options.TimeToLive is { } ttl)
        {
            if (options.AbsoluteExpiration is not null)
            {
                throw new ArgumentException("Set either TimeToLive or AbsoluteExpiration, not both.", nameof(options));
            }

            op.Arg0 = GridValidation.ToMilliseconds(ttl, limits, "options.TimeToLive");
        }
        else if (options.AbsoluteExpiration is { } at)
        {
            var remaining = at - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException("options.AbsoluteExpiration", at, "The absolute expiration must be in the future.");
            }

            op.Arg0 = GridValidation.ToMilliseconds(remaining, limits, "options.AbsoluteExpiration");
        }

        if (options.SlidingExpiration is { } sliding)
        {
            op.Arg1 = GridValidation.ToMilliseconds(sliding, limits, "options.SlidingExpiration");
        }

        op.Flags = options.When switch
        {
            SetCondition.Always => OpFlags.None,
            SetCondition.NotExists when allowCondition => OpFlags.IfNotExists,
            SetCondition.Exists when allowCondition => OpFlags.IfExists,
            _ => throw new ArgumentOutOfRangeException("options.When", options.When, "Unknown or unsupported SetCondition."),
        };

        if (options.IfVersion is not null)
        {
            if (!allowCondition)
            {
                throw new ArgumentException("This call writes unconditionally; options.IfVersion applies to SetAsync, SetWithVersionAsync and RemoveWithVersionAsync.", nameof(options));
            }

            if (options.When != SetCondition.Always)
            {
                throw new ArgumentException("Set either options.When or options.IfVersion, not both (IfVersion = 0 already means \"only if the key does not exist\").", nameof(options));
            }

            RequireVersion(op, options);
        }

        if (options.Tags is { Count: > 0 } tags)
        {
            if (tags.Count > limits.MaxTagsPerEntry)
            {
                throw new ArgumentException($"An entry may carry at most {limits.MaxTagsPerEntry} tags (MaxTagsPerEntry); this one has {tags.Count}.", nameof(options));
            }

            var copy = new string[tags.Count];
            for (int i = 0; i < copy.Length; i++)
            {
                GridValidation.CheckName(tags[i], limits, "tag", $"options.Tags[{i}]");
                copy[i] = tags[i];
            }

            op.Tags = copy;
        }

        return op;
    }

    /// <summary>The value's array when it spans a whole array (no copy), else a copy.</summary>
    public static byte[] AsArray(ReadOnlyMemory<byte> value) =>
        MemoryMarshal.TryGetArray(value, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : value.ToArray();
}
