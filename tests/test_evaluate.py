"""The evaluator's verdicts: pass only for what was read and judged."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest
from conftest import LIB_DIR, write_control

from auditor.engines.embedded import EmbeddedEngine
from auditor.evaluate import Evaluator
from auditor.model import Coverage, Resource, Snapshot
from auditor.policy.loader import load_policies


def instance(rid: str, scope: str = "terraform:a", **attrs) -> Resource:
    unknown = {k: "known after apply" for k, v in attrs.items() if v is ...}
    known = {k: v for k, v in attrs.items() if v is not ...}
    return Resource(
        id=rid,
        kind="aws_instance",
        name=rid,
        source="terraform",
        scope=scope,
        attributes=known,
        unknown=unknown,
    )


def evaluate(folder: Path, snapshot: Snapshot, workers: int = 1):
    policy_set = load_policies([folder, LIB_DIR], builtin=False)
    engine = EmbeddedEngine()
    engine.load(policy_set.policy_files, {})
    return Evaluator(engine, policy_set.controls, workers=workers).evaluate(snapshot)


def verdicts(evaluation) -> dict[tuple[str, str], str]:
    return {(r.scope or "", r.resource_id): r.status for r in evaluation.results}


def test_pass_fail_and_unknown(control_dir: Path) -> None:
    snap = Snapshot(
        resources=[
            instance("good", ok=True),
            instance("bad", ok=False),
            instance("unsure", ok=...),
        ]
    )
    ev = evaluate(control_dir, snap)
    assert verdicts(ev) == {
        ("terraform:a", "good"): "pass",
        ("terraform:a", "bad"): "fail",
        ("terraform:a", "unsure"): "error",
    }
    bad = next(r for r in ev.results if r.resource_id == "bad")
    assert bad.message == "not ok"
    assert bad.evidence == [{"attribute": "ok", "value": False}]
    assert bad.severity == "high" and bad.control_id == "TST-01"
    assert bad.frameworks == {"nist-sp-800-53-r5": ["CM-6"]}
    unsure = next(r for r in ev.results if r.resource_id == "unsure")
    assert unsure.message == "not evaluated: known after apply"


def test_coverage_gap_turns_pass_into_error_but_keeps_failures(control_dir: Path) -> None:
    snap = Snapshot(
        resources=[instance("good", ok=True), instance("bad", ok=False)],
        coverage=[
            Coverage("terraform", "terraform:a", "aws_instance", "error", "AccessDenied"),
            Coverage("terraform", "terraform:b", "aws_s3_bucket", "error", "throttled"),
        ],
    )
    ev = evaluate(control_dir, snap)
    assert verdicts(ev) == {
        ("terraform:a", "good"): "error",
        ("terraform:a", "bad"): "fail",
        ("terraform:a", "terraform:a"): "error",
    }
    gap = next(r for r in ev.results if r.resource_id == "terraform:a")
    assert "AccessDenied" in gap.message and gap.resource_kind == "aws_instance"


def test_regional_gap_only_affects_that_region(control_dir: Path) -> None:
    east = instance("i-1", scope="aws:111", ok=True)
    east.region = "us-east-1"
    west = instance("i-2", scope="aws:111", ok=True)
    west.region = "us-west-2"
    for r in (east, west):
        r.source = "aws"
    snap = Snapshot(
        resources=[east, west],
        coverage=[
            Coverage("aws", "aws:111", "aws_instance", "error", "timeout", region="us-west-2")
        ],
    )
    ev = evaluate(control_dir, snap)
    assert verdicts(ev) == {
        ("aws:111", "i-1"): "pass",
        ("aws:111", "i-2"): "error",
        ("aws:111", "aws:111/us-west-2"): "error",
    }


def test_wildcard_gap_applies_to_every_control(control_dir: Path) -> None:
    snap = Snapshot(
        resources=[instance("good", ok=True)],
        coverage=[Coverage("terraform", "terraform:a", "*", "error", "main.tf: parse error")],
    )
    assert verdicts(evaluate(control_dir, snap))[("terraform:a", "good")] == "error"


def test_scopes_are_evaluated_apart(control_dir: Path) -> None:
    """The same address in two Terraform roots gives two results, not a collision."""
    snap = Snapshot(
        resources=[
            instance("aws_instance.gpu", "terraform:a", ok=True),
            instance("aws_instance.gpu", "terraform:b", ok=False),
        ]
    )
    ev = evaluate(control_dir, snap)
    assert verdicts(ev) == {
        ("terraform:a", "aws_instance.gpu"): "pass",
        ("terraform:b", "aws_instance.gpu"): "fail",
    }
    assert ev.problems == []


# A control that fails at evaluation time wherever an instance has zero == 0.
DIVIDES_BY_ZERO = """
applicable contains id if some id, _ in input.resources.aws_instance
deny contains {"resource": id, "message": "x"} if {
    some id, r in input.resources.aws_instance
    1 / r.attributes.zero > 0
}
"""


def test_runtime_error_in_one_control_does_not_hide_the_others(control_dir: Path) -> None:
    write_control(
        control_dir,
        cid="TST-02",
        body=DIVIDES_BY_ZERO,
    )
    snap = Snapshot(resources=[instance("good", ok=True, zero=0)])
    ev = evaluate(control_dir, snap)
    by_control = {(r.control_id, r.resource_id): r.status for r in ev.results}
    assert by_control[("TST-01", "good")] == "pass"
    assert by_control[("TST-02", "*")] == "error"
    assert len(ev.problems) == 1
    assert "TST-02" in ev.problems[0].message
    assert ev.problems[0].file and ev.problems[0].file.endswith("tst_02_test_control.rego")


@pytest.mark.parametrize("status", ["pass", "fail"])
def test_deny_outside_applicable_is_still_a_failure(control_dir: Path, status: str) -> None:
    write_control(
        control_dir,
        cid="TST-03",
        body="""
        applicable contains "nothing" if false
        deny contains {"resource": id, "message": "denied"} if {
            some id, r in input.resources.aws_instance
            r.attributes.ok == false
        }
        """,
    )
    snap = Snapshot(resources=[instance("i", ok=status == "pass")])
    ev = evaluate(control_dir, snap)
    got = [r.status for r in ev.results if r.control_id == "TST-03"]
    assert got == ([] if status == "pass" else ["fail"])


def test_worker_processes_give_the_same_results_in_the_same_order(control_dir: Path) -> None:
    """Scopes evaluated in two worker processes (finishing in any order) give exactly the
    one-process results and problems, a failing control included."""
    write_control(
        control_dir,
        cid="TST-02",
        body=DIVIDES_BY_ZERO,
    )
    resources = [
        instance(f"i{n}", f"terraform:{scope}", ok=n % 3 != 0, zero=n % 2)
        for scope in "abcde"
        for n in range(5 if scope != "c" else 40)
    ]
    snap = Snapshot(resources=resources, coverage=[])
    one = evaluate(control_dir, snap, workers=1)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    two = evaluate(control_dir, snap, workers=2)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # The worker processes ran (and were reaped): their CPU time is the children's.
    assert after.ru_utime + after.ru_stime > before.ru_utime + before.ru_stime + 0.05
    assert [r.to_dict() for r in two.results] == [r.to_dict() for r in one.results]
    assert [p.to_dict() for p in two.problems] == [p.to_dict() for p in one.problems]
    assert {r.status for r in one.results} == {"pass", "fail", "error"}
    assert len(one.problems) == 5  # TST-02 fails to evaluate in each of the five scopes


def test_worker_count() -> None:
    """--workers 0 (auto): one process below 20,000 resources or for one scope, else one
    per core; never more processes than scopes."""
    import os

    from auditor.workers import worker_count

    cores = os.cpu_count() or 1
    assert worker_count(0, 19_999, 20) == 1
    assert worker_count(0, 100_000, 1) == 1
    assert worker_count(0, 100_000, 20) == min(cores, 20)
    assert worker_count(4, 10, 3) == 3
    assert worker_count(1, 100_000, 20) == 1
