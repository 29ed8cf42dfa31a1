"""REF: the entries of a reference list, each on its own and against each other."""
