"""The OPA server engine: the same policies and the same queries, asked of a running OPA.

`load` pushes every policy file through OPA's Policy API and the config to
`data.auditor.config` through its Data API; `query` asks OPA's ad-hoc Query API exactly
the expression the embedded engine evaluates, with the input in the request. Results come
back as JSON (sets as arrays) just as regorus gives them, so the evaluator cannot tell the
engines apart. See docs/engines.md.

Everything goes through `opa-python-client`. Its request errors are turned into RegoError
naming the URL (load errors become exit 2 in the CLI) and OPA's compile errors into
RegoError naming the local file and line, as the embedded engine reports them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from auditor.engines.base import RegoError
from auditor.errors import InputError
from auditor.policy.loader import CONTROL_PACKAGE_PREFIX, PolicyFile

if TYPE_CHECKING:
    import requests
    from opa_client import OpaClient

# Every policy this engine writes has an id under this prefix, and a policy under it that
# the current policy set does not contain is deleted at load: OPA merges all modules of a
# package, so a stale module left by an earlier run (a renamed file) would change results.
POLICY_ID_PREFIX = "auditor/"
# Where the config lives, as in the embedded engine: data.auditor.config.
CONFIG_DATA_PATH = "auditor/config"
# The variable the ad-hoc query binds; the embedded engine uses the same name.
RESULT_VAR = "result_value"

_UNSAFE_ID_CHARS = re.compile(r"[^A-Za-z0-9._-]")
# OPA's evaluation errors carry their location in the message: "<id>:<row>: <text>".
_LOCATED_MESSAGE_RE = re.compile(r"^(?P<file>[^\s:]+):(?P<line>\d+): (?P<msg>.+)$", re.DOTALL)
_ERRNO_RE = re.compile(r"\[Errno -?\d+\] (?P<why>[^'\")]+)")
_SSL_RE = re.compile(r"\[SSL(?:: [A-Z_]+)?\] (?P<why>[^(')]+)")


def policy_id(f: PolicyFile) -> str:
    """OPA policy id for a file: prefix, package path, file name. Stable and URL-safe.

    Derived from the package rather than the folder so that the same policy set pushed
    from two checkouts (or two CI runners) writes the same ids instead of piling up
    copies that OPA would merge.
    """
    name = _UNSAFE_ID_CHARS.sub("_", f.path.name)
    return f"{POLICY_ID_PREFIX}{f.package.replace('.', '/')}/{name}"


def _is_control_id(pid: str) -> bool:
    return pid.startswith(POLICY_ID_PREFIX + CONTROL_PACKAGE_PREFIX.replace(".", "/"))


def _connection_reason(exc: BaseException) -> str:
    """The useful part of urllib3's nested message ('Connection refused'), or its type."""
    text = str(exc)
    for pattern in (_SSL_RE, _ERRNO_RE):
        m = pattern.search(text)
        if m:
            return m.group("why").strip().rstrip(".")
    return type(exc).__name__


class OpaEngine:
    """A Rego engine backed by an OPA server at `url` (http:// or https://host[:port]).

    Constructing it checks the URL only; nothing is sent before `load`. `token` is sent as
    a Bearer token (OPA's --authentication=token); `cert` is a client certificate (a path,
    or a (cert, key) pair) for OPA's --authentication=tls. An https server is verified
    against the system's CAs, or REQUESTS_CA_BUNDLE: requests lets that variable override
    whatever a session is given, so it is the one way to trust a private CA.
    """

    name = "opa"

    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        cert: str | tuple[str, str] | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 120.0,
        retries: int = 2,
    ) -> None:
        scheme, host, port = self._parse_url(url)
        self.url = f"{scheme}://{host}:{port}"
        self._scheme = scheme
        self._host = host
        self._port = port
        self._token = token
        self._cert = cert
        # requests takes (connect, read): fail fast on a wrong host, but let a big
        # snapshot's query run as long as OPA needs.
        self._timeout = (connect_timeout, read_timeout)
        self._retries = retries
        self._client: OpaClient | None = None
        self._input: Any = None
        self._path_by_id: dict[str, str] = {}
        self._opa_version: str | None = None

    @staticmethod
    def _parse_url(url: str) -> tuple[str, str, int]:
        """Split and check --opa-url; a bad one is bad input (exit 2), found before any I/O."""
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError(f"--opa-url must be http(s)://host[:port], got {url!r}")
        if parts.username or parts.password:
            raise InputError(
                "--opa-url must not carry credentials (OPA takes a Bearer token, not a user)"
            )
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise InputError(
                f"--opa-url must be the server's root, http(s)://host[:port], got {url!r} "
                "(opa-python-client cannot address an OPA behind a path prefix)"
            )
        try:
            port = parts.port
        except ValueError:
            raise InputError(f"--opa-url has an invalid port: {url!r}") from None
        host = parts.hostname
        if ":" in host:  # IPv6 literal: the client joins host and port with ":"
            host = f"[{host}]"
        return parts.scheme, host, port or (443 if parts.scheme == "https" else 80)

    # -- the Engine protocol ---------------------------------------------------------

    def load(self, files: list[PolicyFile], config: dict[str, Any]) -> None:
        """Make OPA hold exactly these policies under auditor/, and the config.

        Libraries go first: OPA compiles every module on upload, and a control calling
        an undefined function is rejected. Stale auditor/ modules are deleted first (so
        that they cannot conflict with the new ones) or, when modules still on the
        server depend on them, after the upload.
        """
        client = self._connect()
        modules = self._plan(files)
        self._path_by_id = {pid: str(f.path) for pid, f in modules}
        with self._talking("listing policies"):
            existing = [p for p in client.get_policies_list() if p.startswith(POLICY_ID_PREFIX)]
        wanted = {pid for pid, _ in modules}
        stale = sorted(
            (p for p in existing if p not in wanted), key=lambda p: not _is_control_id(p)
        )
        undeletable = self._delete(stale)
        self._push(modules)
        undeletable = self._delete(list(undeletable))
        if undeletable:
            pid, why = next(iter(undeletable.items()))
            raise RegoError(
                f"cannot delete stale policy {pid} from OPA at {self.url}: {why} "
                "(delete it by hand: it would be evaluated with this policy set)"
            )
        with self._talking(f"writing data.{CONFIG_DATA_PATH.replace('/', '.')}"):
            try:
                client.update_or_create_data(config, CONFIG_DATA_PATH)
            except self._opa_errors() as exc:
                raise self._error_from_opa(exc, None, "writing the config") from None
        self._opa_version = self._fetch_version()

    def set_input(self, input_json: str) -> None:
        """Keep the input: OPA's ad-hoc query takes it with every request."""
        try:
            self._input = json.loads(input_json)
        except json.JSONDecodeError as exc:
            raise RegoError(f"input is not valid JSON: {exc.msg}") from None

    def query(self, query: str) -> Any:
        """Ask OPA `result_value := <query>`; None when undefined, as in the embedded engine.

        The client drops a falsy input; the evaluator's input always has `resources`.
        """
        import requests

        client = self._connect()
        with self._talking("evaluating"):
            try:
                answer = client.ad_hoc_query(f"{RESULT_VAR} := {query}", input_data=self._input)
            except requests.exceptions.HTTPError as exc:
                raise self._error_from_response(exc.response, "evaluating") from None
        rows = (answer.get("result") or []) if isinstance(answer, dict) else []
        if not rows:
            return None
        return rows[0].get(RESULT_VAR)

    def version(self) -> str:
        """OPA's own version (from Data API provenance) and the URL, for the results' run."""
        from importlib.metadata import version

        if self._opa_version is None and self._client is not None:
            self._opa_version = self._fetch_version()
        opa = self._opa_version or "(version unknown)"
        return f"opa {opa} at {self.url} (opa-python-client {version('opa-python-client')})"

    def close(self) -> None:
        """Release the HTTP session (not part of the Engine protocol; tests use it)."""
        if self._client is not None:
            self._client.close_connection()
            self._client = None

    # -- helpers ---------------------------------------------------------------------

    def _connect(self) -> OpaClient:
        """The client, made on first use: importing opa_client pulls in aiohttp."""
        if self._client is None:
            from opa_client import OpaClient

            self._client = OpaClient(
                host=self._host,
                port=self._port,
                # The client's `ssl` is both "use https" and requests' `verify`.
                ssl=self._scheme == "https",
                cert=self._cert,
                token=self._token,
                retries=self._retries,
                timeout=self._timeout,  # type: ignore[arg-type]  # requests takes a pair
            )
        return self._client

    @staticmethod
    def _plan(files: list[PolicyFile]) -> list[tuple[str, PolicyFile]]:
        """(id, file) in upload order: libraries, then controls; identical duplicates once."""
        chosen: dict[str, PolicyFile] = {}
        for f in files:
            pid = policy_id(f)
            if pid in chosen and chosen[pid].text == f.text:
                continue
            n = 2
            base = pid
            while pid in chosen:  # same package and file name in two folders, different text
                pid = f"{base}~{n}"
                n += 1
            chosen[pid] = f
        items = list(chosen.items())
        return [it for it in items if not _is_control_id(it[0])] + [
            it for it in items if _is_control_id(it[0])
        ]

    def _push(self, modules: list[tuple[str, PolicyFile]]) -> None:
        """Upload every module; retry those rejected only for a function not yet uploaded."""
        from opa_client.errors import RegoParseError

        client = self._connect()
        pending = modules
        while pending:
            deferred: list[tuple[tuple[str, PolicyFile], RegoParseError]] = []
            for pid, f in pending:
                with self._talking(f"uploading {f.path}"):
                    try:
                        # rego_compat=False: the client would otherwise rewrite a rejected
                        # policy into other Rego and retry; OPA must judge what we wrote.
                        client.update_policy_from_string(f.text, pid, rego_compat=False)
                    except RegoParseError as exc:
                        if not _only_undefined_functions(exc.errors):
                            raise self._error_from_opa(exc, str(f.path), "uploading") from None
                        deferred.append(((pid, f), exc))
                    except self._opa_errors() as exc:
                        raise self._error_from_opa(exc, str(f.path), "uploading") from None
            if len(deferred) == len(pending):
                (_, f), exc = deferred[0]
                raise self._error_from_opa(exc, str(f.path), "uploading")
            pending = [m for m, _ in deferred]

    def _delete(self, ids: list[str]) -> dict[str, str]:
        """Delete policies by id; return {id: OPA's reason} for those OPA refused."""
        refused: dict[str, str] = {}
        client = self._connect()
        for pid in ids:
            with self._talking(f"deleting stale policy {pid}"):
                try:
                    client.delete_policy(pid)
                except self._opa_errors() as exc:
                    code = getattr(exc, "expression", None)
                    if code != "resource_not_found":  # gone already: what we wanted
                        refused[pid] = f"{code}: {getattr(exc, 'message', exc)}"
        return refused

    def _fetch_version(self) -> str | None:
        """OPA reports its version as provenance on the Data API; best effort."""
        try:
            body = self._connect().get_data(CONFIG_DATA_PATH, {"provenance": "true"})
        except Exception:  # the version is decoration: never a reason to fail
            return None
        provenance = body.get("provenance") if isinstance(body, dict) else None
        return str(provenance.get("version")) if isinstance(provenance, dict) else None

    @staticmethod
    def _opa_errors() -> tuple[type[Exception], ...]:
        from opa_client import errors

        return (
            errors.RegoParseError,
            errors.DeletePolicyError,
            errors.PolicyNotFoundError,
            errors.TypeException,
        )

    def _local(self, file: str | None) -> str | None:
        """The local path behind an OPA policy id (other ids are kept as they are)."""
        if not file:
            return None
        return self._path_by_id.get(file, file)

    def _error_from_opa(self, exc: Exception, file: str | None, doing: str) -> RegoError:
        errors = getattr(exc, "errors", None) or []
        code = getattr(exc, "expression", None)
        message = getattr(exc, "message", None) or str(exc)
        return self._error(code, message, errors, file, doing)

    def _error_from_response(self, response: requests.Response | None, doing: str) -> RegoError:
        if response is None:
            return RegoError(f"OPA at {self.url} failed while {doing}")
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return RegoError(
                f"OPA at {self.url} answered HTTP {response.status_code} while {doing} "
                "(not an OPA error: is the URL an OPA server?)"
            )
        return self._error(body.get("code"), body.get("message"), body.get("errors"), None, doing)

    def _error(
        self,
        code: str | None,
        message: str | None,
        errors: list[dict[str, Any]] | None,
        file: str | None,
        doing: str,
    ) -> RegoError:
        """OPA's error document -> RegoError with the local file and line where OPA gave one.

        Compile errors come as `errors[]` with a location whose file is the policy id;
        evaluation errors as a message starting "<id>:<row>: ". Anything else (401, 404,
        a bundle owning the path) is about the server, so the message names the URL.
        """
        for e in errors or []:
            if not isinstance(e, dict):
                continue
            loc = e.get("location") or {}
            text = e.get("message") or message or "error"
            if e.get("code"):
                text = f"{e['code']}: {text}"
            if len(errors or []) > 1:
                text += f" (and {len(errors or []) - 1} more)"
            return RegoError(text, self._local(loc.get("file")) or file, loc.get("row"))
        m = _LOCATED_MESSAGE_RE.match(message or "")
        if m and m.group("file") in self._path_by_id:
            return RegoError(m.group("msg"), self._local(m.group("file")), int(m.group("line")))
        detail = ": ".join(p for p in (code, message) if p) or "no detail"
        return RegoError(f"OPA at {self.url} refused {doing}: {detail}", file)

    @contextmanager
    def _talking(self, doing: str) -> Iterator[None]:
        """Turn the transport's failures into RegoError naming the URL and what we did."""
        import requests

        try:
            yield
        except RegoError:
            raise
        except requests.exceptions.SSLError as exc:
            raise RegoError(
                f"TLS with OPA at {self.url} failed while {doing}: {_connection_reason(exc)}"
            ) from None
        except requests.exceptions.ConnectTimeout:
            raise RegoError(
                f"cannot reach OPA at {self.url} while {doing}: "
                f"no answer within {self._timeout[0]:g}s"
            ) from None
        except requests.exceptions.ConnectionError as exc:
            raise RegoError(
                f"cannot reach OPA at {self.url} while {doing}: {_connection_reason(exc)}"
            ) from None
        except requests.exceptions.Timeout:
            raise RegoError(
                f"OPA at {self.url} did not answer within {self._timeout[1]:g}s while {doing}"
            ) from None
        except requests.exceptions.HTTPError as exc:
            raise self._error_from_response(exc.response, doing) from None
        except requests.exceptions.JSONDecodeError:
            raise RegoError(
                f"OPA at {self.url} answered with something other than JSON while {doing} "
                "(is the URL an OPA server?)"
            ) from None
        except requests.exceptions.RequestException as exc:
            raise RegoError(f"request to OPA at {self.url} failed while {doing}: {exc}") from None


def _only_undefined_functions(errors: list[Any] | None) -> bool:
    """True when OPA rejected a module only for calling functions it does not have yet."""
    return bool(errors) and all(
        isinstance(e, dict)
        and e.get("code") == "rego_type_error"
        and "undefined function" in str(e.get("message", ""))
        for e in errors or []
    )
