"""The full fuzzing campaign, on every core: hypothesmith programs and mutants of the
FastAPI sdist's ``docs_src/`` files through the checker and the fixer (``tests/fuzzing.py``
says what one input goes through and what counts as a failure).

    python scripts/fuzz.py                       # 10,000 programs + 50,000 mutants
    python scripts/fuzz.py --programs 0 --mutants 5000 --seed 7
    python scripts/fuzz.py --replay 0:1234       # one mutant again, with its verdict

Each worker process checks one input at a time under a CPU-time limit (ITIMER_PROF); the parent
also watches the workers: one that dies (a segfault in a native parser) is a crash of the
input it was on, one that stops answering is a hang, and either is replaced so the
campaign goes on. Failing inputs are written to ``--out`` (one file each, with what went
wrong in a header comment) and listed in the summary. Exit status 1 when anything failed.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import multiprocessing.connection
import os
import sys
import time
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests import fuzzing  # noqa: E402

CHUNK_MUTANTS = 250
CHUNK_PROGRAMS = 100
HARD_MARGIN = 30.0
"""Seconds past the per-input time limit after which the parent kills a silent worker."""

MAX_SILENT_RESTARTS = 20
KEEP_SLOWEST = 5

Job = tuple[str, int, list[int]]
"""("mutants", seed, indices) or ("programs", seed, [count])."""


def _programs(conn: Any, seed: int, count: int, time_limit: float) -> None:
    import hypothesmith
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as with_seed
    from hypothesis import strategies as st

    done = 0

    @with_seed(seed)
    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node()))
    def run(code: str) -> None:
        nonlocal done
        if done >= count:
            return
        done += 1
        conn.send(("start", f"program {seed}/{done}", code))
        verdict = fuzzing.check(code, seconds=time_limit)
        conn.send(("done", verdict.kind, verdict.detail))
        _leave_after_hang(conn, verdict)

    run()
    # hypothesis may stop short of `count` (it ran out of distinct examples): say so
    conn.send(("short", count - done, ""))


def _leave_after_hang(conn: Any, verdict: fuzzing.Verdict) -> None:
    """After a hang this process is suspect (the timed-out work may go on in a thread,
    e.g. parsing on a big stack): ask to be replaced and exit."""
    if verdict.kind == fuzzing.HANG:
        conn.send(("restart", "", ""))
        conn.close()
        os._exit(0)


def _worker(conn: Any, time_limit: float, fix_every: int) -> None:
    import warnings

    warnings.simplefilter("ignore")  # hypothesmith's own compile() calls warn
    files = fuzzing.corpus()
    while True:
        job: Job | None = conn.recv()
        if job is None:
            return
        kind, seed, items = job
        if kind == "programs":
            _programs(conn, seed, items[0], time_limit)
        else:
            assert files is not None
            for index in items:
                case = fuzzing.mutant(files, seed, index)
                conn.send(("start", case.describe(), case.text))
                verdict = fuzzing.check(
                    case.text, fix=index % fix_every == 0, seconds=time_limit
                )
                conn.send(("done", verdict.kind, verdict.detail))
                _leave_after_hang(conn, verdict)
        conn.send(("job-done", "", ""))


@dataclass
class _Slot:
    """One worker process and what it is doing."""

    process: Any
    conn: Any
    job: Job | None = None
    label: str = ""
    text: str = ""
    started: float = 0.0
    last_seen: float = 0.0
    finished_in_job: int = 0
    restart: bool = False


@dataclass
class Campaign:
    """The counts and failures of a run."""

    ran: Counter[str] = field(default_factory=Counter)
    verdicts: Counter[str] = field(default_factory=Counter)
    failures: list[dict[str, str]] = field(default_factory=list)
    short: int = 0
    slowest: list[tuple[float, str]] = field(default_factory=list)
    """The slowest inputs: (seconds, label), at most ``KEEP_SLOWEST``."""


class Runner:
    """Runs jobs on ``jobs`` worker processes, replacing any that die or hang."""

    def __init__(self, jobs: int, time_limit: float, fix_every: int, out: Path) -> None:
        self.context: Any = multiprocessing.get_context(
            "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        )
        self.jobs = jobs
        self.time_limit = time_limit
        self.fix_every = fix_every
        self.out = out
        self.campaign = Campaign()
        self.queue: deque[Job] = deque()
        self.restarts_between = 0

    def _start(self) -> _Slot:
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=_worker, args=(child, self.time_limit, self.fix_every), daemon=True
        )
        process.start()
        child.close()
        return _Slot(process, parent, last_seen=time.monotonic())

    def _give(self, slot: _Slot) -> bool:
        if not self.queue:
            slot.job = None
            return False
        slot.job = self.queue.popleft()
        slot.finished_in_job = 0
        slot.label = ""
        slot.last_seen = time.monotonic()
        slot.conn.send(slot.job)
        return True

    def _record(self, kind: str, label: str, text: str, detail: str) -> None:
        self.campaign.verdicts[kind] += 1
        if kind == fuzzing.OK:
            return
        number = len(self.campaign.failures) + 1
        self.out.mkdir(parents=True, exist_ok=True)
        path = self.out / f"failure-{number:04d}.py"
        header = "".join(f"# {line}\n" for line in [kind, label, *detail.splitlines()])
        path.write_text(header + text, encoding="utf-8", errors="surrogatepass")
        self.campaign.failures.append(
            {"kind": kind, "input": label, "detail": detail, "saved": str(path)}
        )
        print(f"\n{kind}: {label}\n  saved as {path}\n  {detail.strip()[-400:]}", file=sys.stderr)

    def _requeue_rest(self, slot: _Slot) -> None:
        """After a worker died or hung: the inputs of its job it never reached."""
        if slot.job is None:
            return
        kind, seed, items = slot.job
        skip = 1 if slot.label else 0  # the input it was on is recorded, not retried
        if kind == "programs":
            left = items[0] - slot.finished_in_job - skip
            if left > 0:  # a new seed: the same one would generate the same input again
                self.queue.appendleft((kind, seed + 1_000_003, [left]))
        else:
            rest = items[slot.finished_in_job + skip :]
            if rest:
                self.queue.appendleft((kind, seed, rest))

    def _replace(self, slot: _Slot, kind: str, detail: str) -> _Slot:
        if slot.restart:
            pass  # it asked to be replaced: its last input is already recorded
        elif slot.label:
            self.campaign.ran[slot.label.split(" ", 1)[0]] += 1
            self._record(kind, slot.label, slot.text, detail)
        else:
            self._record(kind, "worker (between inputs)", "", detail)
            self.restarts_between += 1
            if self.restarts_between > MAX_SILENT_RESTARTS:
                raise SystemExit(f"workers keep dying between inputs: {detail}")
        self._requeue_rest(slot)
        if slot.process.is_alive():
            slot.process.kill()
        slot.process.join()
        fresh = self._start()
        self._give(fresh)
        return fresh

    def run(self, jobs_to_run: Sequence[Job], total: int) -> Campaign:
        self.queue.extend(jobs_to_run)
        slots = [self._start() for _ in range(self.jobs)]
        for slot in slots:
            self._give(slot)
        began = last_print = time.monotonic()
        # Wall clock: generous, since a loaded machine stretches it (the CPU-time limit
        # inside the worker is the real one); this catches inputs that block.
        hard_limit = self.time_limit * 10 + HARD_MARGIN
        while any(slot.job is not None for slot in slots):
            busy = [slot for slot in slots if slot.job is not None]
            waits = [slot.conn for slot in busy] + [slot.process.sentinel for slot in busy]
            ready = set(multiprocessing.connection.wait(waits, timeout=1.0))
            now = time.monotonic()
            for position, slot in enumerate(slots):
                if slot.job is None:
                    continue
                if slot.conn in ready:
                    try:
                        while slot.conn.poll():
                            self._message(slot, slot.conn.recv())
                    except (EOFError, OSError):
                        pass
                    slot.last_seen = now
                    if slot.restart:
                        slots[position] = self._replace(slot, fuzzing.OK, "")
                    continue
                if slot.process.sentinel in ready:
                    slot.process.join(timeout=5)
                    code = slot.process.exitcode
                    slots[position] = self._replace(slot, fuzzing.CRASH, f"worker exit code {code}")
                elif slot.label and now - slot.started > hard_limit:
                    slots[position] = self._replace(
                        slot, fuzzing.HANG, f"no answer in {hard_limit:g} s (killed)"
                    )
                elif not slot.label and now - slot.last_seen > 10 * hard_limit:
                    slots[position] = self._replace(slot, fuzzing.HANG, "generation stalled")
            if now - last_print > 10:
                last_print = now
                self._progress(total, now - began)
        for slot in slots:
            slot.conn.send(None)
            slot.process.join(timeout=5)
            if slot.process.is_alive():
                slot.process.kill()
        self._progress(total, time.monotonic() - began)
        print(file=sys.stderr)
        return self.campaign

    def _message(self, slot: _Slot, message: tuple[str, str, str]) -> None:
        what, first, second = message
        if what == "start":
            slot.label, slot.text, slot.started = first, second, time.monotonic()
        elif what == "done":
            self.campaign.ran[slot.label.split(" ", 1)[0]] += 1
            took = time.monotonic() - slot.started
            slowest = self.campaign.slowest
            if len(slowest) < KEEP_SLOWEST or took > slowest[-1][0]:
                slowest.append((took, slot.label))
                slowest.sort(reverse=True)
                del slowest[KEEP_SLOWEST:]
            self._record(first, slot.label, slot.text, second)
            slot.label, slot.text = "", ""
            slot.finished_in_job += 1
        elif what == "restart":
            slot.restart = True
        elif what == "short":
            self.campaign.short += int(first)
        elif what == "job-done":
            self._give(slot)

    def _progress(self, total: int, elapsed: float) -> None:
        done = sum(self.campaign.ran.values())
        bad = len(self.campaign.failures)
        rate = done / elapsed if elapsed else 0.0
        line = (
            f"\r{done}/{total} inputs ({self.campaign.ran['program']} programs, "
            f"{self.campaign.ran['mutant']} mutants), {bad} failures, {elapsed:.0f} s, "
            f"{rate:.0f}/s"
        )
        print(line, end="", file=sys.stderr, flush=True)


def _jobs_for(programs: int, mutants: int, seed: int) -> list[Job]:
    mutant_jobs: list[Job] = [
        ("mutants", seed, list(range(start, min(start + CHUNK_MUTANTS, mutants))))
        for start in range(0, mutants, CHUNK_MUTANTS)
    ]
    program_jobs: list[Job] = [
        ("programs", seed * 1_000 + number, [min(CHUNK_PROGRAMS, programs - start)])
        for number, start in enumerate(range(0, programs, CHUNK_PROGRAMS))
    ]
    # interleaved, so progress shows both kinds and a stall in one is seen early
    mixed: list[Job] = []
    while mutant_jobs or program_jobs:
        if program_jobs:
            mixed.append(program_jobs.pop(0))
        mixed.extend(mutant_jobs[:4])
        del mutant_jobs[:4]
    return mixed


def _replay(name: str, show: bool, time_limit: float) -> int:
    seed, index = (int(part) for part in name.split(":"))
    files = fuzzing.corpus()
    if files is None:
        print("offline: the FastAPI sdist could not be fetched", file=sys.stderr)
        return 2
    case = fuzzing.mutant(files, seed, index)
    print(case.describe())
    if show:
        print(case.text)
    verdict = fuzzing.check(case.text, seconds=time_limit)
    print(verdict.kind, verdict.detail, sep="\n")
    return 0 if verdict.ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programs", type=int, default=fuzzing.FULL_PROGRAMS)
    parser.add_argument("--mutants", type=int, default=fuzzing.FULL_MUTANTS)
    parser.add_argument("--seed", type=int, default=0, help="campaign seed (default 0)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--time-limit", type=float, default=fuzzing.TIME_LIMIT)
    parser.add_argument(
        "--fix-every", type=int, default=1, help="fix every Nth mutant, lint the rest (1: all)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / ".corpus" / "fuzz-failures")
    parser.add_argument("--json", type=Path, help="write the summary there as JSON")
    parser.add_argument("--replay", metavar="SEED:INDEX", help="check one mutant again")
    parser.add_argument("--show", action="store_true", help="with --replay: print its text")
    args = parser.parse_args(argv)
    if args.replay:
        return _replay(args.replay, args.show, args.time_limit)
    if args.mutants and fuzzing.corpus() is None:
        print("offline: the FastAPI sdist could not be fetched; mutants skipped", file=sys.stderr)
        args.mutants = 0
    total = args.programs + args.mutants
    began = time.monotonic()
    runner = Runner(max(1, args.jobs), args.time_limit, max(1, args.fix_every), args.out)
    campaign = runner.run(_jobs_for(args.programs, args.mutants, args.seed), total)
    elapsed = time.monotonic() - began
    kinds = {kind: campaign.verdicts[kind] for kind in fuzzing.FAILURES}
    print(
        f"fuzz campaign (seed {args.seed}, {runner.jobs} workers, "
        f"time limit {args.time_limit:g} s per input, fixing every "
        f"{'' if args.fix_every == 1 else f'{args.fix_every}th '}mutant and every program)"
    )
    print(f"  hypothesmith programs: {campaign.ran['program']}", end="")
    print(f" ({campaign.short} short: hypothesis ran out of examples)" if campaign.short else "")
    print(f"  mutants of docs_src:   {campaign.ran['mutant']}")
    print(f"  crashes:               {kinds[fuzzing.CRASH]}")
    print(f"  hangs:                 {kinds[fuzzing.HANG]}")
    print(f"  internal errors:       {kinds[fuzzing.INTERNAL]}")
    print(f"  fix output unparsable: {kinds[fuzzing.PARSE]}")
    print(f"  time:                  {elapsed:.0f} s")
    for took, label in campaign.slowest:
        print(f"  slow: {took:.1f} s {label[:150]}")
    for failure in campaign.failures[:20]:
        print(f"  {failure['kind']}: {failure['input']} -> {failure['saved']}")
    if args.json:
        summary = {
            "seed": args.seed,
            "workers": runner.jobs,
            "programs": campaign.ran["program"],
            "mutants": campaign.ran["mutant"],
            **{kind.replace(" ", "_"): count for kind, count in kinds.items()},
            "seconds": round(elapsed, 1),
            "failures": campaign.failures,
        }
        args.json.write_text(json.dumps(summary, indent=2) + "\n")
    return 1 if campaign.failures else 0


if __name__ == "__main__":
    sys.exit(main())
