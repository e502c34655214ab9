"""A local HTTPS Kubernetes API server for the live collector's tests.

It serves a cluster's objects (clusters.py) the way kube-apiserver does: bearer-token
authentication over TLS signed by a test CA, `limit`/`continue` pagination with opaque
tokens, 410 Gone for an expired continue token, 403 for what the identity may not list
(cluster-wide lists of namespaced resources, whole namespaces), 404 for API groups the
cluster does not serve. It records every path asked, so tests can prove what was never
read (Secrets).
"""

from __future__ import annotations

import base64
import datetime
import ipaddress
import json
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

# (group, version, plural) -> (kind, namespaced): what a cluster can serve.
SERVED: dict[tuple[str, str, str], tuple[str, bool]] = {
    ("", "v1", "namespaces"): ("Namespace", False),
    ("", "v1", "nodes"): ("Node", False),
    ("", "v1", "pods"): ("Pod", True),
    ("", "v1", "services"): ("Service", True),
    ("", "v1", "secrets"): ("Secret", True),
    ("", "v1", "resourcequotas"): ("ResourceQuota", True),
    ("", "v1", "limitranges"): ("LimitRange", True),
    ("apps", "v1", "deployments"): ("Deployment", True),
    ("apps", "v1", "statefulsets"): ("StatefulSet", True),
    ("apps", "v1", "daemonsets"): ("DaemonSet", True),
    ("apps", "v1", "replicasets"): ("ReplicaSet", True),
    ("batch", "v1", "jobs"): ("Job", True),
    ("batch", "v1", "cronjobs"): ("CronJob", True),
    ("networking.k8s.io", "v1", "ingresses"): ("Ingress", True),
    ("networking.k8s.io", "v1", "networkpolicies"): ("NetworkPolicy", True),
    ("security.istio.io", "v1beta1", "peerauthentications"): ("PeerAuthentication", True),
    ("serving.kserve.io", "v1beta1", "inferenceservices"): ("InferenceService", True),
}


@dataclass
class Behaviour:
    token: str = "test-token"
    # API groups the cluster does not serve (CRDs not installed): 404.
    missing_groups: set[str] = field(default_factory=set)
    # Cluster-wide lists of namespaced resources answer 403 (RoleBindings only).
    forbid_cluster_wide: bool = False
    # Namespaces whose lists answer 403.
    forbidden_namespaces: set[str] = field(default_factory=set)
    # Paths whose first continue token has expired (410 Gone once).
    expire_once: set[str] = field(default_factory=set)
    # Paths that answer after this many seconds (timeouts).
    slow: dict[str, float] = field(default_factory=dict)


class TestCA:
    __test__ = False  # a fixture helper, not a test class

    """A CA and a server certificate for 127.0.0.1/localhost, made with cryptography."""

    def __init__(self, folder: Path) -> None:
        now = datetime.datetime.now(datetime.UTC)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "auditor test CA")])
        ca = (
            x509.CertificateBuilder()
            .subject_name(ca_name)
            .issuer_name(ca_name)
            .public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(ca_key, hashes.SHA256())
        )
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kube-apiserver")]))
            .issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                critical=False,
            )
            .sign(ca_key, hashes.SHA256())
        )
        self.ca_pem = ca.public_bytes(serialization.Encoding.PEM)
        self.cert_file = folder / "apiserver.crt"
        self.key_file = folder / "apiserver.key"
        self.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        self.key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )


class ApiServer:
    """Serves one cluster until stop()."""

    def __init__(self, objects: list[dict[str, Any]], behaviour: Behaviour, ca: TestCA) -> None:
        self.objects = objects
        self.behaviour = behaviour
        self.requests: list[str] = []
        self._expired: set[str] = set()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def do_GET(self) -> None:
                status, body = server.answer(self.path, self.headers.get("Authorization", ""))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                return None  # a client that gave up (the timeout test) is not an error

        self.httpd = Server(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(ca.cert_file, ca.key_file)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def answer(self, raw_path: str, auth: str) -> tuple[int, dict[str, Any]]:
        url = urlparse(raw_path)
        with self._lock:
            self.requests.append(url.path)
        if auth != f"Bearer {self.behaviour.token}":
            return 401, _status(401, "Unauthorized", "Unauthorized")
        time.sleep(self.behaviour.slow.get(url.path, 0))
        parts = url.path.strip("/").split("/")
        if parts[0] == "api":
            group, rest = "", parts[1:]
        elif parts[0] == "apis" and len(parts) >= 3:
            group, rest = parts[1], parts[2:]
        else:
            return 404, _status(404, "NotFound", "the server could not find the requested resource")
        version, rest = rest[0], rest[1:]
        namespace = None
        if len(rest) == 3 and rest[0] == "namespaces":
            namespace, rest = rest[1], rest[2:]
        if len(rest) != 1 or group in self.behaviour.missing_groups:
            return 404, _status(404, "NotFound", "the server could not find the requested resource")
        served = SERVED.get((group, version, rest[0]))
        if served is None:
            return 404, _status(404, "NotFound", "the server could not find the requested resource")
        kind, namespaced = served
        plural = rest[0] if not group else f"{rest[0]}.{group}"
        if namespaced and namespace is None and self.behaviour.forbid_cluster_wide:
            return 403, _status(
                403,
                "Forbidden",
                f'{plural} is forbidden: User "system:serviceaccount:audit:auditor" cannot list '
                f'resource "{rest[0]}" in API group "{group}" at the cluster scope',
            )
        if namespace in self.behaviour.forbidden_namespaces:
            return 403, _status(
                403,
                "Forbidden",
                f'{plural} is forbidden: User "system:serviceaccount:audit:auditor" cannot list '
                f'resource "{rest[0]}" in API group "{group}" in the namespace "{namespace}"',
            )
        items = [
            _as_item(o)
            for o in self.objects
            if o["kind"] == kind
            and (namespace is None or o["metadata"].get("namespace") == namespace)
        ]
        query = parse_qs(url.query)
        limit = int(query.get("limit", ["0"])[0]) or len(items) or 1
        token = query.get("continue", [""])[0]
        start = 0
        if token:
            if url.path in self.behaviour.expire_once and url.path not in self._expired:
                self._expired.add(url.path)
                return 410, _status(410, "Expired", "The provided continue parameter is too old")
            start = int(base64.b64decode(token).decode())
        page = items[start : start + limit]
        nxt = start + limit
        meta: dict[str, Any] = {"resourceVersion": "12345"}
        if nxt < len(items):
            meta["continue"] = base64.b64encode(str(nxt).encode()).decode()
            meta["remainingItemCount"] = len(items) - nxt
        api_version = version if not group else f"{group}/{version}"
        return 200, {
            "kind": f"{kind}List",
            "apiVersion": api_version,
            "metadata": meta,
            "items": page,
        }


def _as_item(obj: dict[str, Any]) -> dict[str, Any]:
    """List items as the API server sends them: without kind and apiVersion."""
    return {k: v for k, v in obj.items() if k not in ("kind", "apiVersion")}


def _status(code: int, reason: str, message: str) -> dict[str, Any]:
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }


def write_kubeconfig(path: Path, servers: dict[str, ApiServer], ca: TestCA) -> None:
    """One cluster, user and context per server, named after the cluster."""
    import yaml

    ca_data = base64.b64encode(ca.ca_pem).decode()
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": next(iter(servers)),
        "clusters": [
            {"name": n, "cluster": {"server": s.url, "certificate-authority-data": ca_data}}
            for n, s in servers.items()
        ],
        "users": [
            {"name": f"{n}-auditor", "user": {"token": s.behaviour.token}}
            for n, s in servers.items()
        ],
        "contexts": [
            {"name": n, "context": {"cluster": n, "user": f"{n}-auditor"}} for n in servers
        ],
    }
    path.write_text(yaml.safe_dump(config))
