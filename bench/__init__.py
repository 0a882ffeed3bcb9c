"""Benchmarks of the archive build on synthetic archives: ``python -m bench``."""
