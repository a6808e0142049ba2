"""Pure journal types and rules: no I/O, no framework, no clock."""
