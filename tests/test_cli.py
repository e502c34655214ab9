"""The CLI as users meet it: fast help, exit codes, errors naming the file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import run_cli

from auditor import __version__


def test_version_and_help_import_nothing_heavy() -> None:
    code = (
        "import sys\nfrom auditor.cli import main\n"
        "for a in (['--version'], ['--help'], ['scan', '--help']):\n"
        "    try:\n        main(a)\n    except SystemExit:\n        pass\n"
        "heavy = [m for m in ('checkov', 'regorus', 'boto3', 'jsonschema', 'yaml', 'tabulate')"
        " if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert f"auditor {__version__}" in out.stdout
    assert "HEAVY []" in out.stdout


def test_no_command_prints_help_and_exits_2() -> None:
    res = run_cli()
    assert res.code == 2
    assert "scan" in res.stdout


def test_bad_usage_exits_2() -> None:
    res = run_cli("scan", "--fail-on", "severe")
    assert res.code == 2
    assert "invalid choice" in res.stderr


def test_scan_without_sources_exits_2() -> None:
    res = run_cli("scan")
    assert res.code == 2
    assert "no source given" in res.stderr


def test_missing_snapshot_names_the_file(tmp_path: Path) -> None:
    res = run_cli("evaluate", str(tmp_path / "nope.json"))
    assert res.code == 2
    assert f"{tmp_path / 'nope.json'}: snapshot not found" in res.stderr


def test_malformed_snapshot_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "snap.json"
    bad.write_text('{\n  "schema_version": "1.0",\n  "resources": [,]\n}\n')
    res = run_cli("evaluate", str(bad))
    assert res.code == 2
    assert f"{bad}:3: not valid JSON" in res.stderr


def test_unknown_control_in_config_is_exit_2(tmp_path: Path, control_dir: Path) -> None:
    cfg = tmp_path / "auditor.yaml"
    cfg.write_text("skip_controls: [NOPE-99]\n")
    snap = tmp_path / "snap.json"
    snap.write_text(json.dumps({"schema_version": "1.0", "resources": []}))
    res = run_cli("evaluate", str(snap), "--config", str(cfg), "--policies", str(control_dir))
    assert res.code == 2
    assert f"{cfg}: skip_controls names unknown control NOPE-99" in res.stderr


def test_unknown_config_setting_is_exit_2(tmp_path: Path) -> None:
    cfg = tmp_path / "auditor.yaml"
    cfg.write_text("controls:\n  gpu_namespace: [ml]\n")
    snap = tmp_path / "snap.json"
    snap.write_text(json.dumps({"schema_version": "1.0", "resources": []}))
    res = run_cli("evaluate", str(snap), "--config", str(cfg))
    assert res.code == 2
    assert "unknown setting controls.gpu_namespace" in res.stderr


def test_malformed_config_yaml_names_line(tmp_path: Path) -> None:
    cfg = tmp_path / "auditor.yaml"
    cfg.write_text("controls:\n  admin_ports: [22\n")
    snap = tmp_path / "snap.json"
    snap.write_text(json.dumps({"schema_version": "1.0", "resources": []}))
    res = run_cli("evaluate", str(snap), "--config", str(cfg))
    assert res.code == 2
    assert f"{cfg}:" in res.stderr and "invalid YAML" in res.stderr


def test_cycle_collector_is_paused_for_a_command_and_restored_after() -> None:
    """main() pauses the cyclic GC for speed (auditor/context.py); a program that calls
    main() in process, as these tests do, must get it back on."""
    import gc

    from auditor.context import cycle_collector_paused, cycle_collector_running

    with cycle_collector_paused():
        assert not gc.isenabled()
        with cycle_collector_running():  # collection: SDK clients make cyclic garbage
            assert gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    res = run_cli("policy", "list")
    assert res.code == 0 and "NET-01" in res.stdout
    assert gc.isenabled()


def test_evaluation_workers_from_the_real_entry_point(tmp_path: Path) -> None:
    """`python -m auditor evaluate --workers 2` (spawned workers re-import the main
    module) gives the same result document as one process."""
    snapshot = tmp_path / "snapshot.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.gen_resources",
            "--resources",
            "1500",
            "--out",
            str(snapshot),
        ],
        check=True,
        capture_output=True,
        cwd=Path(__file__).parent.parent,
        timeout=120,
    )
    docs = []
    for workers in ("1", "2"):
        out = tmp_path / f"result-{workers}.json"
        args = ["evaluate", str(snapshot), "--workers", workers, "-o", f"json={out}", "-q"]
        proc = subprocess.run(
            [sys.executable, "-m", "auditor", *args, "--fail-on", "none"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode in (0, 3), proc.stderr
        docs.append(json.loads(out.read_text()))
    one, two = docs
    assert len({r["scope"] for r in one["results"]}) > 1
    assert two["results"] == one["results"]
    assert two["summary"] == one["summary"]


class _Reader:
    """A collector that records whether the cyclic collector ran during its collection."""

    def __init__(self, name: str, makes_cycles: bool) -> None:
        self.name = name
        self.makes_cycles = makes_cycles
        self.gc_enabled: bool | None = None

    def collect(self, progress: object = None) -> object:
        import gc

        from auditor.model import Snapshot

        self.gc_enabled = gc.isenabled()
        return Snapshot(created_at="2026-11-26T00:00:00Z")


def test_file_readers_collect_with_the_cycle_collector_paused_live_collectors_with_it_on() -> None:
    """The cyclic collector walked checkov's graph about 700 times during a 1,500-resource
    Terraform scan (0.5 s); live collectors keep it, for their SDK clients' cycles."""
    from auditor import core
    from auditor.collectors.aws.collector import AwsCollector
    from auditor.collectors.kubernetes.manifests import ManifestCollector
    from auditor.collectors.terraform import PlanCollector, TerraformCollector
    from auditor.context import Environment, cycle_collector_paused

    assert not TerraformCollector.makes_cycles and not PlanCollector.makes_cycles
    assert not ManifestCollector.makes_cycles and AwsCollector.makes_cycles
    reader, live = _Reader("file", False), _Reader("live", True)

    class Sources(core.SourceOptions):
        def collectors(self) -> list:  # type: ignore[override]
            return [reader, live]

    with cycle_collector_paused():
        core.collect(Sources(), Environment())
    assert reader.gc_enabled is False
    assert live.gc_enabled is True


def test_the_entry_point_flushes_its_output_and_records_the_run(tmp_path: Path) -> None:
    """`python -m auditor` ends the process without interpreter teardown (cli.run): what
    it printed to a pipe, its report files and its history store must all be complete."""
    examples = Path(__file__).parent.parent / "terraform-examples" / "aws" / "insecure"
    store, report = tmp_path / "history.db", tmp_path / "result.json"
    # Block-buffered stdout, as a user's pipe has it (not PYTHONUNBUFFERED).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    args = ["scan", "--terraform", str(examples), "--store", str(store)]
    scan = subprocess.run(
        [sys.executable, "-m", "auditor", *args, "-o", "table", "-o", f"json={report}"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert scan.returncode == 1, scan.stderr
    doc = json.loads(report.read_text())
    assert doc["summary"]["by_status"]["fail"] > 0
    # The table's last line reached the pipe (a block-buffered stream, unflushed, loses it).
    assert scan.stdout.rstrip().endswith("(exit code 1)")
    listed = subprocess.run(
        [sys.executable, "-m", "auditor", "history", "list", "--store", str(store)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert listed.returncode == 0, listed.stderr
    assert doc["run"]["id"][:8] in listed.stdout
