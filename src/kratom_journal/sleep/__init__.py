"""Sleep measures: wearable samples, derived nights and diary metrics (pure, no I/O)."""
