"""``python -m fastapi_rules_lint`` runs the CLI."""

from fastapi_rules_lint.interfaces.cli import main

if __name__ == "__main__":
    main()
