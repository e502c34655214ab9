"""The documented exit codes (README, DESIGN.md)."""

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0  # nothing failed at or above --fail-on, and the scan was complete
    FAILURES = 1  # a result at or above --fail-on failed
    BAD_INPUT = 2  # bad usage or bad input (a message names the file)
    INCOMPLETE = 3  # coverage gaps or unevaluated resources, and nothing failed at --fail-on
