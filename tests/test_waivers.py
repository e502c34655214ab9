"""Waivers: validation (exit 2 naming entry and line), matching, expiry, unused, the CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import run_cli, write_control

from auditor.errors import InputError
from auditor.model import Result
from auditor.policy.loader import PolicySet, load_policies
from auditor.reporters.json_report import validate_document
from auditor.waivers import apply_waivers, load_waivers

REPO = Path(__file__).resolve().parents[1]
INSECURE = REPO / "terraform-examples" / "aws" / "insecure"
TODAY = date(2026, 6, 1)


@pytest.fixture(scope="module")
def policies() -> PolicySet:
    return load_policies()


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "waivers.yaml"
    p.write_text(text)
    return p


def result(cid: str, rid: str, status: str = "fail") -> Result:
    return Result(
        control_id=cid,
        title="t",
        severity="high",
        domain="network",
        status=status,  # type: ignore[arg-type]
        resource_id=rid,
        resource_kind="aws_security_group",
        message="m",
    )


GOOD = """\
waivers:
  - control: NET-02
    resource: "aws_security_group.bastion_*"
    reason: Office range until the VPN lands (CHG-4711)
    owner: platform-security
    expires: 2026-06-01
  - control: net-01
    resource: "*"
    reason: Old
    owner: ml-team
    expires: 2026-05-31
  - control: PE-04
    resource: "aws_s3_bucket.gone"
    reason: Was public for a demo
    owner: data-team
    expires: "2027-01-01"
    ticket: SEC-12
"""


def test_load_valid_file(tmp_path: Path, policies: PolicySet) -> None:
    waivers = load_waivers(write(tmp_path, GOOD), policies)
    assert [(w.index, w.line, w.control, w.owner) for w in waivers] == [
        (0, 2, "NET-02", "platform-security"),
        (1, 7, "NET-01", "ml-team"),  # the id is canonicalised
        (2, 12, "PE-04", "data-team"),
    ]
    assert waivers[0].expires == date(2026, 6, 1)
    assert waivers[2].extra == {"ticket": "SEC-12"}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "control: NET-02\n    resource: x\n    reason: r\n    expires: 2026-01-01",
            "waivers[1]: missing owner",
        ),
        (
            "control: NET-02\n    resource: x\n    owner: o\n    expires: 2026-01-01",
            "waivers[1]: missing reason",
        ),
        (
            "control: NET-02\n    resource: x\n    reason: r\n    owner: o",
            "waivers[1]: missing expires",
        ),
        (
            "control: NET-02\n    resource: x\n    reason: r\n    owner: o\n"
            "    expires: 2026-13-01",
            "waivers[1]: expires '2026-13-01' is not a valid date",
        ),
        (
            "control: NET-02\n    resource: x\n    reason: r\n    owner: o\n    expires: next year",
            "waivers[1]: expires 'next year' is not a date (YYYY-MM-DD)",
        ),
        (
            "control: NOPE-99\n    resource: x\n    reason: r\n    owner: o\n"
            "    expires: 2026-01-01",
            "waivers[1]: unknown control NOPE-99",
        ),
        (
            "control: NET-02\n    resource: x\n    reason: r\n    owner: o\n    expires: 2026-01-01"
            "\n    expiry: 2026-01-01",
            "waivers[1]: unknown key(s) expiry",
        ),
        (
            "control: NET-02\n    reason: r\n    owner: o\n    expires: 2026-01-01",
            "waivers[1]: missing resource",
        ),
        (
            "control: NET-02\n    resource: x\n    reason: '  '\n    owner: o\n"
            "    expires: 2026-01-01",
            "waivers[1]: reason is empty",
        ),
    ],
)
def test_invalid_entry_names_index_and_line(
    tmp_path: Path, policies: PolicySet, entry: str, message: str
) -> None:
    text = (
        "waivers:\n  - control: NET-01\n    resource: '*'\n    reason: ok\n    owner: o\n"
        "    expires: 2026-01-01\n  - " + entry + "\n"
    )
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_waivers(path, policies)
    assert info.value.line == 7  # the second entry starts on line 7
    assert str(info.value).startswith(f"{path}:7: {message}")


def test_control_alias_is_accepted(tmp_path: Path) -> None:
    """A renamed control keeps its waivers: the old id resolves to the new one."""
    folder = tmp_path / "policies"
    path = write_control(folder, cid="TST-02")
    path.write_text(
        path.read_text().replace("#   id: TST-02\n", "#   id: TST-02\n#   aliases: [OLD-07]\n")
    )
    policies = load_policies([folder])
    waivers = write(
        tmp_path,
        "waivers:\n  - control: old-07\n    resource: '*'\n    reason: r\n"
        "    owner: o\n    expires: 2026-01-01\n",
    )
    assert load_waivers(waivers, policies)[0].control == "TST-02"


@pytest.mark.parametrize(
    "text", ["- a\n- b\n", "waivers: {control: NET-02}\n", "other: []\n", "waivers: [1]\n"]
)
def test_malformed_files_are_input_errors(tmp_path: Path, policies: PolicySet, text: str) -> None:
    with pytest.raises(InputError):
        load_waivers(write(tmp_path, text), policies)


def test_bad_yaml_names_the_line(tmp_path: Path, policies: PolicySet) -> None:
    path = write(tmp_path, "waivers:\n  - control: [NET-02\n")
    with pytest.raises(InputError) as info:
        load_waivers(path, policies)
    assert info.value.line is not None and "invalid YAML" in str(info.value)


def test_empty_file_has_no_waivers(tmp_path: Path, policies: PolicySet) -> None:
    assert load_waivers(write(tmp_path, ""), policies) == []


def test_apply_waives_matching_failures_only(tmp_path: Path, policies: PolicySet) -> None:
    waivers = load_waivers(write(tmp_path, GOOD), policies)
    results = [
        result("NET-02", "aws_security_group.bastion_eu"),  # waiver 0 (expires today)
        result("NET-02", "aws_security_group.bastion_us"),  # waiver 0
        result("NET-02", "aws_security_group.web"),  # no glob match
        result("NET-02", "aws_security_group.bastion_x", "error"),  # errors are never waived
        result("NET-02", "aws_security_group.bastion_y", "pass"),
        result("NET-01", "aws_instance.a"),  # waiver 1 expired yesterday
    ]
    outcome = apply_waivers(waivers, results, TODAY, "w.yaml")
    assert [r.status for r in results] == ["waived", "waived", "fail", "error", "pass", "fail"]
    assert results[0].waiver == {
        "reason": "Office range until the VPN lands (CHG-4711)",
        "owner": "platform-security",
        "expires": "2026-06-01",
        "control": "NET-02",
        "resource": "aws_security_group.bastion_*",
        "file": str(tmp_path / "waivers.yaml"),
        "line": 2,
    }
    assert results[2].waiver is None and results[5].waiver is None
    report = outcome.to_dict()
    assert [(e["index"], e["results"]) for e in report["applied"]] == [(0, 2)]
    assert [(e["index"], e["results"]) for e in report["expired"]] == [(1, 1)]
    assert [(e["index"], e["results"]) for e in report["unused"]] == [(2, 0)]
    messages = outcome.messages()
    assert len(messages) == 2
    assert "expired on 2026-05-31; 1 failing result(s)" in messages[0]
    assert "waivers[2]" in messages[1] and "matched no failing result" in messages[1]


def test_first_matching_waiver_is_attached(tmp_path: Path, policies: PolicySet) -> None:
    text = (
        "waivers:\n"
        "  - {control: NET-02, resource: 'sg.*', reason: first, owner: a, expires: 2030-01-01}\n"
        "  - {control: NET-02, resource: '*', reason: second, owner: b, expires: 2030-01-01}\n"
    )
    waivers = load_waivers(write(tmp_path, text), policies)
    results = [result("NET-02", "sg.one"), result("NET-02", "other")]
    outcome = apply_waivers(waivers, results, TODAY, "w")
    assert [r.waiver["reason"] for r in results if r.waiver] == ["first", "second"]
    assert [(w.index, n) for w, n in outcome.applied] == [(0, 1), (1, 2)]


# --- the CLI ------------------------------------------------------------------------------


def test_scan_with_waivers(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(
        "waivers:\n"
        "  - control: NET-02\n    resource: 'aws_security_group.*'\n    reason: bastion\n"
        "    owner: platform-security\n    expires: 2099-01-01\n"
        "  - control: ENC-01\n    resource: '*'\n    reason: old\n    owner: data\n"
        "    expires: 2020-01-01\n"
        "  - control: IMG-04\n    resource: 'nothing.*'\n    reason: unused\n    owner: x\n"
        "    expires: 2099-12-31\n"
    )
    out = tmp_path / "out.json"
    base = tmp_path / "base.json"
    run_cli("scan", "--terraform", str(INSECURE), "-o", f"json={base}", "--no-store")
    res = run_cli(
        "scan",
        "--terraform",
        str(INSECURE),
        "--waivers",
        str(path),
        "-o",
        f"json={out}",
        "--no-store",
    )
    doc = json.loads(out.read_text())
    before = json.loads(base.read_text())
    assert validate_document(doc) == []
    net02 = [r for r in before["results"] if r["control_id"] == "NET-02" and r["status"] == "fail"]
    assert len(net02) >= 1
    waived = [r for r in doc["results"] if r["status"] == "waived"]
    assert len(waived) == len(net02)
    assert {r["control_id"] for r in waived} == {"NET-02"}
    assert all(r["waiver"]["owner"] == "platform-security" for r in waived)
    assert doc["summary"]["by_status"]["waived"] == len(net02)
    assert doc["summary"]["by_status"]["fail"] == before["summary"]["by_status"]["fail"] - len(
        net02
    )
    assert [e["control"] for e in doc["waivers"]["applied"]] == ["NET-02"]
    assert [e["control"] for e in doc["waivers"]["expired"]] == ["ENC-01"]
    assert [e["control"] for e in doc["waivers"]["unused"]] == ["IMG-04"]
    assert "waivers[1]): waiver for ENC-01 '*' (owner data) expired on 2020-01-01" in res.stderr
    assert "matched no failing result" in res.stderr


def test_scan_with_invalid_waivers_is_exit_2_before_collecting(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(
        "waivers:\n  - control: NET-02\n    resource: x\n    reason: r\n    expires: 2026-01-01\n"
    )
    res = run_cli("scan", "--terraform", str(INSECURE), "--waivers", str(path), "--no-store")
    assert res.code == 2
    assert f"{path}:2: waivers[0]: missing owner" in res.stderr
    assert res.stdout == ""
