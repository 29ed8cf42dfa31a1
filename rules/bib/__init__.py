"""BIB: BibTeX and biblatex files."""
