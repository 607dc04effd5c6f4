"""Reproducible benchmarks; each writes bench/results/<module>.json."""
