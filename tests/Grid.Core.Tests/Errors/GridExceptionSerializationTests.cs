using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Grid.Core.Tests.Errors;

/// <summary>
/// Grid exceptions a silo may throw to a client travel through Orleans' serializer with their type and message: a
/// silo woken from SIGSTOP refused near-cache subscriptions with <see cref="GridUnavailableException"/>, which reached
/// the client as <c>CodecNotFoundException</c> (the type had no generated codec).
/// </summary>
public sealed class GridExceptionSerializationTests
{
    public static TheoryData<Exception> Exceptions() =>
    [
        new GridException("plain"),
        new GridBusyException("busy"),
        new GridUnavailableException("frozen"),
        new GridTimeoutException("late"),
        new GridConfigurationException("Grid:PartitionCount must be positive"),
        new GridOverflowException("counter", "past the maximum"),
        new GridWrongTypeException("list", "not a string", GridValueType.List),
    ];

    [Theory]
    [MemberData(nameof(Exceptions))]
    public void Keeps_its_type_and_message_through_the_serializer(Exception exception)
    {
        var services = new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(GridException).Assembly)).BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer<object>>();

        object? copy = serializer.Deserialize(serializer.SerializeToArray(exception));

        Assert.IsType(exception.GetType(), copy);
        Assert.Equal(exception.Message, ((Exception)copy!).Message);
        if (exception is GridWrongTypeException wrongType)
        {
            Assert.Equal((wrongType.Key, wrongType.ActualType), (((GridWrongTypeException)copy).Key, ((GridWrongTypeException)copy).ActualType));
        }

        if (exception is GridOverflowException overflow)
        {
            Assert.Equal(overflow.Key, ((GridOverflowException)copy).Key);
        }
    }
}
