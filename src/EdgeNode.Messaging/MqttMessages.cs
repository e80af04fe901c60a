using System.Buffers;
using EdgeNode.Core;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeNode.Messaging;

/// <summary>Translates between the transport-free <see cref="BusMessage"/> and MQTTnet's application message.</summary>
internal static class MqttMessages
{
    /// <summary>The MQTT v5 message for <paramref name="message"/>, with its response topic and correlation data.</summary>
    public static MqttApplicationMessage ToApplicationMessage(BusMessage message)
    {
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(message.Topic)
            .WithPayload(new ReadOnlySequence<byte>(message.Payload))
            .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)message.QualityOfService)
            .WithRetainFlag(message.Retain);
        if (message.ResponseTopic is not null)
        {
            builder.WithResponseTopic(message.ResponseTopic);
        }

        if (!message.CorrelationData.IsEmpty)
        {
            builder.WithCorrelationData(message.CorrelationData.ToArray());
        }

        return builder.Build();
    }

    /// <summary>A received message as a <see cref="BusMessage"/>; the payload is copied (MQTTnet reuses its buffer).</summary>
    public static BusMessage FromApplicationMessage(MqttApplicationMessage message) => new(
        message.Topic,
        message.Payload.ToArray(),
        (int)message.QualityOfServiceLevel,
        message.Retain,
        message.ResponseTopic,
        message.CorrelationData ?? []);

    /// <summary>Throws when the broker's PUBACK refuses the message (v5 reason codes from 0x80; 0 is success, 16 "no matching subscribers").</summary>
    /// <exception cref="MessageBusException">The broker refused it; <see cref="MessageBusException.RefusedByBroker"/> is set.</exception>
    public static void ThrowIfRefused(MqttClientPublishResult result, string topic)
    {
        if ((int)result.ReasonCode >= 0x80)
        {
            throw new MessageBusException($"The broker refused the message on '{topic}': {result.ReasonCode} {result.ReasonString}") { RefusedByBroker = true };
        }
    }
}
