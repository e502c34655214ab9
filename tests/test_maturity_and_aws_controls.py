"""Maturity levels (each boundary), absence-based failures under coverage gaps, and
`auditor policy frameworks`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import LIB_DIR, run_cli, write_control

from auditor.engines.embedded import EmbeddedEngine
from auditor.evaluate import Evaluator
from auditor.maturity import CATALOGUE, LEVEL2, assess, history_status, level_controls
from auditor.model import Coverage, Resource, Snapshot
from auditor.policy.loader import load_policies

NOW = "2026-11-25T12:00:00Z"
DAILY = [f"2026-11-{d:02d}T11:00:00Z" for d in range(18, 26)]  # 8 days, one run a day

LEVEL3 = level_controls(3, CATALOGUE)
ALL = list(CATALOGUE)


def _results(passing: list[str], failing=(), erroring=()) -> list[tuple[str, str]]:
    out = [(c, "pass") for c in passing]
    out += [(c, "fail") for c in failing] + [(c, "error") for c in erroring]
    return out


# --- levels -------------------------------------------------------------------------------


def test_level_1_when_a_level_2_control_fails() -> None:
    m = assess(ALL, _results(ALL, failing=["ACC-01"]), DAILY, NOW)
    assert m.level == 1
    l2 = m.levels[1]
    assert not l2.reached and l2.failing == ["ACC-01"]
    assert "ACC-01 fails" in l2.held_back_by


def test_level_1_when_a_level_2_control_is_not_evaluated() -> None:
    m = assess(ALL, _results(ALL, erroring=["ENC-02"]), DAILY, NOW)
    assert m.level == 1 and m.levels[1].unevaluated == ["ENC-02"]


def test_level_2_when_only_level_3_controls_fail() -> None:
    m = assess(ALL, _results(ALL, failing=["NET-01"]), DAILY, NOW)
    assert m.level == 2
    assert m.levels[2].failing == ["NET-01"] and not m.levels[2].reached
    assert "Level 3 is not reached" in m.levels[3].held_back_by


def test_level_3_when_a_level_4_only_control_fails() -> None:
    for only4 in ("IMG-06", "ENC-04", "ENC-07", "IMG-08"):
        assert only4 not in LEVEL3 and only4 not in LEVEL2
        m = assess(ALL, _results(ALL, failing=[only4]), DAILY, NOW)
        assert m.level == 3, only4
        assert f"{only4} fails" in m.levels[3].held_back_by


def test_level_4_needs_every_control_passing_and_daily_history() -> None:
    m = assess(ALL, _results(ALL), DAILY, NOW)
    assert m.level == 4 and m.history["daily"] and m.history["days_with_runs"] == 7


def test_level_4_not_claimable_without_history() -> None:
    m = assess(ALL, _results(ALL), None, NOW)
    assert m.level == 3
    assert not m.history["available"]
    assert any("no run history" in r for r in m.levels[3].held_back_by)


def test_level_4_needs_a_run_in_each_of_the_last_7_days() -> None:
    gap = [t for t in DAILY if not t.startswith("2026-11-21")]
    m = assess(ALL, _results(ALL), gap, NOW)
    assert m.level == 3 and m.history["days_with_runs"] == 6
    # a run just inside the oldest window counts; one just outside does not
    assert history_status(["2026-11-18T12:00:01Z", *DAILY[1:]], NOW)["daily"]
    assert not history_status(["2026-11-18T11:59:59Z", *DAILY[2:]], NOW)["daily"]


def test_waived_results_do_not_hold_a_level_back() -> None:
    res = [*_results(ALL), ("PE-04", "waived")]
    assert assess(ALL, res, DAILY, NOW).level == 4


def test_absent_or_empty_controls_do_not_make_a_level_unreachable() -> None:
    # Only the AWS controls ran; the Kubernetes and GCP ones are not implemented yet.
    ran = ["PE-01", "PE-04", "ACC-01", "ACC-02", "ENC-01", "ENC-02", "ENC-03", "NET-01"]
    judged = ["PE-04", "ENC-01", "NET-01"]  # the others judged nothing (no EKS, no API)
    m = assess(ran, _results(judged), None, NOW)
    assert m.level == 3
    l2 = m.levels[1]
    assert l2.passing == ["ENC-01", "PE-04"]
    assert set(l2.not_evidenced) == {"PE-01", "ACC-01", "ACC-02", "ENC-02", "ENC-03"}
    assert "GPU-01" in m.levels[2].not_evidenced  # in the catalogue, not run


def test_a_level_needs_evidence_of_its_own() -> None:
    m = assess(ALL, [], DAILY, NOW)
    assert m.level == 1
    assert any("no evidence" in r for r in m.levels[1].held_back_by)
    only_l2 = assess(ALL, _results(list(LEVEL2)), DAILY, NOW)
    assert only_l2.level == 2
    assert any("no evidence" in r for r in only_l2.levels[2].held_back_by)


def test_out_of_sight_statement() -> None:
    d = assess(ALL, [], None, NOW).to_dict()
    assert "prompt-injection" in d["out_of_sight"]


def test_document_carries_maturity_and_table_shows_it(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    res = run_cli(
        "scan",
        "--terraform",
        "terraform-examples/aws/insecure",
        "--no-store",
        "-o",
        f"json={out}",
        "-o",
        "table",
    )
    assert res.code in (1, 3), res.stderr
    doc = json.loads(out.read_text())
    assert doc["maturity"]["level"] == 1
    assert "AI-security maturity: Level 1" in res.stdout
    assert "out of this auditor's sight" in res.stdout
    from auditor.reporters.json_report import validate_document

    assert validate_document(doc) == []


# --- absence-based failures and coverage ---------------------------------------------------

ABSENCE_BODY = """\
applicable contains id if some id, _ in input.resources.aws_instance

deny contains data.auditor.lib.result.fail_absent(
	r, "no detector", "aws_guardduty_detector", null, ["aws_guardduty_detector"],
) if {
	some r in input.resources.aws_instance
	count(object.get(input.resources, "aws_guardduty_detector", {})) == 0
}

deny contains data.auditor.lib.result.fail(r, "bad", "ok", false) if {
	some r in input.resources.aws_instance
	r.attributes.ok == false
}
"""


def _instance(rid: str, region: str, ok: bool = True) -> Resource:
    return Resource(
        id=rid, kind="aws_instance", name=rid, source="aws", scope="aws:1", region=region,
        attributes={"ok": ok},
    )  # fmt: skip


@pytest.mark.parametrize("gap_region", ["us-east-1", None])
def test_absence_failure_is_error_where_the_kind_was_not_collected(
    tmp_path: Path, gap_region
) -> None:
    folder = tmp_path / "p"
    write_control(folder, body=ABSENCE_BODY, kinds="aws_instance, aws_guardduty_detector")
    policy_set = load_policies([folder, LIB_DIR], builtin=False)
    engine = EmbeddedEngine()
    engine.load(policy_set.policy_files, {})
    snap = Snapshot(
        resources=[
            _instance("a", "us-east-1"),
            _instance("b", "eu-west-1"),
            _instance("c", "us-east-1", ok=False),
        ],
        coverage=[
            Coverage(
                "aws", "aws:1", "aws_guardduty_detector", "error", "AccessDenied", region=gap_region
            ),
            Coverage("aws", "aws:1", "aws_guardduty_detector", "collected", region="eu-west-1"),
        ],
    )
    ev = Evaluator(engine, policy_set.controls).evaluate(snap)
    by_id = {r.resource_id: r for r in ev.results}
    assert by_id["a"].status == "error"
    assert "not collected" in by_id["a"].message and "absence proves nothing" in by_id["a"].message
    # a failure proven by another known fact stands, without the unproven absence
    assert by_id["c"].status == "fail" and by_id["c"].message == "bad"
    # where the kind was collected, absence is a failure
    assert by_id["b"].status == ("fail" if gap_region else "error")


def test_absence_failure_is_error_where_nothing_records_the_kind_collected(
    tmp_path: Path,
) -> None:
    """No gap recorded, but no record that the kind was read either (a source that cannot
    read it, a snapshot written by hand): its absence proves nothing."""
    folder = tmp_path / "p"
    write_control(folder, body=ABSENCE_BODY, kinds="aws_instance, aws_guardduty_detector")
    policy_set = load_policies([folder, LIB_DIR], builtin=False)
    engine = EmbeddedEngine()
    engine.load(policy_set.policy_files, {})
    read = Coverage("aws", "aws:1", "aws_guardduty_detector", "collected", region="us-east-1")
    snap = Snapshot(
        resources=[_instance("a", "us-east-1"), _instance("b", "eu-west-1")], coverage=[read]
    )
    ev = Evaluator(engine, policy_set.controls).evaluate(snap)
    by_id = {r.resource_id: r for r in ev.results}
    assert by_id["a"].status == "fail" and by_id["a"].message == "no detector"
    assert by_id["b"].status == "error"
    assert "nothing records that aws_guardduty_detector was collected in aws:1/eu-west-1" in (
        by_id["b"].message
    )


# --- policy frameworks ---------------------------------------------------------------------


def test_policy_frameworks_matrix() -> None:
    res = run_cli("policy", "frameworks", "--framework", "mitre-atlas", "--format", "json")
    assert res.code == 0, res.stderr
    data = json.loads(res.stdout)
    assert list(data) == ["mitre-atlas"]
    assert "ACC-02" in data["mitre-atlas"]["AML.M0004"]
    assert "PE-04" in data["mitre-atlas"]["AML.M0005"]
    table = run_cli("policy", "frameworks")
    assert table.code == 0 and "nist-sp-800-53-r5" in table.stdout and "SC-7" in table.stdout
    bad = run_cli("policy", "frameworks", "--framework", "nope")
    assert bad.code == 2 and "known:" in bad.stderr


def test_natural_order_of_identifiers() -> None:
    res = run_cli("policy", "frameworks", "--framework", "nist-sp-800-53-r5", "--format", "json")
    ids = list(json.loads(res.stdout)["nist-sp-800-53-r5"])
    assert ids.index("AU-2") < ids.index("AU-12") and ids.index("SC-7") < ids.index("SC-28")


def test_recorded_scan_reassesses_with_run_history(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    args = ("scan", "--terraform", "terraform-examples/aws/hardened", "-q", "-o", f"json={out}")
    run_cli(*args)
    doc = json.loads(out.read_text())
    history = doc["maturity"]["history"]
    assert history["available"] and history["days_with_runs"] == 1 and not history["daily"]
    assert any("1 of the last 7 days" in r for r in doc["maturity"]["levels"][3]["held_back_by"])
