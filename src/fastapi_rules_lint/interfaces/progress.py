"""Progress on long runs: ``Checked 120/480 files (85.3 files/s)`` on stderr.

Shown only when stderr is a terminal and the run has taken more than a second, so quick
runs, pipes, CI logs and editors see nothing extra. The line is rewritten in place
(``\\r``) at most ten times a second and erased when the run ends, before the report.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

DELAY = 1.0
"""Seconds of silence before the first progress line."""
INTERVAL = 0.1
"""Seconds between two redraws."""


class Progress:
    """Counts finished files and redraws one status line on ``stream``."""

    def __init__(
        self,
        total: int,
        stream: TextIO | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.stream = stream
        """None when progress is off (not a terminal)."""
        self.clock = clock
        self.started = clock()
        self.done = 0
        self._drawn_at: float | None = None
        self._width = 0

    def advance(self, count: int = 1) -> None:
        """``count`` more files are done; redraw when it is time."""
        self.done += count
        if self.stream is None:
            return
        now = self.clock()
        elapsed = now - self.started
        if elapsed < DELAY:
            return
        if self._drawn_at is not None and now - self._drawn_at < INTERVAL:
            return
        self._drawn_at = now
        line = self.line(elapsed)
        self._width = max(self._width, len(line))
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()

    def line(self, elapsed: float) -> str:
        """The status line after ``elapsed`` seconds."""
        rate = self.done / elapsed if elapsed > 0 else 0.0
        return f"Checked {self.done}/{self.total} files ({rate:.1f} files/s)"

    def close(self) -> None:
        """Erase the status line, if one was drawn."""
        if self.stream is not None and self._drawn_at is not None:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._drawn_at = None
