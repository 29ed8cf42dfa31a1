"""CIT: in-text citations against the reference list, and what the source audit finds."""
