// Engine tests publish host ports and measure the engine's objects: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
