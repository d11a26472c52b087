"""FRL301's recall against ruff's blocking-call rules, per ruff code.

Usage (from the repository root)::

    python scripts/compare_async_with_ruff.py [--show-extras N] [--json] [PATHS ...]

FRL301 is compared with ASYNC210, ASYNC212, ASYNC220, ASYNC221, ASYNC222, ASYNC230,
ASYNC250, ASYNC251 and the ``pathlib.Path`` part of ASYNC240 (its ``os.path`` findings
are left out: FRL301 does not report ``os.path`` queries). Matching is
``scripts/compare_with_ruff.py``'s: same file and row (ruff reports at the called
function, FRL301 at the call; both start on the same row). Without paths it uses the
FastAPI sdist corpus (``docs_src`` and ``tests``). Exit status 1 when a code's recall is
below 100% (or the engine crashed).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for entry in (ROOT, ROOT / "scripts"):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

from compare_with_ruff import compare, python_files, run_ruff  # noqa: E402

RUFF_CODES = (
    "ASYNC210",
    "ASYNC212",
    "ASYNC220",
    "ASYNC221",
    "ASYNC222",
    "ASYNC230",
    "ASYNC240",
    "ASYNC250",
    "ASYNC251",
)
OS_PATH = "os.path"


def _is_compared(code: str, message: str) -> bool:
    """Everything but ASYNC240's ``os.path`` findings."""
    return not (code == "ASYNC240" and OS_PATH in message)


def recall_by_code(paths: Sequence[Path]) -> dict[str, object]:
    """Run both tools and count, per ruff code, findings and the ones FRL301 missed."""
    files = python_files(paths)
    counts: Counter[str] = Counter()
    for finding in run_ruff(files, RUFF_CODES):
        code, message = str(finding.get("code")), str(finding.get("message"))
        if _is_compared(code, message):
            counts[code] += 1
    result = compare(paths, {"FRL301": RUFF_CODES})
    (item,) = result.codes
    missed: Counter[str] = Counter()
    missed_lines: list[str] = []
    for line in item.missed:
        code = next((c for c in RUFF_CODES if f": {c} " in line), "")
        if _is_compared(code, line.split(f": {code} ", 1)[-1]):
            missed[code] += 1
            missed_lines.append(line)
    per_code = {
        code: {
            "ruff": counts[code],
            "matched": counts[code] - missed[code],
            "recall": (counts[code] - missed[code]) / counts[code] if counts[code] else 1.0,
        }
        for code in RUFF_CODES
    }
    return {
        "files": result.files,
        "per_code": per_code,
        "ours": item.ours_count,
        "missed": missed_lines,
        "extras": item.extras,
        "crashes": result.crashes,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--show-extras", type=int, default=20, metavar="N")
    parser.add_argument("--json", action="store_true", help="print JSON instead")
    args = parser.parse_args(argv)
    paths: list[Path] = args.paths
    if not paths:
        from tests.corpus import corpus_roots

        roots = corpus_roots()
        if roots is None:
            print("offline: the FastAPI sdist could not be fetched", file=sys.stderr)
            return 2
        paths = roots
    report = recall_by_code(paths)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{report['files']} files, FRL301 findings: {report['ours']}")
        per_code = report["per_code"]
        assert isinstance(per_code, dict)
        for code, row in per_code.items():
            print(
                f"  {code}: ruff {row['ruff']}, matched {row['matched']}, "
                f"recall {row['recall']:.1%}"
            )
        for key in ("missed", "extras", "crashes"):
            lines = report[key]
            assert isinstance(lines, list)
            limit = len(lines) if key != "extras" else args.show_extras
            print(f"{key}: {len(lines)}")
            print("\n".join(f"  {line}" for line in lines[:limit]))
    missed, crashes = report["missed"], report["crashes"]
    return 1 if missed or crashes else 0


if __name__ == "__main__":
    sys.exit(main())
