"""`python -m storytrace` runs the command line."""

from storytrace.cli import main

main()
