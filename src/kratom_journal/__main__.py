from kratom_journal.cli.app import main

main()
