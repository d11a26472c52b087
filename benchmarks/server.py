"""The language server's latency after an edit, beside ruff's, on the FastAPI sdist.

A script, not a test: it starts ``fastapi-rules server`` (and ``ruff server``) as a real
editor would, over stdio, with the whole unpacked sdist (``tests/corpus.py``, about
1,200 modules) as the workspace folder, opens one ~300-line module and edits it N times.
For each edit it measures, on the client's clock:

- ``publish``: from sending ``didChange`` to receiving ``publishDiagnostics`` for that
  version. The server's debounce (``--debounce-ms``, default 0 here) is part of it;
  run with ``--debounce-ms 150`` to see an editor's default;
- ``settled``: from ``didChange`` to the answer of a code-action request sent right
  after the publish; the server answers it only when its lint thread is idle, so this
  includes the project-model rebuild an edit of the module's summary causes (the model
  is rebuilt after the publish when a rebuild is slow: see ``interfaces/server.py``).

Two kinds of edit alternate with ``--edit both`` (default): ``comment`` (a comment line
changes: the module's summary does not) and ``code`` (a statement is added at the top of
a function: the summary changes and the project model is rebuilt). ruff is measured
in the same run: ``ruff check`` of the same file as a subprocess (the file on disk, no
cache), and ``ruff server`` with the same edits when ``ruff`` is on PATH.

    python benchmarks/server.py                      # 20 edits of fastapi/security/api_key.py
    python benchmarks/server.py --edits 40 --debounce-ms 150 --file fastapi/openapi/docs.py
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.corpus import fastapi_sdist  # noqa: E402


class _Client:
    """A bare JSON-RPC client over a server's stdio (the same for every server measured:
    pygls' client cannot read ``ruff server``'s initialize response). It answers the
    server's requests with ``null`` and stamps each ``publishDiagnostics`` on arrival."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.next_id = 0
        self.responses: dict[int, asyncio.Future[object]] = {}
        self.published: dict[int, float] = {}
        self.waiting: dict[int, asyncio.Event] = {}
        self.reader = asyncio.ensure_future(self._read())

    @classmethod
    async def start(cls, command: list[str], cwd: Path) -> _Client:
        process = await asyncio.create_subprocess_exec(
            *command,
            cwd=cwd,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        return cls(process)

    def _send(self, message: dict[str, object]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method: str, params: object) -> None:
        self._send({"method": method, "params": params})

    async def request(self, method: str, params: object) -> object:
        self.next_id += 1
        future: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        self.responses[self.next_id] = future
        self._send({"id": self.next_id, "method": method, "params": params})
        return await asyncio.wait_for(future, 120)

    async def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while (line := await stream.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line:
                return
            message = json.loads(await stream.readexactly(length))
            if "method" in message and "id" in message:
                self._send({"id": message["id"], "result": None})
            elif "method" in message:
                if message["method"] == "textDocument/publishDiagnostics":
                    self._published(message["params"].get("version"))
            elif message.get("id") in self.responses:
                self.responses.pop(message["id"]).set_result(message.get("result"))

    def _published(self, version: int | None) -> None:
        # A server that leaves out the version (ruff) publishes for the latest one.
        if version is None:
            version = max(self.waiting, default=0)
        self.published.setdefault(version, time.perf_counter())
        event = self.waiting.get(version)
        if event is not None:
            event.set()

    async def close(self) -> None:
        await self.request("shutdown", None)
        self.notify("exit", None)
        try:
            await asyncio.wait_for(self.process.wait(), 10)
        except TimeoutError:
            self.process.kill()
        self.reader.cancel()


def _edited(text: str, kind: str, index: int) -> str:
    lines = text.splitlines(keepends=True)
    if kind == "comment":
        return text + f"# edit {index}\n"
    # One or two statements at the top of the first function body: the lines of the
    # calls below move, so the module's summary differs from the previous edit's.
    for number, line in enumerate(lines):
        stripped = line.lstrip()
        if stripped.startswith("def ") and line.rstrip().endswith(":"):
            indent = " " * (len(line) - len(stripped) + 4)
            added = [f"{indent}_edit_{index}_{n} = {n}\n" for n in range(1 + index % 2)]
            lines[number + 1 : number + 1] = added
            return "".join(lines)
    return text + f"_edit_{index} = {index}\n"


async def _session(
    command: list[str],
    folder: Path,
    path: Path,
    edits: int,
    kind: str,
    options: dict[str, object] | None,
    measure_settled: bool,
) -> tuple[float, list[float], list[float]]:
    """(first diagnostics, publish latencies, settled latencies), in milliseconds."""
    client = await _Client.start(command, folder)
    capabilities = {"textDocument": {"publishDiagnostics": {"versionSupport": True}}}
    await client.request(
        "initialize",
        {
            "processId": None,
            "rootUri": folder.as_uri(),
            "capabilities": capabilities,
            "workspaceFolders": [{"uri": folder.as_uri(), "name": folder.name}],
            "initializationOptions": options,
        },
    )
    client.notify("initialized", {})
    uri = path.as_uri()
    text = path.read_text(encoding="utf-8")
    opened = client.waiting[1] = asyncio.Event()
    start = time.perf_counter()
    document = {"uri": uri, "languageId": "python", "version": 1, "text": text}
    client.notify("textDocument/didOpen", {"textDocument": document})
    await asyncio.wait_for(opened.wait(), 120)
    first = (client.published[1] - start) * 1000
    publish: list[float] = []
    settled: list[float] = []
    for index in range(edits):
        version = index + 2
        edit_kind = kind if kind != "both" else ("comment", "code")[index % 2]
        event = client.waiting[version] = asyncio.Event()
        sent = time.perf_counter()
        client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"text": _edited(text, edit_kind, index)}],
            },
        )
        await asyncio.wait_for(event.wait(), 60)
        publish.append((client.published[version] - sent) * 1000)
        if measure_settled:
            zero = {"line": 0, "character": 0}
            await client.request(
                "textDocument/codeAction",
                {
                    "textDocument": {"uri": uri},
                    "range": {"start": zero, "end": zero},
                    "context": {"diagnostics": [], "only": ["quickfix"]},
                },
            )
            settled.append((time.perf_counter() - sent) * 1000)
        await asyncio.sleep(0.05)
    await client.close()
    return first, publish, settled


def _in_process(folder: Path, path: Path, edits: int) -> tuple[list[float], list[float]]:
    """The server's work for one edit, in this process: (wall, CPU) milliseconds. The
    same calls its lint thread makes (buffer, settings, view, lint), without the protocol;
    CPU time shows what the edit costs when the machine is busy with other work."""
    from fastapi_rules_lint.config import ConfigResolver
    from fastapi_rules_lint.lint.linter import lint_text
    from fastapi_rules_lint.runner.live import LiveProjects
    from fastapi_rules_lint.runner.settings import RunSettings

    projects = LiveProjects()
    projects.set_folders([folder])
    settings = RunSettings(ConfigResolver(cwd=folder))
    text = path.read_text(encoding="utf-8")
    projects.set_buffer(path, text)
    lint_text(text, str(path), settings.settings_for(path), projects.view_for(path, text))
    wall: list[float] = []
    cpu: list[float] = []
    for index in range(edits):
        new_text = _edited(text, ("comment", "code")[index % 2], index)
        start, start_cpu = time.perf_counter(), time.process_time()
        projects.set_buffer(path, new_text)
        if not settings.is_excluded_by_own_settings(path):
            view = projects.view_for(path, new_text, refresh=False)
            lint_text(new_text, str(path), settings.settings_for(path), view)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def _ruff_check(path: Path, runs: int) -> list[float]:
    ruff = shutil.which("ruff")
    if ruff is None:
        return []
    found = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [ruff, "check", "--no-cache", "--exit-zero", "--quiet", str(path)],
            capture_output=True,
            check=False,
        )
        found.append((time.perf_counter() - start) * 1000)
    return found


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):7.1f} ms" if values else "      -"


def main() -> None:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", default="fastapi/security/api_key.py")
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--edit", choices=["comment", "code", "both"], default="both")
    parser.add_argument("--debounce-ms", type=int, default=0)
    parser.add_argument("--no-ruff-server", action="store_true")
    args = parser.parse_args()
    sdist = fastapi_sdist()
    if sdist is None:
        sys.exit("the FastAPI sdist is not available (offline?)")
    sdist = sdist.resolve()
    path = sdist / args.file
    lines = len(path.read_text(encoding="utf-8").splitlines())
    command = [sys.executable, "-m", "fastapi_rules_lint", "server"]
    options = {"fastapi-rules": {"debounceMs": args.debounce_ms}}
    rows: list[tuple[str, str, str, str]] = []
    for kind in ["comment", "code"] if args.edit == "both" else [args.edit]:
        first, publish, settled = asyncio.run(
            _session(command, sdist, path, args.edits, kind, options, measure_settled=True)
        )
        rows.append(
            (
                f"fastapi-rules server ({kind} edits)",
                f"{first:7.1f} ms",
                _median(publish),
                _median(settled),
            )
        )
    wall, cpu = _in_process(sdist, path, args.edits)
    rows.append(("in-process lint path, wall", "      -", _median(wall), "      -"))
    rows.append(("in-process lint path, CPU", "      -", _median(cpu), "      -"))
    ruff = shutil.which("ruff")
    if ruff is not None and not args.no_ruff_server:
        try:
            first, publish, _ = asyncio.run(
                _session(
                    [ruff, "server"], sdist, path, args.edits, "both", None, measure_settled=False
                )
            )
            rows.append(
                ("ruff server (both edits)", f"{first:7.1f} ms", _median(publish), "      -")
            )
        except (TimeoutError, OSError, RuntimeError) as error:
            rows.append((f"ruff server: {type(error).__name__}", "-", "-", "-"))
    rows.append(
        (
            "ruff check FILE (subprocess)",
            "      -",
            _median(_ruff_check(path, args.edits)),
            "      -",
        )
    )
    print(
        f"{args.file}: {lines} lines; {args.edits} edits; debounce {args.debounce_ms} ms; "
        f"workspace: the sdist ({sum(1 for _ in sdist.rglob('*.py'))} Python files)"
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average {load:.1f} on {os.cpu_count()} CPUs")
    print(f"{'':40} {'first':>10} {'median edit':>12} {'settled':>10}")
    for name, first_text, median_text, settled_text in rows:
        print(f"{name:40} {first_text:>10} {median_text:>12} {settled_text:>10}")


if __name__ == "__main__":
    main()
