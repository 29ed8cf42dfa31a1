from citeaudit.cli import console

console()
