"""Policy-as-code auditor for AI infrastructure.

Kept import-free so that `auditor --version` and `--help` stay fast: heavy libraries
(checkov, regorus, boto3) are imported by the stage that needs them.
"""

__version__ = "0.1.0"
