"""SRC: whether a source can say what the sentence citing it claims."""
