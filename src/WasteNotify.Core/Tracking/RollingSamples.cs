namespace WasteNotify.Core.Tracking;

/// <summary>The latest few values of a measure (a ring), and their quantiles: a tracker's running sense of its fix rate and speed.</summary>
internal sealed class RollingSamples(int capacity)
{
    private readonly double[] _values = new double[capacity];
    private readonly double[] _sorted = new double[capacity];
    private int _next;
    private bool _dirty;

    public int Count { get; private set; }

    public void Add(double value)
    {
        _values[_next] = value;
        _next = (_next + 1) % _values.Length;
        Count = Math.Min(Count + 1, _values.Length);
        _dirty = true;
    }

    /// <summary>The q-quantile (0 to 1) of the values held, the nearest rank; NaN when there are none.</summary>
    public double Quantile(double q)
    {
        if (Count == 0)
        {
            return double.NaN;
        }

        if (_dirty)
        {
            Array.Copy(_values, _sorted, Count);
            Array.Sort(_sorted, 0, Count);
            _dirty = false;
        }

        return _sorted[Math.Clamp((int)Math.Round(q * (Count - 1)), 0, Count - 1)];
    }
}
