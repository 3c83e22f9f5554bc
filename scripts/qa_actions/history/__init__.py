"""Run history: a versioned SQLite store of every run, and the metrics and deltas read from it."""
