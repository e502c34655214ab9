"""The read-only IAM policy the collector needs, derived from the declarations.

`python -m auditor.collectors.aws.permissions` prints it; deploy/aws-readonly-policy.json
is its output, and a test checks that the file is current and that every operation the
collector calls against moto is allowed by it.
"""

from __future__ import annotations

import json
import sys

from auditor.collectors.aws.collector import ACCOUNT_CALLS
from auditor.collectors.aws.query import iam_action
from auditor.collectors.aws.resources import RESOURCE_TYPES, calls


def actions() -> list[str]:
    """Every IAM action any declared call (or account-level call) needs, sorted."""
    found = {iam_action(service, call) for service, call in ACCOUNT_CALLS}
    for rt in RESOURCE_TYPES:
        found |= {iam_action(rt.service, call) for call in calls(rt)}
    return sorted(found)


def policy() -> dict[str, object]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AiInfraAuditorReadOnly",
                "Effect": "Allow",
                "Action": actions(),
                "Resource": "*",
            }
        ],
    }


def policy_json() -> str:
    return json.dumps(policy(), indent=2) + "\n"


if __name__ == "__main__":
    sys.stdout.write(policy_json())
