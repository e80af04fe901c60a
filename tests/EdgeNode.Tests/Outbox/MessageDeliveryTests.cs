using EdgeNode.Core;
using EdgeNode.Outbox;

namespace EdgeNode.Tests.Outbox;

public sealed class MessageDeliveryTests
{
    [Theory]
    [InlineData(MessageKind.Result)]
    [InlineData(MessageKind.Sensor)]
    [InlineData(MessageKind.Event)]
    public void For_StoredKind_IsQos1NotRetained(MessageKind kind)
    {
        Assert.Equal(new MessageDelivery(1, false), MessageDelivery.For(kind));
    }

    [Fact]
    public void Telemetry_IsQos0NotRetained()
    {
        Assert.Equal(new MessageDelivery(0, false), MessageDelivery.Telemetry);
    }

    [Fact]
    public void For_UnknownKind_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MessageDelivery.For((MessageKind)42));
    }

    [Fact]
    public void ToBusMessage_StoredMessage_CarriesTopicPayloadAndItsKindsDelivery()
    {
        var message = new OutboxMessage(5, "id", MessageKind.Sensor, "edgenode/n/sensors/s", new byte[] { 1, 2 }, DateTimeOffset.UnixEpoch);

        var bus = MessageDelivery.ToBusMessage(message);

        Assert.Equal("edgenode/n/sensors/s", bus.Topic);
        Assert.Equal([1, 2], bus.Payload.ToArray());
        Assert.Equal(1, bus.QualityOfService);
        Assert.False(bus.Retain);
    }
}
