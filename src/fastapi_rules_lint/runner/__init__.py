"""A run's plumbing above the linter: which project each file belongs to, the project
model built from cached module summaries, and (later) workers and writes."""
