"""Policy discovery and the METADATA contract: every defect is exit 2 naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import LIB_DIR, run_cli, write_control

from auditor.errors import InputError
from auditor.policy.builtins import check_builtins
from auditor.policy.loader import load_policies, parse_metadata


def test_valid_control_is_loaded(control_dir: Path) -> None:
    ps = load_policies([control_dir, LIB_DIR], builtin=False)
    (control,) = ps.controls
    assert control.id == "TST-01"
    assert control.package == "auditor.controls.tst_01"
    assert control.rules == ["applicable", "deny", "unknown"]
    assert control.frameworks == {"nist-sp-800-53-r5": ["CM-6"]}
    assert control.remediation == "Set attributes.ok to true in the test resource."


def test_metadata_yaml_is_parsed_from_comments(tmp_path: Path) -> None:
    text = "# METADATA\n# title: T\n# custom:\n#   id: X-01\npackage auditor.controls.x_01\n"
    meta, line = parse_metadata(text, tmp_path / "x.rego")
    assert meta == {"title": "T", "custom": {"id": "X-01"}}
    assert line == 1


def test_metadata_that_is_not_yaml_names_the_line(tmp_path: Path) -> None:
    """The line of the YAML error in the .rego file, whichever YAML loader reads it
    (libyaml where PyYAML has it)."""
    text = (
        "# a control\n\n# METADATA\n# title: T\n# custom:\n#   id: [X-01\n"
        "#   severity: high\npackage auditor.controls.x_01\n"
    )
    path = tmp_path / "x.rego"
    with pytest.raises(InputError) as err:
        parse_metadata(text, path)
    assert err.value.file == str(path)
    assert "METADATA is not valid YAML" in err.value.message
    assert err.value.line in (6, 7)  # the unclosed flow sequence, or where YAML noticed


@pytest.mark.parametrize(
    ("field", "bad", "expected"),
    [
        ("severity: high", "severity: severe", "severity"),
        ("resource_kinds: [aws_instance]", "resource_kinds: []", "resource_kinds"),
        (
            "remediation: Set attributes.ok to true in the test resource.",
            "",
            "remediation",
        ),
    ],
)
def test_invalid_metadata_names_file_and_line(
    control_dir: Path, field: str, bad: str, expected: str
) -> None:
    path = next(control_dir.glob("*.rego"))
    path.write_text(path.read_text().replace(field, bad))
    with pytest.raises(InputError) as err:
        load_policies([control_dir], builtin=False)
    assert err.value.file == str(path)
    assert err.value.line == 1
    assert expected in err.value.message


def test_unknown_framework_key_is_rejected(control_dir: Path) -> None:
    path = next(control_dir.glob("*.rego"))
    path.write_text(path.read_text().replace("nist-sp-800-53-r5", "nist"))
    with pytest.raises(InputError, match="frameworks"):
        load_policies([control_dir], builtin=False)


def test_duplicate_ids_are_rejected(control_dir: Path) -> None:
    write_control(control_dir / "other", filename="tst_01_copy.rego")
    with pytest.raises(InputError, match="duplicate control id TST-01"):
        load_policies([control_dir], builtin=False)


def test_package_must_match_id(control_dir: Path) -> None:
    path = next(control_dir.glob("*.rego"))
    path.write_text(
        path.read_text().replace(
            "package auditor.controls.tst_01", "package auditor.controls.other"
        )
    )
    with pytest.raises(InputError, match="does not match control id TST-01"):
        load_policies([control_dir], builtin=False)


def test_file_name_must_match_id(tmp_path: Path) -> None:
    write_control(tmp_path, filename="wrong_name.rego")
    with pytest.raises(InputError, match="file name must start with tst_01"):
        load_policies([tmp_path], builtin=False)


def test_control_without_deny_is_rejected(tmp_path: Path) -> None:
    write_control(tmp_path, body='applicable contains "x" if true\n')
    with pytest.raises(InputError, match="no `deny contains` rule"):
        load_policies([tmp_path], builtin=False)


def test_missing_policy_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="policy folder not found"):
        load_policies([tmp_path / "nope"], builtin=False)


@pytest.mark.parametrize(
    "call",
    [
        'http.send({"url": "x"})',
        'crypto.sha256("x")',
        'net.cidr_intersects("a", "b")',
        'io.jwt.decode("x")',
        "time.now_ns()",
    ],
)
def test_forbidden_builtins_are_rejected(tmp_path: Path, call: str) -> None:
    write_control(
        tmp_path,
        body=f'applicable contains "x" if true\n\ndeny contains x if {{\n\tx := {call}\n}}\n',
    )
    ps = load_policies([tmp_path], builtin=False)
    with pytest.raises(InputError) as err:
        check_builtins(ps.files)
    assert err.value.line == 18
    assert "not available on every engine" in err.value.message


def test_forbidden_builtin_in_comment_or_string_is_fine(tmp_path: Path) -> None:
    write_control(
        tmp_path,
        body=(
            "# http.send(x) would be wrong\n"
            'applicable contains "http.send(" if true\n\n'
            'deny contains "x" if false\n'
        ),
    )
    check_builtins(load_policies([tmp_path], builtin=False).files)


def test_rego_syntax_error_is_exit_2_with_file_and_line(tmp_path: Path) -> None:
    path = write_control(
        tmp_path, body='applicable contains "x" if {\n\tx := 1\n\ndeny contains "y" if false\n'
    )
    snap = tmp_path / "snap.json"
    snap.write_text('{"schema_version": "1.0", "resources": []}')
    res = run_cli("evaluate", str(snap), "--policies", str(tmp_path))
    assert res.code == 2
    assert f"{path}:" in res.stderr
    assert res.stderr.count("\n") == 1, res.stderr


def test_policy_test_runs_test_rules(tmp_path: Path) -> None:
    write_control(tmp_path / "p")
    (tmp_path / "p" / "tst_01_test_control_test.rego").write_text(
        """package auditor.controls.tst_01_test

import rego.v1

test_bad_denied if {
	some d in data.auditor.controls.tst_01.deny with input as {"resources": {"aws_instance": {
		"i": {"id": "i", "attributes": {"ok": false}, "unknown": {}},
	}}}
	d.resource == "i"
}

test_wrong_expectation if {
	count(data.auditor.controls.tst_01.deny) == 1 with input as {"resources": {}}
}
"""
    )
    res = run_cli("policy", "test", str(tmp_path / "p"))
    assert res.code == 1
    assert "1 passed, 1 failed" in res.stdout
    assert "FAIL:" in res.stdout and "test_wrong_expectation" in res.stdout
    assert "test_bad_denied" not in res.stdout
