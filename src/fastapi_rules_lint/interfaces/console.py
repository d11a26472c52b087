"""Where the CLI's output goes: stdout for reports, stderr for errors and notes.

Colour is decided once per stream: on when it is a TTY, off when ``NO_COLOR`` is set to
anything non-empty (https://no-color.org), forced on by a non-empty ``FORCE_COLOR``.
"""

from __future__ import annotations

import errno
import os
import sys
from dataclasses import dataclass
from typing import TextIO

import click

PROGRAM = "fastapi-rules"


def wants_color(stream: TextIO) -> bool:
    """Whether to colour output written to ``stream``."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@dataclass(frozen=True)
class Console:
    """The run's output streams."""

    color: bool = False
    error_color: bool = False

    @classmethod
    def detect(cls) -> Console:
        """Colour settings for the real stdout and stderr."""
        return cls(
            wants_color(sys.stdout),
            wants_color(sys.stderr),
        )

    def out(self, text: str) -> None:
        """Write ``text`` to stdout as is."""
        if text:
            click.echo(text, nl=False, color=self.color)

    def err(self, text: str) -> None:
        """Write ``text`` to stderr as is."""
        if text:
            click.echo(text, nl=False, err=True, color=self.error_color)

    def error(self, message: str) -> None:
        """One ``fastapi-rules: error: ...`` line on stderr."""
        prefix = click.style("error", fg="red", bold=True) if self.error_color else "error"
        click.echo(f"{PROGRAM}: {prefix}: {message}", err=True, color=self.error_color)

    def warning(self, message: str) -> None:
        """One ``fastapi-rules: warning: ...`` line on stderr (the run goes on)."""
        prefix = click.style("warning", fg="yellow", bold=True) if self.error_color else "warning"
        click.echo(f"{PROGRAM}: {prefix}: {message}", err=True, color=self.error_color)

    def out_bytes(self, data: bytes) -> None:
        """Write raw bytes to stdout (a fixed source, in its own encoding)."""
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()

    def progress_stream(self) -> TextIO | None:
        """stderr when it is a terminal (where a progress line belongs), else None."""
        isatty = getattr(sys.stderr, "isatty", None)
        return sys.stderr if isatty is not None and isatty() else None

    def read_stdin(self) -> bytes:
        """All of stdin, as bytes; ``OSError`` when stdin is closed (no fd 0)."""
        stream = sys.stdin
        if stream is None:
            raise OSError(errno.EBADF, "stdin is closed")
        try:
            return stream.buffer.read()
        except ValueError:  # "I/O operation on closed file"
            raise OSError(errno.EBADF, "stdin is closed") from None
