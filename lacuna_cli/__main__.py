"""`python -m lacuna_cli` runs the same app as the `lacuna` console script."""

from lacuna_cli.entry import main

main()
