"""Reading source bytes as Python does: BOM, coding cookie, newline style."""

from __future__ import annotations

import io
import tokenize
from dataclasses import dataclass

BOM = "\ufeff"


class SourceDecodeError(ValueError):
    """The bytes are not valid in the encoding the file declares."""

    def __init__(self, message: str, row: int, column: int) -> None:
        super().__init__(message)
        self.row = row
        self.column = column


@dataclass(frozen=True)
class DecodedSource:
    """Text plus what is needed to write it back byte-for-byte in the same form."""

    text: str
    encoding: str
    has_bom: bool

    @property
    def newline(self) -> str:
        """The file's first newline sequence (``\\n`` when it has none)."""
        index = self.text.find("\n")
        if index > 0 and self.text[index - 1] == "\r":
            return "\r\n"
        if index == -1 and "\r" in self.text:
            return "\r"
        return "\n"

    def encode(self, text: str) -> bytes:
        """Encode ``text`` the way this file was encoded (BOM kept)."""
        data = text.encode(self.encoding)
        if self.has_bom and self.encoding == "utf-8":
            return b"\xef\xbb\xbf" + data
        return data


def decode_source(data: bytes) -> DecodedSource:
    """Decode ``data`` honouring a UTF-8 BOM and a PEP 263 coding cookie."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        raise SourceDecodeError(f"cannot decode file: {error.msg}", error.lineno or 1, 1) from error
    has_bom = encoding == "utf-8-sig"
    codec = "utf-8" if has_bom else encoding
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        before = data[: error.start]
        row = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        raise SourceDecodeError(
            f"cannot decode file as {codec}: invalid byte {data[error.start:error.start + 1]!r}",
            row,
            column,
        ) from error
    except LookupError as error:
        raise SourceDecodeError(f"cannot decode file: unknown encoding {codec!r}", 1, 1) from error
    if text.startswith(BOM):
        text = text[1:]
    return DecodedSource(text=text, encoding=codec, has_bom=has_bom)
