"""Reporters: each format on a realistic result document, on an empty one, and the -o API.

The sample document (tests/fixtures/result_document.json) mixes Terraform results (with
file and line) and live AWS results (without), every status, a waiver, a coverage gap,
and a message with markup characters, so that each reporter's mapping is pinned by
exact counts and fields. SARIF is validated against the official OASIS schema vendored
under tests/fixtures/schemas/ (see README there), the JSON against our own schema.
"""

from __future__ import annotations

import copy
import io
import json
import os
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from auditor import reporters
from auditor.errors import InputError
from auditor.reporters import json_report, junit, sarif, table

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[1]
SAMPLE = FIXTURES / "result_document.json"
SARIF_SCHEMA = FIXTURES / "schemas" / "sarif-schema-2.1.0.json"
TF = "terraform-examples/aws/insecure/main.tf"


@pytest.fixture
def doc() -> dict[str, Any]:
    return json.loads(SAMPLE.read_text())


@pytest.fixture
def empty_doc(doc: dict[str, Any]) -> dict[str, Any]:
    """A run where no control applied: controls loaded, nothing judged, exit 0."""
    zero = dict.fromkeys(("pass", "fail", "error", "waived"), 0)
    doc["results"] = []
    doc["coverage"] = []
    doc["controls"] = []
    doc["summary"] = {
        "total": 0,
        "by_status": dict(zero),
        "by_severity": {s: dict(zero) for s in ("critical", "high", "medium", "low")},
        "controls_evaluated": 0,
        "resources": 0,
        "incomplete": False,
        "exit_code": 0,
    }
    return doc


def results_of(doc: dict[str, Any], status: str) -> list[dict[str, Any]]:
    return [r for r in doc["results"] if r["status"] == status]


# --- the sample itself --------------------------------------------------------------------


def test_sample_summary_matches_its_results(doc: dict[str, Any]) -> None:
    """The fixture is only a good oracle if its counts are consistent."""
    by_status = dict.fromkeys(("pass", "fail", "error", "waived"), 0)
    by_severity = {s: dict(by_status) for s in ("critical", "high", "medium", "low")}
    for r in doc["results"]:
        by_status[r["status"]] += 1
        by_severity[r["severity"]][r["status"]] += 1
    assert (
        doc["summary"]["by_status"]
        == by_status
        == {
            "pass": 6,
            "fail": 6,
            "error": 2,
            "waived": 1,
        }
    )
    assert doc["summary"]["by_severity"] == by_severity
    assert doc["summary"]["total"] == len(doc["results"]) == 15
    assert doc["summary"]["controls_evaluated"] == len({r["control_id"] for r in doc["results"]})


# --- registry and -o parsing --------------------------------------------------------------


def test_available_formats_lists_every_registered_reporter() -> None:
    assert reporters.available_formats() == [
        "table",
        "json",
        "sarif",
        "junit",
        "csv",
        "markdown",
        "html",
        "oscal",
    ]


@pytest.mark.parametrize(
    ("name", "module", "default_filename"),
    [
        ("table", table, None),
        ("json", json_report, "auditor.json"),
        ("sarif", sarif, "auditor.sarif"),
        ("junit", junit, "auditor-junit.xml"),
    ],
)
def test_each_reporter_follows_the_module_pattern(
    name: str, module: Any, default_filename: str | None
) -> None:
    assert reporters.get_reporter(name) is module
    assert name == module.NAME
    assert default_filename == module.DEFAULT_FILENAME
    assert callable(module.render)


def test_reporters_are_imported_lazily() -> None:
    """`auditor --help` must not import tabulate or the reporter modules."""
    code = (
        "import sys, auditor.reporters as r; "
        "print(sorted(m for m in sys.modules if m.startswith('auditor.reporters.') "
        "or m == 'tabulate'))"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("json", ("json", None)),
        ("table", ("table", None)),
        ("json=out/results.json", ("json", "out/results.json")),
        ("SARIF=auditor.sarif", ("sarif", "auditor.sarif")),
        ("junit=-", ("junit", None)),
        (" junit = reports/junit.xml ", ("junit", "reports/junit.xml")),
        ("json=a=b.json", ("json", "a=b.json")),
    ],
)
def test_parse_output_spec(spec: str, expected: tuple[str, str | None]) -> None:
    assert reporters.parse_output_spec(spec) == expected


@pytest.mark.parametrize("spec", ["yaml", "yaml=out.yaml", "sarif2=x", "pdf"])
def test_unknown_format_names_the_valid_ones(spec: str) -> None:
    with pytest.raises(InputError) as info:
        reporters.parse_output_spec(spec)
    message = str(info.value)
    assert "unknown output format" in message
    assert "valid formats: table, json, sarif, junit" in message


@pytest.mark.parametrize("spec", ["", "=out.json", "json=", "json=  "])
def test_malformed_specs_are_bad_usage(spec: str) -> None:
    with pytest.raises(InputError):
        reporters.parse_output_spec(spec)


def test_two_reports_on_stdout_are_refused() -> None:
    with pytest.raises(InputError, match="only one report can go to stdout, got table, json"):
        reporters.check_output_specs(["table", "json"])


def test_two_reports_to_one_file_are_refused(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with pytest.raises(InputError, match="both write"):
        reporters.check_output_specs([f"json={target}", f"sarif={tmp_path}/./out.txt"])


def test_check_output_specs_returns_the_parsed_specs() -> None:
    assert reporters.check_output_specs(["json=a.json", "sarif=-", "junit=b.xml"]) == [
        ("json", "a.json"),
        ("sarif", None),
        ("junit", "b.xml"),
    ]


# --- writing ------------------------------------------------------------------------------


def test_write_reports_writes_several_formats_at_once(tmp_path: Path, doc: dict[str, Any]) -> None:
    out = tmp_path / "reports" / "nested"  # does not exist yet
    specs = [
        "table",
        f"json={out / 'auditor.json'}",
        f"sarif={out / 'auditor.sarif'}",
        f"junit={out / 'auditor-junit.xml'}",
    ]
    stdout = io.StringIO()
    reporters.write_reports(doc, specs, stdout)

    assert stdout.getvalue() == table.render(doc)
    assert json.loads((out / "auditor.json").read_text()) == doc
    assert (out / "auditor.json").read_text() == json_report.render(doc)
    assert (out / "auditor.sarif").read_text() == sarif.render(doc)
    assert (out / "auditor-junit.xml").read_text(encoding="utf-8") == junit.render(doc)
    # Atomic writes leave no temporary files behind, and reports are readable by others.
    assert sorted(p.name for p in out.iterdir()) == [
        "auditor-junit.xml",
        "auditor.json",
        "auditor.sarif",
    ]
    assert stat.S_IMODE((out / "auditor.json").stat().st_mode) == 0o644


def test_write_reports_to_stdout_with_dash(doc: dict[str, Any]) -> None:
    stdout = io.StringIO()
    reporters.write_reports(doc, ["json=-"], stdout)
    assert json.loads(stdout.getvalue()) == doc


def test_write_reports_with_no_specs_writes_nothing(doc: dict[str, Any]) -> None:
    stdout = io.StringIO()
    reporters.write_reports(doc, [], stdout)
    assert stdout.getvalue() == ""


def test_unknown_format_fails_before_any_file_is_written(
    tmp_path: Path, doc: dict[str, Any]
) -> None:
    with pytest.raises(InputError):
        reporters.write_reports(doc, [f"json={tmp_path / 'a.json'}", "pdf"], io.StringIO())
    assert list(tmp_path.iterdir()) == []


def test_unwritable_path_is_an_input_error_naming_it(tmp_path: Path, doc: dict[str, Any]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    target = blocker / "auditor.json"
    with pytest.raises(InputError) as info:
        reporters.write_reports(doc, [f"json={target}"], io.StringIO())
    assert str(target) in str(info.value)


# --- table --------------------------------------------------------------------------------


def _row(text: str, first: str) -> list[str]:
    """The cells of the grid row that starts with `first`."""
    for line in text.splitlines():
        if line.split()[:1] == [first]:
            return line.split()
    raise AssertionError(f"no row {first!r} in:\n{text}")


def test_table_counts_grid(doc: dict[str, Any]) -> None:
    text = table.render(doc)
    assert "15 results: 6 fail, 2 error, 1 waived, 6 pass (7 controls, 11 resources)" in text
    assert _row(text, "severity") == ["severity", "fail", "error", "waived", "pass", "total"]
    assert _row(text, "critical") == ["critical", "1", "0", "0", "1", "2"]
    assert _row(text, "high") == ["high", "3", "1", "0", "3", "7"]
    assert _row(text, "medium") == ["medium", "1", "1", "1", "1", "4"]
    assert _row(text, "low") == ["low", "1", "0", "0", "1", "2"]
    assert _row(text, "total") == ["total", "6", "2", "1", "6", "15"]


def test_table_lists_failures_errors_and_remediation_once(doc: dict[str, Any]) -> None:
    text = table.render(doc)
    assert "Failures (6)" in text
    assert "Not evaluated (2)\n(status error: the deciding facts were unknown or could" in text
    assert "(locations relative to terraform-examples/aws/insecure/)" in text
    gpu_ssh = _row(text, "NET-02")
    assert gpu_ssh == ["NET-02", "critical", "aws_security_group.gpu_ssh", "main.tf:41-58"]
    assert "ingress allows port 22 from 0.0.0.0/0" in text
    assert 'listener uses "ELBSecurityPolicy-2016-08", which allows TLS < 1.2 & weak' in text
    # The live result has no location; its instance id (the ARN's tail) survives clipping.
    assert "i-0a1b2c3d4e5f60718" in text
    assert "aws/123456789012/eu-west-1" in text
    # Remediation: each failing control once (NET-01 fails twice), none for the others.
    for control in doc["controls"]:
        first_words = " ".join(control["remediation"].split()[:6])
        failing = any(r["control_id"] == control["id"] for r in results_of(doc, "fail"))
        assert text.count(first_words) == (1 if failing else 0), control["id"]
    assert "NET-01  No internet ingress to AI compute  (high, 2 failing)" in text


def test_table_shows_waivers_gaps_problems_and_verdict(doc: dict[str, Any]) -> None:
    text = table.render(doc)
    assert "GPU-01  aws_instance.legacy_gpu  (expires 2026-03-31): AMI pinned by vendor" in text
    assert "Coverage gaps (1)" in text
    assert "aws 123456789012 eu-west-1  aws_instance error: AccessDenied" in text
    assert "Input problems: none" in text
    assert text.rstrip().splitlines()[-1] == (
        "Result: FAIL - 4 failing results at or above high (exit code 1)"
    )


def test_table_fits_100_columns_in_plain_ascii(doc: dict[str, Any]) -> None:
    long = copy.deepcopy(doc)
    r = long["results"][0]
    r["resource_id"] = "arn:aws:ec2:us-east-1:123456789012:security-group/" + "x" * 150 + "-TAIL"
    r["message"] = "very long message " * 40
    r["location"] = {"file": "a/" * 60 + "deep.tf", "line": 12345, "end_line": 12399}
    long["controls"][0]["title"] = "T" * 300
    long["coverage"][-1]["reason"] = "AccessDenied " * 30
    for d in (doc, long):
        text = table.render(d)
        assert max(len(line) for line in text.splitlines()) <= table.WIDTH
        assert text.isascii()
        assert "\x1b[" not in text  # no colour codes
    text = table.render(long)
    assert "-TAIL" in text  # clipped in the middle, the distinctive tail kept
    assert "deep.tf:12345-12399" in text  # clipped at the front, file and line kept


def test_table_puts_short_messages_in_their_own_column(doc: dict[str, Any]) -> None:
    doc["results"] = [r for r in doc["results"] if r["control_id"] == "NET-02"]
    doc["results"][0]["message"] = "port 22 open to the world"
    text = table.render(doc)
    header = _row(text, "control")
    assert header == ["control", "severity", "resource", "location", "message"]
    line = next(x for x in text.splitlines() if x.startswith("NET-02"))
    assert line.split() == [
        "NET-02",
        "critical",
        "aws_security_group.gpu_ssh",
        "main.tf:41-58",
        *["port", "22", "open", "to", "the", "world"],
    ]


def test_table_on_empty_document(empty_doc: dict[str, Any]) -> None:
    text = table.render(empty_doc)
    assert "No results: no control applied to the collected resources" in text
    assert _row(text, "total") == ["total", "0", "0", "0", "0", "0"]
    assert "Failures" not in text and "Remediation" not in text
    assert "Coverage gaps: none" in text
    assert text.rstrip().splitlines()[-1] == (
        "Result: PASS - nothing failed at or above high (exit code 0)"
    )


def test_table_reports_input_problems(doc: dict[str, Any]) -> None:
    doc["problems"] = [
        {"source": "terraform", "message": "unexpected '}'", "file": "infra/bad.tf", "line": 7},
        {"source": "aws", "message": "profile prod not found", "file": None, "line": None},
    ]
    doc["summary"]["exit_code"] = 2
    text = table.render(doc)
    assert "Input problems (2)" in text
    assert "  infra/bad.tf:7: unexpected '}'" in text
    assert "  aws: profile prod not found" in text
    assert "Result: BAD INPUT - 2 input problems" in text


def test_table_without_summary_counts_from_results(doc: dict[str, Any]) -> None:
    del doc["summary"]
    text = table.render(doc)
    assert _row(text, "total") == ["total", "6", "2", "1", "6", "15"]


# --- json ---------------------------------------------------------------------------------


def test_json_is_the_document_sorted_and_stable(doc: dict[str, Any]) -> None:
    text = json_report.render(doc)
    assert text == json.dumps(doc, indent=2, sort_keys=True) + "\n"
    assert json.loads(text) == doc
    assert json_report.render(json.loads(text)) == text


def test_result_document_schema_is_valid_draft_2020_12() -> None:
    schema = json_report.document_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_sample_and_rendered_documents_match_the_schema(
    doc: dict[str, Any], empty_doc: dict[str, Any]
) -> None:
    assert json_report.validate_document(doc) == []
    assert json_report.validate_document(json.loads(json_report.render(doc))) == []
    assert json_report.validate_document(json.loads(json_report.render(empty_doc))) == []


def test_document_built_by_the_evaluator_matches_the_schema() -> None:
    """The contract between auditor.document and the schema, not just our fixture."""
    from auditor.document import RunInfo, build_document
    from auditor.model import Coverage, Location, Problem, Resource, Result, Snapshot
    from auditor.policy.loader import Control

    control = Control(
        id="NET-01",
        title="No internet ingress to AI compute",
        description="Security groups on AI compute admit no 0.0.0.0/0.",
        severity="high",
        domain="network",
        resource_kinds=["aws_security_group"],
        frameworks={"nist-sp-800-53-r5": ["SC-7"]},
        remediation="Remove 0.0.0.0/0 from the ingress rules.",
        package="auditor.controls.net_01",
        path=Path("policies/rego/network/net_01_internet_ingress.rego"),
        rules=["applicable", "deny"],
    )
    common = {
        "control_id": "NET-01",
        "title": control.title,
        "severity": "high",
        "domain": "network",
        "frameworks": control.frameworks,
        "remediation": control.remediation,
    }
    results = [
        Result(
            **common,
            status="fail",
            resource_id="aws_security_group.a",
            resource_kind="aws_security_group",
            message="ingress allows 0.0.0.0/0",
            source="terraform",
            scope="tf",
            location=Location("tf/main.tf", 3, 9),
            evidence=[{"attribute": "ingress[0].cidr_blocks", "value": ["0.0.0.0/0"]}],
        ),
        Result(
            **common,
            status="error",
            resource_id="aws/1/eu-west-1",
            resource_kind="aws_security_group",
            message="not evaluated: AccessDenied",
            source="aws",
            scope="1",
        ),
    ]
    snapshot = Snapshot(
        resources=[Resource("aws_security_group.a", "aws_security_group", "a", "terraform", "tf")],
        coverage=[
            Coverage("terraform", "tf", "aws_security_group", "collected", count=1),
            Coverage("aws", "1", "aws_security_group", "error", "AccessDenied", region="eu-west-1"),
        ],
        sources=[{"source": "terraform", "target": "tf"}],
    )
    problems = [Problem("terraform", "unexpected '}'", "tf/bad.tf", 7)]
    run = RunInfo(engine="regorus", fail_on="high", policy_dirs=["policies/rego"], config=None)
    document = build_document(run, [control], results, snapshot, problems)
    rendered = json.loads(json_report.render(document))
    assert json_report.validate_document(rendered) == []
    for name in reporters.available_formats():  # and every reporter takes it
        assert reporters.render(name, rendered)


def test_schema_allows_new_top_level_keys_but_pins_known_ones(doc: dict[str, Any]) -> None:
    doc["trends"] = {"level": 2, "domains": {"network": 3}}  # a key of a later version
    assert json_report.validate_document(doc) == []
    bad = copy.deepcopy(doc)
    bad["results"][0]["severity"] = "urgent"
    bad["results"][1]["colour"] = "red"
    del bad["summary"]["exit_code"]
    gap = next(i for i, c in enumerate(bad["coverage"]) if c["status"] != "collected")
    bad["coverage"][gap]["reason"] = None  # a gap must say why
    errors = json_report.validate_document(bad)
    assert errors == [
        f"document.coverage[{gap}].reason: None is not of type 'string'",
        "document.results[0].severity: 'urgent' is not one of "
        "['critical', 'high', 'medium', 'low']",
        "document.results[1]: Additional properties are not allowed ('colour' was unexpected)",
        "document.summary: 'exit_code' is a required property",
    ]


def test_waived_result_needs_a_waiver(doc: dict[str, Any]) -> None:
    waived = next(i for i, r in enumerate(doc["results"]) if r["status"] == "waived")
    del doc["results"][waived]["waiver"]
    assert json_report.validate_document(doc) == [
        f"document.results[{waived}]: 'waiver' is a required property"
    ]


# --- sarif --------------------------------------------------------------------------------


def _validate_sarif(log: dict[str, Any]) -> None:
    """Against the official schema, with the validator it declares (draft-04) and draft-07."""
    schema = json.loads(SARIF_SCHEMA.read_text())
    declared = jsonschema.validators.validator_for(schema)
    assert declared is jsonschema.Draft4Validator
    for validator in (declared, jsonschema.Draft7Validator):
        errors = [
            f"{list(e.absolute_path)}: {e.message}" for e in validator(schema).iter_errors(log)
        ]
        assert errors == []


def test_sarif_is_valid_against_the_official_schema(
    doc: dict[str, Any], empty_doc: dict[str, Any]
) -> None:
    _validate_sarif(json.loads(sarif.render(doc)))
    _validate_sarif(json.loads(sarif.render(empty_doc)))


def test_vendored_sarif_schema_is_the_errata01_one() -> None:
    schema = json.loads(SARIF_SCHEMA.read_text())
    assert schema["id"] == sarif.SARIF_SCHEMA_URI
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]


def test_sarif_run_and_driver(doc: dict[str, Any]) -> None:
    log = json.loads(sarif.render(doc))
    assert log["version"] == "2.1.0"
    assert log["$schema"] == sarif.SARIF_SCHEMA_URI
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "auditor"
    assert driver["version"] == driver["semanticVersion"] == "0.1.0"
    assert driver["informationUri"].startswith("https://")
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is True
    assert invocation["exitCode"] == 1
    assert invocation["startTimeUtc"] == "2026-11-25T19:30:02Z"
    [gap] = invocation["toolExecutionNotifications"]
    assert gap["level"] == "warning"
    assert gap["descriptor"] == {"id": "coverage-gap", "index": 1}
    assert "aws_instance not collected in aws/123456789012/eu-west-1" in gap["message"]["text"]
    assert run["properties"]["run_id"] == doc["run"]["id"]


def test_sarif_rules_one_per_control(doc: dict[str, Any]) -> None:
    rules = json.loads(sarif.render(doc))["runs"][0]["tool"]["driver"]["rules"]
    by_id = {r["id"]: r for r in rules}
    assert [r["id"] for r in rules] == [
        "NET-02",
        "ENC-01",
        "NET-01",
        "PE-01",
        "GPU-01",
        "TLS-01",
        "LOG-01",
    ]
    severity = {cid: r["properties"]["security-severity"] for cid, r in by_id.items()}
    assert severity == {
        "NET-02": "9.5",
        "ENC-01": "8.0",
        "NET-01": "8.0",
        "PE-01": "8.0",
        "GPU-01": "5.5",
        "TLS-01": "5.5",
        "LOG-01": "3.0",
    }
    net01 = by_id["NET-01"]
    control = next(c for c in doc["controls"] if c["id"] == "NET-01")
    assert net01["name"] == "NoInternetIngressToAICompute"
    assert net01["shortDescription"] == {"text": "No internet ingress to AI compute"}
    assert net01["fullDescription"]["text"] == control["description"]
    assert net01["help"]["text"].startswith(control["remediation"])
    assert "nist-sp-800-53-r5: SC-7" in net01["help"]["text"]
    assert net01["defaultConfiguration"] == {"level": "error"}
    assert {"security", "domain/network", "nist-sp-800-53-r5/SC-7", "mitre-atlas/AML.M0019"} <= set(
        net01["properties"]["tags"]
    )
    assert by_id["NET-02"]["deprecatedIds"] == ["NET-09"]  # the control's alias


def test_sarif_results_map_statuses(doc: dict[str, Any]) -> None:
    run = json.loads(sarif.render(doc))["runs"][0]
    results = run["results"]
    rules = run["tool"]["driver"]["rules"]
    assert len(results) == 9  # 6 fail + 2 error + 1 waived; passes are left out
    assert [r["properties"]["status"] for r in results].count("pass") == 0
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    kinds = [(r["ruleId"], r["kind"], r["level"], r["properties"]["status"]) for r in results]
    assert kinds == [
        ("NET-02", "fail", "error", "fail"),
        ("ENC-01", "fail", "error", "fail"),
        ("NET-01", "fail", "error", "fail"),
        ("NET-01", "fail", "error", "fail"),
        ("TLS-01", "fail", "warning", "fail"),
        ("LOG-01", "fail", "note", "fail"),
        ("PE-01", "open", "none", "error"),
        ("GPU-01", "open", "none", "error"),
        ("GPU-01", "fail", "warning", "waived"),
    ]
    waived = results[-1]
    assert "suppressions" not in results[0]
    [suppression] = waived["suppressions"]
    assert suppression["kind"] == "external"
    assert suppression["status"] == "accepted"
    assert suppression["justification"] == (
        "AMI pinned by vendor until migration (CHG-4711) (expires 2026-03-31)"
    )


def test_sarif_locations_physical_for_iac_logical_for_live(doc: dict[str, Any]) -> None:
    results = json.loads(sarif.render(doc))["runs"][0]["results"]
    iac = results[0]
    assert iac["message"]["text"] == (
        "aws_security_group.gpu_ssh: ingress allows port 22 from 0.0.0.0/0"
    )
    [location] = iac["locations"]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": TF},
        "region": {"startLine": 41, "endLine": 58},
    }
    assert location["logicalLocations"][0]["name"] == "aws_security_group.gpu_ssh"
    arn = "arn:aws:ec2:us-east-1:123456789012:instance/i-0a1b2c3d4e5f60718"
    live = next(r for r in results if r["properties"]["resource_id"] == arn)
    [location] = live["locations"]
    assert location["logicalLocations"] == [
        {"name": arn, "fullyQualifiedName": arn, "kind": "resource"}
    ]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": f"aws/{arn}"},
        "region": {"startLine": 1},
        "properties": {"live_resource": True},
    }
    assert live["properties"]["evidence"][0]["value"] == ["0.0.0.0/0"]


def test_sarif_every_result_has_a_physical_location(doc: dict[str, Any]) -> None:
    """GitHub code scanning rejects the whole file if one result has no artifact location."""
    results = json.loads(sarif.render(doc))["runs"][0]["results"]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    arn = "arn:aws:ec2:us-east-1:123456789012:instance/i-0a1b2c3d4e5f60718"
    gap = "aws/123456789012/eu-west-1"  # an uncollected scope: its own stand-in
    assert uris == [TF, TF, f"aws/{arn}", TF, TF, TF, TF, gap, TF]


@pytest.mark.parametrize(
    ("source", "resource_id", "uri"),
    [
        ("aws", "arn:aws:s3:::ml-data", "aws/arn:aws:s3:::ml-data"),
        ("aws", "aws/123456789012/eu-west-1", "aws/123456789012/eu-west-1"),
        ("kubernetes", "ml/Pod/trainer 0", "kubernetes/ml/Pod/trainer%200"),
        (None, "x#y?z", "live/x%23y%3Fz"),
    ],
)
def test_sarif_live_resource_uri(source: str | None, resource_id: str, uri: str) -> None:
    assert sarif.live_resource_uri(source, resource_id) == uri


def test_sarif_fingerprints_are_stable_per_control_and_resource(doc: dict[str, Any]) -> None:
    def prints(d: dict[str, Any]) -> list[str]:
        results = json.loads(sarif.render(d))["runs"][0]["results"]
        return [r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in results]

    first = prints(doc)
    assert len(set(first)) == len(first)  # ENC-01 and LOG-01 on one bucket differ too
    moved = copy.deepcopy(doc)
    moved["results"][0]["location"] = {"file": TF, "line": 141, "end_line": 158}
    moved["results"][0]["message"] = "ingress allows ports 22-23 from 0.0.0.0/0"
    moved["run"]["id"] = "another-run"
    assert prints(moved) == first  # a moved resource or a reworded message is the same alert


def test_sarif_input_problems_are_error_notifications(doc: dict[str, Any]) -> None:
    doc["problems"] = [
        {"source": "terraform", "message": "bad HCL", "file": ".\\x y.tf", "line": 7}
    ]
    log = json.loads(sarif.render(doc))
    _validate_sarif(log)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    problem = invocation["toolExecutionNotifications"][0]
    assert problem["level"] == "error"
    assert problem["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "x%20y.tf"},
        "region": {"startLine": 7},
    }


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("terraform/main.tf", "terraform/main.tf"),
        ("./modules/gpu/main.tf", "modules/gpu/main.tf"),
        ("modules\\gpu\\main.tf", "modules/gpu/main.tf"),
        ("my stack/main.tf", "my%20stack/main.tf"),
        ("/home/ci/repo/main.tf", "file:///home/ci/repo/main.tf"),
        ("C:\\repo\\main.tf", "file:///C:/repo/main.tf"),
    ],
)
def test_sarif_artifact_uri(path: str, uri: str) -> None:
    assert sarif.artifact_uri(path) == uri


def test_sarif_on_empty_document(empty_doc: dict[str, Any]) -> None:
    run = json.loads(sarif.render(empty_doc))["runs"][0]
    assert run["results"] == []
    assert run["tool"]["driver"]["rules"] == []
    assert "toolExecutionNotifications" not in run["invocations"][0]


# --- junit --------------------------------------------------------------------------------


def _parse(text: str) -> ET.Element:
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.encode("utf-8"))


def test_junit_counts(doc: dict[str, Any]) -> None:
    root = _parse(junit.render(doc))
    assert root.tag == "testsuites"
    assert {k: root.get(k) for k in ("tests", "failures", "errors", "skipped")} == {
        "tests": "15",
        "failures": "6",
        "errors": "2",
        "skipped": "1",
    }
    assert root.get("time") == "7.000"
    suites = root.findall("testsuite")
    assert len(suites) == 7  # one per control
    for key in ("tests", "failures", "errors", "skipped"):
        assert sum(int(s.get(key)) for s in suites) == int(root.get(key))
    assert len(root.findall("testsuite/testcase")) == 15
    assert len(root.findall("testsuite/testcase/failure")) == 6
    assert len(root.findall("testsuite/testcase/error")) == 2
    assert len(root.findall("testsuite/testcase/skipped")) == 1


def test_junit_suite_and_cases_of_one_control(doc: dict[str, Any]) -> None:
    root = _parse(junit.render(doc))
    suite = next(s for s in root.findall("testsuite") if s.get("name").startswith("NET-01 "))
    assert suite.get("name") == "NET-01 No internet ingress to AI compute"
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "2", "0")
    props = {p.get("name"): p.get("value") for p in suite.findall("properties/property")}
    assert props["severity"] == "high"
    assert props["framework.nist-sp-800-53-r5"] == "SC-7"
    cases = suite.findall("testcase")
    assert [c.get("classname") for c in cases] == ["NET-01"] * 3
    trainer = next(c for c in cases if c.get("name") == "aws_instance.trainer")
    assert (trainer.get("file"), trainer.get("line")) == (TF, "60")
    failure = trainer.find("failure")
    assert failure.get("type") == "high"
    assert failure.get("message") == (
        "GPU instance g5.12xlarge has a public IP and its security group admits 0.0.0.0/0 "
        "on port 8888"
    )
    assert "Evidence:\n  associate_public_ip_address = true" in failure.text
    assert f"Location: {TF}:60-85" in failure.text
    assert "Remediation: Remove 0.0.0.0/0 and ::/0 from the ingress rules" in failure.text
    passing = next(c for c in cases if c.get("name") == "aws_instance.inference")
    assert list(passing) == []  # a pass is an empty testcase


def test_junit_errors_and_waivers(doc: dict[str, Any]) -> None:
    root = _parse(junit.render(doc))
    cases = {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}
    error = cases[("PE-01", "aws_sagemaker_model.llm")].find("error")
    assert error.get("type") == "not-evaluated"
    assert error.get("message") == "not evaluated: vpc_config.subnets: known after apply"
    assert "vpc_config.subnets (value unknown)" in error.text
    skipped = cases[("GPU-01", "aws_instance.legacy_gpu")].find("skipped")
    assert skipped.get("message") == (
        "waived: AMI pinned by vendor until migration (CHG-4711) (expires 2026-03-31)"
    )


def test_junit_escapes_markup_and_drops_characters_xml_cannot_carry(doc: dict[str, Any]) -> None:
    nasty = "<script>alert('x')</script> & \"quoted\" \x1b[31mred\x00"
    doc["results"][0]["message"] = nasty
    doc["results"][0]["resource_id"] = "sg-<&>"
    doc["controls"][4]["title"] = "Admin & <ports>"  # NET-02
    root = _parse(junit.render(doc))
    case = next(c for c in root.iter("testcase") if c.get("name") == "sg-<&>")
    expected = "<script>alert('x')</script> & \"quoted\" \ufffd[31mred\ufffd"
    assert case.find("failure").get("message") == expected
    assert case.find("failure").text.startswith(expected)
    assert root.find("testsuite").get("name") == "NET-02 Admin & <ports>"


def test_junit_keeps_test_names_unique(doc: dict[str, Any]) -> None:
    gap = next(r for r in doc["results"] if r["resource_id"] == "aws/123456789012/eu-west-1")
    twin = copy.deepcopy(gap)
    twin["resource_kind"] = "aws_launch_template"
    doc["results"].append(twin)
    root = _parse(junit.render(doc))
    names = [c.get("name") for c in root.iter("testcase") if c.get("classname") == "GPU-01"]
    assert len(names) == len(set(names)) == 4
    assert "aws/123456789012/eu-west-1 (aws_launch_template)" in names


def test_junit_on_empty_document(empty_doc: dict[str, Any]) -> None:
    root = _parse(junit.render(empty_doc))
    assert root.get("tests") == "0"
    assert root.findall("testsuite") == []


def test_junit_shows_a_control_that_applied_to_nothing(empty_doc: dict[str, Any]) -> None:
    empty_doc["controls"] = json.loads(SAMPLE.read_text())["controls"][:1]
    root = _parse(junit.render(empty_doc))
    [suite] = root.findall("testsuite")
    assert suite.get("name").startswith("ENC-01 ")
    assert suite.get("tests") == "0"


# --- every format -------------------------------------------------------------------------


@pytest.mark.parametrize("name", reporters.available_formats())
def test_every_format_ignores_keys_it_does_not_know(name: str, doc: dict[str, Any]) -> None:
    """Later versions add keys (maturity, history deltas); older reporters must not break."""
    plain = reporters.render(name, doc)
    extended = copy.deepcopy(doc)
    extended["maturity"] = {"level": 2}
    extended["run"]["host"] = "runner-7"
    extended["summary"]["new_since_last_run"] = 3
    for r in extended["results"]:
        r["first_seen"] = "2026-01-01T00:00:00Z"
    for c in extended["controls"]:
        c["tags"] = ["ai"]
    rendered = reporters.render(name, extended)
    if name == "json":
        assert json.loads(rendered)["maturity"] == {"level": 2}
    elif name == "sarif":  # the run's properties carry the summary through, new keys too
        old_log, new_log = json.loads(plain), json.loads(rendered)
        assert new_log["runs"][0]["properties"]["summary"]["new_since_last_run"] == 3
        for log in (old_log, new_log):
            del log["runs"][0]["properties"]["summary"]
        assert new_log == old_log
    else:
        if name in ("markdown", "html", "table"):  # they show the maturity level when there is one
            assert "level 2" in rendered.lower()
            del extended["maturity"]
            rendered = reporters.render(name, extended)
        assert rendered == plain


@pytest.mark.parametrize("name", reporters.available_formats())
def test_every_format_tolerates_a_result_whose_control_is_not_listed(
    name: str, doc: dict[str, Any]
) -> None:
    doc["controls"] = [c for c in doc["controls"] if c["id"] != "NET-02"]
    text = reporters.render(name, doc)
    assert "NET-02" in text
    if name == "sarif":
        _validate_sarif(json.loads(text))
