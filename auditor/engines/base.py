"""The interface every Rego engine implements, and the shared error parsing."""

from __future__ import annotations

import re
from typing import Any, Protocol

from auditor.policy.loader import PolicyFile

_LOCATION_RE = re.compile(r"-->\s*(?P<file>.+?):(?P<line>\d+):(?P<col>\d+)")
_MESSAGE_RE = re.compile(r"^error:\s*(?P<msg>.+)$", re.MULTILINE)


class RegoError(Exception):
    """A Rego file failed to compile or a query failed at evaluation time."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file and self.line else ""
        return f"{where}{self.message}"

    @classmethod
    def from_regorus(cls, exc: BaseException, default_file: str | None = None) -> RegoError:
        """Turn regorus's multi-line, backtrace-laden message into file, line and one line."""
        text = str(exc)
        loc = _LOCATION_RE.search(text)
        msg = _MESSAGE_RE.search(text)
        message = msg.group("msg").strip() if msg else text.strip().splitlines()[0:1]
        if isinstance(message, list):
            message = message[0] if message else type(exc).__name__
        return cls(
            message,
            loc.group("file") if loc else default_file,
            int(loc.group("line")) if loc else None,
        )


class Engine(Protocol):
    name: str

    def load(self, files: list[PolicyFile], config: dict[str, Any]) -> None:
        """Compile the policies and set data.auditor.config, once per process."""

    def set_input(self, input_json: str) -> None:
        """Load the input document (a JSON string), once per evaluation."""

    def query(self, query: str) -> Any:
        """Evaluate `x := <expression>` and return x (None when undefined)."""

    def version(self) -> str: ...
