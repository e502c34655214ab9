"""The one shape every collector has.

A collector is constructed from plain options (paths, profiles, contexts: injected, so
tests choose endpoints) and returns a Snapshot: normalised resources, the coverage of
every (scope, kind) it tried, and the problems with its input. It never raises for bad
input: a malformed file or a denied API call becomes a Problem or a coverage error, and
the rest of the collection goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable

from auditor.model import Snapshot

# progress(message) reports long work on stderr (the CLI decides whether to show it).
Progress = Callable[[str], None]


def no_progress(_message: str) -> None:
    return None


class Collector(Protocol):
    name: str
    makes_cycles: bool
    """Whether collecting makes cyclic garbage worth the cyclic collector's time:
    True for the live collectors (SDK clients, retried calls, thread pools are cyclic,
    and an organisation-wide scan makes thousands); False for the file readers, whose
    parse trees are freed by reference counting (core.collect runs those with the
    collector paused, as the rest of a command is: auditor/context.py)."""

    def collect(self, progress: Progress = no_progress) -> Snapshot: ...


@runtime_checkable
class ReadsAhead(Protocol):
    """A collector with work that needs nothing else of the run: the Terraform reader
    parses its files in worker processes. `auditor scan` enters reading_ahead() before
    compiling the policies, so that the two overlap, and leaves it after collecting;
    collect() takes what was read ahead (and works the same without it)."""

    def reading_ahead(self) -> AbstractContextManager[None]: ...
