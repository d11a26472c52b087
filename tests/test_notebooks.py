"""Jupyter notebooks: discovered, linted per code cell, fixed back into the JSON.

Round trips go through ``nbformat`` (the reference reader/writer of the format): a fixed
notebook validates, keeps its outputs and metadata, and is byte-for-byte what nbformat
would write with the new cell sources.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner, Result

from fastapi_rules_lint.files import Discovery
from fastapi_rules_lint.interfaces.cli import cli
from fastapi_rules_lint.notebooks import PLACEHOLDER, CellMap, Notebook, NotebookWriteError

SETUP = "%load_ext autoreload\nimport time\nfrom fastapi import FastAPI, Query\n\napp = FastAPI()"
ROUTE = (
    "!pip install httpx\n@app.get('/items')\nasync def items() -> list[int]:\n"
    "    time.sleep(1)\n    return []"
)
QUERY = "@app.get('/x')\ndef x(q: str = Query('a')) -> str:\n    return q\n"


def _notebook(*cells: nbformat.NotebookNode, language: str = "python") -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "k", "language": language, "display_name": "K"}
    notebook.metadata["custom"] = {"keep": [1, 2]}
    notebook.cells = list(cells)
    return notebook


def _demo() -> nbformat.NotebookNode:
    route = nbformat.v4.new_code_cell(ROUTE, execution_count=3)
    route.outputs = [nbformat.v4.new_output("stream", text="hello\n")]
    return _notebook(
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell(SETUP),
        route,
        nbformat.v4.new_code_cell("%%bash\necho hi"),
        nbformat.v4.new_code_cell(QUERY),
    )


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.fastapi-rules]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    nbformat.write(_demo(), tmp_path / "demo.ipynb")
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["check", "--no-cache", *args])


def test_magics_become_placeholders_of_equal_line_count() -> None:
    source = "%time f()\nif x:\n  !ls \\\n  -la\nfiles = !ls\nobj?\nif x:\n    %env A=1\n"
    cells = _notebook(
        nbformat.v4.new_code_cell(source), nbformat.v4.new_code_cell("%%writefile a.py\nx y z")
    )
    notebook = Notebook(json.dumps(cells).encode())
    lines = notebook.text.splitlines()
    assert lines[1:9] == [
        PLACEHOLDER,
        "if x:",
        f"  {PLACEHOLDER}",
        f"  {PLACEHOLDER}",
        PLACEHOLDER,
        PLACEHOLDER,
        "if x:",
        f"    {PLACEHOLDER}",
    ]
    assert lines[10:] == [PLACEHOLDER, PLACEHOLDER]
    assert notebook.cells == CellMap(starts=(2, 11), numbers=(1, 2))
    assert notebook.cells.locate(4) == (1, 3) and notebook.cells.locate(12) == (2, 2)
    compile(notebook.text, "notebook", "exec")  # the module text is plain Python


def test_folders_discover_notebooks_but_the_project_model_does_not(project: Path) -> None:
    assert Path("demo.ipynb") in Discovery(project).files([Path(".")])
    assert Discovery(project, include_notebooks=False).files([Path(".")]) == []


def test_text_output_names_the_cell(project: Path) -> None:
    result = run(".", "--select", "FRL301,FRL202")
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[:2] == [
        "demo.ipynb:cell 3:4:5: FRL301 [*] `time.sleep()` blocks the event loop in "
        "`async def items`; use `await asyncio.sleep(...)`",
        "demo.ipynb:cell 5:2:7: FRL202 `Query(...)` is the default of `q`; declare it with "
        "`Annotated` instead",
    ]


def test_json_output_has_a_cell_field(project: Path) -> None:
    result = run("demo.ipynb", "--select", "FRL301", "--output-format", "json")
    (item,) = json.loads(result.output)
    assert item["cell"] == 3
    assert item["location"] == {"row": 4, "column": 5}
    assert item["noqa_row"] == 4
    assert item["fix"]["edits"][0]["location"] == {"row": 4, "column": 5}
    plain = Path("plain.py")
    plain.write_text("import time\n\nasync def f() -> None:\n    time.sleep(1)\n")
    (item,) = json.loads(run("plain.py", "--select", "FRL301", "--output-format", "json").output)
    assert item["cell"] is None


def test_fix_round_trips_through_nbformat(project: Path) -> None:
    before = nbformat.read(project / "demo.ipynb", as_version=4)
    result = run("demo.ipynb", "--select", "FRL301,FRL202", "--fix", "--unsafe-fixes")
    assert result.exit_code == 0, result.output
    raw = (project / "demo.ipynb").read_text(encoding="utf-8")
    after = nbformat.reads(raw, as_version=4)
    nbformat.validate(after)
    assert after.metadata == before.metadata
    assert [cell.get("outputs") for cell in after.cells] == [
        cell.get("outputs") for cell in before.cells
    ]
    assert after.cells[2].execution_count == 3
    sources = [cell.source for cell in after.cells]
    assert sources[0] == "# Title" and sources[3] == "%%bash\necho hi"
    assert "%load_ext autoreload\n" in sources[1] and "import asyncio\n" in sources[1]
    assert sources[2].startswith("!pip install httpx\n")
    assert "    await asyncio.sleep(1)\n" in sources[2] and not sources[2].endswith("\n")
    assert "q: Annotated[str, Query()] = 'a'" in sources[4]
    # Only the sources changed: nbformat writes exactly these bytes for the result.
    assert nbformat.writes(after) + "\n" == raw
    assert run("demo.ipynb", "--select", "FRL301,FRL202").exit_code == 0


def test_diff_is_per_cell_and_writes_nothing(project: Path) -> None:
    original = (project / "demo.ipynb").read_bytes()
    result = run("demo.ipynb", "--select", "FRL301", "--diff")
    assert result.exit_code == 1
    assert "--- demo.ipynb:cell 3\n+++ demo.ipynb:cell 3\n" in result.output
    assert "+    await asyncio.sleep(1)\n" in result.output
    assert (project / "demo.ipynb").read_bytes() == original


def test_formatting_is_kept(tmp_path: Path) -> None:
    document = json.loads(nbformat.writes(_demo()))
    raw = json.dumps(document, indent=2, ensure_ascii=True)  # no trailing newline
    notebook = Notebook(raw.encode())
    fixed = notebook.text.replace("    time.sleep(1)", "    pass")
    written = notebook.write(fixed).decode()
    new = ROUTE.replace("    time.sleep(1)", "    pass")
    document["cells"][2]["source"] = new.splitlines(keepends=True)  # kept as a list
    assert written == json.dumps(document, indent=2, ensure_ascii=True)


def test_unreproducible_formatting_is_refused() -> None:
    raw = json.dumps(json.loads(nbformat.writes(_demo())), indent=1).replace('": ', '":  ', 1)
    notebook = Notebook(raw.encode())
    with pytest.raises(NotebookWriteError, match="formatting"):
        notebook.write(notebook.text.replace("time.sleep(1)", "pass"))
    assert notebook.write(notebook.text) == raw.encode()  # nothing to change: untouched


def test_a_fix_touching_a_magic_or_crossing_cells_is_refused() -> None:
    notebook = Notebook(nbformat.writes(_demo()).encode())
    with pytest.raises(NotebookWriteError, match="magic"):
        notebook.write(notebook.text.replace(PLACEHOLDER, "pass", 1))
    with pytest.raises(NotebookWriteError, match="magic"):
        notebook.write(notebook.text.replace(f"{PLACEHOLDER}\n", "", 1))
    with pytest.raises(NotebookWriteError, match="across"):
        notebook.write(notebook.text.replace("# fastapi-rules notebook cell 3\n", "", 1))
    inserted = notebook.text.replace(f"{PLACEHOLDER}\n", f"{PLACEHOLDER}\nimport os\n", 1)
    cell = json.loads(notebook.write(inserted))["cells"][1]
    assert "".join(cell["source"]).startswith("%load_ext autoreload\nimport os\nimport time\n")


def test_refused_fix_leaves_the_notebook_alone(project: Path) -> None:
    notebook = _notebook(
        nbformat.v4.new_code_cell("import time\nasync def f() -> None:\n    time.sleep(1)\n")
    )
    path = project / "odd.ipynb"
    raw = json.dumps(notebook, indent=3).replace('": ', '":  ', 1)  # cannot be reproduced
    path.write_text(raw, encoding="utf-8")
    result = run("odd.ipynb", "--select", "FRL301", "--fix")
    assert result.exit_code == 1
    assert "odd.ipynb: fixes not applied" in result.output
    assert "odd.ipynb:cell 1:3:5: FRL301" in result.output
    assert path.read_text(encoding="utf-8") == raw


def test_non_python_kernels_and_broken_notebooks(project: Path) -> None:
    other = _notebook(nbformat.v4.new_code_cell("x <- 1"), language="R")
    nbformat.write(other, project / "r.ipynb")
    assert run("r.ipynb").exit_code == 0
    (project / "broken.ipynb").write_text("{not json", encoding="utf-8")
    result = run("broken.ipynb")
    assert result.exit_code == 2
    assert "broken.ipynb: cannot read notebook: not a JSON notebook" in result.output


def test_add_noqa_leaves_notebooks_alone(project: Path) -> None:
    original = (project / "demo.ipynb").read_bytes()
    assert run("demo.ipynb", "--add-noqa").exit_code == 0
    assert (project / "demo.ipynb").read_bytes() == original
