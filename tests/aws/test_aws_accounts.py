"""Credentials and scope as AWS users expect: assumed roles (another account), profiles,
refresh before expiry, and progress on a terminal only."""

from __future__ import annotations

import io
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from botocore.credentials import RefreshableCredentials

from auditor.cli import main
from auditor.collectors.aws.session import assumed_session
from auditor.context import Environment

from .conftest import environment
from .helpers import cli
from .proxy import misbehaving_proxy

OTHER_ACCOUNT = "111111111111"
ROLE = f"arn:aws:iam::{OTHER_ACCOUNT}:role/auditor"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _seed_other_account() -> None:
    creds = boto3.client("sts").assume_role(RoleArn=ROLE, RoleSessionName="seed")["Credentials"]
    other = boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name="us-east-1",
    )
    other.client("s3").create_bucket(Bucket="other-account-models")


def test_assumed_role_audits_the_role_account_with_progress_on_a_terminal(
    estate: dict[str, Any], moto_endpoint: str, aws_config_dir: Path, tmp_path: Path
) -> None:
    with environment(moto_endpoint, aws_config_dir):
        _seed_other_account()
        env = Environment(stdout=io.StringIO(), stderr=Terminal())
        args = ["collect", "--aws-role-arn", ROLE, "--aws-external-id", "ext-123"]
        args += ["--regions", "us-east-1", "--aws-max-attempts", "2"]
        code = main([*args, "--out", str(tmp_path / "snap.json")], env)
    assert code == 0, env.stderr.getvalue()
    snap = json.loads((tmp_path / "snap.json").read_text())
    assert {r["scope"] for r in snap["resources"]} == {f"aws:{OTHER_ACCOUNT}"}
    buckets = [r["name"] for r in snap["resources"] if r["kind"] == "aws_s3_bucket"]
    assert buckets == ["other-account-models"]
    assert {c["scope"] for c in snap["coverage"]} == {f"aws:{OTHER_ACCOUNT}"}
    (account,) = snap["sources"][0]["accounts"]
    assert account["account"] == OTHER_ACCOUNT and account["via"] == f"role:{ROLE}"
    assert account["caller_arn"].startswith(f"arn:aws:sts::{OTHER_ACCOUNT}:assumed-role/auditor/")
    progress = env.stderr.getvalue()
    assert f"aws {OTHER_ACCOUNT} us-east-1: ec2" in progress
    assert f"aws {OTHER_ACCOUNT} us-east-1: sagemaker" in progress


def test_a_role_that_cannot_be_assumed_is_a_gap_named_for_assume_role(
    estate: dict[str, Any], moto_endpoint: str, aws_config_dir: Path, tmp_path: Path
) -> None:
    """sts:AssumeRole denied: the role's account is a whole-scope coverage error whose
    reason names the call that failed (not GetCallerIdentity, which never ran), and the
    scan says it is incomplete."""

    def decide(region: str, service: str, target: str) -> str | None:
        return "deny" if service == "sts" and target == "AssumeRole" else None

    with (
        misbehaving_proxy(moto_endpoint, decide) as proxy,
        environment(proxy, aws_config_dir),
    ):
        res = cli(
            "collect", "--aws-role-arn", ROLE, "--regions", "us-east-1", "-q",
            "--aws-max-attempts", "2", "--out", str(tmp_path / "snap.json"),
        )  # fmt: skip
    assert res.code == 3, res.stderr
    snap = json.loads((tmp_path / "snap.json").read_text())
    assert snap["resources"] == []
    (gap,) = snap["coverage"]
    assert (gap["scope"], gap["kind"], gap["status"]) == (f"aws:{OTHER_ACCOUNT}", "*", "error")
    assert gap["reason"].startswith(f"role:{ROLE}: sts:AssumeRole denied"), gap["reason"]


def test_progress_stays_off_when_stderr_is_not_a_terminal(
    estate: dict[str, Any], moto_endpoint: str, aws_config_dir: Path, tmp_path: Path
) -> None:
    with environment(moto_endpoint, aws_config_dir):
        res = cli(
            "collect", "--aws-role-arn", ROLE, "--regions", "us-east-1", "-q",
            "--out", str(tmp_path / "snap.json"),
        )  # fmt: skip
    assert res.code == 0
    assert res.stderr == ""


def test_assumed_credentials_refresh_before_they_expire(
    moto_endpoint: str, aws_config_dir: Path
) -> None:
    with environment(moto_endpoint, aws_config_dir):
        session = assumed_session(boto3.Session(), ROLE, "ai-infra-auditor", "ext-123")
        creds = session._session._credentials
        assert isinstance(creds, RefreshableCredentials)
        first = creds.get_frozen_credentials().access_key
        creds._expiry_time = datetime.now(UTC) + timedelta(minutes=5)  # inside the window
        second = creds.get_frozen_credentials().access_key
        assert first != second
        identity = session.client("sts").get_caller_identity()
    assert identity["Account"] == OTHER_ACCOUNT


def test_profiles_name_accounts_and_a_missing_profile_is_bad_input(
    estate: dict[str, Any], moto_endpoint: str, aws_config_dir: Path, tmp_path: Path
) -> None:
    config = tmp_path / "config"
    config.write_text("[profile audit]\nregion = us-east-1\n")
    credentials = tmp_path / "credentials"
    credentials.write_text(
        "[audit]\naws_access_key_id = testing\naws_secret_access_key = testing\n"
    )
    extra = {"AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": str(credentials)}
    with environment(moto_endpoint, aws_config_dir, **extra):
        good = cli("collect", "--aws-profile", "audit", "--regions", "us-east-1",
                   "--out", str(tmp_path / "a.json"))  # fmt: skip
        bad = cli("collect", "--aws-profile", "nope", "--regions", "us-east-1",
                  "--out", str(tmp_path / "b.json"))  # fmt: skip
    assert good.code == 0, good.stderr
    snap = json.loads((tmp_path / "a.json").read_text())
    assert snap["sources"][0]["accounts"][0]["via"] == "profile:audit"
    assert bad.code == 2
    assert "nope" in bad.stderr


def test_unreadable_credentials_are_a_gap_for_the_whole_scope(
    moto_endpoint: str, aws_config_dir: Path, tmp_path: Path
) -> None:
    """No credentials at all: nothing can be read, so nothing may pass (exit 3)."""
    with environment(moto_endpoint, aws_config_dir):
        os.environ.pop("AWS_ACCESS_KEY_ID")
        os.environ.pop("AWS_SECRET_ACCESS_KEY")
        res = cli("scan", "--aws", "--regions", "us-east-1", "--no-store", "-o", "json")
    assert res.code == 3, res.stderr
    doc = res.json()
    assert [(c["kind"], c["status"]) for c in doc["coverage"]] == [("*", "error")]
    assert "no AWS credentials" in doc["coverage"][0]["reason"]
    assert {r["status"] for r in doc["results"]} == {"error"}


def test_sources_record_who_collected_and_no_credential(
    estate: dict[str, Any], moto_endpoint: str, aws_config_dir: Path, tmp_path: Path
) -> None:
    """sts:GetCallerIdentity's Account and Arn land in the snapshot's sources (and so in
    an evidence bundle's identities); the access key and secret that made the calls
    appear nowhere."""
    from auditor.evidence import identities

    with environment(moto_endpoint, aws_config_dir):
        iam = boto3.client("iam")
        iam.create_user(UserName="auditor-cron")
        key = iam.create_access_key(UserName="auditor-cron")["AccessKey"]
        user_arn = iam.get_user(UserName="auditor-cron")["User"]["Arn"]
    creds = {
        "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
    }
    out = tmp_path / "snap.json"
    with environment(moto_endpoint, aws_config_dir, **creds):
        res = cli("collect", "--aws", "--regions", "us-east-1", "--aws-max-attempts", "2",
                  "--out", str(out))  # fmt: skip
    assert res.code == 0, res.stderr
    text = out.read_text()
    (source,) = json.loads(text)["sources"]
    (account,) = source["accounts"]
    assert user_arn == "arn:aws:iam::123456789012:user/auditor-cron"
    assert account["account"] == "123456789012"
    assert account["caller_arn"] == user_arn
    assert identities([source])[0]["accounts"][0]["caller_arn"] == user_arn
    for secret in (key["AccessKeyId"], key["SecretAccessKey"]):
        assert secret not in text
        assert secret not in res.stdout + res.stderr
