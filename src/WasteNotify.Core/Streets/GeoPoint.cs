namespace WasteNotify.Core.Streets;

/// <summary>A WGS 84 position in degrees.</summary>
public readonly record struct GeoPoint(double Latitude, double Longitude)
{
    private const double EarthRadiusMeters = 6_371_008.8;

    /// <summary>Great-circle distance in metres.</summary>
    public static double DistanceMeters(GeoPoint a, GeoPoint b)
    {
        var dLat = double.DegreesToRadians(b.Latitude - a.Latitude);
        var dLon = double.DegreesToRadians(b.Longitude - a.Longitude);
        var h = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2))
                + (Math.Cos(double.DegreesToRadians(a.Latitude)) * Math.Cos(double.DegreesToRadians(b.Latitude)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * EarthRadiusMeters * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }

    /// <summary>Initial bearing from a to b, degrees clockwise from north (0 to 360).</summary>
    public static double BearingDegrees(GeoPoint a, GeoPoint b)
    {
        var (lat1, lat2) = (double.DegreesToRadians(a.Latitude), double.DegreesToRadians(b.Latitude));
        var dLon = double.DegreesToRadians(b.Longitude - a.Longitude);
        var y = Math.Sin(dLon) * Math.Cos(lat2);
        var x = (Math.Cos(lat1) * Math.Sin(lat2)) - (Math.Sin(lat1) * Math.Cos(lat2) * Math.Cos(dLon));
        return (double.RadiansToDegrees(Math.Atan2(y, x)) + 360) % 360;
    }
}
