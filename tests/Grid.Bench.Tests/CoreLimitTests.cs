using Grid.Bench.Hosting;

namespace Grid.Bench.Tests;

/// <summary><c>--cores N</c>: the command is wrapped in <c>taskset -c 0-(N-1)</c> when taskset exists, left alone otherwise.</summary>
public sealed class CoreLimitTests
{
    [Theory]
    [InlineData(1, "0")]
    [InlineData(2, "0-1")]
    [InlineData(16, "0-15")]
    public void Cpu_list_is_the_first_n_cores(int cores, string expected) => Assert.Equal(expected, CoreLimit.CpuList(cores));

    [Fact]
    public void Taskset_wraps_the_command_and_keeps_its_arguments()
    {
        var (file, arguments) = CoreLimit.Wrap("/usr/bin/redis-server", ["--port", "7000"], 4, "/usr/bin/taskset");

        Assert.Equal("/usr/bin/taskset", file);
        Assert.Equal(["-c", "0-3", "/usr/bin/redis-server", "--port", "7000"], arguments);
    }

    [Fact]
    public void Without_a_limit_or_without_taskset_the_command_is_unchanged()
    {
        Assert.Equal("dotnet", CoreLimit.Wrap("dotnet", ["silo.dll"], null, "/usr/bin/taskset").FileName);
        var (file, arguments) = CoreLimit.Wrap("dotnet", ["silo.dll"], 2, taskset: null);
        Assert.Equal("dotnet", file);
        Assert.Equal(["silo.dll"], arguments);
    }
}
