namespace WasteNotify.Service.Live;

public sealed record StopEtaView(int Sequence, string BuildingId, DateTimeOffset Eta, DateTimeOffset Early, DateTimeOffset Late);
