"""Benchmarks of articlebot against its floor and a naive baseline (see `bench.py`)."""
