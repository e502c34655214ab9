"""Two GPU projects as the Compute Engine API describes them, and three broken ones.

`ml-insecure` and `ml-hardened` are the same training/inference stack, badly and well
configured; tests/gcp/terraform/<name>/main.tf writes the same infrastructure in
Terraform. `ml-denied` answers every list call 403 forbidden, `ml-disabled` 403
accessNotConfigured (SERVICE_DISABLED), and `ml-quota` 429 on instances (its disks list
reports one zone UNREACHABLE). selfLinks carry the emulator's own host, as an emulator
or a private gateway writes them.
"""

from __future__ import annotations

from typing import Any

from .server import ComputeApi, denied, disabled, quota

REGION = "us-central1"
ZONE = "us-central1-a"
# A canary that must never reach a snapshot: instance metadata is never collected.
CANARY = "hf_" + "C4n4ryT0kenStartupScriptNeverCollected"
PROJECT_NUMBER = "123456789012"


class Estate:
    def __init__(self, api: ComputeApi, project: str):
        self.api = api
        self.project = project
        self.prefix = f"{api.base}/compute/v1/projects/{project}"
        api.aggregated.setdefault(project, {})
        api.global_.setdefault(project, {})

    def link(self, path: str) -> str:
        return f"{self.prefix}/{path}"

    def zonal(self, collection: str, item: dict[str, Any], zone: str = ZONE) -> dict[str, Any]:
        item = {
            **item,
            "zone": self.link(f"zones/{zone}"),
            "selfLink": self.link(f"zones/{zone}/{collection}/{item['name']}"),
        }
        scoped = self.api.aggregated[self.project].setdefault(collection, {})
        scoped.setdefault(f"zones/{zone}", []).append(item)
        return item

    def regional(
        self, collection: str, item: dict[str, Any], region: str = REGION
    ) -> dict[str, Any]:
        item = {
            **item,
            "region": self.link(f"regions/{region}"),
            "selfLink": self.link(f"regions/{region}/{collection}/{item['name']}"),
        }
        scoped = self.api.aggregated[self.project].setdefault(collection, {})
        scoped.setdefault(f"regions/{region}", []).append(item)
        return item

    def global_(
        self, collection: str, item: dict[str, Any], aggregated: bool = True
    ) -> dict[str, Any]:
        item = {**item, "selfLink": self.link(f"global/{collection}/{item['name']}")}
        if aggregated:  # global resources appear under the "global" scope of aggregated lists
            scoped = self.api.aggregated[self.project].setdefault(collection, {})
            scoped.setdefault("global", []).append(item)
        else:
            self.api.global_[self.project].setdefault(collection, []).append(item)
        return item


def _lb(e: Estate, ssl_policy: str | None, backend_group: str) -> None:
    """The inference load balancer: global HTTPS proxy (+ HTTP redirect), URL map,
    backend service, global forwarding rules; and one internal regional rule."""
    backend = e.global_(
        "backendServices",
        {
            "name": "inference",
            "kind": "compute#backendService",
            "protocol": "HTTPS",
            "loadBalancingScheme": "EXTERNAL_MANAGED",
            "backends": [{"group": e.link(f"zones/{ZONE}/instanceGroups/{backend_group}")}],
        },
    )
    url_map = e.global_(
        "urlMaps",
        {"name": "inference", "kind": "compute#urlMap", "defaultService": backend["selfLink"]},
    )
    proxy: dict[str, Any] = {
        "name": "inference",
        "kind": "compute#targetHttpsProxy",
        "urlMap": url_map["selfLink"],
        "sslCertificates": [e.link("global/sslCertificates/inference")],
    }
    if ssl_policy:
        proxy["sslPolicy"] = ssl_policy
    https = e.global_("targetHttpsProxies", proxy)
    http = e.global_(
        "targetHttpProxies",
        {"name": "redirect", "kind": "compute#targetHttpProxy", "urlMap": url_map["selfLink"]},
    )
    e.global_(
        "forwardingRules",
        {
            "name": "inference-https",
            "kind": "compute#forwardingRule",
            "IPAddress": "34.120.0.10",
            "IPProtocol": "TCP",
            "portRange": "443-443",
            "target": https["selfLink"],
            "loadBalancingScheme": "EXTERNAL_MANAGED",
        },
        aggregated=False,
    )
    e.global_(
        "forwardingRules",
        {
            "name": "inference-http",
            "kind": "compute#forwardingRule",
            "IPAddress": "34.120.0.10",
            "IPProtocol": "TCP",
            "portRange": "80-80",
            "target": http["selfLink"],
            "loadBalancingScheme": "EXTERNAL_MANAGED",
        },
        aggregated=False,
    )
    e.regional(
        "forwardingRules",
        {
            "name": "metrics",
            "kind": "compute#forwardingRule",
            "IPAddress": "10.10.0.50",
            "IPProtocol": "TCP",
            "ports": ["9090"],
            "backendService": e.link(f"regions/{REGION}/backendServices/metrics"),
            "loadBalancingScheme": "INTERNAL",
        },
    )


def insecure(api: ComputeApi) -> None:
    e = Estate(api, "ml-insecure")
    net = e.global_(
        "networks",
        {"name": "ml-vpc", "kind": "compute#network", "autoCreateSubnetworks": False},
        aggregated=False,
    )
    sub = e.regional(
        "subnetworks",
        {
            "name": "training",
            "kind": "compute#subnetwork",
            "network": net["selfLink"],
            "ipCidrRange": "10.10.0.0/20",
        },
    )
    boot = e.zonal(
        "disks",
        {
            "name": "trainer",
            "kind": "compute#disk",
            "sizeGb": "200",
            "type": e.link(f"zones/{ZONE}/diskTypes/pd-ssd"),
            "users": [e.link(f"zones/{ZONE}/instances/trainer")],
        },
    )
    data = e.zonal(
        "disks",
        {
            "name": "datasets",
            "kind": "compute#disk",
            "sizeGb": "2000",
            "diskEncryptionKey": {"sha256": "kZ2mWf3Ch1T3stSha256OfTheCustomerSuppliedKey="},
            "users": [e.link(f"zones/{ZONE}/instances/trainer")],
        },
    )
    e.zonal(
        "instances",
        {
            "name": "trainer",
            "kind": "compute#instance",
            "status": "RUNNING",
            "machineType": e.link(f"zones/{ZONE}/machineTypes/a2-highgpu-1g"),
            "guestAccelerators": [
                {
                    "acceleratorType": e.link(f"zones/{ZONE}/acceleratorTypes/nvidia-tesla-a100"),
                    "acceleratorCount": 1,
                }
            ],
            "tags": {"items": ["trainer"], "fingerprint": "abc="},
            "labels": {"team": "ml", "hf-token": CANARY},
            "networkInterfaces": [
                {
                    "name": "nic0",
                    "network": net["selfLink"],
                    "subnetwork": sub["selfLink"],
                    "networkIP": "10.10.0.2",
                    "accessConfigs": [
                        {
                            "kind": "compute#accessConfig",
                            "type": "ONE_TO_ONE_NAT",
                            "name": "External NAT",
                            "natIP": "34.30.1.2",
                        }
                    ],
                }
            ],
            "disks": [
                {
                    "boot": True,
                    "source": boot["selfLink"],
                    "deviceName": "trainer",
                    "type": "PERSISTENT",
                    "mode": "READ_WRITE",
                },
                {
                    "boot": False,
                    "source": data["selfLink"],
                    "deviceName": "datasets",
                    "type": "PERSISTENT",
                    "mode": "READ_WRITE",
                    "diskEncryptionKey": {
                        "sha256": "kZ2mWf3Ch1T3stSha256OfTheCustomerSuppliedKey="
                    },
                },
            ],
            "serviceAccounts": [
                {
                    "email": f"{PROJECT_NUMBER}-compute@developer.gserviceaccount.com",
                    "scopes": ["https://www.googleapis.com/auth/cloud-platform"],
                }
            ],
            "shieldedInstanceConfig": {
                "enableSecureBoot": False,
                "enableVtpm": True,
                "enableIntegrityMonitoring": True,
            },
            "metadata": {
                "kind": "compute#metadata",
                "items": [
                    {
                        "key": "startup-script",
                        "value": f"#!/bin/sh\nexport HF_TOKEN={CANARY}\npython train.py\n",
                    }
                ],
            },
        },
    )
    # Not AI: judged by NET-02 only (through the firewall rules).
    e.zonal(
        "instances",
        {
            "name": "web",
            "kind": "compute#instance",
            "machineType": e.link(f"zones/{ZONE}/machineTypes/e2-small"),
            "networkInterfaces": [
                {
                    "network": net["selfLink"],
                    "subnetwork": sub["selfLink"],
                    "accessConfigs": [{"type": "ONE_TO_ONE_NAT", "natIP": "34.30.1.3"}],
                }
            ],
            "serviceAccounts": [],
        },
    )
    for fw in (
        {
            "name": "allow-ssh",
            "sourceRanges": ["0.0.0.0/0"],
            "targetTags": ["trainer"],
            "allowed": [{"IPProtocol": "tcp", "ports": ["22"]}],
        },
        # No source at all: the API applies it to every source; no target: every VM.
        {
            "name": "allow-jupyter",
            "allowed": [{"IPProtocol": "tcp", "ports": ["8888", "8000-9000"]}],
        },
        {
            "name": "allow-internal",
            "sourceRanges": ["10.0.0.0/8"],
            "allowed": [{"IPProtocol": "all"}],
        },
        # World-open, but targets another service account: not the trainer's.
        {
            "name": "allow-web",
            "sourceRanges": ["0.0.0.0/0"],
            "targetServiceAccounts": ["web@ml-insecure.iam.gserviceaccount.com"],
            "allowed": [{"IPProtocol": "tcp", "ports": ["443"]}],
        },
    ):
        e.global_(
            "firewalls",
            {
                "kind": "compute#firewall",
                "network": net["selfLink"],
                "direction": "INGRESS",
                "priority": 1000,
                **fw,
            },
            aggregated=False,
        )
    weak = e.global_(
        "sslPolicies",
        {
            "name": "weak",
            "kind": "compute#sslPolicy",
            "profile": "COMPATIBLE",
            "minTlsVersion": "TLS_1_2",
            "enabledFeatures": [],
        },
    )
    _lb(e, None, "inference")
    # A second HTTPS proxy, with the TLS 1.2 but COMPATIBLE policy.
    e.global_(
        "targetHttpsProxies",
        {
            "name": "legacy",
            "kind": "compute#targetHttpsProxy",
            "urlMap": e.link("global/urlMaps/inference"),
            "sslPolicy": weak["selfLink"],
        },
    )


def hardened(api: ComputeApi) -> None:
    e = Estate(api, "ml-hardened")
    key = f"projects/ml-hardened/locations/{REGION}/keyRings/ml/cryptoKeys/disks"
    net = e.global_(
        "networks",
        {"name": "ml-vpc", "kind": "compute#network", "autoCreateSubnetworks": False},
        aggregated=False,
    )
    sub = e.regional(
        "subnetworks",
        {
            "name": "training",
            "network": net["selfLink"],
            "ipCidrRange": "10.20.0.0/20",
            "privateIpGoogleAccess": True,
        },
    )
    boot = e.zonal(
        "disks",
        {
            "name": "trainer",
            "diskEncryptionKey": {
                "kmsKeyName": f"{key}/cryptoKeyVersions/1",
                "kmsKeyServiceAccount": "service-1@compute-system.iam.gserviceaccount.com",
            },
            "users": [e.link(f"zones/{ZONE}/instances/trainer")],
        },
    )
    data = e.zonal(
        "disks",
        {
            "name": "datasets",
            "diskEncryptionKey": {"kmsKeyName": f"{key}/cryptoKeyVersions/3"},
            "users": [e.link(f"zones/{ZONE}/instances/trainer")],
        },
    )
    e.zonal(
        "instances",
        {
            "name": "trainer",
            "machineType": e.link(f"zones/{ZONE}/machineTypes/a3-highgpu-8g"),
            "guestAccelerators": [
                {
                    "acceleratorType": e.link(f"zones/{ZONE}/acceleratorTypes/nvidia-h100-80gb"),
                    "acceleratorCount": 8,
                }
            ],
            "tags": {"items": ["trainer"]},
            "networkInterfaces": [
                {
                    "network": net["selfLink"],
                    "subnetwork": sub["selfLink"],
                    "networkIP": "10.20.0.2",
                }
            ],
            "disks": [
                # The instance answer names the key of the boot disk made with it.
                {
                    "boot": True,
                    "source": boot["selfLink"],
                    "type": "PERSISTENT",
                    "diskEncryptionKey": {"kmsKeyName": f"{key}/cryptoKeyVersions/1"},
                },
                {"boot": False, "source": data["selfLink"], "type": "PERSISTENT"},
                {
                    "boot": False,
                    "type": "SCRATCH",
                    "interface": "NVME",
                    "deviceName": "local-ssd-0",
                },
            ],
            "serviceAccounts": [
                {
                    "email": "trainer@ml-hardened.iam.gserviceaccount.com",
                    "scopes": ["https://www.googleapis.com/auth/cloud-platform"],
                }
            ],
            "shieldedInstanceConfig": {
                "enableSecureBoot": True,
                "enableVtpm": True,
                "enableIntegrityMonitoring": True,
            },
            "metadata": {"items": [{"key": "startup-script", "value": f"echo {CANARY}"}]},
        },
    )
    e.global_(
        "firewalls",
        {
            "name": "allow-iap-ssh",
            "network": net["selfLink"],
            "direction": "INGRESS",
            "priority": 1000,
            "sourceRanges": ["35.235.240.0/20"],
            "targetServiceAccounts": ["trainer@ml-hardened.iam.gserviceaccount.com"],
            "allowed": [{"IPProtocol": "tcp", "ports": ["22"]}],
        },
        aggregated=False,
    )
    modern = e.global_(
        "sslPolicies", {"name": "modern", "profile": "MODERN", "minTlsVersion": "TLS_1_2"}
    )
    _lb(e, modern["selfLink"], "inference")


def broken(api: ComputeApi) -> None:
    api.faults["ml-denied"] = denied
    api.faults["ml-disabled"] = disabled
    api.faults[("ml-quota", "instances")] = quota
    api.unreachable[("ml-quota", "disks")] = ["zones/asia-east1-a"]
    api.aggregated.setdefault("ml-quota", {})
    api.global_.setdefault("ml-quota", {})


def seed(api: ComputeApi) -> None:
    insecure(api)
    hardened(api)
    broken(api)
