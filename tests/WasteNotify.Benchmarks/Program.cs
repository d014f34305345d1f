using WasteNotify.Benchmarks;

return args.FirstOrDefault() switch
{
    "ingest" => await IngestBenchmark.RunAsync(args[1..]),
    "city" => CityBenchmark.Run(),
    "eta" => EtaBenchmark.Run(args[1..]),
    "tracking" => TrackingBenchmark.Run(args[1..]),
    "notify" => await NotifyBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: deploy/dev.sh bench ingest [--fixes N] [--trucks N] [--paced-rate N] [--paced-seconds N]
               deploy/dev.sh bench city
               deploy/dev.sh bench eta [--trucks N] [--stops N] [--days N]
               deploy/dev.sh bench tracking [--trucks N] [--stops N] [--fixes N]
               deploy/dev.sh bench notify [--trucks N] [--stops N] [--minutes N] [--speed K] [--flood-minutes N] [--connections N]
          ingest   QoS 1 fixes from simulated trucks: raw broker rate vs end-to-end rate into PostgreSQL (acknowledged after
                   commit), their ratio, received-to-committed latency at a paced rate, the service's peak memory
          city     Monaco import, shortest paths per second, route generation for 2,000 buildings and 10 trucks
          eta      28 days of a simulated 10-truck city, train, then model vs physics vs historical average on 3 new days
          tracking fixes/s through tracking and ETA refresh for 1,000 trucks x 200 stops, and memory per tracked stop
          notify   1,000 trucks x 200 subscribed stops through the whole service to a fake Twilio: subscriber judgements and
                   alerts per second, and the delay from a fix received to its SMS request leaving (p50/p99)
        """);
    return 2;
}
