"""CivicGrid benchmarks: `make bench` (python -m bench). See bench/common.py and docs/benchmarks.md."""
