import sys

from auditor.cli import main

# Guarded: evaluation worker processes (spawn) import the main module again.
if __name__ == "__main__":
    sys.exit(main())
