// Each test runs whole node processes with the real ResNet18; on a 2-core machine they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
