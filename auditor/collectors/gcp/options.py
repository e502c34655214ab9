"""The GCP collector's options and their command-line flags.

Kept apart from the machinery so that `auditor --help` defines the flags without
importing google-cloud-compute (cli.py imports this module; nothing here imports it).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field


@dataclass
class GcpOptions:
    """What to read and how hard to push: every default is documented in docs/gcp.md."""

    # Projects to audit, one scope `gcp:<project>` each. Empty: the project of the
    # application-default credentials (or GOOGLE_CLOUD_PROJECT).
    projects: list[str] = field(default_factory=list)
    # A service-account key file; None: application-default credentials.
    credentials_file: str | None = None
    # A compatible endpoint (emulator, private API gateway, Private Service Connect
    # name), reached with the REST transport: `https://host[:port]` or `http://...`.
    endpoint: str | None = None
    # Concurrent (project, kind) units.
    max_workers: int = 8
    # Attempts per list call (first one included) on 429/5xx/timeouts, with backoff.
    max_attempts: int = 5
    # Seconds to wait for one HTTP answer.
    timeout: float = 60.0
    # Items per page asked of list calls (the API's maximum is 500).
    page_size: int = 500
    # Requests per second per project, well under Compute Engine's default read quota
    # (1,500 read requests per minute per project, i.e. 25/s); 0 removes the budget.
    rate: float = 10.0
    # First backoff delay in seconds (doubled each retry, with jitter, capped at 30 s).
    backoff: float = 1.0


def add_gcp_arguments(parser: argparse.ArgumentParser) -> None:
    """Define the GCP flags on a sub-command (scan, collect); flags another source
    already defined (a shared --max-workers) are reused, not defined twice."""
    g = parser.add_argument_group("GCP (live)")
    defined = set(getattr(parser, "_option_string_actions", {}))

    def add(flag: str, **kwargs: object) -> None:
        if flag not in defined:
            g.add_argument(flag, **kwargs)  # type: ignore[arg-type]

    add(
        "--gcp",
        action="store_true",
        help="collect live Compute Engine state (application-default credentials)",
    )
    add(
        "--gcp-project",
        action="append",
        default=[],
        metavar="PROJECT",
        help="project id to audit (repeatable, or comma-separated); implies --gcp",
    )
    add(
        "--gcp-credentials",
        metavar="KEY.json",
        help="service-account key file (default: application-default credentials)",
    )
    add(
        "--gcp-endpoint",
        metavar="URL",
        help="Compute Engine API endpoint (emulator or private gateway), REST transport",
    )
    add(
        "--gcp-max-attempts",
        type=int,
        default=None,
        metavar="N",
        help="attempts per GCP list call on quota/5xx errors, with backoff (default 5)",
    )
    add(
        "--max-workers",
        type=int,
        default=None,
        metavar="N",
        help="concurrent collection units (default 8)",
    )


def gcp_options_from_args(args: argparse.Namespace) -> GcpOptions | None:
    """GcpOptions when --gcp (or a project, key file or endpoint) was given, else None."""
    projects = [
        p.strip()
        for arg in getattr(args, "gcp_project", None) or []
        for p in arg.split(",")
        if p.strip()
    ]
    credentials = getattr(args, "gcp_credentials", None)
    endpoint = getattr(args, "gcp_endpoint", None)
    if not (getattr(args, "gcp", False) or projects or credentials or endpoint):
        return None
    opts = GcpOptions(projects=list(dict.fromkeys(projects)))
    opts.credentials_file = credentials
    opts.endpoint = endpoint
    if getattr(args, "max_workers", None):
        opts.max_workers = max(1, int(args.max_workers))
    if getattr(args, "gcp_max_attempts", None):
        opts.max_attempts = max(1, int(args.gcp_max_attempts))
    return opts
