using System.Collections.Frozen;

namespace WasteNotify.Core.Telemetry;

/// <summary>
/// The registered trucks and their OwnTracks devices as ingest sees them: an immutable snapshot, swapped whole
/// when the registry is reloaded and read lock-free by the parser.
/// </summary>
public sealed class KnownTrucks
{
    private volatile Snapshot _snapshot = new(FrozenSet<string>.Empty, FrozenDictionary<string, string>.Empty);
    private readonly Lock _writes = new();

    /// <summary>Whether the registry has been loaded at least once.</summary>
    public bool Loaded { get; private set; }

    public int Count => _snapshot.Trucks.Count;

    public bool Contains(string truckId) => _snapshot.Trucks.Contains(truckId);

    /// <summary>The truck an OwnTracks <c>user/device</c> is registered to, if any.</summary>
    public string? TruckOfDevice(string device) => _snapshot.Devices.GetValueOrDefault(device);

    /// <summary>Replaces the whole registry with what was read from the trucks table.</summary>
    public void Replace(IEnumerable<(string TruckId, string? Device)> trucks)
    {
        var list = trucks.ToList();
        lock (_writes)
        {
            _snapshot = new Snapshot(
                list.Select(t => t.TruckId).ToFrozenSet(StringComparer.Ordinal),
                list.Where(t => t.Device is not null).DistinctBy(t => t.Device).ToFrozenDictionary(t => t.Device!, t => t.TruckId, StringComparer.Ordinal));
            Loaded = true;
        }
    }

    /// <summary>Adds one truck found after the last reload (registered meanwhile), without waiting for the next one.</summary>
    public void Add(string truckId, string? device)
    {
        lock (_writes)
        {
            var current = _snapshot;
            var devices = current.Devices;
            if (device is not null && !devices.ContainsKey(device))
            {
                devices = devices.Append(KeyValuePair.Create(device, truckId)).ToFrozenDictionary(StringComparer.Ordinal);
            }

            _snapshot = new Snapshot(current.Trucks.Contains(truckId) ? current.Trucks : current.Trucks.Append(truckId).ToFrozenSet(StringComparer.Ordinal), devices);
        }
    }

    private sealed record Snapshot(FrozenSet<string> Trucks, FrozenDictionary<string, string> Devices);
}
