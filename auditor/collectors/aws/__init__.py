"""AWS live collector: boto3 answers normalised to the same kinds as the Terraform path.

Importing this package imports no AWS library (the CLI reads options.py for --help);
`AwsCollector` is loaded on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from auditor.collectors.aws.options import AwsOptions

if TYPE_CHECKING:
    from auditor.collectors.aws.collector import AwsCollector

__all__ = ["AwsCollector", "AwsOptions"]


def __getattr__(name: str) -> Any:
    if name == "AwsCollector":
        from auditor.collectors.aws.collector import AwsCollector

        return AwsCollector
    raise AttributeError(name)
