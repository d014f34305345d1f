namespace WasteNotify.Messaging;

/// <summary>The broker answered but said no: bad credentials, a client id in use, a subscription the ACL forbids.</summary>
public sealed class MqttRefusedException(string message) : Exception(message);
