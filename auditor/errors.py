"""Errors that end a command with a message naming the file (and line) at fault."""

from __future__ import annotations


class InputError(Exception):
    """Bad input from the user: exit code 2 with a one-line message naming the file."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line

    def __str__(self) -> str:
        if self.file and self.line:
            return f"{self.file}:{self.line}: {self.message}"
        if self.file:
            return f"{self.file}: {self.message}"
        return self.message
