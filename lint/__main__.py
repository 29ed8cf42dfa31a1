from citeaudit.cli import main

main()
