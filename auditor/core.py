"""Program logic behind the CLI: collect, evaluate, report. No argument parsing here.

Each function takes plain options and the Environment and returns an ExitStatus, so
that tests drive the program through `auditor.cli.main(args, env)` and check exit status
and output, as users see them.
"""

from __future__ import annotations

import json
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.collectors.base import Collector, ReadsAhead
from auditor.config import Config, load_config
from auditor.context import Environment, cycle_collector_running
from auditor.document import RunInfo, build_document, exit_status, now_utc
from auditor.errors import InputError
from auditor.exitcodes import ExitStatus
from auditor.model import Problem, Snapshot
from auditor.policy.loader import Control, PolicySet, load_policies

if TYPE_CHECKING:
    from auditor.store.recording import HistoryOptions


@dataclass
class SourceOptions:
    terraform: list[str] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)
    aws: Any = None  # auditor.collectors.aws.AwsOptions when --aws (or a profile/role) is given
    gcp: Any = None  # auditor.collectors.gcp.GcpOptions when --gcp (or --gcp-project) is given
    manifests: list[str] = field(default_factory=list)  # --manifests PATH
    k8s: Any = None  # auditor.collectors.kubernetes.K8sOptions when --k8s or --context

    def collectors(self) -> list[Collector]:
        found: list[Collector] = []
        if self.terraform or self.plans:
            from auditor.collectors.terraform import PlanCollector, TerraformCollector

            found += [TerraformCollector(p) for p in self.terraform]
            found += [PlanCollector(p) for p in self.plans]
        if self.aws is not None:
            from auditor.collectors.aws import AwsCollector

            found.append(AwsCollector(self.aws))
        if self.gcp is not None:
            from auditor.collectors.gcp import GcpCollector

            found.append(GcpCollector(self.gcp))
        if self.manifests or self.k8s is not None:
            from auditor.collectors import kubernetes as k8s

            found += [k8s.ManifestCollector(p) for p in self.manifests]
            if self.k8s is not None:
                found.append(k8s.K8sCollector(self.k8s))
        return found


@dataclass
class EvalOptions:
    policy_dirs: list[str] = field(default_factory=list)
    config_path: str | None = None
    engine: str = "embedded"
    opa_url: str | None = None
    controls: list[str] = field(default_factory=list)
    fail_on: str = "high"
    waivers_path: str | None = None  # --waivers FILE (auditor/waivers.py)
    framework: str | None = None  # --framework NAME: a framework key of the controls
    workers: int = 0  # --workers N: evaluation processes; 0 chooses (auditor/workers.py)


def collect(
    sources: SourceOptions, env: Environment, collectors: list[Collector] | None = None
) -> Snapshot:
    """Run every requested collector (`collectors`: those of `sources`, made already);
    their problems are recorded, never raised."""
    collectors = sources.collectors() if collectors is None else collectors
    if not collectors:
        raise InputError(
            "no source given (use --terraform DIR, --plan PLAN.json, --aws, --gcp, "
            "--manifests PATH or --k8s)"
        )
    snapshot = Snapshot(created_at=now_utc())
    for collector in collectors:
        env.progress(f"collecting {collector.name}")
        with cycle_collector_running() if collector.makes_cycles else nullcontext():
            snapshot.extend(collector.collect(env.progress))
    env.end_progress()
    return snapshot


def select_controls(policy_set: PolicySet, config: Config, wanted: list[str]) -> list[Control]:
    """Apply --controls and the config's skip_controls; unknown ids are bad input."""
    for cid in config.skip_controls:
        if policy_set.control(cid) is None:
            raise InputError(f"skip_controls names unknown control {cid}", file=config.path)
    for cid in wanted:
        if policy_set.control(cid) is None:
            raise InputError(f"--controls names unknown control {cid}")
    skip = {policy_set.control(c).id for c in config.skip_controls}  # type: ignore[union-attr]
    keep = {policy_set.control(c).id for c in wanted}  # type: ignore[union-attr]
    return [
        c
        for c in policy_set.controls
        if c.id not in skip and (not keep or c.id in keep) and not c.deprecated
    ]


@dataclass
class Prepared:
    """Config, policies and a compiled engine: made once per command."""

    config: Config
    policy_set: PolicySet
    controls: list[Control]
    engine: Any
    waivers: list[Any] = field(default_factory=list)  # auditor.waivers.Waiver


def prepare(options: EvalOptions) -> Prepared:
    """Load config and policies and compile them: every defect here is exit 2."""
    from auditor.engines import RegoError, make_engine
    from auditor.policy.builtins import check_builtins

    config = load_config(options.config_path)
    policy_set = load_policies(options.policy_dirs)
    check_builtins(policy_set.policy_files)
    controls = select_controls(policy_set, config, options.controls)
    waivers = _load_waivers(options, policy_set)
    engine = make_engine(options.engine, options.opa_url)
    try:
        engine.load(policy_set.policy_files, config.controls)
    except RegoError as exc:
        raise InputError(exc.message, exc.file, exc.line) from None
    return Prepared(config, policy_set, controls, engine, waivers)


def _load_waivers(options: EvalOptions, policy_set: PolicySet) -> list[Any]:
    """--waivers and --framework are checked with the policies, before any collection."""
    if options.framework:
        from auditor.reporters.frameworks import check_framework

        check_framework(options.framework, [c.frameworks for c in policy_set.controls])
    if not options.waivers_path:
        return []
    from auditor.waivers import load_waivers

    return load_waivers(options.waivers_path, policy_set)


def evaluate(
    snapshot: Snapshot,
    options: EvalOptions,
    env: Environment,
    run: RunInfo | None = None,
    prepared: Prepared | None = None,
) -> tuple[dict[str, Any], ExitStatus]:
    from auditor.evaluate import Evaluator

    if run is None:
        run = RunInfo(engine=options.engine, fail_on=options.fail_on, policy_dirs=[], config=None)
    prepared = prepared or prepare(options)
    run.engine = prepared.engine.version()
    run.policy_dirs = [str(d) for d in prepared.policy_set.dirs]
    run.config = prepared.config.path
    controls = prepared.controls
    env.progress(f"evaluating {len(controls)} controls on {len(snapshot.resources)} resources")
    evaluator = Evaluator(prepared.engine, controls, workers=options.workers)
    evaluation = evaluator.evaluate(snapshot, progress=env.progress)
    env.end_progress()
    problems = snapshot.problems + evaluation.problems
    waived = _apply_waivers(options, prepared, evaluation.results, run, env)
    doc = build_document(run, controls, evaluation.results, snapshot, problems)
    if waived is not None:
        doc["waivers"] = waived
    return doc, exit_status(evaluation.results, problems, options.fail_on)


def _apply_waivers(
    options: EvalOptions, prepared: Prepared, results: list[Any], run: RunInfo, env: Environment
) -> dict[str, Any] | None:
    """Waive matching failures (as of the run's UTC date); warn of expired and unused ones."""
    if not options.waivers_path:
        return None
    from datetime import date

    from auditor.waivers import apply_waivers

    today = date.fromisoformat(run.started_at[:10])
    outcome = apply_waivers(prepared.waivers, results, today, options.waivers_path)
    for message in outcome.messages():
        env.warn(message)
    return outcome.to_dict()


def report_problems(problems: list[Problem] | list[dict[str, Any]], env: Environment) -> None:
    for p in problems:
        env.error(str(p if isinstance(p, Problem) else Problem(**p)))


def write_reports(
    doc: dict[str, Any], outputs: list[str], env: Environment, framework: str | None = None
) -> None:
    from auditor.reporters import write_reports as write

    if framework:
        from auditor.reporters.frameworks import check_framework

        check_framework(framework, [c.get("frameworks") or {} for c in doc.get("controls") or []])
    write(doc, outputs or ["table"], env.stdout, framework=framework)


def scan(
    sources: SourceOptions,
    options: EvalOptions,
    outputs: list[str],
    env: Environment,
    history: HistoryOptions | None = None,
    evidence: Any = None,
) -> int:
    """Collect, evaluate, record in the history store (unless history is None), report.

    With ``evidence`` (auditor.evidence.EvidenceOptions) the run is also written as an
    evidence bundle, after the reports, so that the bundle's result document is the one
    the reports were rendered from.
    """
    from auditor.store.recording import Recorder

    recorder = Recorder(history, env)
    run = RunInfo(engine=options.engine, fail_on=options.fail_on, policy_dirs=[], config=None)
    collectors = sources.collectors()
    with ExitStack() as reading:
        _read_ahead(collectors, reading)  # while the policies compile
        prepared = prepare(options)  # fail fast on bad config or policies, before collecting
        if evidence is not None:
            evidence.check()  # and on an unusable --evidence DIR or --sign-key
        recorder.check()  # and on a bad --store
        with recorder.lock(sources):  # --lock: exit 2 at once if this scope is being scanned
            snapshot = collect(sources, env, collectors)
            reading.close()
            doc, status = evaluate(snapshot, options, env, run, prepared)
            status = recorder.record(doc, status, "scan")  # adds doc["history"]
            report_problems(doc["problems"], env)
            write_reports(doc, outputs, env, options.framework)
            if evidence is not None:
                from auditor.evidence import write_bundle

                write_bundle(evidence, snapshot, doc, prepared, options, env)
    return status


def _read_ahead(collectors: list[Collector], stack: ExitStack) -> None:
    """Let the first collector that can read ahead start (collectors.base.ReadsAhead):
    one at a time, so that their worker processes take the spare cores, not more."""
    for collector in collectors:
        if isinstance(collector, ReadsAhead):
            stack.enter_context(collector.reading_ahead())
            return


def load_snapshot(path: str) -> Snapshot:
    p = Path(path)
    try:
        data = json.loads(p.read_text())
    except FileNotFoundError:
        raise InputError("snapshot not found", path) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", path, exc.lineno) from None
    if not isinstance(data, dict) or "schema_version" not in data or "resources" not in data:
        raise InputError("not an auditor snapshot (no schema_version/resources)", path)
    major = str(data["schema_version"]).split(".")[0]
    if major != "1":
        raise InputError(f"unsupported snapshot schema_version {data['schema_version']}", path)
    try:
        return Snapshot.from_dict(data)
    except (KeyError, TypeError) as exc:
        raise InputError(f"malformed snapshot: {exc}", path) from None


def load_document(path: str) -> dict[str, Any]:
    p = Path(path)
    try:
        data = json.loads(p.read_text())
    except FileNotFoundError:
        raise InputError("result document not found", path) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", path, exc.lineno) from None
    if not isinstance(data, dict) or "results" not in data or "summary" not in data:
        raise InputError("not an auditor result document (see docs/result-document.md)", path)
    from auditor.reporters.json_report import validate_document

    errors = validate_document(data)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise InputError(f"invalid result document: {errors[0]}{more}", path)
    return data
