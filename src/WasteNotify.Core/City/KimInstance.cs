using System.Globalization;

namespace WasteNotify.Core.City;

public enum KimStopType
{
    Depot = 0,
    Stop = 1,
    Landfill = 2,
}

/// <summary>
/// One row of a Kim, Kim &amp; Sahoo (2006) waste-collection instance: planar coordinates in feet, the time window
/// in minutes after midnight (the files write 2400 for the end of the day, and drop leading zeros), service time, load.
/// </summary>
public sealed record KimStop(int Id, double XFeet, double YFeet, int EarlyMinutes, int LateMinutes, int ServiceSeconds, double LoadYards, KimStopType Type);

/// <summary>
/// Reads the benchmark instances of Kim, Kim and Sahoo, "Waste collection vehicle routing problem with time
/// windows", Computers &amp; Operations Research 33(12):3624-3642 (2006): five header lines (capacity, daily
/// yardage, daily stops, lunch seconds, speed in MPH), a title line, then one stop a line.
/// </summary>
public sealed record KimInstance(double CapacityYards, double DailyYards, int DailyStops, int LunchSeconds, double SpeedMph, IReadOnlyList<KimStop> Stops)
{
    public static KimInstance Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var header = new double[5];
        for (var i = 0; i < 5; i++)
        {
            var text = reader.ReadLine() ?? throw new ImportException($"line {i + 1}", "header", "the file ends in its header");
            var value = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            header[i] = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw new ImportException($"line {i + 1}", "header", $"'{value}' is not a number");
        }

        reader.ReadLine(); // column titles
        var stops = new List<KimStop>();
        var line = 6;
        while (reader.ReadLine() is { } text)
        {
            line++;
            var f = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 0)
            {
                continue;
            }

            if (f.Length < 8)
            {
                throw new ImportException($"line {line}", "row", $"{f.Length} fields, expected 8");
            }

            try
            {
                stops.Add(new KimStop(
                    int.Parse(f[0], CultureInfo.InvariantCulture),
                    double.Parse(f[1], CultureInfo.InvariantCulture),
                    double.Parse(f[2], CultureInfo.InvariantCulture),
                    Clock(f[3]), Clock(f[4]),
                    int.Parse(f[5], CultureInfo.InvariantCulture),
                    double.Parse(f[6], CultureInfo.InvariantCulture),
                    (KimStopType)int.Parse(f[7], CultureInfo.InvariantCulture)));
            }
            catch (FormatException ex)
            {
                throw new ImportException($"line {line}", "row", ex.Message);
            }
        }

        return new KimInstance(header[0], header[1], (int)header[2], (int)header[3], header[4], stops);
    }

    // A few rows of the 2100-stop instance write 0775, 1575, 1675: minutes past 59 can only be hundredths of an
    // hour (07:45, 15:45, 16:45), which is how they are read.
    private static int Clock(string hhmm) =>
        hhmm.Length <= 4 && int.TryParse(hhmm, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v <= 2400
            ? ((v / 100) * 60) + (v % 100 < 60 ? v % 100 : (v % 100) * 60 / 100)
            : throw new FormatException($"'{hhmm}' is not a time HHMM");
}
