// One shared engine per process: tests that configure it must not overlap.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
