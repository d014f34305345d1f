namespace WasteNotify.Mqtt;

public enum MqttQos
{
    AtMostOnce = 0,
    AtLeastOnce = 1,
}

/// <summary>A received message, copied out of libmosquitto's buffers.</summary>
public sealed record MqttMessage(string Topic, byte[] Payload, MqttQos Qos, bool Retain);
