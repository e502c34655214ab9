"""The shipped controls keep the policy contract, and their Rego tests pass.

This is how `auditor policy test` is part of the test suite: a failing Rego test is a
failing pytest.
"""

from __future__ import annotations

from pathlib import Path

from conftest import REPO, run_cli

from auditor.policy.builtins import check_builtins
from auditor.policy.loader import load_policies

POLICIES = REPO / "policies" / "rego"


def test_shipped_policies_load_and_use_only_portable_builtins() -> None:
    ps = load_policies()
    check_builtins(ps.files)
    assert {c.id for c in ps.controls} >= {
        "NET-01", "NET-02", "NET-03", "PE-04", "TLS-01", "GPU-05", "IMG-04", "ENC-01", "ENC-03",
    }  # fmt: skip


def test_every_control_and_lib_has_a_test_file_beside_it() -> None:
    missing = [
        str(p.relative_to(REPO))
        for p in POLICIES.rglob("*.rego")
        if not p.name.endswith("_test.rego")
        and not p.with_name(p.stem + "_test.rego").exists()
        and p.name not in ("result.rego", "testing.rego")
    ]
    assert missing == []


def test_every_test_file_has_a_subject() -> None:
    orphans = [
        str(p.relative_to(REPO))
        for p in POLICIES.rglob("*_test.rego")
        if not p.with_name(p.name.removesuffix("_test.rego") + ".rego").exists()
    ]
    assert orphans == []


def test_rego_unit_tests_pass() -> None:
    res = run_cli("policy", "test")
    assert res.code == 0, res.stdout + res.stderr
    passed = int(res.stdout.strip().splitlines()[-1].split()[0])
    assert passed >= 9 * 3  # a failing, a passing and an unknown case per first control


def test_policy_list_and_show() -> None:
    res = run_cli("policy", "list")
    assert res.code == 0
    assert "NET-01" in res.stdout and "high" in res.stdout
    show = run_cli("policy", "show", "net-01")
    assert show.code == 0
    assert "nist-sp-800-53-r5: " in show.stdout and "remediation:" in show.stdout
    assert run_cli("policy", "show", "NOPE-1").code == 2


def test_policy_test_on_a_subfolder_only_runs_its_tests() -> None:
    res = run_cli("policy", "test", str(POLICIES / "lib"), "-v")
    assert res.code == 0, res.stdout
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith("PASS")]
    assert lines and all("/lib/" in ln for ln in lines)


def test_missing_policy_test_folder_is_exit_2(tmp_path: Path) -> None:
    assert run_cli("policy", "test", str(tmp_path / "none")).code == 2


def test_rego_test_config_is_the_shipped_default() -> None:
    """lib/testing.rego's config mirrors DEFAULT_CONTROLS_CONFIG, so tests judge defaults."""
    from auditor.config import DEFAULT_CONTROLS_CONFIG
    from auditor.engines.embedded import EmbeddedEngine

    engine = EmbeddedEngine()
    engine.load(load_policies().policy_files, {})
    assert engine.query("data.auditor.lib.testing.config") == DEFAULT_CONTROLS_CONFIG
