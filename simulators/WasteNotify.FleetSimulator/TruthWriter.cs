using System.Globalization;
using WasteNotify.FleetSimulator.Simulation;

namespace WasteNotify.FleetSimulator;

/// <summary>
/// Ground truth next to a run: stops.csv (actual arrival and departure at every stop), events.csv (start,
/// landfill, break, depot) and fixes.csv (every fix sent, with the truck's true position and how it was sent).
/// </summary>
internal sealed class TruthWriter : IDisposable
{
    private readonly StreamWriter _stops;
    private readonly StreamWriter _events;
    private readonly StreamWriter _fixes;

    public TruthWriter(string directory)
    {
        Directory.CreateDirectory(directory);
        _stops = new StreamWriter(Path.Combine(directory, "stops.csv"));
        _events = new StreamWriter(Path.Combine(directory, "events.csv"));
        _fixes = new StreamWriter(Path.Combine(directory, "fixes.csv"));
        _stops.Write("truck_id,sequence,building_id,node,arrival,departure,outcome,second_arrival,second_departure\n");
        _events.Write("truck_id,time,kind,detail\n");
        _fixes.Write("truck_id,seq,ts,lat,lon,speed_mps,heading_deg,kind,deliver_at,true_lat,true_lon\n");
    }

    public void Write(TruckDayTrace trace, IEnumerable<EmittedFix> fixes, TimeSpan shift)
    {
        foreach (var s in trace.Stops)
        {
            _stops.Write(string.Create(CultureInfo.InvariantCulture,
                $"{trace.TruckId},{s.Sequence},{s.BuildingId},{s.Node},{Time(s.Arrival + shift)},{Time(s.Departure + shift)},{s.Outcome},{Time(s.SecondArrival + shift)},{Time(s.SecondDeparture + shift)}\n"));
        }

        foreach (var e in trace.Events)
        {
            _events.Write(string.Create(CultureInfo.InvariantCulture, $"{trace.TruckId},{Time(e.Time + shift)},{e.Kind},{e.Detail}\n"));
        }

        foreach (var f in fixes)
        {
            _fixes.Write(string.Create(CultureInfo.InvariantCulture,
                $"{f.TruckId},{f.Sequence},{Time(f.Timestamp + shift)},{f.Position.Latitude:F7},{f.Position.Longitude:F7},{f.SpeedMps:F2},{f.HeadingDegrees:F0},{f.Kind},{Time(f.DeliverAt + shift)},{f.TruePosition.Latitude:F7},{f.TruePosition.Longitude:F7}\n"));
        }
    }

    public void Dispose()
    {
        _stops.Dispose();
        _events.Dispose();
        _fixes.Dispose();
    }

    private static string Time(DateTimeOffset? t) => t is { } v ? v.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) : "";
}
