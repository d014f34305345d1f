using WasteNotify.Benchmarks;

return args.FirstOrDefault() switch
{
    "ingest" => await IngestBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: deploy/dev.sh bench ingest [--fixes N] [--trucks N]
          ingest   QoS 1 fixes from simulated trucks: raw broker rate vs end-to-end rate into PostgreSQL
        """);
    return 2;
}
