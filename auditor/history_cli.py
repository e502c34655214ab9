"""`auditor history ...` and the history options of scan and evaluate: arguments and handlers.

The argument definitions are here, beside their handlers, so that cli.py only wires them
in. Nothing heavy is imported at import time (cli.py imports this for ``--help``): the
store, tabulate and the history logic are imported by the handler that runs.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from auditor.context import Environment
from auditor.errors import InputError
from auditor.exitcodes import ExitStatus

if TYPE_CHECKING:
    from auditor.store.base import RunRecord, Store
    from auditor.store.recording import HistoryOptions

FORMATS = ("table", "json")
STORE_HELP = (
    "history store: a SQLite file, sqlite:///PATH or postgresql://USER@HOST/DB"
    " (default: $AUDITOR_STORE, else history.db in the user data directory)"
)


def add_store_options(p: argparse.ArgumentParser, lock: bool = False) -> None:
    """--store, --no-store, --log-format (and --lock for scan)."""
    g = p.add_argument_group("history and scheduling")
    g.add_argument("--store", metavar="PATH|URL", help=STORE_HELP)
    g.add_argument(
        "--no-store", action="store_true", help="do not record this run in the history store"
    )
    if lock:
        g.add_argument(
            "--lock",
            action="store_true",
            help="if another run of the same sources is running on this machine, exit 2 at"
            " once instead of scanning (for cron)",
        )
    g.add_argument(
        "--log-format",
        choices=("text", "json"),
        default="text",
        help="messages on stderr as text (default) or one JSON object a line",
    )


def history_options(args: argparse.Namespace) -> HistoryOptions:
    from auditor.store.recording import HistoryOptions

    return HistoryOptions(
        store=getattr(args, "store", None),
        enabled=not getattr(args, "no_store", False),
        lock=bool(getattr(args, "lock", False)),
    )


def add_history_parser(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """The `history` command and its actions."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--store", metavar="PATH|URL", help=STORE_HELP)
    common.add_argument("--format", choices=FORMATS, default="table", help="output format")
    common.add_argument(
        "--scope",
        metavar="TEXT",
        help="only runs whose scope contains TEXT (e.g. terraform:infra/gpu)",
    )
    hist = sub.add_parser(
        "history",
        help="recorded runs: list, diff, trend, time to remediate",
        description="Query the history store that scan and evaluate record into.",
    )
    hsub = hist.add_subparsers(dest="history_command", metavar="ACTION", parser_class=parser_class)
    hlist = hsub.add_parser("list", parents=[common], help="recorded runs, newest first")
    hlist.add_argument("--limit", type=int, default=20, metavar="N", help="0 for all (default 20)")
    hdiff = hsub.add_parser(
        "diff",
        parents=[common],
        help="new, resolved and still-failing results between two runs",
        description="Without RUN ids: the latest run against the previous run of its scope."
        " With one: that run against its previous one. Ids may be shortened (8 characters).",
    )
    hdiff.add_argument("runs", nargs="*", metavar="RUN", help="RUN_A RUN_B, or RUN_B, or none")
    htrend = hsub.add_parser(
        "trend", parents=[common], help="results by status per run, with new and resolved"
    )
    htrend.add_argument("--control", metavar="ID", help="only this control's results")
    htrend.add_argument("--limit", type=int, default=30, metavar="N", help="0 for all (default 30)")
    httr = hsub.add_parser(
        "ttr",
        parents=[common],
        help="time to remediate per control: mean and median time failures stayed open",
    )
    httr.add_argument("--control", metavar="ID", help="only this control")
    hprune = hsub.add_parser(
        "prune", parents=[common], help="delete runs older than N days, with their results"
    )
    hprune.add_argument("--keep-days", type=int, required=True, metavar="N")
    himport = hsub.add_parser(
        "import", parents=[common], help="record saved JSON result documents (-o json=...)"
    )
    himport.add_argument("documents", nargs="+", metavar="RESULTS.json")


def cmd_history(args: argparse.Namespace, env: Environment) -> int:
    from auditor.store import open_store

    action = args.history_command
    if action is None:
        raise InputError("history needs an action: list, diff, trend, ttr, import or prune")
    if action == "diff" and len(args.runs) > 2:
        raise InputError("history diff takes at most two runs: RUN_A RUN_B")
    # Reading a store that does not exist is a mistyped --store, not an empty history.
    with open_store(args.store, create=action == "import") as store:
        handler = {
            "list": _list,
            "diff": _diff,
            "trend": _trend,
            "ttr": _ttr,
            "import": _import,
            "prune": _prune,
        }[action]
        return handler(store, args, env)


# ---- helpers -----------------------------------------------------------------------------


def _matches(run: RunRecord, text: str | None) -> bool:
    if not text:
        return True
    return run.scope_key.startswith(text) or any(text in label for label in run.scope)


def _runs(store: Store, args: argparse.Namespace) -> list[RunRecord]:
    """Every run matching --scope, newest first."""
    return [r for r in store.runs() if _matches(r, args.scope)]


def _print_json(data: Any, env: Environment) -> None:
    print(json.dumps(data, indent=2, sort_keys=True), file=env.stdout)


def _table(rows: list[list[Any]], headers: list[str]) -> str:
    from tabulate import tabulate

    return tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)


def _scope(run: RunRecord, width: int = 50) -> str:
    from auditor.store.recording import scope_text

    return scope_text(run.scope, width)


# ---- actions -----------------------------------------------------------------------------


def _list(store: Store, args: argparse.Namespace, env: Environment) -> int:
    runs = _runs(store, args)
    if args.limit:
        runs = runs[: args.limit]
    if args.format == "json":
        _print_json({"runs": [r.to_dict() for r in runs]}, env)
        return ExitStatus.OK
    if not runs:
        print(f"no runs recorded in {store.location}", file=env.stdout)
        return ExitStatus.OK
    rows = []
    for r in runs:
        by_status = r.summary.get("by_status") or {}
        rows.append(
            [
                r.short_id,
                r.started_at,
                r.command,
                _scope(r),
                "" if r.exit_code is None else str(r.exit_code),
                str(r.summary.get("total", "")),
                str(by_status.get("fail", "")),
                str(by_status.get("error", "")),
            ]
        )
    headers = ["RUN", "STARTED", "COMMAND", "SCOPE", "EXIT", "RESULTS", "FAIL", "ERROR"]
    print(_table(rows, headers), file=env.stdout)
    return ExitStatus.OK


def _pair(store: Store, args: argparse.Namespace, env: Environment) -> tuple[RunRecord, RunRecord]:
    """The two runs `history diff` compares (see its --help)."""
    if len(args.runs) == 2:
        before, after = store.run(args.runs[0]), store.run(args.runs[1])
        if before.scope_key != after.scope_key:
            env.warn(
                f"runs {before.short_id} and {after.short_id} have different scopes: results"
                " outside the scope they share show as new or resolved"
            )
        return before, after
    if args.runs:
        after = store.run(args.runs[0])
    else:
        runs = _runs(store, args)
        if not runs:
            where = f" matching --scope {args.scope}" if args.scope else ""
            raise InputError(f"no runs{where} in the history store {store.location}")
        after = runs[0]
    previous = store.previous(after)
    if previous is None:
        raise InputError(
            f"run {after.short_id} is the first recorded run of its scope"
            f" ({_scope(after)}): nothing to compare it with (try --scope or run ids)"
        )
    return previous, after


def _diff(store: Store, args: argparse.Namespace, env: Environment) -> int:
    from auditor.history import diff
    from auditor.store.recording import load_view

    before, after = _pair(store, args, env)
    result = diff(load_view(store, before), load_view(store, after))
    if args.format == "json":
        _print_json(result.to_dict(), env)
        return ExitStatus.OK
    out = env.stdout
    print(
        f"run {before.short_id} ({before.started_at}) -> run {after.short_id}"
        f" ({after.started_at}), scope {_scope(after, 80)}",
        file=out,
    )
    sections = (
        ("NEW", result.new),
        ("RESOLVED", result.resolved),
        ("STILL FAILING", result.still_failing),
    )
    for title, items in sections:
        print(f"\n{title} ({len(items)})", file=out)
        if items:
            rows = [
                [
                    i["severity"],
                    i["control_id"],
                    i["resource_id"],
                    i["scope"] or "",
                    i["status"],
                    _clip(i["message"] or "", 60),
                ]
                for i in items
            ]
            headers = ["SEVERITY", "CONTROL", "RESOURCE", "SCOPE", "NOW", "MESSAGE"]
            print(_table(rows, headers), file=out)
    counts = result.counts()
    print(
        f"\n{counts['new']} new, {counts['resolved']} resolved,"
        f" {counts['still_failing']} still failing",
        file=out,
    )
    return ExitStatus.OK


def _trend(store: Store, args: argparse.Namespace, env: Environment) -> int:
    from auditor.history import changes
    from auditor.store.recording import load_view

    runs = _runs(store, args)
    if args.limit:
        runs = runs[: args.limit]
    counts = store.status_counts(runs, args.control)
    # New/resolved per run, against the previous run of the same scope (also for the
    # oldest run shown, whose previous run may be outside the limit).
    delta: dict[str, dict[str, int] | None] = {}
    by_scope: dict[str, list[RunRecord]] = {}
    for run in reversed(runs):
        by_scope.setdefault(run.scope_key, []).append(run)
    for group in by_scope.values():
        first = store.previous(group[0])
        chain = ([first] if first else []) + group
        views = (load_view(store, r, complete=False, control_id=args.control) for r in chain)
        found = changes(views)
        delta.update({r.id: found[r.id] for r in group})
    rows = []
    for run in runs:
        c = counts[run.id]
        change = delta.get(run.id)
        rows.append(
            {
                "run_id": run.id,
                "started_at": run.started_at,
                "scope": run.scope,
                "control_id": args.control,
                "total": sum(c.values()),
                **c,
                "new": change["new"] if change else None,
                "resolved": change["resolved"] if change else None,
            }
        )
    if args.format == "json":
        _print_json({"runs": rows}, env)
        return ExitStatus.OK
    if not rows:
        print(f"no runs recorded in {store.location}", file=env.stdout)
        return ExitStatus.OK
    table = [
        [
            r["run_id"][:8],
            r["started_at"],
            _scope_labels(r["scope"]),
            str(r["total"]),
            str(r["pass"]),
            str(r["fail"]),
            str(r["error"]),
            str(r["waived"]),
            "-" if r["new"] is None else f"+{r['new']}",
            "-" if r["resolved"] is None else f"-{r['resolved']}",
        ]
        for r in rows
    ]
    headers = ["RUN", "STARTED", "SCOPE", "TOTAL", "PASS", "FAIL", "ERROR", "WAIVED"]
    headers += ["NEW", "RESOLVED"]
    if args.control:
        print(f"control {args.control}", file=env.stdout)
    print(_table(table, headers), file=env.stdout)
    return ExitStatus.OK


def _ttr(store: Store, args: argparse.Namespace, env: Environment) -> int:
    from auditor.history import episodes, human_duration, time_to_remediate
    from auditor.store.recording import load_view

    by_scope: dict[str, list[RunRecord]] = {}
    for run in reversed(_runs(store, args)):
        by_scope.setdefault(run.scope_key, []).append(run)
    found = []
    for group in by_scope.values():
        views = (load_view(store, r, complete=False, control_id=args.control) for r in group)
        found += episodes(views)
    table = time_to_remediate(found, datetime.now(UTC))
    if args.format == "json":
        _print_json({"controls": table}, env)
        return ExitStatus.OK
    if not table:
        print("no failures recorded", file=env.stdout)
        return ExitStatus.OK
    rows = [
        [
            t["control_id"],
            t["severity"],
            str(t["remediated"]),
            human_duration(t["mean_seconds"]),
            human_duration(t["median_seconds"]),
            str(t["open"]),
            human_duration(t["oldest_open_seconds"]),
        ]
        for t in table
    ]
    headers = ["CONTROL", "SEVERITY", "REMEDIATED", "MEAN", "MEDIAN", "OPEN", "OLDEST OPEN"]
    print(_table(rows, headers), file=env.stdout)
    return ExitStatus.OK


def _import(store: Store, args: argparse.Namespace, env: Environment) -> int:
    from auditor.core import load_document
    from auditor.history import rows_from_document
    from auditor.store.recording import run_record

    recorded = []
    for path in args.documents:
        document = load_document(path)
        if not (document.get("run") or {}).get("id"):
            raise InputError("result document has no run.id", path)
        run = store.record(run_record(document, "import"), rows_from_document(document))
        recorded.append({"file": path, "run_id": run.id, "results": len(document["results"])})
    if args.format == "json":
        _print_json({"imported": recorded}, env)
    else:
        for item in recorded:
            print(
                f"recorded run {item['run_id']} ({item['results']} results) from {item['file']}",
                file=env.stdout,
            )
    return ExitStatus.OK


def _prune(store: Store, args: argparse.Namespace, env: Environment) -> int:
    from datetime import timedelta

    if args.keep_days < 0:
        raise InputError("--keep-days must be 0 or more")
    cutoff = (datetime.now(UTC) - timedelta(days=args.keep_days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    if args.scope:  # only the runs of the matching scopes
        deleted = store.delete_runs([r for r in _runs(store, args) if r.started_at < cutoff])
    else:
        deleted = store.prune(cutoff)
    if args.format == "json":
        _print_json({"deleted_runs": deleted, "before": cutoff}, env)
    else:
        print(f"deleted {deleted} runs that started before {cutoff}", file=env.stdout)
    return ExitStatus.OK


def _scope_labels(labels: list[str], width: int = 40) -> str:
    from auditor.store.recording import scope_text

    return scope_text(labels, width)


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."
