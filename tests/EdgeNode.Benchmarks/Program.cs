using EdgeNode.Benchmarks;

return HeadTrainingBenchmark.Run(args, Console.Out);
