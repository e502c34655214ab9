"""Discovery and validation of Rego policy folders.

Reads every `.rego` file under the built-in folder and the user's `--policies` folders,
parses each control's `# METADATA` block (the embedded engine has no rego.metadata
built-ins, so the auditor reads it itself), validates it against
auditor/schemas/control-metadata.schema.json, and checks mechanically that file name,
package and control id agree. Any problem is an InputError naming the file and line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from auditor.errors import InputError

CONTROL_PACKAGE_PREFIX = "auditor.controls."
_PACKAGE_RE = re.compile(r"^package\s+([A-Za-z0-9_.]+)\s*$", re.MULTILINE)
_RULE_RE = re.compile(r"^(applicable|deny|unknown)\s+contains\b", re.MULTILINE)


@dataclass
class PolicyFile:
    path: Path
    text: str
    package: str
    is_test: bool


@dataclass
class Control:
    """One control: its metadata and the rules its package defines."""

    id: str
    title: str
    description: str
    severity: str
    domain: str
    resource_kinds: list[str]
    frameworks: dict[str, list[str]]
    remediation: str
    package: str
    path: Path
    rules: list[str]
    aliases: list[str] = field(default_factory=list)
    deprecated: bool = False

    @property
    def query_path(self) -> str:
        return f"data.{self.package}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "severity": self.severity,
            "domain": self.domain,
            "resource_kinds": self.resource_kinds,
            "frameworks": self.frameworks,
            "remediation": self.remediation,
            "aliases": self.aliases,
            "deprecated": self.deprecated,
            "package": self.package,
            "path": str(self.path),
        }


@dataclass
class PolicySet:
    """Everything loaded: all Rego files (lib, controls, tests) and the controls."""

    files: list[PolicyFile]
    controls: list[Control]
    dirs: list[Path]

    @property
    def policy_files(self) -> list[PolicyFile]:
        """The files an evaluation needs (tests excluded)."""
        return [f for f in self.files if not f.is_test]

    def control(self, control_id: str) -> Control | None:
        wanted = control_id.upper()
        for c in self.controls:
            if c.id == wanted or wanted in (a.upper() for a in c.aliases):
                return c
        return None


def builtin_policy_dir() -> Path:
    """The shipped policies: policies/rego beside the package (source checkout)."""
    return Path(__file__).resolve().parents[2] / "policies" / "rego"


@cache
def _metadata_schema() -> dict[str, Any]:
    text = resources.files("auditor.schemas").joinpath("control-metadata.schema.json").read_text()
    return json.loads(text)


def control_package_name(control_id: str) -> str:
    return control_id.lower().replace("-", "_")


def parse_metadata(text: str, path: Path) -> tuple[dict[str, Any] | None, int]:
    """Return the package-scope METADATA block (YAML in comments) and its first line.

    The block is the run of comment lines after a `# METADATA` line, directly above the
    `package` statement (OPA's package-scope annotation).
    """
    import yaml

    lines = text.splitlines()
    pkg_line = next((i for i, ln in enumerate(lines) if ln.startswith("package ")), None)
    if pkg_line is None:
        return None, 0
    start = None
    for i in range(pkg_line - 1, -1, -1):
        stripped = lines[i].strip()
        if not stripped.startswith("#"):
            break
        if stripped.rstrip() == "# METADATA":
            start = i
            break
    if start is None:
        return None, 0
    body = []
    for ln in lines[start + 1 : pkg_line]:
        content = ln.strip()[1:]
        body.append(content[1:] if content.startswith(" ") else content)
    # libyaml's safe loader where PyYAML has it: every command reads every control's
    # METADATA, and the pure-Python loader took 0.2 s of a Terraform scan's 4 s for that.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load("\n".join(body), Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = start + 2 + (mark.line if mark else 0)
        raise InputError(
            f"METADATA is not valid YAML: {getattr(exc, 'problem', exc)}", str(path), line
        ) from None
    return data, start + 1


@cache
def _metadata_validator() -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(_metadata_schema())


def _validate_metadata(meta: dict[str, Any], path: Path, line: int) -> None:
    errors = sorted(_metadata_validator().iter_errors(meta), key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        where = ".".join(str(p) for p in e.absolute_path) or "METADATA"
        raise InputError(f"invalid METADATA ({where}): {e.message}", str(path), line)


def _read_files(dirs: list[Path]) -> list[PolicyFile]:
    files = []
    for d in dirs:
        if not d.exists():
            raise InputError("policy folder not found", str(d))
        paths = [d] if d.is_file() else sorted(d.rglob("*.rego"))
        for p in paths:
            try:
                text = p.read_text()
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(f"cannot read policy: {exc}", str(p)) from None
            m = _PACKAGE_RE.search(text)
            if not m:
                raise InputError("no package statement", str(p), 1)
            files.append(
                PolicyFile(
                    path=p,
                    text=text,
                    package=m.group(1),
                    is_test=p.name.endswith("_test.rego"),
                )
            )
    return files


def _control_from_file(f: PolicyFile) -> Control:
    meta, line = parse_metadata(f.text, f.path)
    if meta is None:
        raise InputError("control package has no # METADATA block above `package`", str(f.path), 1)
    _validate_metadata(meta, f.path, line)
    custom = meta["custom"]
    cid = custom["id"]
    expected_pkg = CONTROL_PACKAGE_PREFIX + control_package_name(cid)
    if f.package != expected_pkg:
        raise InputError(
            f"package {f.package} does not match control id {cid} (expected {expected_pkg})",
            str(f.path),
            line,
        )
    if not f.path.stem.startswith(control_package_name(cid)):
        raise InputError(
            f"file name must start with {control_package_name(cid)} for control {cid}",
            str(f.path),
        )
    rules = sorted(set(_RULE_RE.findall(f.text)))
    for required in ("applicable", "deny"):
        if required not in rules:
            raise InputError(f"control {cid} defines no `{required} contains` rule", str(f.path))
    return Control(
        id=cid,
        title=meta["title"],
        description=(meta.get("description") or "").strip(),
        severity=custom["severity"],
        domain=custom["domain"],
        resource_kinds=list(custom["resource_kinds"]),
        frameworks={k: list(v) for k, v in custom["frameworks"].items()},
        remediation=" ".join(custom["remediation"].split()),
        package=f.package,
        path=f.path,
        rules=rules,
        aliases=list(custom.get("aliases") or []),
        deprecated=bool(custom.get("deprecated", False)),
    )


def load_policies(extra_dirs: list[str | Path] | None = None, builtin: bool = True) -> PolicySet:
    """Load the shipped policies plus the user's folders; raise InputError on any defect."""
    dirs = ([builtin_policy_dir()] if builtin else []) + [Path(d) for d in extra_dirs or []]
    files = _read_files(dirs)
    controls: list[Control] = []
    seen: dict[str, Path] = {}
    for f in files:
        if f.is_test or not f.package.startswith(CONTROL_PACKAGE_PREFIX):
            continue
        control = _control_from_file(f)
        for cid in [control.id, *control.aliases]:
            if cid in seen:
                raise InputError(
                    f"duplicate control id {cid} (also defined in {seen[cid]})", str(f.path)
                )
            seen[cid] = f.path
        controls.append(control)
    controls.sort(key=lambda c: c.id)
    return PolicySet(files=files, controls=controls, dirs=dirs)
