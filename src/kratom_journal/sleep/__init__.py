"""Consensus Sleep Diary metrics, weekly summaries and the Sleep Regularity Index."""
