from auditor.cli import run

# Guarded: evaluation worker processes (spawn) import the main module again.
if __name__ == "__main__":
    run()
