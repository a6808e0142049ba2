"""Background jobs of studies: the pooled analysis and the exports (registered by kind)."""
