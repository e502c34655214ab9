"""A stand-in OPA server for tests: OPA's v1 REST API shapes, regorus behind them.

No OPA binary is available to the test suite, so this speaks the subset of OPA's REST
API that opa-python-client and the auditor's OpaEngine use, with the JSON shapes of
OPA's REST API reference (https://www.openpolicyagent.org/docs/rest-api):

    GET /health                         -> 200 {}
    GET /v1/policies[/]                 -> {"result": [{"id", "raw", "ast"}]}
    GET|PUT|DELETE /v1/policies/{id}    -> {"result": {...}} | {} | {}; 400 on compile errors
    GET|PUT|DELETE /v1/data/{path}      -> {"result": ...} (absent when undefined) | 204
    POST /v1/data/{path}  {"input": ...}
    GET|POST /v1/query    {"query", "input"} -> {"result": [{<var>: <value>}, ...]}

Like OPA, a policy upload is compiled with every stored module before it is accepted:
regorus parses it (rego_parse_error with the location), and a call into a package that
no module defines is refused as OPA's type checker does (rego_type_error "undefined
function"), so upload order matters here as it does on a real server. Evaluation errors
answer 500 with OPA's "<id>:<row>: <message>" text. Set a token to require OPA's
`--authentication=token` Bearer header.

Use it as a context manager, `with OpaTestServer() as opa: OpaEngine(opa.url)`.
"""

from __future__ import annotations

import json
import re
import ssl
import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import regorus

VERSION = "1.4.2-regorus-test-server"

_LOCATION_RE = re.compile(r"-->\s*(?P<file>.+?):(?P<row>\d+):(?P<col>\d+)")
_MESSAGE_RE = re.compile(r"^error:\s*(?P<msg>.+)$", re.MULTILINE)
_PACKAGE_RE = re.compile(r"^package\s+([A-Za-z0-9_.]+)\s*$", re.MULTILINE)
_CALL_RE = re.compile(
    r"(?<![\w.])(?P<ref>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\.(?P<fn>[A-Za-z_]\w*)\s*\("
)
_IMPORT_RE = re.compile(
    r"^import\s+data\.([A-Za-z0-9_.]+?)(?:\s+as\s+([A-Za-z_][A-Za-z0-9_]*))?\s*$", re.MULTILINE
)


class OpaError(Exception):
    """An OPA error document: {"code", "message", "errors"?} with its HTTP status."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"code": code, "message": message}
        if errors:
            self.body["errors"] = errors


def _regorus_location(exc: BaseException) -> tuple[str, dict[str, Any]]:
    """(message, {"file", "row", "col"}) out of regorus's multi-line error text."""
    text = str(exc)
    msg = _MESSAGE_RE.search(text)
    loc = _LOCATION_RE.search(text)
    message = msg.group("msg").strip() if msg else (text.strip().splitlines() or ["error"])[0]
    location = (
        {"file": loc.group("file"), "row": int(loc.group("row")), "col": int(loc.group("col"))}
        if loc
        else {}
    )
    return message, location


def _strip_comments(line: str) -> str:
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', line).split("#", 1)[0]


class OpaState:
    """The server's store: policy modules by id and the base data document."""

    def __init__(self) -> None:
        self.policies: dict[str, str] = {}
        self.data: dict[str, Any] = {}
        self._engine: regorus.Engine | None = None

    # Compilation ----------------------------------------------------------------------

    def compile(self, modules: dict[str, str]) -> regorus.Engine:
        """A fresh regorus engine with every module and the data, or OpaError(400)."""
        engine = regorus.Engine()
        for pid, text in modules.items():
            try:
                engine.add_policy(pid, text)
            except RuntimeError as exc:
                message, location = _regorus_location(exc)
                location.setdefault("file", pid)
                raise OpaError(
                    400,
                    "invalid_parameter",
                    "error(s) occurred while compiling module(s)",
                    [{"code": "rego_parse_error", "message": message, "location": location}],
                ) from None
        undefined = _undefined_functions(modules)
        if undefined:
            raise OpaError(
                400, "invalid_parameter", "error(s) occurred while compiling module(s)", undefined
            )
        # JSON, not Python objects: regorus's Python binding turns bools into 0 and 1.
        engine.add_data_json(json.dumps(self.data))
        return engine

    def engine(self) -> regorus.Engine:
        if self._engine is None:
            self._engine = self.compile(self.policies)
        return self._engine

    def changed(self) -> None:
        """Forget the compiled engine (call on the worker thread: regorus is unsendable)."""
        self._engine = None

    # Evaluation -----------------------------------------------------------------------

    def eval_query(self, query: str, input_doc: Any = None, has_input: bool = False) -> list:
        """OPA's ad-hoc query: one bindings object per solution, `_`-variables left out."""
        engine = self.engine().clone()
        if has_input:
            engine.set_input_json(json.dumps(input_doc))
        try:
            raw = engine.eval_query_as_json(query)
        except RuntimeError as exc:
            message, location = _regorus_location(exc)
            if location.get("file") == "<query.rego>":
                raise OpaError(
                    400,
                    "invalid_parameter",
                    "error(s) occurred while parsing query",
                    [{"code": "rego_parse_error", "message": message, "location": location}],
                ) from None
            where = f"{location['file']}:{location['row']}: " if location else ""
            raise OpaError(500, "internal_error", f"{where}{message}") from None
        rows = json.loads(raw).get("result") or []
        return [
            {k: v for k, v in (row.get("bindings") or {}).items() if not k.startswith("_")}
            for row in rows
        ]

    def eval_path(self, path: list[str], input_doc: Any = None, has_input: bool = False) -> Any:
        ref = "data" + "".join(f"[{json.dumps(p)}]" for p in path)
        rows = self.eval_query(f"x__ := {ref}", input_doc, has_input)
        return rows[0]["x__"] if rows else _UNDEFINED


class _Undefined:
    pass


_UNDEFINED = _Undefined()


def _undefined_functions(modules: dict[str, str]) -> list[dict[str, Any]]:
    """OPA's type checker, as far as these tests need it: calls into absent packages.

    Both `data.pkg.f(...)` and `alias.f(...)` after `import data.pkg [as alias]`.
    """
    packages = set()
    for text in modules.values():
        m = _PACKAGE_RE.search(text)
        if m:
            packages.add(m.group(1))
    errors = []
    for pid, text in modules.items():
        aliases = {}
        for m in _IMPORT_RE.finditer(text):
            aliases[m.group(2) or m.group(1).rsplit(".", 1)[-1]] = m.group(1)
        for row, line in enumerate(text.splitlines(), start=1):
            code = _strip_comments(line)
            for call in _CALL_RE.finditer(code):
                head, function = call.group("ref"), call.group("fn")
                if head.startswith("data."):
                    target = head[len("data.") :]
                elif head in aliases:
                    target = aliases[head]
                else:
                    continue
                if target not in packages:
                    errors.append(
                        {
                            "code": "rego_type_error",
                            "message": f"undefined function data.{target}.{function}",
                            "location": {"file": pid, "row": row, "col": call.start() + 1},
                        }
                    )
    return errors


def _package_ast(text: str) -> dict[str, Any]:
    m = _PACKAGE_RE.search(text)
    path = [{"type": "var", "value": "data"}]
    if m:
        path += [{"type": "string", "value": seg} for seg in m.group(1).split(".")]
    return {"package": {"path": path}, "rules": []}


def _set_path(doc: dict[str, Any], path: list[str], value: Any) -> None:
    node = doc
    for seg in path[:-1]:
        child = node.get(seg)
        if not isinstance(child, dict):
            if child is not None:
                raise OpaError(404, "resource_conflict", "storage_write_conflict_error")
            child = node[seg] = {}
        node = child
    node[path[-1]] = value


def _delete_path(doc: dict[str, Any], path: list[str]) -> None:
    node: Any = doc
    for seg in path[:-1]:
        node = node.get(seg) if isinstance(node, dict) else None
    if not isinstance(node, dict) or path[-1] not in node:
        raise OpaError(
            404, "resource_not_found", f"storage_not_found_error: /{'/'.join(path)}: not found"
        )
    del node[path[-1]]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # Headers and body in one segment, sent at once: no 40 ms delayed-ACK stalls.
    wbufsize = -1
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet under pytest
        pass

    # Plumbing -------------------------------------------------------------------------

    def _send(self, status: int, body: Any = None) -> None:
        payload = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _json_body(self) -> Any:
        raw = self._body()
        if not raw:
            return None
        try:
            return json.loads(raw)
        except json.JSONDecodeError as exc:
            raise OpaError(
                400, "invalid_parameter", f"body contains malformed JSON: {exc}"
            ) from None

    def _dispatch(self, method: str) -> None:
        state = self.server.state
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=True)
        path = url.path
        self.server.requests.append((method, path))
        try:
            token = self.server.token
            bearer = self.headers.get("Authorization")
            if token and path != "/health" and bearer != f"Bearer {token}":
                raise OpaError(401, "unauthorized", "authentication required")
            # regorus engines must live and die on one thread: the server's worker. Errors
            # are answered there too, for their tracebacks hold engines.
            future = self.server.worker.submit(self._answer, method, path, params, state)
            status, body = future.result()
        except OpaError as exc:
            status, body = exc.status, exc.body
        self._send(status, body)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    # Routes ---------------------------------------------------------------------------

    def _answer(
        self, method: str, path: str, params: dict[str, list[str]], state: OpaState
    ) -> tuple[int, Any]:
        try:
            return self._route(method, path, params, state)
        except OpaError as exc:
            return exc.status, exc.body

    def _route(
        self, method: str, path: str, params: dict[str, list[str]], state: OpaState
    ) -> tuple[int, Any]:
        if path == "/health" and method == "GET":
            return 200, {}
        if path in ("/v1/policies", "/v1/policies/") and method == "GET":
            return 200, {
                "result": [
                    {"id": pid, "raw": raw, "ast": _package_ast(raw)}
                    for pid, raw in state.policies.items()
                ]
            }
        if path.startswith("/v1/policies/"):
            return self._policy(method, unquote(path[len("/v1/policies/") :]), state)
        if path == "/v1/query" and method in ("GET", "POST"):
            return self._query(method, params, state)
        if path == "/v1/data" or path.startswith("/v1/data/"):
            segments = [unquote(s) for s in path[len("/v1/data") :].split("/") if s]
            return self._data(method, segments, params, state)
        raise OpaError(404, "not_found", "404 page not found")

    def _policy(self, method: str, pid: str, state: OpaState) -> tuple[int, Any]:
        if method == "GET":
            if pid not in state.policies:
                raise OpaError(
                    404, "resource_not_found", f'storage_not_found_error: policy id "{pid}"'
                )
            raw = state.policies[pid]
            return 200, {"result": {"id": pid, "raw": raw, "ast": _package_ast(raw)}}
        if method == "PUT":
            text = self._body().decode()
            if state.policies.get(pid) == text:
                return 200, {}
            if not _PACKAGE_RE.search(text):
                raise OpaError(
                    400,
                    "invalid_parameter",
                    "error(s) occurred while compiling module(s)",
                    [
                        {
                            "code": "rego_parse_error",
                            "message": "package expected",
                            "location": {"file": pid, "row": 1, "col": 1},
                        }
                    ],
                )
            state.compile({**state.policies, pid: text})
            state.policies[pid] = text
            state.changed()
            return 200, {}
        if method == "DELETE":
            if pid not in state.policies:
                raise OpaError(
                    404, "resource_not_found", f'storage_not_found_error: policy id "{pid}"'
                )
            remaining = {k: v for k, v in state.policies.items() if k != pid}
            try:
                state.compile(remaining)
            except OpaError as exc:
                exc.body["code"] = "invalid_operation"
                raise
            state.policies = remaining
            state.changed()
            return 200, {}
        raise OpaError(405, "method_not_allowed", "method not allowed")

    def _query(self, method: str, params: dict[str, list[str]], state: OpaState) -> tuple[int, Any]:
        if method == "GET":
            if not params.get("q"):
                raise OpaError(400, "invalid_parameter", "missing parameter 'q'")
            query, input_doc, has_input = params["q"][-1], None, False
        else:
            body = self._json_body()
            if not isinstance(body, dict) or not isinstance(body.get("query"), str):
                raise OpaError(400, "invalid_parameter", "missing query")
            query, input_doc, has_input = body["query"], body.get("input"), "input" in body
        rows = state.eval_query(query, input_doc, has_input)
        return 200, ({"result": rows} if rows else {})

    def _data(
        self,
        method: str,
        segments: list[str],
        params: dict[str, list[str]],
        state: OpaState,
    ) -> tuple[int, Any]:
        if method == "PUT":
            value = self._json_body()
            if not segments:
                if not isinstance(value, dict):
                    raise OpaError(400, "invalid_parameter", "root must be an object")
                state.data = value
            else:
                _set_path(state.data, segments, value)
            state.changed()
            return 204, None
        if method == "DELETE":
            if not segments:
                raise OpaError(405, "method_not_allowed", "method not allowed")
            _delete_path(state.data, segments)
            state.changed()
            return 204, None
        if method in ("GET", "POST"):
            input_doc, has_input = None, False
            if method == "POST":
                body = self._json_body()
                if isinstance(body, dict) and "input" in body:
                    input_doc, has_input = body["input"], True
            value = state.eval_path(segments, input_doc, has_input)
            out: dict[str, Any] = {}
            if value is not _UNDEFINED:
                out["result"] = value
            flag = (params.get("provenance") or ["false"])[-1].lower()
            if flag in ("", "true", "1"):
                out["provenance"] = {"version": VERSION, "build_commit": "", "build_host": ""}
            return 200, out
        raise OpaError(405, "method_not_allowed", "method not allowed")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, token: str | None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = OpaState()
        self.token = token
        self.requests: list[tuple[str, str]] = []
        # Connections get a thread each (keep-alive works as with OPA); all Rego work
        # runs on this one thread, which also serialises it like a store transaction.
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="opa-test-eval")


class OpaTestServer:
    """Runs the stand-in server on 127.0.0.1 at a free port for the `with` block.

    `token` requires that Bearer token (OPA's --authentication=token); `tls` is a
    (certfile, keyfile) pair to serve https, as OPA's --tls-cert-file/--tls-private-key-file.
    """

    def __init__(self, token: str | None = None, tls: tuple[str, str] | None = None) -> None:
        self._server = _Server(token)
        self._scheme = "http"
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self._scheme = "https"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self._scheme}://{host}:{port}"

    @property
    def state(self) -> OpaState:
        """The store, for tests that look at what was pushed."""
        return self._server.state

    @property
    def requests(self) -> list[tuple[str, str]]:
        """(method, path) of every request received, in order."""
        return self._server.requests

    def __enter__(self) -> OpaTestServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server.worker.submit(self.state.changed).result()
        self._server.worker.shutdown()


__all__ = ["VERSION", "OpaTestServer"]
