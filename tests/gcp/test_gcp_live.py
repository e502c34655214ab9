"""The GCP live collector through the real CLI, against a local Compute Engine API.

The two GPU projects give exactly the expected verdicts; the broken ones give coverage
errors with their reasons and `error` results, never passes; the same infrastructure
written in Terraform gives the same verdicts.
"""

from __future__ import annotations

import io
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from auditor.cli import main
from auditor.collectors.gcp.resources import KINDS, PERMISSIONS
from auditor.context import Environment
from auditor.validation import snapshot_errors

from .conftest import Gcp
from .estate import CANARY

CONTROLS = "NET-01,NET-02,NET-03,PE-05,TLS-04,GPU-06,IMG-08,ENC-05"
PROJECTS = ("ml-insecure", "ml-hardened", "ml-denied", "ml-disabled", "ml-quota")
TERRAFORM = Path(__file__).parent / "terraform"
API = "https://www.googleapis.com/compute/v1/projects/"

# Every verdict on the two GPU projects: (control, project, kind/name) -> status.
EXPECTED: dict[tuple[str, str, str], str] = {
    ("NET-01", "ml-insecure", "google_compute_firewall/allow-ssh"): "fail",
    ("NET-01", "ml-insecure", "google_compute_firewall/allow-jupyter"): "fail",
    ("NET-01", "ml-insecure", "google_compute_firewall/allow-internal"): "pass",
    ("NET-02", "ml-insecure", "google_compute_firewall/allow-ssh"): "fail",
    ("NET-02", "ml-insecure", "google_compute_firewall/allow-jupyter"): "fail",
    ("NET-02", "ml-insecure", "google_compute_firewall/allow-internal"): "pass",
    ("NET-02", "ml-insecure", "google_compute_firewall/allow-web"): "pass",
    ("NET-03", "ml-insecure", "google_compute_instance/trainer"): "fail",
    ("PE-05", "ml-insecure", "google_compute_subnetwork/training"): "fail",
    ("TLS-04", "ml-insecure", "google_compute_target_https_proxy/inference"): "fail",
    ("TLS-04", "ml-insecure", "google_compute_target_https_proxy/legacy"): "fail",
    ("GPU-06", "ml-insecure", "google_compute_instance/trainer"): "fail",
    ("IMG-08", "ml-insecure", "google_compute_instance/trainer"): "fail",
    ("ENC-05", "ml-insecure", "google_compute_instance/trainer"): "fail",
    ("NET-01", "ml-hardened", "google_compute_firewall/allow-iap-ssh"): "pass",
    ("NET-02", "ml-hardened", "google_compute_firewall/allow-iap-ssh"): "pass",
    ("NET-03", "ml-hardened", "google_compute_instance/trainer"): "pass",
    ("PE-05", "ml-hardened", "google_compute_subnetwork/training"): "pass",
    ("TLS-04", "ml-hardened", "google_compute_target_https_proxy/inference"): "pass",
    ("GPU-06", "ml-hardened", "google_compute_instance/trainer"): "pass",
    ("IMG-08", "ml-hardened", "google_compute_instance/trainer"): "pass",
    ("ENC-05", "ml-hardened", "google_compute_instance/trainer"): "pass",
}

# The broken projects: one `error` result per (control, project, uncollected kind).
DEPENDS = {
    "NET-01": ("google_compute_firewall", "google_compute_instance"),
    "NET-02": ("google_compute_firewall",),
    "NET-03": ("google_compute_instance",),
    "PE-05": ("google_compute_instance", "google_compute_subnetwork"),
    "TLS-04": ("google_compute_ssl_policy", "google_compute_target_https_proxy"),
    "GPU-06": ("google_compute_instance",),
    "IMG-08": ("google_compute_instance",),
    "ENC-05": ("google_compute_disk", "google_compute_instance"),
}
EXPECTED_GAPS = (
    {
        (control, project, kind): "error"
        for project in ("ml-denied", "ml-disabled")
        for control, kinds in DEPENDS.items()
        for kind in kinds
    }
    | {
        (control, "ml-quota", "google_compute_instance"): "error"
        for control, kinds in DEPENDS.items()
        if "google_compute_instance" in kinds
    }
    | {("ENC-05", "ml-quota/asia-east1-a", "google_compute_disk"): "error"}
)


def cli(*args: str) -> tuple[int, str, str]:
    env = Environment(stdout=io.StringIO(), stderr=io.StringIO())
    code = main(list(args), env)
    return code, env.stdout.getvalue(), env.stderr.getvalue()


def gcp_args(gcp: Gcp, *projects: str) -> list[str]:
    out = []
    for p in projects:
        out += ["--gcp-project", p]
    return [*out, "--gcp-credentials", str(gcp.key), "--gcp-endpoint", gcp.url]


def verdicts(doc: dict[str, Any], snapshot: dict[str, Any]) -> dict[tuple[str, str, str], str]:
    """(control, project or gap location, kind/name or gap kind) -> status."""
    names = {r["id"]: f"{r['kind']}/{r['name']}" for r in snapshot["resources"]}
    out = {}
    for r in doc["results"]:
        scope = r["scope"].split(":", 1)[1]
        if r["resource_id"] in names:
            key = (r["control_id"], scope, names[r["resource_id"]])
        else:  # a coverage gap: resource_id is the scope (and location)
            key = (r["control_id"], r["resource_id"].split(":", 1)[1], r["resource_kind"])
        assert key not in out, key
        out[key] = r["status"]
    return out


@pytest.fixture(scope="module")
def live(gcp: Gcp, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("gcp-live")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_DATA_HOME", str(out / "data"))
        mp.setenv("GCE_METADATA_HOST", "127.0.0.1:9")
        t0 = time.perf_counter()
        collected = cli(
            "collect",
            *gcp_args(gcp, *PROJECTS),
            "--gcp-max-attempts",
            "2",
            "--out",
            str(out / "s.json"),
        )
        seconds = time.perf_counter() - t0
        scanned = cli(
            "evaluate",
            str(out / "s.json"),
            "--no-store",
            "--controls",
            CONTROLS,
            "-o",
            f"json={out / 'r.json'}",
            "--fail-on",
            "high",
        )
    return {
        "collect": collected,
        "scan": scanned,
        "snapshot": json.loads((out / "s.json").read_text()),
        "snapshot_text": (out / "s.json").read_text(),
        "doc": json.loads((out / "r.json").read_text()),
        "seconds": seconds,
    }


def test_verdicts_are_exactly_the_expected_ones(live: dict[str, Any]) -> None:
    assert live["collect"][0] == 3, live["collect"][2]  # coverage gaps: incomplete
    assert live["scan"][0] == 1  # high failures
    assert verdicts(live["doc"], live["snapshot"]) == EXPECTED | EXPECTED_GAPS
    counts = Counter(r["status"] for r in live["doc"]["results"])
    assert counts == {"fail": 11, "pass": 11, "error": 31}


def test_snapshot_validates_and_covers_every_project_and_kind(live: dict[str, Any]) -> None:
    snap = live["snapshot"]
    assert snapshot_errors(snap) == []
    whole = {(c["scope"], c["kind"]): c for c in snap["coverage"] if c["region"] is None}
    assert set(whole) == {(f"gcp:{p}", k.kind) for p in PROJECTS for k in KINDS}
    for p in ("ml-insecure", "ml-hardened"):
        assert all(whole[(f"gcp:{p}", k.kind)]["status"] == "collected" for k in KINDS)
    counted = Counter((r["scope"], r["kind"]) for r in snap["resources"])
    assert {k: c["count"] for k, c in whole.items() if c["count"]} == dict(counted)
    kinds = {r["kind"] for r in snap["resources"] if r["scope"] == "gcp:ml-insecure"}
    assert kinds == {k.kind for k in KINDS}
    for r in snap["resources"]:
        assert r["source"] == "gcp" and r["scope"] == f"gcp:{r['account']}"
        assert r["id"].startswith(API + r["account"] + "/")  # canonical, not the emulator's host


def test_coverage_reasons(live: dict[str, Any]) -> None:
    gaps = {
        (c["scope"], c["kind"], c["region"]): c["reason"]
        for c in live["snapshot"]["coverage"]
        if c["status"] == "error"
    }
    assert gaps[("gcp:ml-denied", "google_compute_firewall", None)].startswith(
        "permission denied: compute.firewalls.list (HTTP 403 forbidden: "
        "Required 'compute.firewalls.list'"
    )
    assert all(
        gaps[("gcp:ml-disabled", k.kind, None)].startswith(
            "Compute Engine API not enabled in project ml-disabled "
            "(HTTP 403 SERVICE_DISABLED, accessNotConfigured"
        )
        for k in KINDS
    )
    assert gaps[("gcp:ml-quota", "google_compute_instance", None)].startswith(
        "quota exceeded: compute.instances.list after 2 attempts "
        "(HTTP 429 RATE_LIMIT_EXCEEDED, rateLimitExceeded"
    )
    assert gaps[("gcp:ml-quota", "google_compute_disk", "asia-east1-a")] == (
        "asia-east1-a unreachable in the aggregated list: "
        "Scope 'zones/asia-east1-a' is unreachable."
    )
    assert len(gaps) == 2 * len(KINDS) + 2
    assert "127.0.0.1" not in " ".join(gaps.values())


def test_references_use_the_ids_of_the_referenced_resources(live: dict[str, Any]) -> None:
    by: dict[str, dict[str, Any]] = {}
    for r in live["snapshot"]["resources"]:
        by.setdefault(r["kind"], {})[r["id"]] = r["attributes"]
    for inst in by["google_compute_instance"].values():
        for ni in inst["network_interfaces"]:
            assert ni["network"] in by["google_compute_network"]
            assert ni["subnetwork"] in by["google_compute_subnetwork"]
        for d in inst["disks"]:
            assert d["source"] is None or d["source"] in by["google_compute_disk"]
    for fw in by["google_compute_firewall"].values():
        assert fw["network"] in by["google_compute_network"]
    for sub in by["google_compute_subnetwork"].values():
        assert sub["network"] in by["google_compute_network"]
    for px in by["google_compute_target_https_proxy"].values():
        assert px["ssl_policy"] is None or px["ssl_policy"] in by["google_compute_ssl_policy"]
        assert px["url_map"] in by["google_compute_url_map"]
    for um in by["google_compute_url_map"].values():
        assert set(um["services"]) <= set(by["google_compute_backend_service"])
    for disk in by["google_compute_disk"].values():
        assert set(disk["users"]) <= set(by["google_compute_instance"])
    hardened = by["google_compute_instance"][
        API + "ml-hardened/zones/us-central1-a/instances/trainer"
    ]
    assert [(d["boot"], d["encryption"]) for d in hardened["disks"]] == [
        (True, "cmek"),
        (False, "cmek"),
        (False, "google"),
    ]
    assert hardened["disks"][1]["kms_key"] == (
        "projects/ml-hardened/locations/us-central1/keyRings/ml/cryptoKeys/disks"
    )


def test_metadata_and_credentials_never_collected(live: dict[str, Any]) -> None:
    text = live["snapshot_text"]
    assert CANARY not in text and "startup-script" not in text and "metadata" not in text
    trainer = next(
        r
        for r in live["snapshot"]["resources"]
        if r["account"] == "ml-insecure"
        and r["kind"] == "google_compute_instance"
        and r["name"] == "trainer"
    )
    assert trainer["tags"] == {"team": "ml", "hf-token": "[REDACTED]"}
    assert "PRIVATE KEY" not in text and "ya29" not in text


def test_pagination_and_aggregated_calls(gcp: Gcp, live: dict[str, Any]) -> None:
    paths = gcp.api.requests
    assert any("aggregated/instances" in p and "pageToken=1" in p for p in paths)
    assert any("global/firewalls" in p and "pageToken=3" in p for p in paths)
    assert not any("/zones/" in p.split("?")[0] for p in paths), "no per-zone list calls"
    print(f"\nGCP collection of {len(PROJECTS)} projects: {live['seconds']:.2f} s")
    assert live["seconds"] < 30


def test_terraform_gives_the_same_verdicts(live: dict[str, Any], tmp_path: Path) -> None:
    code, _, err = cli(
        "scan",
        "--terraform",
        str(TERRAFORM / "ml-insecure"),
        "--terraform",
        str(TERRAFORM / "ml-hardened"),
        "--no-store",
        "--controls",
        CONTROLS,
        "-o",
        f"json={tmp_path / 'tf.json'}",
        "--fail-on",
        "none",
    )
    assert code == 0, err
    doc = json.loads((tmp_path / "tf.json").read_text())
    tf = {}
    for r in doc["results"]:
        project = r["scope"].rsplit("/", 1)[-1]
        kind, _, name = r["resource_id"].partition(".")
        tf[(r["control_id"], project, f"{kind}/{name}")] = r["status"]
    assert tf == EXPECTED


def test_application_default_credentials_and_their_project(
    gcp: Gcp, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """GOOGLE_APPLICATION_CREDENTIALS is ADC; without --gcp-project its project is audited."""
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(gcp.key))
    code, _, err = cli(
        "collect", "--gcp", "--gcp-endpoint", gcp.url, "--out", str(tmp_path / "s.json")
    )
    assert code == 0, err
    snap = json.loads((tmp_path / "s.json").read_text())
    assert {r["scope"] for r in snap["resources"]} == {"gcp:ml-insecure"}
    assert snap["sources"][0]["credentials"] == "application-default credentials"


def test_hardened_project_alone_exits_zero(gcp: Gcp) -> None:
    code, out, err = cli(
        "scan", *gcp_args(gcp, "ml-hardened"), "--no-store", "--controls", CONTROLS
    )
    assert code == 0, out + err


def test_denied_project_alone_is_incomplete(gcp: Gcp) -> None:
    code, out, err = cli(
        "scan", *gcp_args(gcp, "ml-denied"), "--no-store", "--controls", CONTROLS, "-o", "json"
    )
    assert code == 3, err
    assert {r["status"] for r in json.loads(out)["results"]} == {"error"}


def test_unusable_key_file_is_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "key.json"
    bad.write_text('{"type": "service_account"}')
    code, _, err = cli(
        "collect",
        "--gcp-project",
        "p",
        "--gcp-credentials",
        str(bad),
        "--out",
        str(tmp_path / "s.json"),
    )
    assert code == 2
    assert "unusable credentials file" in err and str(bad) in err


def test_missing_application_default_credentials_is_a_gap(tmp_path: Path) -> None:
    code, _, err = cli(
        "collect",
        "--gcp-project",
        "p",
        "--gcp-endpoint",
        "http://127.0.0.1:9",
        "--out",
        str(tmp_path / "s.json"),
    )
    snap = json.loads((tmp_path / "s.json").read_text())
    assert code == 3, err
    assert [(c["scope"], c["kind"], c["status"]) for c in snap["coverage"]] == [
        ("gcp:p", "*", "error")
    ]
    assert snap["coverage"][0]["reason"].startswith("no application-default credentials")


def test_permissions_are_those_of_compute_viewer() -> None:
    assert tuple(sorted(PERMISSIONS)) == PERMISSIONS
    assert all(p.startswith("compute.") and p.endswith(".list") for p in PERMISSIONS)
    assert len(PERMISSIONS) == 12
