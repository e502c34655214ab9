"""The streams a command writes to, injected so that tests can call main(args, env)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TextIO


@dataclass
class Environment:
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    quiet: bool = False

    @property
    def stderr_is_tty(self) -> bool:
        isatty = getattr(self.stderr, "isatty", None)
        return bool(isatty and isatty())

    def progress(self, message: str) -> None:
        """Progress for long work: only to a terminal, never with --quiet."""
        if not self.quiet and self.stderr_is_tty:
            print(f"\r\033[K{message}", end="", file=self.stderr, flush=True)

    def end_progress(self) -> None:
        if not self.quiet and self.stderr_is_tty:
            print("\r\033[K", end="", file=self.stderr, flush=True)

    def error(self, message: str) -> None:
        print(f"auditor: error: {message}", file=self.stderr)

    def warn(self, message: str) -> None:
        if not self.quiet:
            print(f"auditor: warning: {message}", file=self.stderr)
