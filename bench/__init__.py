"""Benchmarks and chaos runs: scripts that print their figures (`make bench`)."""
