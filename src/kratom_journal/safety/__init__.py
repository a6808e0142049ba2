"""Safety rules over shipped, sourced data: signals, interactions, legal status, evidence."""
