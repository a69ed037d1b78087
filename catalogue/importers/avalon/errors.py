"""The one exception the Avalon parser raises."""

from __future__ import annotations


class ParseError(ValueError):
    """A text that cannot be catalogued: empty, binary, oversized, or without a heading.

    ``str(error)`` is a one-line message naming the problem; ``line`` is the 1-based
    line number concerned, or ``None`` when the problem is not tied to a line.
    Missing optional parts (dateline, source note, footnotes) are never errors:
    they become warnings on the parsed document.
    """

    def __init__(self, message: str, *, line: int | None = None, filename: str = "") -> None:
        self.message = " ".join(message.split())
        self.line = line
        self.filename = filename
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.filename
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        return f"{where}: {self.message}" if where else self.message

    def with_filename(self, filename: str) -> ParseError:
        self.filename = filename
        self.args = (self._render(),)
        return self
