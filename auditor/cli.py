"""The `auditor` command line: argument definitions and dispatch only.

Program logic lives in core.py; heavy libraries are imported by the command that needs
them, so `auditor --help` and `--version` answer at once.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from contextlib import suppress
from typing import NoReturn

from auditor import __version__
from auditor.context import Environment, cycle_collector_paused
from auditor.errors import InputError
from auditor.exitcodes import ExitStatus
from auditor.history_cli import add_history_parser, add_store_options

FAIL_ON = ("critical", "high", "medium", "low", "none")

EPILOG = """exit codes:
  0  nothing failed at or above --fail-on and the scan was complete
  1  a result at or above --fail-on failed
  2  bad usage or bad input (the message names the file and line), an unusable
     history store, or --lock held by another run of the same sources
  3  the scan was incomplete (errors, coverage gaps) and nothing failed at --fail-on
"""


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad usage, which is our code for bad usage too."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise SystemExit(f"auditor: error: {message}")


def _add_sources(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("sources")
    g.add_argument(
        "--terraform", action="append", default=[], metavar="DIR", help="Terraform HCL directory"
    )
    g.add_argument(
        "--plan",
        action="append",
        default=[],
        metavar="PLAN.json",
        help="Terraform plan as written by `terraform show -json`",
    )
    from auditor.collectors.aws.options import add_aws_arguments

    add_aws_arguments(p)
    from auditor.collectors.gcp.options import add_gcp_arguments

    add_gcp_arguments(p)
    from auditor.collectors.kubernetes.options import add_k8s_arguments

    add_k8s_arguments(p)


def _add_policy_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("policies")
    g.add_argument(
        "--policies",
        action="append",
        default=[],
        metavar="DIR",
        help="extra policy folder (repeatable), same contract as the built-in ones",
    )
    g.add_argument("--config", metavar="FILE", help="auditor.yaml tuning the controls")


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def _add_eval_options(p: argparse.ArgumentParser) -> None:
    _add_policy_options(p)
    g = p.add_argument_group("evaluation")
    g.add_argument("--engine", choices=("embedded", "opa"), default="embedded")
    g.add_argument("--opa-url", metavar="URL", help="OPA server for --engine opa")
    g.add_argument(
        "--controls", metavar="IDS", default="", help="comma-separated control ids to run"
    )
    g.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="high",
        help="lowest severity whose failures give exit code 1 (default: high)",
    )
    g.add_argument(
        "--workers",
        type=_non_negative_int,
        default=0,
        metavar="N",
        help="evaluation worker processes (default 0: one per core for snapshots of "
        "20,000 resources or more in several scopes, else 1)",
    )
    g.add_argument(
        "--waivers",
        metavar="FILE",
        help="YAML of accepted failures with owner, reason and expiry (docs/waivers.md)",
    )


def _add_output_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("output")
    g.add_argument(
        "-o",
        "--output",
        action="append",
        default=[],
        metavar="FORMAT[=PATH]",
        help="report format, optionally to a file (repeatable): table, json, sarif, junit, "
        "csv, markdown, html, oscal",
    )
    g.add_argument(
        "--framework",
        metavar="NAME",
        help="group results by this framework's ids in table, markdown and html "
        "(e.g. nist-sp-800-53-r5)",
    )
    g.add_argument("-q", "--quiet", action="store_true", help="no progress or warnings")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="auditor",
        description="Policy-as-code auditor for AI infrastructure.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"auditor {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    scan = sub.add_parser("scan", help="collect, evaluate and report in one", epilog=EPILOG)
    scan.formatter_class = argparse.RawDescriptionHelpFormatter
    _add_sources(scan)
    _add_eval_options(scan)
    _add_output_options(scan)
    add_store_options(scan, lock=True)
    ev_group = scan.add_argument_group("evidence")
    ev_group.add_argument(
        "--evidence",
        metavar="DIR",
        help="write an evidence bundle (snapshot, results, policies, versions, manifest)",
    )
    ev_group.add_argument(
        "--sign-key", metavar="KEY.pem", help="Ed25519 private key signing the bundle's manifest"
    )

    collect = sub.add_parser("collect", help="collect sources into a snapshot file")
    _add_sources(collect)
    collect.add_argument("--out", required=True, metavar="SNAPSHOT.json")
    collect.add_argument("-q", "--quiet", action="store_true")

    ev = sub.add_parser("evaluate", help="judge a snapshot file", epilog=EPILOG)
    ev.formatter_class = argparse.RawDescriptionHelpFormatter
    ev.add_argument("snapshot", metavar="SNAPSHOT.json")
    _add_eval_options(ev)
    _add_output_options(ev)
    add_store_options(ev)

    rep = sub.add_parser("report", help="render a saved JSON result document again")
    rep.add_argument("document", metavar="RESULTS.json")
    _add_output_options(rep)

    pol = sub.add_parser("policy", help="list, show and test policies")
    psub = pol.add_subparsers(dest="policy_command", metavar="ACTION", parser_class=_Parser)
    plist = psub.add_parser("list", help="every control with id, severity, domain and title")
    _add_policy_options(plist)
    pshow = psub.add_parser("show", help="a control's metadata, mappings and remediation")
    pshow.add_argument("control_id", metavar="ID")
    _add_policy_options(pshow)
    pfw = psub.add_parser(
        "frameworks", help="framework identifiers and the controls that evidence them"
    )
    pfw.add_argument("--framework", metavar="NAME", help="only this framework (e.g. mitre-atlas)")
    pfw.add_argument("--format", choices=("table", "json"), default="table")
    _add_policy_options(pfw)
    ptest = psub.add_parser("test", help="run the test_* rules of the _test.rego files")
    ptest.add_argument("dir", nargs="?", metavar="DIR", help="only the tests under DIR")
    ptest.add_argument("--policies", action="append", default=[], metavar="DIR")
    ptest.add_argument("-v", "--verbose", action="store_true", help="print passing tests too")
    add_history_parser(sub, _Parser)
    evid = sub.add_parser("evidence", help="check an evidence bundle written by scan --evidence")
    esub = evid.add_subparsers(dest="evidence_command", metavar="ACTION", parser_class=_Parser)
    verify = esub.add_parser(
        "verify",
        help="exit 0 only if every file matches the manifest (and the signature, with a key)",
        epilog="exit codes: 0 verified; 1 verification failed (each difference is named); "
        "2 bad usage or not a bundle",
    )
    verify.add_argument("dir", metavar="DIR")
    verify.add_argument("--public-key", metavar="PUB.pem", help="Ed25519 public key (PEM)")
    return parser


def main(
    argv: Sequence[str] | None = None, env: Environment | None = None, *, exiting: bool = False
) -> int:
    """Run one command; its exit code. `exiting`: the process ends right after (run())."""
    env = env or Environment()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        if isinstance(exc.code, str):
            print(exc.code, file=env.stderr)
            return ExitStatus.BAD_INPUT
        return int(exc.code or 0)
    env.quiet = bool(getattr(args, "quiet", False))
    env.log_format = getattr(args, "log_format", None) or env.log_format
    if args.command is None:
        parser.print_help(env.stdout)
        return ExitStatus.BAD_INPUT
    try:
        with cycle_collector_paused(collect_after=not exiting):
            return int(_dispatch(args, env))
    except InputError as exc:
        env.error(str(exc))
        return ExitStatus.BAD_INPUT
    except KeyboardInterrupt:
        env.error("interrupted")
        return 130


def run() -> NoReturn:
    """The `auditor` script and `python -m auditor`: main(), then end the process at once.

    A scan's heap (checkov's graph, the snapshot, the engine's answers, the results:
    hundreds of thousands of objects) is neither walked by a last cyclic collection nor
    freed object by object at interpreter shutdown: that was about 0.5 s of a
    1,500-resource Terraform scan of 4-5 s. Nothing is lost: every file, report and
    history store is written and closed by the command, worker pools are shut down by
    theirs, and the output streams are flushed here. Under a profiler, tracer or coverage
    (which write their data at exit) the process exits the ordinary way.
    """
    if sys.gettrace() is not None or sys.getprofile() is not None:
        sys.exit(main())
    status = main(exiting=True)
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # a closed pipe (`| head`): nothing more to say
            stream.flush()
    os._exit(status)


def _dispatch(args: argparse.Namespace, env: Environment) -> int:
    from auditor import commands

    handler = {
        "scan": commands.cmd_scan,
        "collect": commands.cmd_collect,
        "evaluate": commands.cmd_evaluate,
        "report": commands.cmd_report,
        "policy": commands.cmd_policy,
        "history": commands.cmd_history,
        "evidence": commands.cmd_evidence,
    }[args.command]
    return handler(args, env)


if __name__ == "__main__":
    sys.exit(main())
