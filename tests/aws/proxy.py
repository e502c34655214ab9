"""A tiny HTTP proxy in front of moto that misbehaves for one service or one region.

boto3 reaches it through AWS_ENDPOINT_URL like any endpoint. It reads the SigV4
credential scope (`Credential=AKID/date/<region>/<service>/aws4_request`) of each
request and either forwards it to moto unchanged, answers it with a throttling error
in the service's protocol, or holds it longer than the client's read timeout.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")

# Decide(region, service, target) -> None (forward), "throttle", "deny" or "hang". The
# target is the X-Amz-Target header (`AWSWAF_20190729.ListResourcesForWebACL`), or for the
# query protocols the form's Action (`AssumeRole`).
Decide = Callable[[str, str, str], str | None]

_QUERY_PROTOCOL = {"ec2", "elasticloadbalancing", "sts", "iam"}
_ACTION = re.compile(rb"(?:^|&)Action=([A-Za-z]+)")


def _denied_answer(service: str, target: str) -> tuple[int, dict[str, str], bytes]:
    """AccessDenied as the service's protocol answers it: JSON (X-Amz-Target) or, for
    the query protocols (an `Action` in the form body), XML."""
    operation = target.split(".")[-1] if target else "Unknown"
    if service in _QUERY_PROTOCOL:
        body = (
            "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>"
            f"User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: "
            f"{service}:{operation}</Message></Error><RequestId>1</RequestId></ErrorResponse>"
        ).encode()
        return 403, {"Content-Type": "text/xml"}, body
    body = json.dumps(
        {
            "__type": "AccessDeniedException",
            "Message": f"User: arn:aws:iam::123456789012:user/auditor is not authorized to "
            f"perform: {service}:{operation} with an explicit deny in an identity-based policy",
        }
    ).encode()
    return 400, {"Content-Type": "application/x-amz-json-1.1"}, body


def _throttle_answer(service: str, target: str) -> tuple[int, dict[str, str], bytes]:
    if service in _QUERY_PROTOCOL:
        body = (
            b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
            b"<Message>Rate exceeded</Message></Error><RequestId>1</RequestId></ErrorResponse>"
        )
        return 400, {"Content-Type": "text/xml"}, body
    if target:  # JSON protocol (X-Amz-Target)
        body = b'{"__type": "ThrottlingException", "message": "Rate exceeded"}'
        return 400, {"Content-Type": "application/x-amz-json-1.1"}, body
    body = b'{"message": "Too Many Requests"}'  # rest-json / rest-xml
    return (
        429,
        {"Content-Type": "application/json", "x-amzn-ErrorType": "ThrottlingException"},
        body,
    )


@contextmanager
def misbehaving_proxy(upstream: str, decide: Decide, hang_seconds: float = 3.0) -> Iterator[str]:
    """Run the proxy; yields its URL. `decide` picks what happens to each request."""
    up = urlsplit(upstream)
    seen: list[tuple[str, str, str | None]] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # keep test output quiet
            return None

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            found = _SCOPE.search(self.headers.get("Authorization", ""))
            region, service = found.groups() if found else ("", "")
            target = self.headers.get("X-Amz-Target", "")
            if not target and service in _QUERY_PROTOCOL:
                named = _ACTION.search(body)
                target = named.group(1).decode() if named else ""
            action = decide(region, service, target)
            seen.append((region, service, action))
            if action == "hang":
                time.sleep(hang_seconds)
                self.close_connection = True
                return
            if action == "throttle":
                status, headers, payload = _throttle_answer(service, target)
            elif action == "deny":
                status, headers, payload = _denied_answer(service, target)
            else:
                conn = http.client.HTTPConnection(up.hostname, up.port, timeout=60)
                headers_in = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
                conn.request(self.command, self.path, body=body, headers=headers_in)
                resp = conn.getresponse()
                payload = resp.read()
                status = resp.status
                headers = {
                    k: v
                    for k, v in resp.getheaders()
                    if k.lower() not in {"transfer-encoding", "connection", "content-length"}
                }
                conn.close()
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _handle

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
