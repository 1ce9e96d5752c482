using System.Collections.Frozen;

namespace Grid.Resp.Commands.Introspection;

/// <summary>
/// What <c>COMMAND</c>, <c>COMMAND INFO</c> and <c>COMMAND DOCS</c> tell about each command beyond its name and arity
/// (which come from the command table itself): flags, key positions, ACL categories and the docs' summary, copied from
/// redis-server 7.0.15's own answers for the commands the endpoint serves (a test checks them against redis-server),
/// plus the grid's own commands.
/// </summary>
internal static class RespCommandCatalog
{
    private static readonly RespCommandFacts[] Facts =
    [
        new("ping", ["fast"], 0, 0, 0, ["@fast", "@connection"], "Ping the server", "1.0.0", "connection", "O(1)"),
        new("echo", ["loading", "stale", "fast"], 0, 0, 0, ["@fast", "@connection"], "Echo the given string", "1.0.0", "connection", "O(1)"),
        new("hello", ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"], 0, 0, 0, ["@fast", "@connection"], "Handshake with Redis", "6.0.0", "connection", "O(1)"),
        new("select", ["loading", "stale", "fast"], 0, 0, 0, ["@fast", "@connection"], "Change the selected database for the current connection", "1.0.0", "connection", "O(1)"),
        new("quit", ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"], 0, 0, 0, ["@fast", "@connection"], "Close the connection", "1.0.0", "connection", "O(1)"),
        new("client", [], 0, 0, 0, ["@slow"], "A container for client connection commands", "2.4.0", "connection", "Depends on subcommand."),
        new("command", ["loading", "stale"], 0, 0, 0, ["@slow", "@connection"], "Get array of Redis command details", "2.8.13", "server", "O(N) where N is the total number of Redis commands"),
        new("info", ["loading", "stale"], 0, 0, 0, ["@slow", "@dangerous"], "Get information and statistics about the server", "1.0.0", "server", "O(1)"),
        new("auth", ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"], 0, 0, 0, ["@fast", "@connection"], "Authenticate to the server", "1.0.0", "connection", "O(N) where N is the number of passwords defined for the user"),
        new("get", ["readonly", "fast"], 1, 1, 1, ["@read", "@string", "@fast"], "Get the value of a key", "1.0.0", "string", "O(1)"),
        new("set", ["write", "denyoom"], 1, 1, 1, ["@write", "@string", "@slow"], "Set the string value of a key", "1.0.0", "string", "O(1)"),
        new("setex", ["write", "denyoom"], 1, 1, 1, ["@write", "@string", "@slow"], "Set the value and expiration of a key", "2.0.0", "string", "O(1)"),
        new("psetex", ["write", "denyoom"], 1, 1, 1, ["@write", "@string", "@slow"], "Set the value and expiration in milliseconds of a key", "2.6.0", "string", "O(1)"),
        new("setnx", ["write", "denyoom", "fast"], 1, 1, 1, ["@write", "@string", "@fast"], "Set the value of a key, only if the key does not exist", "1.0.0", "string", "O(1)"),
        new("getdel", ["write", "fast"], 1, 1, 1, ["@write", "@string", "@fast"], "Get the value of a key and delete the key", "6.2.0", "string", "O(1)"),
        new("getset", ["write", "denyoom", "fast"], 1, 1, 1, ["@write", "@string", "@fast"], "Set the string value of a key and return its old value", "1.0.0", "string", "O(1)"),
        new("getex", ["write", "fast"], 1, 1, 1, ["@write", "@string", "@fast"], "Get the value of a key and optionally set its expiration", "6.2.0", "string", "O(1)"),
        new("mget", ["readonly", "fast"], 1, -1, 1, ["@read", "@string", "@fast"], "Get the values of all the given keys", "1.0.0", "string", "O(N) where N is the number of keys to retrieve."),
        new("mset", ["write", "denyoom"], 1, -1, 2, ["@write", "@string", "@slow"], "Set multiple keys to multiple values", "1.0.1", "string", "O(N) where N is the number of keys to set."),
        new("msetnx", ["write", "denyoom"], 1, -1, 2, ["@write", "@string", "@slow"], "Set multiple keys to multiple values, only if none of the keys exist", "1.0.1", "string", "O(N) where N is the number of keys to set."),
        new("incr", ["write", "denyoom", "fast"], 1, 1, 1, ["@write", "@string", "@fast"], "Increment the integer value of a key by one", "1.0.0", "string", "O(1)"),
        new("decr", ["write", "denyoom", "fast"], 1, 1, 1, ["@write", "@string", "@fast"], "Decrement the integer value of a key by one", "1.0.0", "string", "O(1)"),
        new("incrby", ["write", "denyoom", "fast"], 1, 1, 1, ["@write", "@string", "@fast"], "Increment the integer value of a key by the given amount", "1.0.0", "string", "O(1)"),
        new("decrby", ["write", "denyoom", "fast"], 1, 1, 1, ["@write", "@string", "@fast"], "Decrement the integer value of a key by the given number", "1.0.0", "string", "O(1)"),
        new("append", ["write", "denyoom", "fast"], 1, 1, 1, ["@write", "@string", "@fast"], "Append a value to a key", "2.0.0", "string", "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation."),
        new("strlen", ["readonly", "fast"], 1, 1, 1, ["@read", "@string", "@fast"], "Get the length of the value stored in a key", "2.2.0", "string", "O(1)"),
        new("del", ["write"], 1, -1, 1, ["@keyspace", "@write", "@slow"], "Delete a key", "1.0.0", "generic", "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1)."),
        new("unlink", ["write", "fast"], 1, -1, 1, ["@keyspace", "@write", "@fast"], "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.", "4.0.0", "generic", "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of."),
        new("exists", ["readonly", "fast"], 1, -1, 1, ["@keyspace", "@read", "@fast"], "Determine if a key exists", "1.0.0", "generic", "O(N) where N is the number of keys to check."),
        new("expire", ["write", "fast"], 1, 1, 1, ["@keyspace", "@write", "@fast"], "Set a key's time to live in seconds", "1.0.0", "generic", "O(1)"),
        new("pexpire", ["write", "fast"], 1, 1, 1, ["@keyspace", "@write", "@fast"], "Set a key's time to live in milliseconds", "2.6.0", "generic", "O(1)"),
        new("persist", ["write", "fast"], 1, 1, 1, ["@keyspace", "@write", "@fast"], "Remove the expiration from a key", "2.2.0", "generic", "O(1)"),
        new("ttl", ["readonly", "fast"], 1, 1, 1, ["@keyspace", "@read", "@fast"], "Get the time to live for a key in seconds", "1.0.0", "generic", "O(1)"),
        new("pttl", ["readonly", "fast"], 1, 1, 1, ["@keyspace", "@read", "@fast"], "Get the time to live for a key in milliseconds", "2.6.0", "generic", "O(1)"),
        new("type", ["readonly", "fast"], 1, 1, 1, ["@keyspace", "@read", "@fast"], "Determine the type stored at key", "1.0.0", "generic", "O(1)"),
        new("dbsize", ["readonly", "fast"], 0, 0, 0, ["@keyspace", "@read", "@fast"], "Return the number of keys in the selected database", "1.0.0", "server", "O(1)"),
        new("scan", ["readonly"], 0, 0, 0, ["@keyspace", "@read", "@slow"], "Incrementally iterate the keys space", "2.8.0", "generic", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection."),
        new("keys", ["readonly"], 0, 0, 0, ["@keyspace", "@read", "@slow", "@dangerous"], "Find all keys matching the given pattern", "1.0.0", "generic", "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length."),
        new("flushall", ["write"], 0, 0, 0, ["@keyspace", "@write", "@slow", "@dangerous"], "Remove all keys from all databases", "1.0.0", "server", "O(N) where N is the total number of keys in all databases"),
        new("hset", ["write", "denyoom", "fast"], 1, 1, 1, ["@write", "@hash", "@fast"], "Set the string value of a hash field", "2.0.0", "hash", "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs."),
        new("hmset", ["write", "denyoom", "fast"], 1, 1, 1, ["@write", "@hash", "@fast"], "Set multiple hash fields to multiple values", "2.0.0", "hash", "O(N) where N is the number of fields being set."),
        new("hget", ["readonly", "fast"], 1, 1, 1, ["@read", "@hash", "@fast"], "Get the value of a hash field", "2.0.0", "hash", "O(1)"),
        new("hmget", ["readonly", "fast"], 1, 1, 1, ["@read", "@hash", "@fast"], "Get the values of all the given hash fields", "2.0.0", "hash", "O(N) where N is the number of fields being requested."),
        new("hgetall", ["readonly"], 1, 1, 1, ["@read", "@hash", "@slow"], "Get all the fields and values in a hash", "2.0.0", "hash", "O(N) where N is the size of the hash."),
        new("hdel", ["write", "fast"], 1, 1, 1, ["@write", "@hash", "@fast"], "Delete one or more hash fields", "2.0.0", "hash", "O(N) where N is the number of fields to be removed."),
        new("hexists", ["readonly", "fast"], 1, 1, 1, ["@read", "@hash", "@fast"], "Determine if a hash field exists", "2.0.0", "hash", "O(1)"),
        new("hlen", ["readonly", "fast"], 1, 1, 1, ["@read", "@hash", "@fast"], "Get the number of fields in a hash", "2.0.0", "hash", "O(1)"),
        new("hincrby", ["write", "denyoom", "fast"], 1, 1, 1, ["@write", "@hash", "@fast"], "Increment the integer value of a hash field by the given number", "2.0.0", "hash", "O(1)"),
        new("lpush", ["write", "denyoom", "fast"], 1, 1, 1, ["@write", "@list", "@fast"], "Prepend one or multiple elements to a list", "1.0.0", "list", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments."),
        new("rpush", ["write", "denyoom", "fast"], 1, 1, 1, ["@write", "@list", "@fast"], "Append one or multiple elements to a list", "1.0.0", "list", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments."),
        new("lpop", ["write", "fast"], 1, 1, 1, ["@write", "@list", "@fast"], "Remove and get the first elements in a list", "1.0.0", "list", "O(N) where N is the number of elements returned"),
        new("rpop", ["write", "fast"], 1, 1, 1, ["@write", "@list", "@fast"], "Remove and get the last elements in a list", "1.0.0", "list", "O(N) where N is the number of elements returned"),
        new("lrange", ["readonly"], 1, 1, 1, ["@read", "@list", "@slow"], "Get a range of elements from a list", "1.0.0", "list", "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range."),
        new("llen", ["readonly", "fast"], 1, 1, 1, ["@read", "@list", "@fast"], "Get the length of a list", "1.0.0", "list", "O(1)"),
        new("cluster", [], 0, 0, 0, ["@slow"], "A container for cluster commands", "3.0.0", "cluster", "Depends on subcommand."),
        new("grid.settags", ["write", "denyoom"], 1, 1, 1, ["@write", "@string", "@slow"], "Set the string value of a key with a time to live and tags (Grid)", "7.0.0", "string", "O(T) where T is the number of tags"),
        new("grid.invalidatetag", ["write"], 0, 0, 0, ["@keyspace", "@write", "@slow"], "Remove every key that carries a tag (Grid)", "7.0.0", "generic", "O(N) where N is the number of keys with the tag"),
        new("grid.invalidatepattern", ["write"], 0, 0, 0, ["@keyspace", "@write", "@slow", "@dangerous"], "Remove every key that matches a glob pattern (Grid)", "7.0.0", "generic", "O(N) where N is the number of keys in the grid"),
    ];

    /// <summary>The facts by command name (lowercase).</summary>
    public static FrozenDictionary<string, RespCommandFacts> ByName { get; } = Facts.ToFrozenDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The facts of <paramref name="name"/>, or generic ones (no flags, no keys) for a command not listed.</summary>
    public static RespCommandFacts Of(string name) =>
        ByName.TryGetValue(name, out var facts) ? facts : new RespCommandFacts(name, [], 0, 0, 0, [], "", "7.0.0", "generic", "");
}
