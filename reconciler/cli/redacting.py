"""The CLI's stdout and stderr, with every remembered secret blanked on the way out.

``guarded`` installs these around every command, so whatever writes there (click's echo, the
progress display, a warning from the logging module, the error boundary itself) goes through
``structs.redaction`` without having to remember to. ``buffer`` is deliberately not passed on:
a writer that found the binary stream underneath would bypass the redaction.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from reconciler.structs.redaction import redact


class RedactingStream(io.TextIOBase):
    """A text stream that redacts each write before handing it to the real one."""

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner
        self.written = 0  # characters written so far: has the command printed anything?

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._inner.write(redact(text))
        self.written += len(text)
        return len(text)

    def flush(self) -> None:
        self._inner.flush()

    def isatty(self) -> bool:
        return self._inner.isatty()

    def fileno(self) -> int:
        return self._inner.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._inner, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self._inner, "errors", None)

    def __getattr__(self, name: str) -> Any:
        if name == "buffer":
            raise AttributeError(name)
        return getattr(self._inner, name)


@contextlib.contextmanager
def redacted_streams() -> Iterator[None]:
    """Route ``sys.stdout`` and ``sys.stderr`` through ``redact`` for the block."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = RedactingStream(out), RedactingStream(err)
    try:
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.flush()
            sys.stderr.flush()
        sys.stdout, sys.stderr = out, err
