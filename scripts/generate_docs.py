"""Regenerate the README's rule table and the rule pages from the rule classes.

    python scripts/generate_docs.py          # rewrite README.md and docs/rules/*.md
    python scripts/generate_docs.py --check  # exit 1 if any of them is stale (CI)

The table sits between ``<!-- rules-table:start -->`` and ``<!-- rules-table:end -->``;
a missing README.md is created with just the markers and the table. ``docs/rules/``
holds one page per rule, ``FRLnnn.md``, the text ``fastapi-rules rule FRLnnn`` prints
(``docs.render_rule``); a page whose rule is gone is deleted.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from fastapi_rules_lint.docs import TABLE_END, TABLE_START, rule_pages, update_readme

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = ROOT / "docs" / "rules"
_PAGE = re.compile(r"FRL\d{3}\.md")


def _stale_pages(folder: Path) -> tuple[dict[Path, str], list[Path]]:
    """Pages to (re)write, and generated pages whose rule no longer exists."""
    fresh = {folder / name: text for name, text in rule_pages().items()}
    changed = {
        path: text
        for path, text in fresh.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    }
    extra = (
        [path for path in folder.iterdir() if _PAGE.fullmatch(path.name) and path not in fresh]
        if folder.is_dir()
        else []
    )
    return changed, sorted(extra)


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with ``--check``, verify) the README's rule table and the rule pages."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if anything is stale")
    parser.add_argument("--readme", type=Path, default=README, help="the README to update")
    parser.add_argument("--pages", type=Path, default=PAGES, help="the rule pages' folder")
    arguments = parser.parse_args(argv)
    readme: Path = arguments.readme
    pages: Path = arguments.pages
    if readme.exists():
        current = readme.read_text(encoding="utf-8")
    else:
        current = f"# fastapi-rules\n\n## Rules\n\n{TABLE_START}\n{TABLE_END}\n"
    fresh = update_readme(current)
    changed, extra = _stale_pages(pages)
    if arguments.check:
        stale = ([readme] if fresh != current else []) + sorted(changed) + extra
        for path in stale:
            print(f"{path} is stale: run `python scripts/generate_docs.py`", file=sys.stderr)
        return 1 if stale else 0
    if fresh != current:
        readme.write_text(fresh, encoding="utf-8")
        print(f"updated {readme}")
    pages.mkdir(parents=True, exist_ok=True)
    for path, text in sorted(changed.items()):
        path.write_text(text, encoding="utf-8")
        print(f"updated {path}")
    for path in extra:
        path.unlink()
        print(f"removed {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
