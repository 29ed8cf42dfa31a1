"""IO001, SUP001 and ERR001: the files, the suppression comments and citeaudit itself."""
