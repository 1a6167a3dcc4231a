"""The embedded engine's compiled path: the screening rules in numba over streamed Parquet."""
