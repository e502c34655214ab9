"""Rego engines. Both answer the same queries on the same input with the same results.

`embedded` (regorus, in process; the default) and `opa` (a running OPA server). Chosen by
name so that the CLI imports only the one in use.
"""

from __future__ import annotations

from auditor.engines.base import Engine, RegoError


def make_engine(name: str, opa_url: str | None = None) -> Engine:
    if name == "embedded":
        from auditor.engines.embedded import EmbeddedEngine

        return EmbeddedEngine()
    if name == "opa":
        from auditor.engines.opa import OpaEngine

        if not opa_url:
            from auditor.errors import InputError

            raise InputError("--engine opa needs --opa-url URL")
        return OpaEngine(opa_url)
    from auditor.errors import InputError

    raise InputError(f"unknown engine {name!r} (choose embedded or opa)")


__all__ = ["Engine", "RegoError", "make_engine"]
