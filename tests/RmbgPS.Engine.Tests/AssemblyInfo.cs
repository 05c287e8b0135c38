// The engine and environment variables are process-wide, and each inference already uses every core.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
