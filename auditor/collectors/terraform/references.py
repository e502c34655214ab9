"""Terraform references (`aws_security_group.web.id`, `module.net.sg_id`, `var.x`) parsed
into steps, and resolved to the addresses of managed resources.

Both readers need this: HCL values still hold reference text where checkov could not
render a value, and a plan's `configuration` lists the references of every expression.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Words that start a reference but never name a managed resource.
NON_RESOURCE_HEADS = frozenset(
    {"var", "local", "data", "module", "each", "count", "self", "path", "terraform"}
)

# Resource types of the common providers: a reference to `aws_x.y` that is not in the
# configuration is a reference to something we could not read, not a literal string.
_PROVIDER_TYPE = re.compile(
    r"^(aws|google|azurerm|azuread|kubernetes|helm|random|tls|null|time|local|http|"
    r"external|archive|cloudinit|template|vault|github|datadog|cloudflare)_[a-z0-9_]+$"
)
_NAME = re.compile(r"[A-Za-z_][\w-]*|\*|\d+")


@dataclass(frozen=True)
class Step:
    """One step of a traversal: `name` with an optional index (`[0]`, `["a"]`, `[*]`)."""

    name: str
    index: str | None = None


def split_traversal(text: str) -> list[Step] | None:
    """Split `a.b[0].c` into steps; None when the text is not a plain traversal."""
    steps: list[Step] = []
    pos, end = 0, len(text)
    while pos < end:
        match = _NAME.match(text, pos)
        if not match:
            return None
        name, pos = match.group(0), match.end()
        index = None
        if pos < end and text[pos] == "[":
            close = text.find("]", pos)
            if close < 0:
                return None
            index = text[pos + 1 : close].strip().strip('"')
            pos = close + 1
        steps.append(Step(name, index))
        if pos < end:
            if text[pos] != ".":
                return None
            pos += 1
            if pos == end:
                return None
    return steps if len(steps) >= 2 else None


def unwrap_interpolation(text: str) -> str:
    """`"${aws_kms_key.k.arn}"` → `aws_kms_key.k.arn`; other strings unchanged."""
    stripped = text.strip()
    if stripped.startswith("${") and stripped.endswith("}") and stripped.count("${") == 1:
        return stripped[2:-1].strip()
    return stripped


def looks_like_resource_type(name: str) -> bool:
    return bool(_PROVIDER_TYPE.match(name))


def format_index(index: str) -> str:
    """The index as Terraform writes it in an address: `[0]` or `["key"]`."""
    return f"[{index}]" if index.isdigit() else f'["{index}"]'


def module_prefix(steps: Iterable[Step]) -> str:
    """`module.a.module.b[0]` from the steps of a module path."""
    return ".".join(
        f"module.{s.name}{format_index(s.index) if s.index is not None else ''}" for s in steps
    )


def join_address(prefix: str, tail: str) -> str:
    return f"{prefix}.{tail}" if prefix else tail


def parent_prefix(prefix: str) -> str | None:
    """The module prefix one level up (`module.a.module.b` → `module.a`); None at root."""
    if not prefix:
        return None
    steps = split_module_prefix(prefix)
    return module_prefix(steps[:-1])


def split_module_prefix(prefix: str) -> list[Step]:
    """`module.a.module.b[0]` → [Step(a), Step(b, 0)]."""
    if not prefix:
        return []
    steps = split_traversal(prefix) or []
    return [s for s in steps if s.name != "module"]


class AddressIndex:
    """Managed-resource addresses, found by (module prefix, `type.name`) in O(1)."""

    def __init__(self, addresses: Iterable[str] = ()) -> None:
        self._exact: set[str] = set()
        self._instances: dict[str, list[str]] = {}
        self._by_local: dict[str, list[str]] = {}
        for address in addresses:
            self.add(address)

    def add(self, address: str) -> None:
        self._exact.add(address)
        base = _strip_last_index(address)
        instances = self._instances.setdefault(base, [])
        if not instances:
            self._by_local.setdefault(_local_part(base), []).append(base)
        instances.append(address)

    def __contains__(self, address: str) -> bool:
        return address in self._exact

    def lookup(self, prefix: str, rtype: str, step: Step) -> list[str]:
        """Addresses of `type.name[index]` in the module at `prefix` (all instances when
        no index is given or the reference is a splat)."""
        base = join_address(prefix, f"{rtype}.{step.name}")
        if step.index is not None and step.index != "*":
            for candidate in (f"{base}{format_index(step.index)}", f'{base}["{step.index}"]'):
                if candidate in self._exact:
                    return [candidate]
            return []
        return sorted(self._instances.get(base, []))

    def lookup_in_submodules(self, prefix: str, rtype: str, step: Step) -> list[str]:
        """`type.name` declared in exactly one module below `prefix`: checkov renders a
        module output into its caller as the output's own reference text."""
        bases = [
            b
            for b in self._by_local.get(f"{rtype}.{step.name}", [])
            if b.startswith(f"{prefix}.module." if prefix else "module.")
        ]
        if len(bases) != 1:
            return []
        return self.lookup(bases[0][: -len(f".{rtype}.{step.name}")], rtype, step)


def _local_part(base: str) -> str:
    """`module.a.aws_x.y` → `aws_x.y`."""
    steps = split_traversal(base) or []
    return ".".join(s.name for s in steps[-2:])


def _strip_last_index(address: str) -> str:
    """`aws_instance.gpu[0]` → `aws_instance.gpu`; addresses without an index unchanged."""
    if address.endswith("]"):
        open_at = address.rfind("[")
        if open_at > 0:
            return address[:open_at]
    return address
