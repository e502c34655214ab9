"""Checks of the Terraform parse workers, run by tests/test_terraform_hcl.py in a fresh
process: workers are forked only from a single-threaded process, and the test process
has server threads running by the time these tests come (moto, the fake API servers).
Each check raises AssertionError on failure; the caller shows its output."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from auditor.collectors.base import ReadsAhead
from auditor.collectors.terraform import TerraformCollector
from auditor.collectors.terraform.parallel_parse import parse_ahead


def parsed_ahead_by_workers() -> None:
    """hcl/broken: the good file's parse and the bad file's error, line and message."""
    os.environ["AUDITOR_TERRAFORM_WORKERS"] = "2"
    with parse_ahead(Path("hcl/broken")) as ahead:
        assert ahead is not None
        ahead.wait()
        good = ahead.take(str(Path("hcl/broken/good.tf").resolve()))
        bad = ahead.take(str(Path("hcl/broken/bad.tf").resolve()))
    assert good is not None and "resource" in good[0]
    assert bad is not None and bad[0] is None and bad[1] is not None
    message, line, _column = bad[1]
    assert (line, message) == (7, "unexpected '\"oops\"' (column 32)"), (line, message)


def main_process_steals(directory: str) -> None:
    """steal() parses, smallest first, what the worker has not started; with the
    worker's parses, every file is then given to checkov's loader, none left over."""
    os.environ["AUDITOR_TERRAFORM_WORKERS"] = "1"
    root = Path(directory)
    for i in range(40):
        body = "".join(
            f'resource "aws_s3_bucket" "b{i}_{j}" {{\n  bucket = "b-{j}"\n}}\n'
            for j in range(i + 1)
        )
        (root / f"f{i:02}.tf").write_text(body)
    (root / "broken.tf").write_text('resource "aws_s3_bucket" "x" {\n  bucket = = 1\n}\n')
    with parse_ahead(root) as ahead:
        assert ahead is not None
        stolen = ahead.steal()
        assert 0 < stolen <= 41, stolen  # the worker has at most a few files in hand
        assert not any(f.cancelled() for f in ahead._futures.values())
        taken = {Path(p).name: ahead.take(p) for p in list(ahead._futures)}
    assert len(taken) == 41 and all(t is not None for t in taken.values())
    blocks = taken["f39.tf"][0]["resource"]  # type: ignore[index]
    assert [next(iter(b["aws_s3_bucket"])) for b in blocks] == [f"b39_{j}" for j in range(40)]
    data, error = taken["broken.tf"]  # type: ignore[misc]
    assert data is None and error is not None and error[1] == 2, error


def read_ahead_is_what_collect_uses() -> None:
    """`auditor scan` starts the parse workers before compiling the policies
    (TerraformCollector.reading_ahead); collect() takes their parses and gives the
    snapshot it gives without them."""
    os.environ["AUDITOR_TERRAFORM_WORKERS"] = "1"
    collector = TerraformCollector("hcl/broken")
    assert isinstance(collector, ReadsAhead)
    with collector.reading_ahead():
        ahead = collector._ahead
        assert ahead is not None
        ahead.wait()
        read_ahead = collector.collect().to_dict()
        assert ahead._futures == {}  # every file was taken from the workers
    assert collector._ahead is None
    os.environ["AUDITOR_TERRAFORM_WORKERS"] = "0"
    alone = TerraformCollector("hcl/broken").collect().to_dict()
    for data in (read_ahead, alone):
        data.pop("created_at")
    assert read_ahead == alone
    assert read_ahead["problems"]  # the broken file's parse error came through the worker


if __name__ == "__main__":
    globals()[sys.argv[1]](*sys.argv[2:])
    print("ok")
