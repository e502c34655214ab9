"""The history as users meet it: scan/evaluate record, `auditor history` answers.

Runs through the real entry point (main(args, env)) with real policies, a real store
(SQLite here; the store contract tests cover PostgreSQL too, and one test here runs the
CLI against it) and, for --lock, a real second process holding the lock.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, run_cli

from auditor.core import SourceOptions
from auditor.store.locking import ScopeLock


def write_snapshot(path: Path, states: dict[str, bool], target: str = "infra") -> Path:
    """A snapshot of aws_instance resources whose ``ok`` decides TST-01 (see conftest)."""
    resources = [
        {
            "id": rid,
            "kind": "aws_instance",
            "name": rid,
            "source": "terraform",
            "scope": target,
            "attributes": {"ok": ok},
        }
        for rid, ok in states.items()
    ]
    snapshot = {
        "schema_version": "1.0",
        "created_at": "2026-01-01T00:00:00Z",
        "sources": [{"source": "terraform", "target": target}],
        "resources": resources,
        "coverage": [],
        "problems": [],
    }
    path.write_text(json.dumps(snapshot))
    return path


def evaluate(tmp_path: Path, control_dir: Path, states: dict[str, bool], *extra: str):
    snap = write_snapshot(tmp_path / "snap.json", states)
    out = tmp_path / "out.json"
    res = run_cli(
        "evaluate", str(snap), "--policies", str(control_dir), "-o", f"json={out}", *extra
    )
    doc = json.loads(out.read_text()) if out.exists() else None
    if out.exists():
        out.unlink()
    return res, doc


def history(*args: str) -> dict:
    res = run_cli("history", *args, "--format", "json")
    assert res.code == 0, res.stderr
    return json.loads(res.stdout)


def test_runs_are_recorded_and_compared(tmp_path: Path, control_dir: Path) -> None:
    res, first = evaluate(tmp_path, control_dir, {"a": False, "b": True, "c": False})
    assert res.code == 1
    assert "history: first run of this scope, 2 failing" in res.stderr
    assert first["history"] == {"previous_run": None, "new": 2, "resolved": 0}

    # a is fixed, b breaks, c still fails
    res, second = evaluate(tmp_path, control_dir, {"a": True, "b": False, "c": False})
    assert res.code == 1
    assert "history: 1 new, 1 resolved, 1 still failing since run" in res.stderr
    assert second["history"] == {"previous_run": first["run"]["id"], "new": 1, "resolved": 1}

    # The default store is in the data directory, private to the user.
    assert (tmp_path / "auditor-data" / "history.db").exists()

    d = history("diff")
    assert set(d) == {"new", "resolved", "still_failing"}
    assert [(i["control_id"], i["resource_id"]) for i in d["new"]] == [("TST-01", "b")]
    assert [(i["control_id"], i["resource_id"]) for i in d["resolved"]] == [("TST-01", "a")]
    assert [(i["control_id"], i["resource_id"]) for i in d["still_failing"]] == [("TST-01", "c")]
    # The same with explicit (shortened) ids, and with just the later run.
    a, b = first["run"]["id"][:8], second["run"]["id"]
    assert history("diff", a, b) == d
    assert history("diff", b) == d

    runs = history("list")["runs"]
    assert [r["id"] for r in runs] == [second["run"]["id"], first["run"]["id"]]
    assert runs[0]["scope"] == ["terraform:infra"] and runs[0]["command"] == "evaluate"
    assert runs[0]["exit_code"] == 1 and runs[0]["summary"]["total"] == 3

    trend = history("trend", "--control", "TST-01")["runs"]
    assert [(t["fail"], t["pass"], t["new"], t["resolved"]) for t in trend] == [
        (2, 1, 1, 1),
        (2, 1, None, None),
    ]
    ttr = history("ttr")["controls"]
    assert [(t["control_id"], t["remediated"], t["open"]) for t in ttr] == [("TST-01", 1, 2)]


def test_table_output(tmp_path: Path, control_dir: Path) -> None:
    evaluate(tmp_path, control_dir, {"a": False})
    evaluate(tmp_path, control_dir, {"a": True, "b": False})
    for action in ("list", "diff", "trend", "ttr"):
        res = run_cli("history", action)
        assert res.code == 0, res.stderr
    diff = run_cli("history", "diff")
    assert "NEW (1)" in diff.stdout and "RESOLVED (1)" in diff.stdout
    assert "1 new, 1 resolved, 0 still failing" in diff.stdout
    assert "TST-01" in run_cli("history", "ttr").stdout


def test_scopes_are_compared_only_with_themselves(tmp_path: Path, control_dir: Path) -> None:
    evaluate(tmp_path, control_dir, {"a": False})
    other = write_snapshot(tmp_path / "other.json", {"x": False}, target="elsewhere")
    res = run_cli("evaluate", str(other), "--policies", str(control_dir))
    assert "first run of this scope" in res.stderr
    res, _doc = evaluate(tmp_path, control_dir, {"a": False})
    assert "0 new, 0 resolved, 1 still failing" in res.stderr
    assert len(history("list", "--scope", "elsewhere")["runs"]) == 1


def test_no_store_records_nothing(tmp_path: Path, control_dir: Path) -> None:
    res, doc = evaluate(tmp_path, control_dir, {"a": False}, "--no-store")
    assert res.code == 1
    assert "history" not in doc and "history:" not in res.stderr
    assert not (tmp_path / "auditor-data").exists()


def test_quiet_hides_the_history_line_but_records(tmp_path: Path, control_dir: Path) -> None:
    res, doc = evaluate(tmp_path, control_dir, {"a": False}, "-q")
    assert res.stderr == "" and doc["history"]["new"] == 1


def test_explicit_store_and_env_store(
    tmp_path: Path, control_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "team" / "h.db"
    evaluate(tmp_path, control_dir, {"a": False}, "--store", f"sqlite://{store}")
    assert store.exists()
    monkeypatch.setenv("AUDITOR_STORE", str(store))
    _res, doc = evaluate(tmp_path, control_dir, {"a": False})
    assert doc["history"]["previous_run"] is not None
    assert len(history("list")["runs"]) == 2


def test_bad_store_is_exit_2_before_any_work(tmp_path: Path, control_dir: Path) -> None:
    res, doc = evaluate(tmp_path, control_dir, {"a": False}, "--store", "mysql://db/x")
    assert res.code == 2 and doc is None
    assert "unsupported history store mysql://" in res.stderr
    res = run_cli("history", "list", "--store", str(tmp_path / "typo.db"))
    assert res.code == 2
    assert "typo.db: no history store here yet" in res.stderr


def test_store_failing_at_record_time_is_exit_2_with_reports_written(
    tmp_path: Path, control_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auditor.store.base import Store, StoreError

    def broken(self: Store, run: object, results: object) -> None:
        raise StoreError("disk full", self.location)

    monkeypatch.setattr(Store, "record", broken)
    res, doc = evaluate(tmp_path, control_dir, {"a": False})
    assert res.code == 2
    assert "run not recorded in the history store" in res.stderr and "disk full" in res.stderr
    assert doc is not None and "history" not in doc


def test_history_without_enough_runs(tmp_path: Path, control_dir: Path) -> None:
    assert run_cli("history").code == 2
    evaluate(tmp_path, control_dir, {"a": False})
    res = run_cli("history", "diff")
    assert res.code == 2 and "first recorded run of its scope" in res.stderr
    res = run_cli("history", "diff", "nope-nope")
    assert res.code == 2 and "no run nope-nope" in res.stderr
    assert run_cli("history", "diff", "a", "b", "c").code == 2


def test_json_log_lines(tmp_path: Path, control_dir: Path) -> None:
    evaluate(tmp_path, control_dir, {"a": False})
    res, _ = evaluate(tmp_path, control_dir, {"a": True}, "--log-format", "json")
    events = [json.loads(line) for line in res.stderr.splitlines()]
    assert len(events) == 1
    event = events[0]
    assert event["event"] == "history" and event["level"] == "info"
    assert (event["new"], event["resolved"], event["still_failing"]) == (0, 1, 0)
    assert event["previous_run"] and event["run_id"] and event["time"].endswith("Z")
    # Errors are JSON lines too.
    res, _ = evaluate(tmp_path, control_dir, {"a": True}, "--log-format", "json", "--store", "x://")
    assert json.loads(res.stderr.splitlines()[0])["level"] == "error"


def test_import_documents(tmp_path: Path) -> None:
    fixture = REPO / "tests" / "fixtures" / "result_document.json"
    res = run_cli("history", "import", str(fixture))
    assert res.code == 0 and "recorded run 6f1c2a4e" in res.stdout
    res = run_cli("history", "import", str(fixture))
    assert res.code == 2 and "already recorded" in res.stderr
    runs = history("list")["runs"]
    assert runs[0]["command"] == "import"
    assert runs[0]["scope"] == [
        "aws:123456789012[eu-west-1,us-east-1]",
        "terraform:terraform-examples/aws/insecure",
    ]


def test_cli_against_postgres(tmp_path: Path, control_dir: Path, postgres_url: str) -> None:
    evaluate(tmp_path, control_dir, {"a": False, "b": False}, "--store", postgres_url)
    res, doc = evaluate(tmp_path, control_dir, {"a": True, "b": False}, "--store", postgres_url)
    assert res.code == 1, res.stderr
    assert doc["history"]["new"] == 0 and doc["history"]["resolved"] == 1
    d = history("diff", "--store", postgres_url)
    assert [i["resource_id"] for i in d["resolved"]] == ["a"]
    assert [i["resource_id"] for i in d["still_failing"]] == ["b"]
    assert history("ttr", "--store", postgres_url)["controls"][0]["remediated"] == 1
    assert not (tmp_path / "auditor-data" / "history.db").exists()


# ---- --lock ------------------------------------------------------------------------------

HOLDER = """
import sys
from auditor.core import SourceOptions
from auditor.store.locking import ScopeLock
lock = ScopeLock.for_sources(SourceOptions(terraform=[sys.argv[1]]))
lock.acquire()
print("held", flush=True)
sys.stdin.read()
"""


def hold_lock(folder: Path) -> subprocess.Popen[str]:
    """Another process holding the --lock of a scan of ``folder``, until killed."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(folder)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_lock_held_by_another_run_is_exit_2_and_released_when_it_dies(tmp_path: Path) -> None:
    infra = tmp_path / "infra"
    infra.mkdir()
    holder = hold_lock(infra)
    try:
        # Spelled differently, the same folder: the same lock.
        res = run_cli("scan", "--terraform", f"{infra}/", "--lock")
        assert res.code == 2
        assert "another run of the same sources holds the lock" in res.stderr
        assert f"pid {holder.pid}" in res.stderr
        # Another scope is not blocked by it (it fails later, for having no .tf files,
        # or scans: either way not because of the lock).
        other = tmp_path / "other"
        other.mkdir()
        assert "holds the lock" not in run_cli("scan", "--terraform", str(other), "--lock").stderr
    finally:
        # kill -9: no clean-up runs, the lock file stays; the kernel drops the lock.
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    lock = ScopeLock.for_sources(SourceOptions(terraform=[str(infra)]))
    assert lock.path.exists()
    with lock:
        pass


def test_scan_with_lock_records_and_releases(tmp_path: Path) -> None:
    example = REPO / "terraform-examples" / "aws" / "insecure"
    if not example.exists():
        pytest.skip("terraform-examples/aws/insecure is not in this tree")
    out = tmp_path / "out.json"
    args = ("scan", "--terraform", str(example), "--lock", "--fail-on", "none")
    first = run_cli(*args, "-o", f"json={out}")
    assert first.code in (0, 3), first.stderr
    assert "first run of this scope" in first.stderr
    second = run_cli(*args, "-o", f"json={out}")
    assert second.code in (0, 3), second.stderr
    doc = json.loads(out.read_text())
    assert doc["history"]["new"] == 0 and doc["history"]["resolved"] == 0
    assert " 0 new, 0 resolved, " in second.stderr
    with ScopeLock.for_sources(SourceOptions(terraform=[str(example)])):
        pass  # released after the scan


def test_lock_key_names_what_is_read_not_how(tmp_path: Path) -> None:
    from dataclasses import dataclass, field

    from auditor.store.locking import lock_key

    @dataclass
    class Cloud:
        profiles: list[str] = field(default_factory=list)
        regions: list[str] = field(default_factory=list)
        max_workers: int = 8
        read_timeout: float = 30.0

    @dataclass
    class Sources:
        terraform: list[str] = field(default_factory=list)
        cloud: Cloud | None = None

    infra = tmp_path / "infra"
    infra.mkdir()
    base = lock_key(Sources(terraform=[str(infra)], cloud=Cloud(["prod"], ["eu-west-1"])))
    # Same folder spelled differently, other tuning, other order: the same scope.
    assert base == lock_key(
        Sources(
            terraform=[f"{tmp_path}/./infra/"],
            cloud=Cloud(["prod"], ["eu-west-1"], max_workers=2, read_timeout=5.0),
        )
    )
    # Another profile, another region, another folder: another scope.
    assert base != lock_key(Sources(terraform=[str(infra)], cloud=Cloud(["dev"], ["eu-west-1"])))
    assert base != lock_key(Sources(terraform=[str(infra)], cloud=Cloud(["prod"], ["us-east-1"])))
    assert base != lock_key(
        Sources(terraform=[str(tmp_path)], cloud=Cloud(["prod"], ["eu-west-1"]))
    )


def test_prune_keeps_recent_runs(tmp_path: Path, control_dir: Path) -> None:
    document = json.loads((REPO / "tests" / "fixtures" / "result_document.json").read_text())
    document["run"]["started_at"] = "2020-01-01T00:00:00Z"
    old = tmp_path / "old.json"
    old.write_text(json.dumps(document))
    assert run_cli("history", "import", str(old)).code == 0
    evaluate(tmp_path, control_dir, {"a": False})
    assert history("prune", "--keep-days", "30", "--scope", "nothing-matches")["deleted_runs"] == 0
    assert history("prune", "--keep-days", "30")["deleted_runs"] == 1
    assert [r["command"] for r in history("list")["runs"]] == ["evaluate"]
    assert run_cli("history", "prune", "--keep-days", "-1").code == 2
