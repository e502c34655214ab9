"""The snapshot document round-trips and validates against its published schema."""

from __future__ import annotations

import json
from dataclasses import asdict, fields

from auditor.kinds import known_kinds, validate_attributes
from auditor.model import (
    SCHEMA_VERSION,
    Coverage,
    Location,
    Problem,
    Resource,
    Result,
    Snapshot,
)
from auditor.validation import snapshot_errors


def sample() -> Snapshot:
    return Snapshot(
        created_at="2026-11-25T00:00:00Z",
        sources=[{"source": "terraform", "target": "infra"}],
        resources=[
            Resource(
                id="aws_instance.gpu",
                kind="aws_instance",
                name="gpu",
                source="terraform",
                scope="terraform:infra",
                attributes={"instance_type": "p4d.24xlarge", "public_ip": False},
                unknown={"metadata_options.http_tokens": "known after apply"},
                location=Location("main.tf", 3, 20),
            )
        ],
        coverage=[Coverage("terraform", "terraform:infra", "*", "collected", count=1)],
        problems=[Problem("terraform", "bad", "x.tf", 2)],
    )


def test_round_trip_and_schema() -> None:
    data = json.loads(json.dumps(sample().to_dict()))
    assert data["schema_version"] == SCHEMA_VERSION
    assert snapshot_errors(data) == []
    assert Snapshot.from_dict(data).to_dict() == data


def test_schema_rejects_wrong_shapes() -> None:
    data = sample().to_dict()
    data["resources"][0]["attributes"]["public_ip"] = "yes"
    data["coverage"][0]["status"] = "maybe"
    errors = snapshot_errors(data)
    assert any("status" in e or "maybe" in e for e in errors), errors
    data["coverage"][0]["status"] = "collected"
    errors = snapshot_errors(data)
    assert errors == [
        "resources/0 (aws_instance.gpu): aws_instance.attributes['public_ip']: "
        "'yes' is not of type 'boolean', 'null'"
    ]


def test_every_kind_schema_is_a_valid_schema() -> None:
    import jsonschema

    from auditor.kinds import kind_schema

    kinds = known_kinds()
    assert "aws_instance" in kinds and "google_compute_firewall" in kinds
    for kind in kinds:
        jsonschema.Draft202012Validator.check_schema(kind_schema(kind))
        assert validate_attributes(kind, {}) == []
        assert validate_attributes(kind, {"no_such_attribute": 1}) != []


def test_problem_names_file_and_line() -> None:
    assert str(Problem("terraform", "unexpected token", "main.tf", 7)) == (
        "main.tf:7: unexpected token"
    )


def test_hand_written_to_dict_matches_every_field() -> None:
    """Resource and Result serialise shallowly by hand (speed); a field added to the
    dataclass and forgotten in to_dict would silently vanish from every report."""
    where = Location("main.tf", 3, 9)
    resource = Resource(
        "aws_instance.a",
        "aws_instance",
        "a",
        "terraform",
        "tf:.",
        {"x": [1]},
        {"t": "v"},
        "1",
        "eu-west-1",
        where,
        {"y": "why"},
    )
    assert resource.to_dict() == asdict(resource)
    result = Result(
        "NET-01",
        "title",
        "high",
        "network",
        "fail",
        "aws_instance.a",
        "aws_instance",
        "m",
        "terraform",
        "tf:.",
        where,
        [{"attribute": "x"}],
        {"nist": ["AC-4"]},
        "fix",
        {"id": "w"},
    )
    assert result.to_dict() == asdict(result)
    assert {f.name for f in fields(Result)} == set(result.to_dict())
    bare = Result("NET-01", "t", "high", "network", "pass", "r", None, "")
    assert bare.to_dict() == {k: v for k, v in asdict(bare).items() if k != "waiver"}
