"""Benchmarks that start the real app and drive it the way phones do (see bench/README.md)."""
