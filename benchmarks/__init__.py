"""Benchmarks: a large synthetic estate and timed scenarios, each reported as a ratio to a baseline."""
