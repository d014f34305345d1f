namespace WasteNotify.Service.Notifications;

public static partial class TwilioWebhooks
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Refused a request to {Path}: bad or missing X-Twilio-Signature", EventName = "TwilioBadSignature")]
        public static partial void BadSignature(ILogger logger, string path);

        [LoggerMessage(2, LogLevel.Debug, "Twilio reports {Sid} {Status} (error {ErrorCode}; known: {Known})", EventName = "TwilioDelivery")]
        public static partial void Delivery(ILogger logger, string sid, string status, int? errorCode, bool known);

        [LoggerMessage(3, LogLevel.Information, "SMS from {From}: {Keyword}", EventName = "TwilioInbound")]
        public static partial void Inbound(ILogger logger, string from, string keyword);
    }
}
