using EdgeNode.Benchmarks;

// dotnet run -c Release --project tests/EdgeNode.Benchmarks -- <benchmark> [arguments]
return args.Length > 0 && args[0] == "minilm-data" ? MiniLmData.Run(args[1..], Console.Out)
    : args.Length > 0 && args[0] == "preprocess" ? PreprocessBenchmark.Run(args[1..], Console.Out)
    : args.Length > 0 && args[0] == "discriminant" ? DiscriminantBenchmark.Run(args[1..], Console.Out)
    : args.Length > 0 && args[0] == "training-interference" ? TrainingInterferenceBenchmark.Run(args[1..], Console.Out)
    : HeadTrainingBenchmark.Run(args, Console.Out);
