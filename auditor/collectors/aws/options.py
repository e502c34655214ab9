"""The AWS collector's options and their command-line flags.

Kept apart from the machinery so that `auditor --help` defines the flags without
importing boto3 (cli.py imports this module; nothing here imports botocore).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

# Log groups of AI services whose retention LOG-01 judges; users add their own prefixes
# (Bedrock model-invocation logs, inference services) with --aws-log-group-prefix.
DEFAULT_LOG_GROUP_PREFIXES: tuple[str, ...] = ("/aws/sagemaker/", "/aws/eks/")


@dataclass
class AwsOptions:
    """What to read and how hard to push: every default is documented in docs/aws.md."""

    profiles: list[str] = field(default_factory=list)
    role_arns: list[str] = field(default_factory=list)
    external_id: str | None = None
    role_session_name: str = "ai-infra-auditor"
    regions: list[str] = field(default_factory=list)
    # Concurrent (account, region, service) units. Each unit calls one service of one
    # account and region, one request at a time: per-service concurrency is 1.
    max_workers: int = 8
    # botocore standard retry mode: attempts per call, including the first.
    max_attempts: int = 5
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    # Multiplies every per-service request budget (resources.SERVICE_RATES); 0 removes it.
    rate_scale: float = 1.0
    log_group_prefixes: list[str] = field(default_factory=lambda: list(DEFAULT_LOG_GROUP_PREFIXES))
    # SageMaker training jobs created within this many days ("recent training jobs").
    training_job_days: int = 30


def add_aws_arguments(parser: argparse.ArgumentParser) -> None:
    """Define the AWS flags on a sub-command (scan, collect); flags another source already
    defined (a shared --regions, --max-workers) are reused, not defined twice."""
    g = parser.add_argument_group("AWS (live)")
    defined = set(getattr(parser, "_option_string_actions", {}))

    def add(flag: str, **kwargs: object) -> None:
        if flag not in defined:
            g.add_argument(flag, **kwargs)  # type: ignore[arg-type]

    add("--aws", action="store_true", help="collect the live AWS estate (boto3 credential chain)")
    add(
        "--aws-profile",
        action="append",
        default=[],
        metavar="PROFILE",
        help="AWS config profile, one account each (repeatable)",
    )
    add(
        "--aws-role-arn",
        action="append",
        default=[],
        metavar="ARN",
        help="role to assume in each account to audit (repeatable; from the default chain)",
    )
    add("--aws-external-id", metavar="ID", help="external id for --aws-role-arn")
    add(
        "--regions",
        action="append",
        default=[],
        metavar="R1,R2",
        help="AWS regions (comma-separated, repeatable); default: the account's enabled regions",
    )
    add(
        "--max-workers",
        type=int,
        default=None,
        metavar="N",
        help="concurrent account x region x service units (default 8)",
    )
    add(
        "--aws-max-attempts",
        type=int,
        default=None,
        metavar="N",
        help="attempts per AWS call, with backoff (default 5)",
    )
    add(
        "--aws-read-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="read timeout per AWS call (default 30)",
    )
    add(
        "--aws-log-group-prefix",
        action="append",
        default=[],
        metavar="PREFIX",
        help="extra CloudWatch log-group prefix of AI services (repeatable)",
    )


def aws_options_from_args(args: argparse.Namespace) -> AwsOptions | None:
    """AwsOptions when --aws (or a profile or role) was given, else None."""
    profiles = list(getattr(args, "aws_profile", None) or [])
    roles = list(getattr(args, "aws_role_arn", None) or [])
    if not (getattr(args, "aws", False) or profiles or roles):
        return None
    opts = AwsOptions(profiles=profiles, role_arns=roles)
    opts.external_id = getattr(args, "aws_external_id", None)
    opts.regions = [
        r.strip()
        for arg in getattr(args, "regions", None) or []
        for r in arg.split(",")
        if r.strip()
    ]
    if getattr(args, "max_workers", None):
        opts.max_workers = max(1, int(args.max_workers))
    if getattr(args, "aws_max_attempts", None):
        opts.max_attempts = max(1, int(args.aws_max_attempts))
    if getattr(args, "aws_read_timeout", None):
        opts.read_timeout = float(args.aws_read_timeout)
    opts.log_group_prefixes += list(getattr(args, "aws_log_group_prefix", None) or [])
    return opts
