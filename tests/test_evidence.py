"""Evidence bundles: what scan --evidence writes, and that verify catches every change."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from conftest import run_cli
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from auditor.evidence import dependency_versions, identities, verify_bundle

REPO = Path(__file__).resolve().parents[1]
INSECURE = REPO / "terraform-examples" / "aws" / "insecure"


def write_keys(folder: Path, name: str = "key") -> tuple[Path, Path]:
    key = Ed25519PrivateKey.generate()
    priv = folder / f"{name}.pem"
    pub = folder / f"{name}.pub.pem"
    priv.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    pub.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return priv, pub


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """One signed bundle of a Terraform scan with a config and a waiver file."""
    tmp = tmp_path_factory.mktemp("evidence")
    priv, pub = write_keys(tmp)
    config = tmp / "auditor.yaml"
    config.write_text("controls:\n  admin_ports: [22, 3389]\n")
    waivers = tmp / "waivers.yaml"
    waivers.write_text(
        "waivers:\n  - control: NET-02\n    resource: '*'\n    reason: r\n    owner: o\n"
        "    expires: 2099-01-01\n"
    )
    out = tmp / "bundle"
    res = run_cli(
        "scan", "--terraform", str(INSECURE), "--config", str(config), "--waivers", str(waivers),
        "--evidence", str(out), "--sign-key", str(priv), "-o", f"json={tmp / 'r.json'}",
        "--no-store",
    )  # fmt: skip
    assert res.code in (0, 1, 3), res.stderr
    return out, pub, tmp


def copy_bundle(src: Path, dst: Path) -> Path:
    import shutil

    shutil.copytree(src, dst)
    return dst


def test_bundle_contents(bundle: tuple[Path, Path, Path]) -> None:
    folder, _, tmp = bundle
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    for expected in (
        "manifest.json",
        "manifest.json.sig",
        "results.json",
        "snapshot.json",
        "run.json",
        "config.json",
        "inputs/config/auditor.yaml",
        "inputs/waivers/waivers.yaml",
        "policies/builtin/lib/result.rego",
    ):
        assert expected in files
    # the exact policy files, relative paths preserved, byte for byte
    rego = REPO / "policies" / "rego"
    for rel in (f for f in files if f.startswith("policies/builtin/")):
        original = rego / rel.removeprefix("policies/builtin/")
        assert (folder / rel).read_bytes() == original.read_bytes()
    assert not any(f.endswith("_test.rego") for f in files)
    # the result document is the one -o json wrote
    assert (folder / "results.json").read_bytes() == (tmp / "r.json").read_bytes()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["format"] == "auditor-evidence/1"
    assert sorted(manifest["files"]) == [
        f for f in files if f not in ("manifest.json", "manifest.json.sig")
    ]
    for rel, entry in manifest["files"].items():
        data = (folder / rel).read_bytes()
        assert entry == {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    assert manifest["signature"]["algorithm"] == "ed25519"


def test_run_and_config_records(bundle: tuple[Path, Path, Path]) -> None:
    folder, _, _ = bundle
    run = json.loads((folder / "run.json").read_text())
    doc = json.loads((folder / "results.json").read_text())
    assert run["run_id"] == doc["run"]["id"]
    assert run["started_at"] == doc["run"]["started_at"]
    assert run["finished_at"] == doc["run"]["finished_at"]
    assert run["engine"].startswith("regorus")
    for dist in ("ai-infra-auditor", "celine-regorus", "jsonschema", "pyyaml", "tabulate"):
        assert dist in run["dependencies"], dist
    assert run["ran_on"]["host"]
    assert run["identities"][0]["source"] == "terraform"
    config = json.loads((folder / "config.json").read_text())
    assert config["controls_config"]["admin_ports"] == [22, 3389]
    assert config["waivers_file_in_bundle"] == "inputs/waivers/waivers.yaml"
    assert "NET-02" in config["controls_run"]


def test_verify_untouched_bundle(bundle: tuple[Path, Path, Path]) -> None:
    folder, pub, _ = bundle
    res = run_cli("evidence", "verify", str(folder), "--public-key", str(pub))
    assert res.code == 0, res.stdout
    assert "signature verified" in res.stdout
    res = run_cli("evidence", "verify", str(folder))
    assert res.code == 0
    assert "signature present but not checked" in res.stdout


@pytest.mark.parametrize(
    "rel",
    [
        "results.json",
        "snapshot.json",
        "run.json",
        "config.json",
        "inputs/config/auditor.yaml",
        "inputs/waivers/waivers.yaml",
        "policies/builtin/lib/result.rego",
    ],
)
def test_verify_names_a_modified_file(
    bundle: tuple[Path, Path, Path], tmp_path: Path, rel: str
) -> None:
    folder = copy_bundle(bundle[0], tmp_path / "b")
    with (folder / rel).open("ab") as fh:
        fh.write(b" ")
    res = run_cli("evidence", "verify", str(folder))
    assert res.code == 1
    assert f"DIFFERS: {rel}: modified" in res.stdout
    assert "FAILED: 1 difference(s)" in res.stdout


def test_verify_names_removed_and_added_files(
    bundle: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    folder = copy_bundle(bundle[0], tmp_path / "b")
    (folder / "snapshot.json").unlink()
    (folder / "policies" / "builtin" / "extra.rego").write_text("package x\n")
    (folder / "notes.txt").write_text("hello")
    result = verify_bundle(folder)
    assert result.differences == [
        "snapshot.json: missing (listed in the manifest)",
        "notes.txt: added (not in the manifest)",
        "policies/builtin/extra.rego: added (not in the manifest)",
    ]
    assert run_cli("evidence", "verify", str(folder)).code == 1


def test_rewritten_manifest_is_caught_by_the_signature(
    bundle: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """Change a file and its digest together: only the signature can tell."""
    folder = copy_bundle(bundle[0], tmp_path / "b")
    pub = bundle[1]
    results = folder / "results.json"
    results.write_text(results.read_text().replace('"fail"', '"pass"'))
    manifest = json.loads((folder / "manifest.json").read_text())
    data = results.read_bytes()
    manifest["files"]["results.json"] = {
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    assert run_cli("evidence", "verify", str(folder)).code == 0  # self-consistent
    res = run_cli("evidence", "verify", str(folder), "--public-key", str(pub))
    assert res.code == 1
    assert "manifest.json.sig: does not verify with key sha256:" in res.stdout


def test_tampered_or_missing_signature(bundle: tuple[Path, Path, Path], tmp_path: Path) -> None:
    pub = bundle[1]
    folder = copy_bundle(bundle[0], tmp_path / "b")
    sig = base64.b64decode((folder / "manifest.json.sig").read_bytes())
    flipped = bytes([sig[0] ^ 1]) + sig[1:]
    (folder / "manifest.json.sig").write_bytes(base64.b64encode(flipped) + b"\n")
    res = run_cli("evidence", "verify", str(folder), "--public-key", str(pub))
    assert res.code == 1 and "does not verify" in res.stdout
    (folder / "manifest.json.sig").write_text("not base64!\n")
    assert run_cli("evidence", "verify", str(folder), "--public-key", str(pub)).code == 1
    (folder / "manifest.json.sig").unlink()
    res = run_cli("evidence", "verify", str(folder), "--public-key", str(pub))
    assert res.code == 1
    assert "manifest.json.sig: missing, but a public key was given" in res.stdout


def test_another_key_does_not_verify(bundle: tuple[Path, Path, Path], tmp_path: Path) -> None:
    _, other_pub = write_keys(tmp_path, "other")
    res = run_cli("evidence", "verify", str(bundle[0]), "--public-key", str(other_pub))
    assert res.code == 1
    assert "does not verify" in res.stdout


def test_missing_manifest_fails(bundle: tuple[Path, Path, Path], tmp_path: Path) -> None:
    folder = copy_bundle(bundle[0], tmp_path / "b")
    (folder / "manifest.json").unlink()
    res = run_cli("evidence", "verify", str(folder))
    assert res.code == 1
    assert "manifest.json: missing" in res.stdout


def test_verify_bad_usage_is_exit_2(bundle: tuple[Path, Path, Path], tmp_path: Path) -> None:
    assert run_cli("evidence", "verify", str(tmp_path / "nope")).code == 2
    bad_key = tmp_path / "bad.pem"
    bad_key.write_text("not a key")
    res = run_cli("evidence", "verify", str(bundle[0]), "--public-key", str(bad_key))
    assert res.code == 2 and "not a PEM public key" in res.stderr
    assert run_cli("evidence").code == 2


def test_scan_refuses_a_non_empty_folder_or_bad_key_before_collecting(tmp_path: Path) -> None:
    full = tmp_path / "full"
    full.mkdir()
    (full / "x").write_text("x")
    res = run_cli("scan", "--terraform", str(INSECURE), "--evidence", str(full), "--no-store")
    assert res.code == 2 and "not empty" in res.stderr and res.stdout == ""
    key = tmp_path / "rsa.pem"
    key.write_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    res = run_cli(
        "scan", "--terraform", str(INSECURE), "--evidence", str(tmp_path / "new"),
        "--sign-key", str(key), "--no-store",
    )  # fmt: skip
    assert res.code == 2 and str(key) in res.stderr
    res = run_cli("scan", "--terraform", str(INSECURE), "--sign-key", str(key), "--no-store")
    assert res.code == 2 and "--sign-key needs --evidence" in res.stderr


def test_identities_keep_only_where_and_as_whom() -> None:
    sources = [
        {"source": "aws", "accounts": [{"account": "1", "via": "profile:x"}], "secret": "s"},
        {"source": "kubernetes", "context": "prod", "token": "t"},
    ]
    assert identities(sources) == [
        {"source": "aws", "accounts": [{"account": "1", "via": "profile:x"}]},
        {"source": "kubernetes", "context": "prod"},
    ]


def test_dependency_versions_are_transitive() -> None:
    deps = dependency_versions()
    assert "jsonschema" in deps and "referencing" in deps  # referencing comes via jsonschema
