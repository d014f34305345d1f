using WasteNotify.Benchmarks;

return args.FirstOrDefault() switch
{
    "ingest" => await IngestBenchmark.RunAsync(args[1..]),
    "city" => CityBenchmark.Run(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: deploy/dev.sh bench ingest [--fixes N] [--trucks N]
               deploy/dev.sh bench city
          ingest   QoS 1 fixes from simulated trucks: raw broker rate vs end-to-end rate into PostgreSQL
          city     Monaco import, shortest paths per second, route generation for 2,000 buildings and 10 trucks
        """);
    return 2;
}
