"""citeaudit: a citation and source-audit linter for manuscripts."""

__version__ = "0.1.0"
