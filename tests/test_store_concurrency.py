"""Overlapping runs into one store: all recorded, nothing corrupted, on both dialects.

Real processes (spawned, as cron would start them), all opening a store that does not
exist yet at the same moment (so they race to create and migrate it), then recording
runs of the same scope while reading the previous ones.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from pathlib import Path

import pytest
from store_workers import record_runs, rows

from auditor.store import open_store
from auditor.store.base import load_migrations

WORKERS, RUNS, RESULTS = 4, 5, 200


def run_workers(url: str) -> list[str]:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(WORKERS)
        with ctx.Pool(WORKERS) as pool:
            jobs = [
                pool.apply_async(record_runs, (url, w, RUNS, RESULTS, barrier))
                for w in range(WORKERS)
            ]
            return [run_id for job in jobs for run_id in job.get(timeout=240)]


def check_store(url: str, run_ids: list[str]) -> None:
    latest = load_migrations("sqlite")[-1].version
    with open_store(url) as store:
        # Each migration applied exactly once despite the race on first use.
        assert store.count("schema_migrations") == latest
        assert store.count("runs") == WORKERS * RUNS
        assert store.count("results") == WORKERS * RUNS * RESULTS
        runs = store.runs()
        assert sorted(r.id for r in runs) == sorted(run_ids)
        assert len({r.seq for r in runs}) == len(runs)
        for run in runs:
            # Every run has exactly its own results, none of another's.
            worker, n = run.summary["worker"], run.summary["run"]
            assert sorted(store.results(run)) == sorted(rows(worker, n, RESULTS))
        counts = Counter(store.status_counts(runs)[runs[0].id])
        assert sum(counts.values()) == RESULTS


def test_parallel_processes_sqlite(tmp_path: Path) -> None:
    url = str(tmp_path / "shared" / "history.db")
    run_ids = run_workers(url)
    assert len(run_ids) == WORKERS * RUNS
    check_store(url, run_ids)
    from auditor.store.sqlite import SQLiteStore

    store = open_store(url)
    assert isinstance(store, SQLiteStore)
    assert store.integrity_check() == []
    assert store.journal_mode() == "wal"
    store.close()


def test_parallel_processes_postgres(postgres_url: str) -> None:
    run_ids = run_workers(postgres_url)
    assert len(run_ids) == WORKERS * RUNS
    check_store(postgres_url, run_ids)
    import psycopg

    with psycopg.connect(postgres_url) as conn:
        orphans = conn.execute(
            "SELECT count(*) FROM results WHERE run_seq NOT IN (SELECT seq FROM runs)"
        ).fetchone()
        assert orphans == (0,)


@pytest.mark.parametrize("dialect", ["sqlite", "postgres"])
def test_parallel_first_use_migrates_once(
    dialect: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = (
        str(tmp_path / "fresh.db")
        if dialect == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(WORKERS)
        with ctx.Pool(WORKERS) as pool:
            jobs = [pool.apply_async(record_runs, (url, w, 1, 1, barrier)) for w in range(WORKERS)]
            for job in jobs:
                job.get(timeout=120)
    with open_store(url) as store:
        assert store.count("schema_migrations") == load_migrations(dialect)[-1].version
        assert store.count("runs") == WORKERS


def test_overlapping_cli_runs_are_all_recorded(tmp_path: Path, control_dir: Path) -> None:
    """Three `auditor evaluate` processes at once, as overlapping cron lines would be."""
    import json
    import os
    import subprocess
    import sys

    store = tmp_path / "cron" / "history.db"
    procs = []
    for n in range(3):
        snap = tmp_path / f"snap{n}.json"
        resources = [
            {
                "id": f"i-{n}-{k}",
                "kind": "aws_instance",
                "name": f"i-{n}-{k}",
                "source": "terraform",
                "scope": "infra",
                "attributes": {"ok": k % 2 == 0},
            }
            for k in range(50)
        ]
        snap.write_text(
            json.dumps(
                {
                    "schema_version": "1.0",
                    "sources": [{"source": "terraform", "target": "infra"}],
                    "resources": resources,
                }
            )
        )
        cmd = [sys.executable, "-m", "auditor", "evaluate", str(snap)]
        cmd += ["--policies", str(control_dir), "--store", str(store), "-o", "json=/dev/null"]
        procs.append(
            subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
        )
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 1, err  # failures at --fail-on high: recorded all the same
        assert "history:" in err
    with open_store(str(store)) as opened:
        runs = opened.runs()
        assert len(runs) == 3
        assert opened.count("results") == 150
        assert {r.summary["total"] for r in runs} == {50}
