"""Sleep measures (pure, no I/O): Consensus Sleep Diary metrics, weekly summaries, the
Sleep Regularity Index, and wearable samples with the nights derived from them."""
