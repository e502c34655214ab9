"""CSV, Markdown, HTML and OSCAL reporters and the --framework view, on the sample document.

The HTML report is also opened in headless Chromium (Debian's `chromium`, which .ci/run
installs): the test reads the DOM the browser built, so it checks what a reader sees,
and that markup in a resource id stays text. OSCAL output is validated against the
official NIST OSCAL 1.1.3 assessment-results JSON schema vendored under
tests/fixtures/schemas/ (see README there).
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import run_cli

from auditor import reporters
from auditor.reporters import csv_report, html, markdown, oscal
from auditor.reporters.frameworks import group_by_framework, natural_key

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "result_document.json"
OSCAL_SCHEMA = FIXTURES / "schemas" / "oscal_assessment-results_schema.json"
NIST = "nist-sp-800-53-r5"
XSS = '<script>document.title="pwned"</script><img src=x onerror="document.body.id=1">'


@pytest.fixture
def doc() -> dict[str, Any]:
    return json.loads(SAMPLE.read_text())


@pytest.fixture
def hostile(doc: dict[str, Any]) -> dict[str, Any]:
    """The sample with markup in a failing resource id, a message and a title."""
    doc["results"][0]["resource_id"] = XSS
    doc["results"][0]["message"] = "a | b *c* `d` <b>e</b> @team"
    doc["controls"][0]["title"] = "<i>title</i>"
    return doc


# --- registry ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "module", "filename"),
    [
        ("csv", csv_report, "auditor.csv"),
        ("markdown", markdown, "auditor.md"),
        ("html", html, "auditor.html"),
        ("oscal", oscal, "auditor-oscal-ar.json"),
    ],
)
def test_new_formats_follow_the_module_pattern(name: str, module: Any, filename: str) -> None:
    assert reporters.get_reporter(name) is module
    assert name == module.NAME and filename == module.DEFAULT_FILENAME


# --- csv --------------------------------------------------------------------------------


def test_csv_one_row_per_result(doc: dict[str, Any]) -> None:
    rows = list(csv.DictReader(io.StringIO(csv_report.render(doc))))
    assert len(rows) == 15
    assert list(rows[0]) == list(csv_report.COLUMNS)
    assert [r["status"] for r in rows].count("fail") == 6
    first = rows[0]
    assert first["control_id"] == "NET-02"
    assert first["file"] == "terraform-examples/aws/insecure/main.tf"
    assert (first["line"], first["end_line"]) == ("41", "58")
    assert first["frameworks"] == "iso-27001-2022: A.8.20; nist-sp-800-53-r5: SC-7, AC-17"
    assert json.loads(first["evidence"])[0] == {
        "attribute": "ingress[0].cidr_blocks",
        "value": ["0.0.0.0/0"],
    }
    waived = [r for r in rows if r["status"] == "waived"]
    assert [(w["waiver_reason"][:10], w["waiver_owner"], w["waiver_expires"]) for w in waived] == [
        ("AMI pinned", "platform-security", "2026-03-31")
    ]
    live = next(r for r in rows if r["resource_id"].startswith("arn:aws:ec2"))
    assert live["file"] == "" and live["line"] == ""


def test_csv_neutralises_formulas(doc: dict[str, Any]) -> None:
    doc["results"][0]["message"] = '=HYPERLINK("http://x")'
    doc["results"][0]["resource_id"] = "+cmd"
    rows = list(csv.DictReader(io.StringIO(csv_report.render(doc))))
    assert rows[0]["message"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["resource_id"] == "'+cmd"
    assert rows[1]["message"][0] != "'"


# --- markdown ---------------------------------------------------------------------------


def test_markdown_summary_and_grouped_failures(doc: dict[str, Any]) -> None:
    text = markdown.render(doc)
    assert text.startswith("## auditor: FAIL: 4 failing results at or above high (exit code 1)")
    assert "| **total** | **6** | **2** | **1** | **6** | **15** |" in text
    assert "### Failures (6)" in text
    heads = re.findall(r"<summary><b>(Critical|High|Medium|Low) \((\d+)\)</b>", text)
    assert heads == [("Critical", "1"), ("High", "3"), ("Medium", "1"), ("Low", "1")]
    assert "<details open><summary><b>Critical (1)" in text
    assert "<details><summary><b>Medium (1)" in text
    assert "terraform-examples/aws/insecure/main.tf:41-58" in text
    assert "<summary><b>Not evaluated (2)</b>" in text
    assert "<summary><b>Waived (1)</b>" in text and "platform\\-security" not in text
    assert "| platform-security | 2026-03-31 |" in text
    assert "<summary><b>Remediation (5 controls)</b>" in text
    assert "<summary><b>Coverage gaps (1)</b>" in text
    assert "Maturity" not in text


def test_markdown_maturity_when_present(doc: dict[str, Any]) -> None:
    doc["maturity"] = {
        "level": 1,
        "label": "Foundational",
        "held_back_by": [{"control_id": "NET-02", "status": "fail", "level": 2}, "PE-01"],
    }
    text = markdown.render(doc)
    assert "**Maturity:** level 1 (Foundational); held back by:" in text
    assert "- NET-02 (fail) \\[needed for level 2\\]" in text
    assert "- PE-01" in text


def test_markdown_escapes_markup(hostile: dict[str, Any]) -> None:
    text = markdown.render(hostile)
    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;" in text
    assert "a \\| b \\*c\\* \\`d\\` &lt;b&gt;e&lt;/b&gt;" in text
    # every table row still has its 5 cells (an unescaped | would add one)
    row = next(line for line in text.splitlines() if "&lt;script&gt;" in line)
    assert len(re.findall(r"(?<!\\)\|", row)) == 6


def test_markdown_stays_under_the_github_comment_limit(doc: dict[str, Any]) -> None:
    template = doc["results"][0]
    doc["results"] = [
        {
            **copy.deepcopy(template),
            "resource_id": f"aws_security_group.sg_{i:05d}",
            "message": "x" * 200,
        }
        for i in range(3000)
    ]
    text = markdown.render(doc)
    assert len(text) <= markdown.MAX_CHARS < markdown.GITHUB_COMMENT_LIMIT
    shown = text.count("aws\\_security\\_group.sg\\_")
    assert 0 < shown < 3000
    assert f"**{3000 - shown} results not listed**" in text
    assert text.startswith("## auditor: FAIL")


def test_markdown_small_document_is_not_cut(doc: dict[str, Any]) -> None:
    assert "not listed" not in markdown.render(doc)


# --- framework view ---------------------------------------------------------------------


def test_group_by_framework(doc: dict[str, Any]) -> None:
    groups = group_by_framework(doc, NIST)
    assert [g.ident for g in groups] == [
        "AC-17", "AU-2", "AU-12", "CM-6", "SC-7", "SC-7(4)", "SC-8", "SC-13", "SC-28",
    ]  # fmt: skip
    sc7 = next(g for g in groups if g.ident == "SC-7")
    assert sc7.controls == ["NET-01", "NET-02"]
    assert sc7.counts == {"fail": 3, "error": 0, "waived": 0, "pass": 2}
    assert sc7.status == "fail"
    cm6 = next(g for g in groups if g.ident == "CM-6")
    assert cm6.status == "error"
    atlas = group_by_framework(doc, "mitre-atlas")
    assert [g.ident for g in atlas] == ["AML.M0019", "(not mapped)"]
    assert sum(len(g.results) for g in atlas) == 15  # nothing hidden


def test_natural_key_orders_framework_ids() -> None:
    ids = ["A.8.20", "A.8.9", "AU-12", "AU-2"]
    assert sorted(ids, key=natural_key) == ["A.8.9", "A.8.20", "AU-2", "AU-12"]


def test_framework_option_in_table_markdown_html(tmp_path: Path) -> None:
    md_path, html_path = tmp_path / "r.md", tmp_path / "r.html"
    res = run_cli(
        "report", str(SAMPLE), "--framework", NIST, "-o", "table",
        "-o", f"markdown={md_path}", "-o", f"html={html_path}",
    )  # fmt: skip
    assert res.code == 1
    assert f"By framework: {NIST} (9 identifiers)" in res.stdout
    assert re.search(r"SC-7\s+FAIL\s+NET-01, NET-02\s+3\s+0\s+0\s+2", res.stdout)
    assert f"By framework: {NIST} (9 identifiers)" in md_path.read_text()
    assert "| SC\\-7 |" not in md_path.read_text() and "| SC-7 | fail | NET-01, NET-02 | 3 |" in (
        md_path.read_text()
    )
    assert 'id="framework-table"' in html_path.read_text()


def test_unknown_framework_is_bad_usage() -> None:
    res = run_cli("report", str(SAMPLE), "--framework", "nist-800-53")
    assert res.code == 2
    assert "--framework nist-800-53: no control maps to it; known: iso-27001-2022" in res.stderr


def test_framework_does_not_change_other_formats(doc: dict[str, Any]) -> None:
    for name in ("json", "sarif", "junit", "csv", "oscal"):
        assert reporters.render(name, doc, NIST) == reporters.render(name, doc)


# --- html -------------------------------------------------------------------------------


def test_html_is_self_contained(doc: dict[str, Any]) -> None:
    page = html.render(doc)
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page
    # no URL the browser would fetch: only the SVG namespace identifier
    urls = set(re.findall(r"""(?:src|href)\s*=\s*["']?([^"' >]+)""", page))
    assert all(u.startswith("#") for u in urls), urls
    assert re.findall(r"\w+://[^\s\"']+", page) == ["http://www.w3.org/2000/svg"] * 2
    assert "default-src 'none'" in page
    assert page.count("<svg") == 2


def test_html_sections(doc: dict[str, Any]) -> None:
    doc["maturity"] = {"level": 2, "blockers": [{"control_id": "TLS-01", "status": "fail"}]}
    page = html.render(doc, framework=NIST)
    for anchor in ("summary", "maturity", "framework-view", "matrix", "controls", "coverage"):
        assert f'id="{anchor}"' in page, anchor
    assert "Reached: <b>level 2</b>" in page and "<li>TLS-01 (fail)</li>" in page
    assert page.count('class="control"') == 7
    assert '<details id="control-NET-02" class="control" open>' in page
    assert '<details id="control-PE-01" class="control">' in page  # not failing: closed
    assert "<code>ingress[0].cidr_blocks</code> = <code>[&quot;0.0.0.0/0&quot;]</code>" in page
    assert "Restrict the rule&#x27;s source" in page


def test_html_escapes_everything(hostile: dict[str, Any]) -> None:
    page = html.render(hostile)
    assert "<script>" not in page and "<img" not in page and "<i>title" not in page
    assert "&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt;" in page


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _dump_dom(page: Path, profile: Path) -> str:
    browser = _chromium()
    assert browser
    out = subprocess.run(
        [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={profile}", "--dump-dom", page.as_uri(),
        ],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return out.stdout


@pytest.mark.skipif(
    _chromium() is None,
    reason="chromium not installed (Debian package `chromium`; .ci/run installs it)",
)
def test_html_in_headless_chromium(hostile: dict[str, Any], tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(html.render(hostile, framework=NIST))
    dom = _dump_dom(page, tmp_path / "profile")
    # the browser built the page we wrote: verdict, counts, sections, charts
    assert (
        '<div class="verdict v-FAIL" id="verdict">FAIL: 4 failing results at or above high' in dom
    )
    assert "<title>auditor report: FAIL</title>" in dom  # the script did not rename it
    assert "pwned" not in re.sub(r"&lt;script&gt;.*?&lt;/script&gt;", "", dom)
    assert '<body id="1"' not in dom  # the onerror handler did not run
    assert '&lt;script&gt;document.title="pwned"&lt;/script&gt;' in dom  # shown as text
    assert dom.count("<svg") == 2 and dom.count("<rect") >= 20
    assert re.search(r'id="framework-table".*SC-7\(4\)', dom, re.S)
    assert "AccessDenied: ec2:DescribeInstances" in dom


# --- oscal ------------------------------------------------------------------------------


def _oscal_validator() -> jsonschema.Validator:
    """The NIST schema's patterns use \\p{L}; Python's re lacks it, the regex module has it."""
    import regex

    schema = json.loads(OSCAL_SCHEMA.read_text())

    def pattern(validator: Any, patrn: str, instance: Any, schema: Any) -> Any:
        if isinstance(instance, str) and not regex.search(patrn, instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {patrn!r}")

    cls = jsonschema.validators.extend(jsonschema.Draft7Validator, {"pattern": pattern})
    return cls(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


@pytest.mark.skipif(not OSCAL_SCHEMA.exists(), reason="OSCAL schema not vendored")
def test_oscal_is_valid_against_the_official_schema(doc: dict[str, Any]) -> None:
    validator = _oscal_validator()
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(oscal.build(doc))
    ]
    assert errors == []
    # and the validator does reject a broken document
    broken = oscal.build(doc)
    broken["assessment-results"]["results"][0]["findings"][0]["target"]["status"]["state"] = "ok"
    del broken["assessment-results"]["metadata"]["oscal-version"]
    assert len(list(validator.iter_errors(broken))) >= 2


def test_oscal_findings_and_observations(doc: dict[str, Any]) -> None:
    ar = oscal.build(doc)["assessment-results"]
    assert ar["metadata"]["oscal-version"] == "1.1.3"
    result = ar["results"][0]
    assert len(result["observations"]) == len(result["findings"]) == 15
    assert len(result["local-definitions"]["inventory-items"]) == 12
    states = [f["target"]["status"]["state"] for f in result["findings"]]
    assert states.count("satisfied") == 6 and states.count("not-satisfied") == 9
    net02 = result["findings"][0]
    assert net02["target"]["target-id"] == "NET-02"
    obs = {o["uuid"]: o for o in result["observations"]}
    o = obs[net02["related-observations"][0]["observation-uuid"]]
    assert o["methods"] == ["TEST"]
    assert o["relevant-evidence"][0]["description"] == 'ingress[0].cidr_blocks = ["0.0.0.0/0"]'
    items = {i["uuid"]: i for i in result["local-definitions"]["inventory-items"]}
    assert items[o["subjects"][0]["subject-uuid"]]["description"] == "aws_security_group.gpu_ssh"
    waived = [f for f in result["findings"] if "Waived:" in f.get("remarks", "")]
    assert len(waived) == 1 and "owner platform-security" in waived[0]["remarks"]
    selected = result["reviewed-controls"]["control-selections"][0]["include-controls"]
    assert [c["control-id"] for c in selected] == [
        "ac-17", "au-2", "au-12", "cm-6", "sc-7", "sc-7.4", "sc-8", "sc-13", "sc-28",
    ]  # fmt: skip
    assert ar["import-ap"]["href"] == "#" + ar["back-matter"]["resources"][0]["uuid"]


def test_oscal_uuids_are_deterministic_per_run(doc: dict[str, Any]) -> None:
    first, again = oscal.render(doc), oscal.render(copy.deepcopy(doc))
    assert first == again
    found = re.findall(
        r'"([0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})"', first
    )
    assert len(found) == len(set(found)) - 0 or len(set(found)) > 40
    assert all(uuid.UUID(u).version == 5 for u in found)
    doc["run"]["id"] = "another-run"
    other = oscal.render(doc)
    assert not set(re.findall(r'"uuid": "([^"]+)"', first)) & set(
        re.findall(r'"uuid": "([^"]+)"', other)
    )


@pytest.mark.parametrize(
    ("ident", "expected"),
    [("SC-7", "sc-7"), ("SC-7(4)", "sc-7.4"), ("AU-12", "au-12"), ("A.8.20", None)],
)
def test_nist_control_ids(ident: str, expected: str | None) -> None:
    assert oscal.nist_control_id(ident) == expected
