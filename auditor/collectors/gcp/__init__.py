"""GCP live collector: Compute Engine answers normalised to the Terraform path's kinds.

Importing this package imports no Google library (the CLI reads options.py for --help);
`GcpCollector` is loaded on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from auditor.collectors.gcp.options import GcpOptions

if TYPE_CHECKING:
    from auditor.collectors.gcp.collector import GcpCollector

__all__ = ["GcpCollector", "GcpOptions"]


def __getattr__(name: str) -> Any:
    if name == "GcpCollector":
        from auditor.collectors.gcp.collector import GcpCollector

        return GcpCollector
    raise AttributeError(name)
