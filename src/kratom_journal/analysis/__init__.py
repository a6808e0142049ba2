"""Statistics over the journal: pure functions on numpy arrays, no I/O."""
