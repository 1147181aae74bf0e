"""Benchmarks and fault drills that run the real server: load, reports, crash safety."""
