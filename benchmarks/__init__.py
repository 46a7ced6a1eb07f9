"""Benchmarks of the generated projects, run from the repository root:
`python -m benchmarks.image`, `benchmarks.load`, `benchmarks.startup`."""
