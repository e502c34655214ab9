"""One handler per sub-command: turn parsed arguments into calls to core and print.

Imported only when a command runs (never for --help/--version).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from auditor import core
from auditor.context import Environment
from auditor.errors import InputError
from auditor.exitcodes import ExitStatus


def _sources(args: argparse.Namespace) -> core.SourceOptions:
    from auditor.collectors.aws.options import aws_options_from_args
    from auditor.collectors.gcp.options import gcp_options_from_args
    from auditor.collectors.kubernetes.options import k8s_options_from_args

    return core.SourceOptions(
        terraform=args.terraform,
        plans=args.plan,
        aws=aws_options_from_args(args),
        gcp=gcp_options_from_args(args),
        manifests=args.manifests,
        k8s=k8s_options_from_args(args),
    )


def _eval_options(args: argparse.Namespace) -> core.EvalOptions:
    return core.EvalOptions(
        policy_dirs=args.policies,
        config_path=args.config,
        engine=args.engine,
        opa_url=args.opa_url,
        controls=[c.strip() for c in args.controls.split(",") if c.strip()],
        fail_on=args.fail_on,
        waivers_path=args.waivers,
        framework=getattr(args, "framework", None),
        workers=args.workers,
    )


def _check_outputs(outputs: list[str]) -> None:
    """Refuse bad -o combinations before a long scan runs, not after."""
    from auditor.reporters import check_output_specs

    check_output_specs(outputs)


def cmd_scan(args: argparse.Namespace, env: Environment) -> int:
    from auditor.history_cli import history_options

    _check_outputs(args.output)
    evidence = None
    if args.evidence or args.sign_key:
        from auditor.evidence import EvidenceOptions

        evidence = EvidenceOptions.from_args(args)
    return core.scan(
        _sources(args),
        _eval_options(args),
        args.output,
        env,
        history_options(args),
        evidence=evidence,
    )


def cmd_collect(args: argparse.Namespace, env: Environment) -> int:
    snapshot = core.collect(_sources(args), env)
    snapshot.write(Path(args.out))
    core.report_problems(snapshot.problems, env)
    gaps = [c for c in snapshot.coverage if c.status != "collected"]
    if not env.quiet:
        print(
            f"wrote {args.out}: {len(snapshot.resources)} resources, "
            f"{len(gaps)} coverage gaps, {len(snapshot.problems)} input problems",
            file=env.stderr,
        )
    if snapshot.problems:
        return ExitStatus.BAD_INPUT
    return ExitStatus.INCOMPLETE if gaps else ExitStatus.OK


def cmd_evaluate(args: argparse.Namespace, env: Environment) -> int:
    from auditor.history_cli import history_options
    from auditor.store.recording import Recorder

    _check_outputs(args.output)
    recorder = Recorder(history_options(args), env)
    recorder.check()  # a bad --store is exit 2 before any work
    snapshot = core.load_snapshot(args.snapshot)
    doc, status = core.evaluate(snapshot, _eval_options(args), env)
    status = recorder.record(doc, status, "evaluate")
    core.report_problems(doc["problems"], env)
    core.write_reports(doc, args.output, env, args.framework)
    return status


def cmd_report(args: argparse.Namespace, env: Environment) -> int:
    _check_outputs(args.output)
    doc = core.load_document(args.document)
    core.write_reports(doc, args.output, env, args.framework)
    return int(doc.get("summary", {}).get("exit_code", 0))


def cmd_evidence(args: argparse.Namespace, env: Environment) -> int:
    from auditor.evidence import cmd_verify

    if args.evidence_command != "verify":
        raise InputError("evidence needs an action: verify DIR [--public-key PUB.pem]")
    return cmd_verify(args.dir, args.public_key, env)


def cmd_history(args: argparse.Namespace, env: Environment) -> int:
    from auditor.history_cli import cmd_history as history

    return history(args, env)


def cmd_policy(args: argparse.Namespace, env: Environment) -> int:
    from auditor.policy.loader import load_policies

    action = args.policy_command
    if action is None:
        raise InputError("policy needs an action: list, show ID, frameworks or test [DIR]")
    extra = list(args.policies)
    if action == "test" and args.dir and not any(Path(d) == Path(args.dir) for d in extra):
        if not Path(args.dir).exists():
            raise InputError("policy folder not found", args.dir)
        builtin = _builtin_dir()
        if not _same_or_under(Path(args.dir), builtin):
            extra.append(args.dir)
    policy_set = load_policies(extra)
    if action == "list":
        return _policy_list(policy_set, env)
    if action == "frameworks":
        from auditor.framework_matrix import matrix, render

        data = matrix(policy_set.controls, args.framework)
        print(render(data, args.format), file=env.stdout)
        return ExitStatus.OK
    if action == "show":
        return _policy_show(policy_set, args.control_id, env)
    return _policy_test(policy_set, args, env)


def _builtin_dir() -> Path:
    from auditor.policy.loader import builtin_policy_dir

    return builtin_policy_dir()


def _same_or_under(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _policy_list(policy_set, env: Environment) -> int:
    from tabulate import tabulate

    rows = [(c.id, c.severity, c.domain, c.title) for c in policy_set.controls]
    print(tabulate(rows, headers=["ID", "SEVERITY", "DOMAIN", "TITLE"]), file=env.stdout)
    print(f"\n{len(rows)} controls", file=env.stdout)
    return ExitStatus.OK


def _policy_show(policy_set, control_id: str, env: Environment) -> int:
    control = policy_set.control(control_id)
    if control is None:
        raise InputError(f"no control {control_id} (see `auditor policy list`)")
    out = env.stdout
    print(f"{control.id}  {control.title}", file=out)
    print(f"severity:       {control.severity}", file=out)
    print(f"domain:         {control.domain}", file=out)
    print(f"resource kinds: {', '.join(control.resource_kinds)}", file=out)
    print(f"file:           {control.path}", file=out)
    if control.aliases:
        print(f"aliases:        {', '.join(control.aliases)}", file=out)
    if control.description:
        print(f"\n{control.description}", file=out)
    print("\nframeworks:", file=out)
    for name, ids in sorted(control.frameworks.items()):
        print(f"  {name}: {', '.join(ids)}", file=out)
    print(f"\nremediation:\n  {control.remediation}", file=out)
    return ExitStatus.OK


def _policy_test(policy_set, args: argparse.Namespace, env: Environment) -> int:
    from auditor.engines.base import RegoError
    from auditor.policy.builtins import check_builtins
    from auditor.policy.testing import run_tests

    check_builtins(policy_set.files)
    try:
        outcomes = run_tests(policy_set, Path(args.dir) if args.dir else None)
    except RegoError as exc:
        raise InputError(exc.message, exc.file, exc.line) from None
    failed = [t for t in outcomes if t.status != "pass"]
    for t in outcomes:
        if t.status != "pass" or args.verbose:
            label = {"pass": "PASS", "fail": "FAIL", "error": "ERROR"}[t.status]
            detail = f" ({t.message})" if t.message else ""
            print(f"{label}: {t.file}:{t.line}: data.{t.package}.{t.name}{detail}", file=env.stdout)
    passed = len(outcomes) - len(failed)
    print(f"{passed} passed, {len(failed)} failed", file=env.stdout)
    if not outcomes:
        print("no test_* rules found", file=env.stderr)
        return ExitStatus.FAILURES
    return ExitStatus.FAILURES if failed else ExitStatus.OK
