"""Evidence bundles: everything an assessor needs to re-check a run, and proof it is unchanged.

``auditor scan --evidence DIR [--sign-key KEY.pem]`` writes::

    DIR/
      manifest.json        SHA-256 and size of every other file (not of itself or the .sig)
      manifest.json.sig    Ed25519 signature of manifest.json's exact bytes (with --sign-key)
      results.json         the result document, byte for byte what `-o json` writes
      snapshot.json        the snapshot that was evaluated (re-evaluate it: `auditor evaluate`)
      run.json             tool, Python, dependency and engine versions; start and end times;
                           host, user and the identities the collectors used (never a secret)
      config.json          the effective configuration: control tunables after defaults,
                           skipped and selected controls, engine, --fail-on, waivers file
      inputs/config/...    the --config file as given, if any
      inputs/waivers/...   the --waivers file as given, if any
      policies/builtin/... the exact .rego files evaluated, paths relative to their folder
      policies/extra-N-<name>/...   the same for each --policies folder, in order

``auditor evidence verify DIR [--public-key PUB.pem]`` recomputes every digest and exits
0 only if every listed file is present and unchanged, no file was added, and (with a key)
the signature verifies; it names each difference. Without a key the manifest can only
prove the files agree with *it*: someone who rewrites a file and the manifest together
is caught only by the signature, which is why auditors should be handed the public key
through another channel.

The bundle is written into a temporary sibling folder and renamed into place at the end,
so a crash never leaves a half-bundle that verifies.
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import json
import os
import platform
import re
import shutil
import socket
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor import __version__
from auditor.errors import InputError
from auditor.exitcodes import ExitStatus

if TYPE_CHECKING:
    from auditor.context import Environment
    from auditor.core import EvalOptions, Prepared
    from auditor.model import Snapshot

BUNDLE_FORMAT = "auditor-evidence/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.sig"
DISTRIBUTION = "ai-infra-auditor"
PASSPHRASE_ENV = "AUDITOR_SIGN_KEY_PASSPHRASE"

# Keys of a snapshot `sources` entry that say where and as whom a collector ran. Values
# there were already redacted by the collectors; nothing else of the environment is
# copied (no environment variables, no command line: both can hold credentials).
IDENTITY_KEYS = (
    "source",
    "target",
    "account",
    "accounts",
    "caller_arn",
    "arn",
    "identity",
    "principal",
    "user_arn",
    "context",
    "contexts",
    "cluster",
    "clusters",
    "project",
    "projects",
    "gcp_account",
    "service_account",
    "account_email",
    "endpoint_url",
    "regions",
)


@dataclass
class EvidenceOptions:
    """--evidence DIR and --sign-key KEY.pem, checked before the scan starts."""

    dir: str
    sign_key: str | None = None
    _key: Any = None

    @classmethod
    def from_args(cls, args: Any) -> EvidenceOptions:
        if not args.evidence:
            raise InputError("--sign-key needs --evidence DIR")
        return cls(dir=args.evidence, sign_key=args.sign_key)

    def check(self) -> None:
        """Exit 2 before a long scan: the folder must be new or empty, the key usable."""
        target = Path(self.dir)
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise InputError("evidence folder exists and is not empty; give a new one", self.dir)
        if self.sign_key:
            self._key = load_private_key(self.sign_key)


def load_private_key(path: str) -> Any:
    """An Ed25519 private key from PEM (passphrase from AUDITOR_SIGN_KEY_PASSPHRASE)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    data = _read_key_file(path)
    secret = os.environ.get(PASSPHRASE_ENV)
    try:
        key = serialization.load_pem_private_key(data, secret.encode() if secret else None)
    except TypeError:
        raise InputError(f"the key is encrypted: set {PASSPHRASE_ENV}", path) from None
    except ValueError as exc:
        raise InputError(f"not a usable PEM private key: {exc}", path) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError(
            "the signing key must be Ed25519 (openssl genpkey -algorithm ed25519)", path
        )
    return key


def load_public_key(path: str) -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    data = _read_key_file(path)
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError as exc:
        raise InputError(f"not a PEM public key: {exc}", path) from None
    if not isinstance(key, Ed25519PublicKey):
        raise InputError("the public key must be Ed25519", path)
    return key


def key_fingerprint(public_key: Any) -> str:
    """``sha256:<hex>`` of the raw public key: names the key in the manifest and messages."""
    from cryptography.hazmat.primitives import serialization

    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def _read_key_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read key: {exc.strerror or exc}", path) from None


# --- writing ----------------------------------------------------------------------------


def write_bundle(
    options: EvidenceOptions,
    snapshot: Snapshot,
    document: dict[str, Any],
    prepared: Prepared,
    eval_options: EvalOptions,
    env: Environment,
) -> Path:
    """Write the bundle of one run; returns its folder. Errors are InputError (exit 2)."""
    from auditor.reporters.json_report import render as render_json

    started = _now()
    target = Path(options.dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        files: dict[str, bytes] = {
            "results.json": render_json(document).encode(),
            "snapshot.json": (json.dumps(snapshot.to_dict(), indent=1) + "\n").encode(),
        }
        policy_map = _policy_files(prepared, files)
        inputs = _input_files(eval_options, files)
        files["config.json"] = _json(_effective_config(prepared, eval_options, inputs))
        files["run.json"] = _json(_run_info(document, snapshot, prepared, policy_map, started))
        for rel, data in files.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        manifest = build_manifest(tmp, signer=options._key)
        manifest_bytes = _json(manifest)
        (tmp / MANIFEST).write_bytes(manifest_bytes)
        if options._key is not None:
            signature = options._key.sign(manifest_bytes)
            (tmp / SIGNATURE).write_bytes(base64.b64encode(signature) + b"\n")
        if target.exists():
            target.rmdir()  # checked empty before the scan
        os.replace(tmp, target)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InputError(
            f"cannot write evidence bundle: {exc.strerror or exc}", str(target)
        ) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if not env.quiet:
        signed = " (signed)" if options._key is not None else ""
        env.log("info", f"wrote evidence bundle {target}{signed}: {len(manifest['files'])} files")
    return target


def build_manifest(folder: Path, signer: Any = None) -> dict[str, Any]:
    """Digests of every file under ``folder`` (paths relative, ``/``-separated, sorted)."""
    entries = {}
    for rel in _walk(folder):
        if rel in (MANIFEST, SIGNATURE):
            continue
        data = (folder / rel).read_bytes()
        entries[rel] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    manifest: dict[str, Any] = {
        "format": BUNDLE_FORMAT,
        "created_at": _now(),
        "tool": {"name": "auditor", "version": __version__},
        "algorithm": "sha256",
        "files": entries,
    }
    if signer is not None:
        manifest["signature"] = {
            "algorithm": "ed25519",
            "file": SIGNATURE,
            "public_key": key_fingerprint(signer.public_key()),
        }
    return manifest


def _policy_files(prepared: Prepared, files: dict[str, bytes]) -> list[dict[str, str]]:
    """Copy the evaluated .rego files, each under its folder's name in the bundle."""
    dirs = [Path(d) for d in prepared.policy_set.dirs]
    names = []
    for i, d in enumerate(dirs):
        label = "builtin" if i == 0 and _is_builtin(d) else f"extra-{i}-{_safe(d.name or 'dir')}"
        names.append((d, f"policies/{label}"))
    for f in prepared.policy_set.policy_files:
        for d, prefix in sorted(names, key=lambda n: -len(str(n[0].resolve()))):
            rel = _relative(f.path, d)
            if rel is not None:
                files[f"{prefix}/{rel}"] = f.path.read_bytes()
                break
        else:  # a single file given as a folder
            files[f"policies/files/{_safe(f.path.name)}"] = f.path.read_bytes()
    return [{"dir": str(d), "bundle_path": p} for d, p in names]


def _input_files(options: EvalOptions, files: dict[str, bytes]) -> dict[str, str]:
    out = {}
    for kind, path in (("config", options.config_path), ("waivers", options.waivers_path)):
        if path:
            rel = f"inputs/{kind}/{_safe(Path(path).name)}"
            files[rel] = Path(path).read_bytes()
            out[kind] = rel
    return out


def _effective_config(
    prepared: Prepared, options: EvalOptions, inputs: dict[str, str]
) -> dict[str, Any]:
    return {
        "config_file": prepared.config.path,
        "config_file_in_bundle": inputs.get("config"),
        "controls_config": prepared.config.controls,
        "skip_controls": prepared.config.skip_controls,
        "selected_controls": options.controls,
        "controls_run": [c.id for c in prepared.controls],
        "engine": options.engine,
        "opa_url": _strip_userinfo(options.opa_url),
        "fail_on": options.fail_on,
        "policy_dirs": [str(d) for d in prepared.policy_set.dirs],
        "waivers_file": options.waivers_path,
        "waivers_file_in_bundle": inputs.get("waivers"),
    }


def _run_info(
    document: dict[str, Any],
    snapshot: Snapshot,
    prepared: Prepared,
    policy_map: list[dict[str, str]],
    bundle_started: str,
) -> dict[str, Any]:
    run = document.get("run") or {}
    return {
        "run_id": run.get("id"),
        "started_at": run.get("started_at"),
        "finished_at": run.get("finished_at"),
        "snapshot_created_at": snapshot.created_at,
        "bundle_started_at": bundle_started,
        "bundle_finished_at": _now(),
        "tool": {"name": "auditor", "version": __version__, "distribution": DISTRIBUTION},
        "engine": run.get("engine") or prepared.engine.version(),
        "python": {
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
            "executable": sys.executable,
        },
        "platform": {
            "system": platform.system(),
            "release": platform.release(),
            "machine": platform.machine(),
        },
        "dependencies": dependency_versions(),
        "ran_on": {"host": socket.gethostname(), "user": _user(), "uid": _uid()},
        "identities": identities(snapshot.sources),
        "policy_dirs": policy_map,
        "exit_code": (document.get("summary") or {}).get("exit_code"),
    }


def dependency_versions(root: str = DISTRIBUTION) -> dict[str, str]:
    """Every installed distribution the auditor depends on, transitively, with its version.

    Read from importlib.metadata (what is installed, not what was asked for), following
    each distribution's requirements whose markers hold here and skipping extras'.
    """
    from importlib import metadata

    try:
        from packaging.requirements import Requirement
    except ImportError:  # pragma: no cover - packaging ships with pip/setuptools
        Requirement = None  # type: ignore[assignment,misc]

    seen: dict[str, str] = {}
    todo = [root]
    while todo:
        name = todo.pop()
        key = _canonical(name)
        if key in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen[key] = dist.version
        for spec in dist.requires or []:
            if Requirement is not None:
                try:
                    req = Requirement(spec)
                except Exception:
                    continue
                if req.marker is not None and not req.marker.evaluate({"extra": ""}):
                    continue
                todo.append(req.name)
            elif "extra ==" not in spec:
                todo.append(re.split(r"[\s\[<>=!~;(]", spec, maxsplit=1)[0])
    return dict(sorted(seen.items()))


def identities(sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Where and as whom each collector ran, from the snapshot's `sources` (see IDENTITY_KEYS)."""
    out = []
    for s in sources:
        if isinstance(s, dict):
            out.append({k: s[k] for k in IDENTITY_KEYS if k in s and s[k] is not None})
    return out


# --- verifying --------------------------------------------------------------------------


@dataclass
class Verification:
    files: int
    differences: list[str]
    signature: str  # "verified", "not checked", "absent"

    @property
    def ok(self) -> bool:
        return not self.differences


def verify_bundle(folder: str | Path, public_key: str | None = None) -> Verification:
    """Compare a bundle with its manifest (and signature). Bad usage raises InputError."""
    root = Path(folder)
    if not root.is_dir():
        raise InputError("not a folder", str(folder))
    key = load_public_key(public_key) if public_key else None
    differences: list[str] = []
    manifest_path = root / MANIFEST
    try:
        manifest_bytes = manifest_path.read_bytes()
        manifest = json.loads(manifest_bytes)
        listed = manifest["files"]
        if manifest.get("format") != BUNDLE_FORMAT or not isinstance(listed, dict):
            raise ValueError(f"format is not {BUNDLE_FORMAT}")
    except FileNotFoundError:
        return Verification(0, [f"{MANIFEST}: missing; nothing can be verified"], "absent")
    except (ValueError, KeyError, TypeError) as exc:
        return Verification(
            0, [f"{MANIFEST}: unreadable ({exc}); nothing can be verified"], "absent"
        )

    present = set(_walk(root)) - {MANIFEST, SIGNATURE}
    for rel in sorted(listed):
        entry = listed[rel] if isinstance(listed[rel], dict) else {}
        path = root / rel
        if rel not in present:
            differences.append(f"{rel}: missing (listed in the manifest)")
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != entry.get("sha256"):
            differences.append(
                f"{rel}: modified (sha256 {digest}, manifest says {entry.get('sha256')})"
            )
    for rel in sorted(present - set(listed)):
        differences.append(f"{rel}: added (not in the manifest)")

    signature_state = "absent"
    sig_path = root / SIGNATURE
    if key is not None:
        if not sig_path.exists():
            differences.append(f"{SIGNATURE}: missing, but a public key was given")
            signature_state = "absent"
        else:
            signature_state = _check_signature(key, manifest_bytes, sig_path, differences)
    elif sig_path.exists():
        signature_state = "not checked"
    return Verification(len(listed), differences, signature_state)


def _check_signature(key: Any, manifest_bytes: bytes, sig_path: Path, out: list[str]) -> str:
    from cryptography.exceptions import InvalidSignature

    try:
        signature = base64.b64decode(sig_path.read_bytes().strip(), validate=True)
        key.verify(signature, manifest_bytes)
    except (InvalidSignature, ValueError):
        out.append(
            f"{SIGNATURE}: does not verify with key {key_fingerprint(key)} "
            "(the manifest or the signature was changed, or it was signed with another key)"
        )
        return "invalid"
    return "verified"


def cmd_verify(folder: str, public_key: str | None, env: Environment) -> int:
    """`auditor evidence verify`: 0 verified, 1 a difference (each named), 2 bad usage."""
    result = verify_bundle(folder, public_key)
    for line in result.differences:
        print(f"DIFFERS: {line}", file=env.stdout)
    if not result.ok:
        print(f"FAILED: {len(result.differences)} difference(s) in {folder}", file=env.stdout)
        return ExitStatus.FAILURES
    note = {
        "verified": "signature verified",
        "not checked": "signature present but not checked (give --public-key)",
        "absent": "unsigned",
    }[result.signature]
    print(f"OK: {result.files} files match the manifest; {note}", file=env.stdout)
    return ExitStatus.OK


# --- helpers ----------------------------------------------------------------------------


def _walk(folder: Path) -> list[str]:
    """Every file below ``folder`` as a relative ``/`` path; symlinks count as files."""
    out = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            full = Path(dirpath) / name
            out.append(full.relative_to(folder).as_posix())
    return sorted(out)


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, default=str) + "\n").encode()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name) or "_"


def _relative(path: Path, folder: Path) -> str | None:
    try:
        return path.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return None


def _is_builtin(folder: Path) -> bool:
    from auditor.policy.loader import builtin_policy_dir

    return folder.resolve() == builtin_policy_dir().resolve()


def _strip_userinfo(url: str | None) -> str | None:
    """An URL without ``user:password@``: the OPA URL may carry credentials."""
    if not url:
        return url
    return re.sub(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", r"\1", url)


def _user() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def _uid() -> int | None:
    return os.getuid() if hasattr(os, "getuid") else None
