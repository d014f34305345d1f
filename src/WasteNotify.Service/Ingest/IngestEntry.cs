using WasteNotify.Core.Telemetry;
using WasteNotify.Messaging;

namespace WasteNotify.Service.Ingest;

/// <summary>
/// One message on its way to the database: its fix, or none when it was refused or ignored, and the message itself,
/// whose receipt is acknowledged once the fix is committed (or at once after the fixes before it, when there is none).
/// </summary>
public readonly record struct IngestEntry(TelemetryFix? Fix, ReceivedMessage Message);
