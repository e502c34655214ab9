"""The declarations, the IAM policy derived from them, the normalisers on recorded
answers (the shapes moto cannot produce), redaction and error classification."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError, ReadTimeoutError

from auditor.collectors.aws import permissions
from auditor.collectors.aws import session as sessions
from auditor.collectors.aws.collector import ENABLED_REGION_FILTER, AwsCollector
from auditor.collectors.aws.normalise import Unit
from auditor.collectors.aws.options import AwsOptions
from auditor.collectors.aws.query import classify, mark_unknown
from auditor.collectors.aws.resources import BY_KIND, RESOURCE_TYPES
from auditor.kinds import validate_attributes
from auditor.model import Resource
from auditor.redact import REDACTED, redact_tags, redact_text, secret_key

from .conftest import environment

REPO = Path(__file__).resolve().parents[2]
POLICY_FILE = REPO / "deploy" / "aws-readonly-policy.json"
RECORDED = json.loads((Path(__file__).parent / "recorded" / "answers.json").read_text())
_core = botocore.session.get_session()

# IAM actions whose names differ from "<prefix>:<Operation>" (AWS Service Authorization
# Reference), written here independently of the declarations so that a wrong override
# in resources.py fails the test.
TRUE_ACTIONS = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3", "GetBucketLifecycleConfiguration"): "s3:GetLifecycleConfiguration",
    ("s3control", "GetPublicAccessBlock"): "s3:GetAccountPublicAccessBlock",
}
PREFIX = {"elbv2": "elasticloadbalancing", "apigatewayv2": "apigateway"}


def true_action(service: str, op: str) -> str:
    if (service, op) in TRUE_ACTIONS:
        return TRUE_ACTIONS[(service, op)]
    if service in ("apigateway", "apigatewayv2") and op.startswith("Get"):
        return "apigateway:GET"
    return f"{PREFIX.get(service, service)}:{op}"


# --- declarations -----------------------------------------------------------------------


def test_every_list_call_is_paginated_or_has_no_pagination_at_all() -> None:
    for rt in RESOURCE_TYPES:
        if rt.enum is None:
            continue
        client = _core.create_client(
            rt.service, "us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
        )
        name = botocore.xform_name(rt.enum.op)
        if rt.enum.single:
            # Explicitly unpaginated: only where the API has no pagination to use.
            assert not client.can_paginate(name), rt.kind
            op = client.meta.service_model.operation_model(rt.enum.op)
            tokens = {"NextToken", "nextToken", "Marker", "NextMarker", "position"}
            assert not tokens & set(op.input_shape.members if op.input_shape else ()), rt.kind
        else:
            assert client.can_paginate(name) or rt.enum.tokens, rt.kind
        if rt.service == "ec2" and not rt.singleton:
            assert rt.enum.page_size, f"{rt.kind}: EC2 describes are paginated (MaxResults)"


def test_every_declared_kind_has_a_schema_and_every_aws_kind_is_declared() -> None:
    from auditor.kinds import known_kinds

    declared = {rt.kind for rt in RESOURCE_TYPES}
    assert declared <= set(known_kinds())
    # aws_ecs_task_definition is a Terraform-side kind for now (issue 4 lists no ECS).
    assert {k for k in known_kinds() if k.startswith("aws_")} - declared == {
        "aws_ecs_task_definition"
    }


def test_the_shipped_policy_is_the_one_derived_from_the_declarations() -> None:
    assert POLICY_FILE.read_text() == permissions.policy_json(), (
        "regenerate: python -m auditor.collectors.aws.permissions > deploy/aws-readonly-policy.json"
    )


def test_the_policy_grants_read_actions_only_and_no_wildcards() -> None:
    policy = json.loads(POLICY_FILE.read_text())
    (statement,) = policy["Statement"]
    assert statement["Effect"] == "Allow"
    for action in statement["Action"]:
        assert "*" not in action
        assert re.fullmatch(r"[a-z0-9-]+:(Describe|List|Get)[A-Za-z0-9]*", action) or (
            action == "apigateway:GET"
        ), action


def test_every_operation_the_collector_calls_is_allowed_by_the_policy(
    estate: dict[str, Any], moto_endpoint: str, aws_config_dir: Path
) -> None:
    """Drive the collector against moto with botocore hooks recording every operation it
    calls (the default region discovery included: the answer is trimmed to two regions)."""
    called: set[tuple[str, str]] = set()
    region_filters: list[Any] = []

    def record(model: Any, params: dict[str, Any], **_: Any) -> None:
        called.add((model.service_model.service_name, model.name))
        if model.name == "DescribeRegions":
            region_filters.append(params.get("Filters"))

    def trim(parsed: dict[str, Any], **_: Any) -> None:
        parsed["Regions"] = [
            r for r in parsed["Regions"] if r["RegionName"] in ("us-east-1", "eu-west-1")
        ]

    def recorded_session() -> boto3.Session:
        session = boto3.Session()
        session.events.register("before-parameter-build", record)
        session.events.register("after-call.ec2.DescribeRegions", trim)
        return session

    factory = SimpleNamespace(
        **{k: getattr(sessions, k) for k in dir(sessions) if not k.startswith("_")}
    )
    factory.default_session = recorded_session
    with environment(moto_endpoint, aws_config_dir):
        snapshot = AwsCollector(AwsOptions(max_attempts=2), session_factory=factory).collect()
    assert {c.region for c in snapshot.coverage} == {"us-east-1", "eu-west-1", None}
    assert region_filters == [ENABLED_REGION_FILTER]
    allowed = set(json.loads(POLICY_FILE.read_text())["Statement"][0]["Action"])
    missing = {true_action(s, op) for s, op in called} - allowed
    assert not missing
    # And the policy holds nothing the collector never calls (moto covers every call).
    assert allowed - {true_action(s, op) for s, op in called} == set()


def test_importing_the_collector_has_no_side_effects() -> None:
    code = (
        "import sys\n"
        "import auditor.collectors.aws, auditor.collectors.aws.options\n"
        "import auditor.collectors.aws.resources, auditor.collectors.aws.normalise\n"
        "print('BOTO3', 'boto3' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "BOTO3 False" in out.stdout


# --- normalisers on recorded answers ---------------------------------------------------


def _shape_errors(value: Any, shape: Any, where: str) -> list[str]:
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{where}: not an object"]
        errors = []
        for key, sub in value.items():
            if key not in shape.members:
                errors.append(f"{where}.{key}: not in the botocore shape {shape.name}")
            else:
                errors += _shape_errors(sub, shape.members[key], f"{where}.{key}")
        return errors
    if kind == "list":
        if not isinstance(value, list):
            return [f"{where}: not a list"]
        return [
            e for i, v in enumerate(value) for e in _shape_errors(v, shape.member, f"{where}[{i}]")
        ]
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{where}: not a map"]
        return [e for k, v in value.items() for e in _shape_errors(v, shape.value, f"{where}[{k}]")]
    return []


def _answer(spec: dict[str, Any]) -> Any:
    """A recorded answer, checked against the operation's botocore output shape."""
    value = spec["value"]
    if "op" in spec:
        output = _core.get_service_model(spec["service"]).operation_model(spec["op"]).output_shape
        shape = output.members[spec["path"]] if spec.get("path") else output
        if spec.get("path") and shape.type_name == "list" and not isinstance(value, list):
            shape = shape.member
        assert _shape_errors(value, shape, spec["op"]) == []
    return {spec["wrap"]: value} if spec.get("wrap") else value


@pytest.mark.parametrize("kind", sorted(RECORDED))
def test_normaliser_on_a_recorded_answer(kind: str) -> None:
    case = RECORDED[kind]
    raw = dict(_answer(case["item"]))
    raw.update(case.get("extra", {}))
    for key, spec in case.get("details", {}).items():
        raw[key] = _answer(spec)
    normalised = BY_KIND[kind].normalise(raw, Unit(account="123456789012", region=case["region"]))
    assert validate_attributes(kind, normalised.attributes) == []
    assert normalised.attributes == case["expected"]
    assert "hf_RecordedCanary" not in json.dumps(normalised.attributes)


def test_a_failed_detail_call_makes_its_attributes_unknown_not_guessed() -> None:
    case = RECORDED["aws_wafv2_web_acl"]
    raw = dict(
        _answer(case["item"]), **case["extra"], describe=case["details"]["describe"]["value"]
    )
    # The ListResourcesForWebACL calls failed: the machinery leaves their answers None.
    raw["load_balancers"] = raw["api_stages"] = None
    n = BY_KIND["aws_wafv2_web_acl"].normalise(
        raw, Unit(account="123456789012", region="eu-west-1")
    )
    assert n.attributes["associated_resources"] == []  # what the machinery then drops:
    r = Resource(n.id, "aws_wafv2_web_acl", n.name, "aws", "aws:123456789012", n.attributes)
    reason = "wafv2:ListResourcesForWebACL denied (AccessDenied)"
    mark_unknown(r, {"associated_resources": reason})
    assert "associated_resources" not in r.attributes
    assert r.unknown == {"associated_resources": reason}


# --- redaction and classification --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "AKIAIOSFODNN7EXAMPLE",
        "token hf_abcdefghijklmnopqrstuvwxyz0123",
        "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
        "key sk-proj-abcdefghijklmnopqrstuvwxyz",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----",
        "db password=hunter2hunter2",
        "xoxb-1234567890-abcdefghij",
    ],
)
def test_credential_shapes_are_redacted(text: str) -> None:
    out = redact_text(text)
    assert REDACTED in out
    for secret in (
        "AKIAIOSFODNN7EXAMPLE",
        "hf_abc",
        "ghp_abc",
        "sk-proj",
        "eyJhbG",
        "MIIEow",
        "hunter2",
        "xoxb-",
    ):
        assert secret not in out


@pytest.mark.parametrize(
    "text", ["risk-model-v1", "ml.g5.xlarge", "arn:aws:s3:::ask-the-model", "keyboard"]
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact_text(text) == text


def test_tag_values_under_secret_keys_are_dropped() -> None:
    tags = {"Name": "gpu", "db_password": "x", "API-Token": "y", "ssh-key": "z", "monkey": "ok"}
    assert redact_tags(tags) == {
        "Name": "gpu",
        "db_password": REDACTED,
        "API-Token": REDACTED,
        "ssh-key": REDACTED,
        "monkey": "ok",
    }
    assert not secret_key("keyboard-layout")


def _client_error(code: str, status: int = 400, message: str = "m") -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": status},
        },
        "Op",
    )


@pytest.mark.parametrize(
    "exc,reason,region_wide",
    [
        (_client_error("AccessDenied"), "s3:GetBucketPolicy denied (AccessDenied: m)", False),
        (_client_error("UnauthorizedOperation"), "s3:GetBucketPolicy denied", False),
        (
            _client_error("ThrottlingException"),
            "s3:GetBucketPolicy throttled after 5 attempts",
            False,
        ),
        (_client_error("OptInRequired"), "region not enabled for this account", True),
        (_client_error("SubscriptionRequiredException"), "service not enabled", False),
        (ReadTimeoutError(endpoint_url="https://x"), "timeout after 5 attempts", True),
    ],
)
def test_failures_are_classified(exc: Exception, reason: str, region_wide: bool) -> None:
    failed = classify(exc, "s3:GetBucketPolicy", 5)
    assert failed.reason.startswith(reason)
    assert failed.region_wide is region_wide


def test_error_messages_lose_credential_shapes() -> None:
    failed = classify(_client_error("AccessDenied", message="key AKIAIOSFODNN7EXAMPLE"), "a:B", 1)
    assert "AKIAIOSFODNN7EXAMPLE" not in failed.reason
