using WasteNotify.Core.Streets;
using WasteNotify.Core.Streets.Routing;

namespace WasteNotify.Core.City;

/// <summary>Street travel times between every pair of a set of nodes: one one-to-all search per distinct node, in parallel.</summary>
public sealed class TimeMatrix
{
    private readonly double[] _times;
    private readonly int _size;

    private TimeMatrix(double[] times, int size)
    {
        _times = times;
        _size = size;
    }

    public double this[int from, int to] => _times[(from * _size) + to];

    public static TimeMatrix Build(StreetNetwork network, IReadOnlyList<int> nodes)
    {
        var size = nodes.Count;
        var times = new double[size * size];
        var distinct = nodes.Distinct().ToArray();
        var rows = new Dictionary<int, double[]>();
        var gate = new Lock();
        Parallel.ForEach(distinct, () => new Router(network), (node, _, router) =>
        {
            // Keep only the columns asked for: a whole row per source would hold the entire network each time.
            var all = router.TimesFrom(node);
            var row = new double[size];
            for (var j = 0; j < size; j++)
            {
                row[j] = all[nodes[j]];
            }

            lock (gate)
            {
                rows[node] = row;
            }

            return router;
        }, _ => { });

        for (var i = 0; i < size; i++)
        {
            rows[nodes[i]].CopyTo(times, i * size);
        }

        return new TimeMatrix(times, size);
    }
}
