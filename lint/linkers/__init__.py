"""One linker per family of citation styles; `citeaudit.link` chooses among them."""
