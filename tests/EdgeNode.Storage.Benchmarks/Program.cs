using EdgeNode.Storage.Benchmarks;

// dotnet run -c Release --project tests/EdgeNode.Storage.Benchmarks -- store [--items N] [--writers W]
// dotnet build -c Release src/EdgeNode && dotnet run -c Release --project tests/EdgeNode.Storage.Benchmarks -- drain [--backlog N] [--baseline N] [--in-flight N]
return args.FirstOrDefault() switch
{
    "store" => await StoreBenchmark.RunAsync(Arguments.Parse(args[1..]), Console.Out),
    "drain" => await DrainBenchmark.RunAsync(Arguments.Parse(args[1..]), Console.Out),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: store [--items N] [--writers W] | drain [--backlog N] [--baseline N] [--in-flight N]");
    return 64;
}
