"""Terraform collectors: HCL directories (`--terraform DIR`) and plans (`--plan PLAN.json`).

Both read into the same intermediate form and share one normaliser (normalise.py), so
that the same infrastructure gives the same normalised resources as code and as a plan.
Resource ids are Terraform addresses. checkov is imported only when HCL is read.
"""

from auditor.collectors.terraform.hcl import TerraformCollector
from auditor.collectors.terraform.plan import PlanCollector

__all__ = ["PlanCollector", "TerraformCollector"]
