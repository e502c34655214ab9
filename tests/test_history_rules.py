"""The rules of diff and time-to-remediate, on plain data: what counts as new and fixed."""

from __future__ import annotations

from datetime import UTC, datetime

from auditor.history import RunView, changes, diff, episodes, human_duration, time_to_remediate
from auditor.store.base import ResultRow


def row(control: str, resource: str, status: str, scope: str = "infra") -> ResultRow:
    return ResultRow(
        control, resource, "aws_instance", status, "high", scope, f"{resource} {status}"
    )


def view(run_id: str, day: int, *rows: ResultRow, complete: bool = True) -> RunView:
    return RunView.build(run_id, f"2026-01-{day:02d}T00:00:00Z", rows, complete=complete)


def keyed(items: list[dict]) -> set[tuple[str, str, str]]:
    return {(i["control_id"], i["resource_id"], i["status"]) for i in items}


def test_new_resolved_and_still_failing() -> None:
    a = view("a", 1, row("C1", "r1", "fail"), row("C1", "r2", "fail"), row("C1", "r3", "pass"))
    b = view("b", 2, row("C1", "r1", "fail"), row("C1", "r2", "pass"), row("C1", "r3", "fail"))
    d = diff(a, b)
    assert keyed(d.new) == {("C1", "r3", "fail")}
    assert keyed(d.resolved) == {("C1", "r2", "pass")}
    assert keyed(d.still_failing) == {("C1", "r1", "fail")}
    assert d.new[0]["previous_status"] == "pass"
    assert set(d.to_dict()) == {"new", "resolved", "still_failing"}


def test_waived_and_deleted_resources_are_resolved() -> None:
    a = view(
        "a", 1, row("C1", "gone", "fail"), row("C1", "accepted", "fail"), row("C1", "x", "pass")
    )
    b = view("b", 2, row("C1", "accepted", "waived"), row("C1", "x", "pass"))
    d = diff(a, b)
    assert keyed(d.resolved) == {("C1", "gone", "absent"), ("C1", "accepted", "waived")}


def test_what_was_not_judged_is_never_resolved() -> None:
    a = view(
        "a",
        1,
        row("C1", "unknown-now", "fail"),
        row("C1", "gap-scope", "fail", scope="acct/us-east-1"),
        row("C2", "control-dropped", "fail"),
        row("C3", "engine-error", "fail"),
    )
    b = view(
        "b",
        2,
        # the attribute became unknown (a plan's after_unknown): error on the resource
        row("C1", "unknown-now", "error"),
        # the scope was not read: a coverage-gap error on the scope itself
        ResultRow("C1", "acct/us-east-1", "aws_instance", "error", "high", "acct/us-east-1", "gap"),
        # C2 did not run at all in b; C3 failed to evaluate (error without a scope)
        ResultRow("C3", "*", None, "error", "high", None, "rego error"),
    )
    d = diff(a, b)
    assert d.resolved == []
    assert keyed(d.still_failing) == {
        ("C1", "unknown-now", "error"),
        ("C1", "gap-scope", "not_evaluated"),
        ("C2", "control-dropped", "not_evaluated"),
        ("C3", "engine-error", "not_evaluated"),
    }


def test_a_resource_error_does_not_hide_the_scope() -> None:
    # An error on one resource is not a coverage gap: another resource that is gone
    # from the same scope is resolved.
    a = view("a", 1, row("C1", "gone", "fail"), row("C1", "other", "pass"))
    b = view("b", 2, row("C1", "other", "error"))
    assert keyed(diff(a, b).resolved) == {("C1", "gone", "absent")}


def test_same_resource_in_two_scopes_is_two_results() -> None:
    a = view("a", 1, row("C1", "aws_instance.gpu", "fail", scope="stack-a"))
    b = view(
        "b",
        2,
        row("C1", "aws_instance.gpu", "pass", scope="stack-a"),
        row("C1", "aws_instance.gpu", "fail", scope="stack-b"),
    )
    d = diff(a, b)
    assert [i["scope"] for i in d.resolved] == ["stack-a"]
    assert [i["scope"] for i in d.new] == ["stack-b"]


def test_first_run_has_everything_new() -> None:
    d = diff(None, view("a", 1, row("C1", "r1", "fail"), row("C1", "r2", "pass")))
    assert keyed(d.new) == {("C1", "r1", "fail")}
    assert d.new[0]["previous_status"] == "not_recorded"


def test_time_to_remediate_follows_episodes() -> None:
    views = [
        view("1", 1, row("C1", "r1", "fail"), row("C1", "r2", "fail"), row("C2", "s", "fail")),
        # r1 fixed after 1 day; r2 not judged (error) does not close it
        view("2", 2, row("C1", "r1", "pass"), row("C1", "r2", "error"), row("C2", "s", "fail")),
        # r2 fixed after 3 days; r1 regresses: a new episode
        view("3", 4, row("C1", "r1", "fail"), row("C1", "r2", "pass"), row("C2", "s", "fail")),
    ]
    found = episodes(views)
    closed = sorted((e.resource_id, e.opened_run, e.closed_run) for e in found if e.closed_run)
    assert closed == [("r1", "1", "2"), ("r2", "1", "3")]
    still = sorted((e.resource_id, e.opened_run) for e in found if not e.closed_run)
    assert still == [("r1", "3"), ("s", "1")]
    now = datetime(2026, 1, 11, tzinfo=UTC)
    table = {t["control_id"]: t for t in time_to_remediate(found, now)}
    assert table["C1"]["remediated"] == 2
    assert table["C1"]["mean_seconds"] == 2 * 86400  # (1 day + 3 days) / 2
    assert table["C1"]["median_seconds"] == 2 * 86400
    assert table["C1"]["open"] == 1
    assert table["C1"]["oldest_open_seconds"] == 7 * 86400  # r1 again since day 4
    assert table["C2"]["remediated"] == 0 and table["C2"]["mean_seconds"] is None
    assert table["C2"]["oldest_open_seconds"] == 10 * 86400


def test_incomplete_views_resolve_like_complete_ones() -> None:
    # Over many runs only non-passing rows are loaded; the controls that ran are given.
    full = [
        view("1", 1, row("C1", "r1", "fail"), row("C1", "r2", "pass")),
        view("2", 2, row("C1", "r1", "pass"), row("C1", "r2", "fail")),
    ]
    light = [
        RunView.build(
            v.run_id,
            v.started_at,
            [r for r in v.rows.values() if r.status != "pass"],
            v.controls,
            complete=False,
        )
        for v in full
    ]

    def summary(views: list[RunView]) -> list[tuple]:
        return sorted((e.resource_id, e.opened_run, e.closed_run) for e in episodes(views))

    assert summary(full) == summary(light) == [("r1", "1", "2"), ("r2", "2", None)]
    assert changes(light) == {"1": None, "2": {"new": 1, "resolved": 1}}


def test_human_durations() -> None:
    assert human_duration(None) == "-"
    assert human_duration(42) == "42s"
    assert human_duration(7 * 60) == "7m"
    assert human_duration(5 * 3600 + 12 * 60) == "5h 12m"
    assert human_duration(3 * 86400 + 4 * 3600) == "3d 4h"


def test_absence_proves_nothing_in_a_run_with_input_problems() -> None:
    # The resource's file did not parse in b (exit 2): it may still be there, failing.
    a = view("a", 1, row("C1", "in-broken-file", "fail"), row("C1", "fixed", "fail"))
    b = RunView.build(
        "b", "2026-01-02T00:00:00Z", [row("C1", "fixed", "pass")], input_problems=True
    )
    d = diff(a, b)
    assert keyed(d.resolved) == {("C1", "fixed", "pass")}
    assert keyed(d.still_failing) == {("C1", "in-broken-file", "not_evaluated")}
