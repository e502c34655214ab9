"""A local Compute Engine REST API: the documented JSON of a few projects, over HTTP.

stdlib http.server, threaded, on a free port of 127.0.0.1. It answers what the real API
answers for the calls the collector makes (v1 `aggregated/<collection>` and
`global/<collection>` lists, paginated with maxResults/pageToken/nextPageToken, scoped
lists with NO_RESULTS_ON_PAGE and UNREACHABLE warnings), the documented error bodies
(403 forbidden, 403 accessNotConfigured/SERVICE_DISABLED, 429 rateLimitExceeded), and
an OAuth token endpoint for service-account keys. Every API call needs a bearer token.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

# Most pages the server gives, whatever maxResults asks: pagination is always exercised.
PAGE = 1

AGGREGATED_KIND = {
    "instances": "compute#instanceAggregatedList",
    "disks": "compute#diskAggregatedList",
    "subnetworks": "compute#subnetworkAggregatedList",
    "sslPolicies": "compute#sslPoliciesAggregatedList",
    "targetHttpsProxies": "compute#targetHttpsProxyAggregatedList",
    "targetHttpProxies": "compute#targetHttpProxyAggregatedList",
    "urlMaps": "compute#urlMapsAggregatedList",
    "backendServices": "compute#backendServiceAggregatedList",
    "forwardingRules": "compute#forwardingRuleAggregatedList",
}


def error_body(code: int, status: str, message: str, reason: str, domain: str, info: str | None):
    """The JSON error of googleapis (google.rpc.Status with the legacy `errors` list)."""
    body: dict[str, Any] = {
        "code": code,
        "message": message,
        "errors": [{"message": message, "domain": domain, "reason": reason}],
        "status": status,
    }
    if info:
        body["details"] = [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": info,
                "domain": "googleapis.com",
                "metadata": {"service": "compute.googleapis.com"},
            }
        ]
    return {"error": body}


def denied(project: str, collection: str) -> tuple[int, dict[str, Any]]:
    permission = f"compute.{collection}.list"
    return 403, error_body(
        403,
        "PERMISSION_DENIED",
        f"Required '{permission}' permission for 'projects/{project}'",
        "forbidden",
        "global",
        None,
    )


def disabled(project: str, _collection: str) -> tuple[int, dict[str, Any]]:
    message = (
        f"Compute Engine API has not been used in project {project} before or it is "
        "disabled. Enable it by visiting https://console.developers.google.com/apis/api/"
        f"compute.googleapis.com/overview?project={project} then retry."
    )
    return 403, error_body(
        403, "PERMISSION_DENIED", message, "accessNotConfigured", "usageLimits", "SERVICE_DISABLED"
    )


def quota(project: str, _collection: str) -> tuple[int, dict[str, Any]]:
    message = (
        "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per "
        f"minute' of service 'compute.googleapis.com' for consumer 'project_number:{project}'."
    )
    return 429, error_body(
        429,
        "RESOURCE_EXHAUSTED",
        message,
        "rateLimitExceeded",
        "usageLimits",
        "RATE_LIMIT_EXCEEDED",
    )


Fault = Callable[[str, str], tuple[int, dict[str, Any]]]


class ComputeApi:
    """The projects served: `aggregated[project][collection]` maps a scope
    ("zones/us-central1-a") to its items; `global_[project][collection]` is a list;
    `faults[project]` answers every call of that project (or `faults[(project,
    collection)]` one collection); `unreachable[(project, collection)]` lists scopes
    reported UNREACHABLE."""

    def __init__(self) -> None:
        self.aggregated: dict[str, dict[str, dict[str, list[dict[str, Any]]]]] = {}
        self.global_: dict[str, dict[str, list[dict[str, Any]]]] = {}
        self.faults: dict[Any, Fault] = {}
        self.unreachable: dict[tuple[str, str], list[str]] = {}
        self.requests: list[str] = []
        self.tokens_issued = 0
        self.lock = threading.Lock()
        self.base = ""

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        parts = path.strip("/").split("/")
        # compute/v1/projects/<p>/(aggregated|global)/<collection>
        if len(parts) != 6 or parts[:3] != ["compute", "v1", "projects"]:
            return 404, error_body(
                404, "NOT_FOUND", f"no such path {path}", "notFound", "global", None
            )
        project, where, collection = parts[3], parts[4], parts[5]
        fault = self.faults.get((project, collection)) or self.faults.get(project)
        if fault is not None:
            return fault(project, collection)
        size = min(PAGE, int((query.get("maxResults") or ["500"])[0]))
        start = int((query.get("pageToken") or ["0"])[0] or 0)
        self_link = f"{self.base}/compute/v1/projects/{project}/{where}/{collection}"
        if where == "global":
            items = self.global_.get(project, {}).get(collection, [])
            page = items[start : start + size]
            body: dict[str, Any] = {"kind": "compute#list", "items": page, "selfLink": self_link}
            if start + size < len(items):
                body["nextPageToken"] = str(start + size)
            return 200, body
        if where != "aggregated" or collection not in AGGREGATED_KIND:
            return 404, error_body(
                404, "NOT_FOUND", f"no such path {path}", "notFound", "global", None
            )
        scoped = self.aggregated.get(project, {}).get(collection, {})
        flat = [(scope, item) for scope, items in sorted(scoped.items()) for item in items]
        page_items = flat[start : start + size]
        out: dict[str, Any] = {}
        for scope, item in page_items:
            out.setdefault(scope, {collection: []})[collection].append(item)
        for scope in scoped:
            out.setdefault(scope, {"warning": _no_results(scope)})
        for scope in self.unreachable.get((project, collection), []):
            out[scope] = {
                "warning": {
                    "code": "UNREACHABLE",
                    "message": f"Scope '{scope}' is unreachable.",
                    "data": [{"key": "scope", "value": scope}],
                }
            }
        body = {
            "kind": AGGREGATED_KIND[collection],
            "id": f"projects/{project}/aggregated/{collection}",
            "items": out,
            "selfLink": self_link,
        }
        if start + size < len(flat):
            body["nextPageToken"] = str(start + size)
        return 200, body


def _no_results(scope: str) -> dict[str, Any]:
    return {
        "code": "NO_RESULTS_ON_PAGE",
        "message": f"There are no results for scope '{scope}' on this page.",
        "data": [{"key": "scope", "value": scope}],
    }


def make_handler(api: ComputeApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_: Any) -> None:
            return None

        def _send(self, code: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # the OAuth token endpoint of the test keys
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            if urlsplit(self.path).path != "/token":
                self._send(404, {"error": "not_found"})
                return
            with api.lock:
                api.tokens_issued += 1
            self._send(
                200, {"access_token": "ya29.test-token", "expires_in": 3600, "token_type": "Bearer"}
            )

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            with api.lock:
                api.requests.append(self.path)
            if not (self.headers.get("Authorization") or "").startswith("Bearer "):
                self._send(
                    401,
                    error_body(
                        401,
                        "UNAUTHENTICATED",
                        "Request is missing required authentication credential.",
                        "required",
                        "global",
                        None,
                    ),
                )
                return
            code, body = api.answer(url.path, parse_qs(url.query))
            self._send(code, body)

    return Handler


class Server:
    """The API on a free port, in a daemon thread, until stop()."""

    def __init__(self, api: ComputeApi):
        self.api = api
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(api))
        self.httpd.daemon_threads = True
        host, port = self.httpd.server_address[:2]
        self.url = f"http://{host}:{port}"
        api.base = self.url
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> Server:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
