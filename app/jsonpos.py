"""Where a token stands in a JSON text, as `[line:column]` the way Elasticsearch reports it.

Bodies are decoded with orjson on the fast path; only when an error must name a position is
the text walked again here, so the hot path never pays for position tracking. Lines and
columns count from 1, columns in characters, and name the first character of the token.
"""

from __future__ import annotations

import json.decoder
from collections.abc import Callable

PathPart = str | int
Path = tuple[PathPart, ...]

# The stdlib's string scanner (C-accelerated); typeshed does not declare it.
scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]

_WHITESPACE = " \t\n\r"
_DELIMITERS = _WHITESPACE + ",:]}"


class _Found(Exception):
    def __init__(self, offset: int) -> None:
        self.offset = offset


class _Walker:
    def __init__(self, text: str, target: Path, key: bool, end: bool = False) -> None:
        self.text = text
        self.target = target
        self.key = key
        self.end = end
        self.offset = 0

    def skip_whitespace(self) -> None:
        while self.offset < len(self.text) and self.text[self.offset] in _WHITESPACE:
            self.offset += 1

    def value(self, path: Path) -> None:
        self.skip_whitespace()
        if path == self.target and not self.key and not self.end:
            raise _Found(self.offset)
        self.skip_value(path)
        if path == self.target and self.end:
            raise _Found(self.offset - 1)

    def skip_value(self, path: Path) -> None:
        char = self.text[self.offset] if self.offset < len(self.text) else ""
        if char == "{":
            self.members(path)
        elif char == "[":
            self.elements(path)
        elif char == '"':
            _, self.offset = scanstring(self.text, self.offset + 1)
        else:
            while self.offset < len(self.text) and self.text[self.offset] not in _DELIMITERS:
                self.offset += 1

    def members(self, path: Path) -> None:
        self.offset += 1
        self.skip_whitespace()
        if self.text[self.offset] == "}":
            self.offset += 1
            return
        while True:
            self.skip_whitespace()
            start = self.offset
            name, self.offset = scanstring(self.text, self.offset + 1)
            if path + (name,) == self.target and self.key:
                raise _Found(start)
            self.skip_whitespace()
            self.offset += 1  # the colon
            self.value(path + (name,))
            self.skip_whitespace()
            closing = self.text[self.offset]
            self.offset += 1
            if closing == "}":
                return

    def elements(self, path: Path) -> None:
        self.offset += 1
        self.skip_whitespace()
        if self.text[self.offset] == "]":
            self.offset += 1
            return
        position = 0
        while True:
            self.value(path + (position,))
            self.skip_whitespace()
            closing = self.text[self.offset]
            self.offset += 1
            if closing == "]":
                return
            position += 1


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def locate(text: str, path: Path, *, key: bool = False, end: bool = False) -> tuple[int, int]:
    """`(line, column)` of the value at `path` in valid JSON: of its first character, of its
    field name with `key`, or of its last character (an object's `}`) with `end`.

    A path that is not in the text gives the position of the end of the text.
    """
    walker = _Walker(text, path, key, end)
    try:
        walker.value(())
    except _Found as found:
        return line_and_column(text, found.offset)
    except (IndexError, ValueError):
        pass
    return line_and_column(text, len(text.rstrip()))
