"""Benchmark: the history store with runs of N results (default 10,000).

    python -m bench.bench_history [--results N] [--runs R] [--postgres URL]

For each store (SQLite in a temporary file; PostgreSQL when --postgres or
$AUDITOR_TEST_POSTGRES_DSN names a server, in a schema of its own that is dropped
after), times what a scheduled scan adds to its run and what `auditor history` costs:

- record: one run with N results, one transaction (median of R runs);
- compare: previous run lookup and diff against it, as scan does after recording;
- history diff / trend / ttr: the commands' work over the R runs, through the CLI
  handlers with output discarded.

Each run fails about 1 in 5 results and changes a few from the run before, so diff,
trend and time-to-remediate have something to follow.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from auditor.cli import main
from auditor.context import Environment
from auditor.history import RunView, diff
from auditor.store import open_store
from auditor.store.base import ResultRow, RunRecord
from auditor.store.recording import load_view


def make_rows(n: int, run: int) -> list[ResultRow]:
    rows = []
    for i in range(n):
        failing = i % 5 == 0
        if i % 97 == run % 97:  # a few change every run
            failing = not failing
        rows.append(
            ResultRow(
                f"CTL-{i % 40:02d}",
                f"arn:aws:ec2:us-east-1:123456789012:instance/i-{i:017x}",
                "aws_instance",
                "fail" if failing else "pass",
                ("critical", "high", "medium", "low")[i % 4],
                "aws:123456789012",
                "instance is reachable from 0.0.0.0/0 on port 22" if failing else "passed",
            )
        )
    return rows


def make_run(n: int, run: int) -> RunRecord:
    return RunRecord(
        id=str(uuid.uuid4()),
        command="scan",
        started_at=f"2026-01-{1 + run // 24:02d}T{run % 24:02d}:00:00Z",
        finished_at=None,
        tool_version="bench",
        engine="regorus",
        scope=["aws:123456789012"],
        scope_key="bench",
        fail_on="high",
        exit_code=1,
        summary={"total": n},
    )


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def cli(*args: str) -> None:
    env = Environment(stdout=io.StringIO(), stderr=io.StringIO())
    code = main(list(args), env)
    if code != 0:
        raise SystemExit(f"auditor {' '.join(args)}: exit {code}: {env.stderr.getvalue()}")


def bench_store(label: str, url: str, n: int, runs: int) -> None:
    record_times, compare_times = [], []
    with open_store(url) as store:
        for k in range(runs):
            rows = make_rows(n, k)
            run = make_run(n, k)
            record_times.append(timed(lambda run=run, rows=rows: store.record(run, rows)))

            def compare(run: RunRecord = run, rows: list[ResultRow] = rows) -> None:
                previous = store.previous(run)
                before = load_view(store, previous) if previous else None
                diff(before, RunView.build(run.id, run.started_at, rows))

            compare_times.append(timed(compare))
    print(f"{label}: {runs} runs x {n:,} results")
    print(f"  record one run:        median {statistics.median(record_times):.3f} s")
    print(f"  compare with previous: median {statistics.median(compare_times):.3f} s")
    for action in (["diff"], ["trend"], ["ttr"], ["list"]):
        seconds = timed(lambda action=action: cli("history", *action, "--store", url))
        print(f"  history {action[0]:<6}         {seconds:.3f} s")


def main_(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--postgres", default=os.environ.get("AUDITOR_TEST_POSTGRES_DSN"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        bench_store("sqlite", str(Path(tmp) / "history.db"), args.results, args.runs)
    if args.postgres:
        import psycopg

        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        sep = "&" if "?" in args.postgres else "?"
        url = f"{args.postgres}{sep}options=-csearch_path%3D{schema}"
        try:
            bench_store("postgres", url, args.results, args.runs)
        finally:
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")
    else:
        print("postgres: skipped (give --postgres URL or set AUDITOR_TEST_POSTGRES_DSN)")


if __name__ == "__main__":
    main_()
