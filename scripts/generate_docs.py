"""Regenerate the README's rule table from the rule classes.

    python scripts/generate_docs.py          # rewrite README.md between the markers
    python scripts/generate_docs.py --check  # exit 1 if README.md is stale (CI)

The table sits between ``<!-- rules-table:start -->`` and ``<!-- rules-table:end -->``;
a missing README.md is created with just the markers and the table.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fastapi_rules_lint.docs import TABLE_END, TABLE_START, update_readme

README = Path(__file__).resolve().parent.parent / "README.md"


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with ``--check``, verify) the README's rule table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the README is stale")
    parser.add_argument("--readme", type=Path, default=README, help="the README to update")
    arguments = parser.parse_args(argv)
    readme: Path = arguments.readme
    if readme.exists():
        current = readme.read_text(encoding="utf-8")
    else:
        current = f"# fastapi-rules\n\n## Rules\n\n{TABLE_START}\n{TABLE_END}\n"
    fresh = update_readme(current)
    if arguments.check:
        if fresh != current:
            print(f"{readme} is stale: run `python scripts/generate_docs.py`", file=sys.stderr)
            return 1
        return 0
    if fresh != current:
        readme.write_text(fresh, encoding="utf-8")
        print(f"updated {readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
