"""`make mutate`: how many small bugs in the core modules the fast suite catches.

A mutant is one small change to one module: a comparison flipped or its
boundary moved by one, `and`/`or` swapped, a `not` dropped, a condition
negated, a boolean flipped, a number made one larger, a statement deleted, a
returned value replaced by None. It is compiled from the module's syntax tree
in place of the module when the test process imports it (this file is also
the pytest plugin that does that, `-p tools.mutate`), so no source file is
ever touched and two mutants run side by side. Each mutant runs its module's
fast tests (MODULES; never the e2e or browser ones) with `pytest -x`: a run
that fails, or outlives its time limit, has caught it.

    .venv/bin/python tools/mutate.py [--module telecom/outbox.py] [--jobs 2]
                                     [--sample N] [--list] [--json PATH]

With DATABASE_URL and REDIS_URL set (PostgreSQL and Redis, as in CI) each job
gets its own test database (`test_<name>_mutN`, kept between runs) and Redis
database number (from REDIS_URL's + 10 up); without them each job gets its
own HATID_HOME (SQLite and an embedded Redis). Two runs at once need their own
databases, Redis numbers and MUTATE_RUN (the folder under var/mutate/).
Mutants that change no behaviour are listed in EQUIVALENT, each with the
reason, and left out of the score.
"""

from __future__ import annotations

import argparse
import ast
import importlib.abc
import importlib.util
import inspect
import itertools
import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENV_VAR = "HATID_MUTANT"  # "<path>:<index>": the mutant this test process runs

# The modules under test and the fast tests that speak for each, the quickest first
# (`-x` stops at the first failure).
MODULES: dict[str, list[str]] = {
    "telecom/globe/errors.py": [
        "tests/integration/globe/test_errors.py",
        "tests/integration/globe/test_client_wire_format.py",
    ],
    "telecom/outbox.py": [
        "tests/integration/messaging/test_outbox.py",
        "tests/integration/messaging/test_outbox_publishing.py",
    ],
    "telecom/services/charging.py": [
        "tests/integration/money/test_charging.py",
        "tests/integration/money/test_charge_delivery.py",
    ],
    "voiceflows/engine.py": [
        "tests/integration/voice/test_engine.py",
        "tests/integration/voice/test_flows_render_documented_examples.py",
        "tests/integration/voice/test_voice_webhook.py",
    ],
    "telecom/ussd/engine.py": [
        "tests/integration/ussd/test_engine_edges.py",
        "tests/integration/ussd/test_engine_and_payloads.py",
    ],
    "telecom/sms_length.py": [
        "tests/integration/messaging/test_sms_length.py",
        "tests/integration/messaging/test_send_sms.py",
    ],
    "telecom/msisdn.py": [
        "tests/integration/providers/test_msisdn_and_dates.py",
    ],
}
# Slow tests that prove something else (concurrency at scale): left out of every run.
DESELECT = [
    "tests/integration/money/test_charging.py::"
    "test_twenty_processes_allocating_at_once_make_no_duplicate_and_no_gap",
    # The rate limiter's timing (another module), which a busy machine upsets.
    "tests/integration/messaging/test_outbox.py::test_rate_limiter_spaces_tokens_at_the_rate",
    "tests/integration/messaging/test_outbox.py::test_rate_limiter_burst_is_free_then_paced",
    "tests/integration/messaging/test_outbox.py::test_rate_limiter_reserves_a_chunk_of_tokens_in_order",
]

# Functions that run while other modules are imported (a model's Meta): only a
# fresh import shows what their mutants do.
AT_IMPORT = {("telecom/outbox.py", "OutboxRow.outbox_indexes")}

# Why a mutant changes no behaviour the run can see: `path:line | label`, then the
# reason on the next line, one blank line between mutants.
_EQUIVALENT_TABLE = """
telecom/globe/errors.py:94 | return None
None is as false as False where _is_token_problem is used (`and`)

telecom/services/charging.py:209 | delete continue
the `continue` ends the loop's body anyway (`pass` does the same)

telecom/ussd/engine.py:161 | delete break
advancing an end screen shows it again unchanged, so the presets after it do nothing

telecom/outbox.py:328 | > -> >=
the time since creation equals the deadline to the microsecond only by chance

telecom/outbox.py:232 | != -> ==
bulk_update writes the same values as the VALUES statement, only slower

telecom/outbox.py:233 | delete expr
the SQLite fallback: never run on PostgreSQL (the SQLite `make test` runs it)

telecom/outbox.py:367 | True -> False
on Redis a declaring queue_declare answers the same count (0 for an empty queue)

telecom/outbox.py:372 | 500 -> 501
a tuning default: how many ids one re-published task carries, not which
"""


def _equivalent(table: str) -> dict[tuple[str, int, str], str]:
    """(path, line, label): reason, from `_EQUIVALENT_TABLE`."""
    found = {}
    for entry in table.strip().split("\n\n"):
        where, reason = entry.split("\n")
        place, label = where.split(" | ")
        path, line = place.split(":")
        found[path, int(line), label] = reason
    return found


EQUIVALENT = _equivalent(_EQUIVALENT_TABLE)


# --- the mutants ---------------------------------------------------------------

COMPARE_FLIPS: dict[type, tuple[type, ...]] = {
    ast.Eq: (ast.NotEq,),
    ast.NotEq: (ast.Eq,),
    ast.Lt: (ast.GtE, ast.LtE),
    ast.LtE: (ast.Gt, ast.Lt),
    ast.Gt: (ast.LtE, ast.GtE),
    ast.GtE: (ast.Lt, ast.Gt),
    ast.In: (ast.NotIn,),
    ast.NotIn: (ast.In,),
    ast.Is: (ast.IsNot,),
    ast.IsNot: (ast.Is,),
}
SYMBOL = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
}

Apply = Callable[[ast.AST, dict], None]


@dataclass(frozen=True)
class Mutant:
    path: str
    index: int
    line: int
    label: str

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.path, self.line, self.label)


def _parents(tree: ast.AST) -> dict[int, tuple[ast.AST, str, int | None]]:
    """id(child) -> (parent, field, position in the field's list or None)."""
    found = {}
    for parent in ast.walk(tree):
        for name, value in ast.iter_fields(parent):
            if isinstance(value, list):
                for position, child in enumerate(value):
                    if isinstance(child, ast.AST):
                        found[id(child)] = (parent, name, position)
            elif isinstance(value, ast.AST):
                found[id(value)] = (parent, name, None)
    return found


def _replace(node: ast.AST, parents: dict, new: ast.AST) -> None:
    parent, name, position = parents[id(node)]
    ast.copy_location(new, node)
    if position is None:
        setattr(parent, name, new)
    else:
        getattr(parent, name)[position] = new


def _skipped(tree: ast.AST) -> set[int]:
    """Ids of nodes never mutated: docstrings, log calls, type annotations."""
    roots: list[ast.AST] = []
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            roots.append(body[0])
        if isinstance(node, ast.Expr) and _is_log_call(node.value):
            roots.append(node)
        if _is_model_declaration(node):
            # Field and index options are the schema: the test database is
            # built by the migrations, so the model alone changes nothing run.
            roots.append(node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns:
            roots.append(node.returns)
        if isinstance(node, ast.arg) and node.annotation:
            roots.append(node.annotation)
        if isinstance(node, ast.AnnAssign):
            roots.append(node.annotation)
    return {id(n) for root in roots for n in ast.walk(root)}


def _is_log_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "logger"
    )


def _is_model_declaration(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "models"
    )


def _side_effect_target(target: ast.AST) -> bool:
    return isinstance(target, (ast.Attribute, ast.Subscript)) or (
        isinstance(target, ast.Tuple) and any(_side_effect_target(t) for t in target.elts)
    )


def _variants(node: ast.AST, parents: dict) -> Iterator[tuple[str, Apply]]:
    """The mutations of one node: (label, how to apply it to a copy of the node)."""
    if isinstance(node, ast.Compare):
        for k, op in enumerate(node.ops):
            for new in COMPARE_FLIPS.get(type(op), ()):

                def apply(n, _p, k=k, new=new):
                    n.ops[k] = new()

                yield f"{SYMBOL[type(op)]} -> {SYMBOL[new]}", apply
    elif isinstance(node, ast.BoolOp):
        old, new = ("and", ast.Or) if isinstance(node.op, ast.And) else ("or", ast.And)

        def apply(n, _p, new=new):
            n.op = new()

        yield f"{old} -> {'or' if old == 'and' else 'and'}", apply
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield "not x -> x", lambda n, p: _replace(n, p, n.operand)
    elif isinstance(node, ast.Constant) and type(node.value) in (bool, int, float):
        if isinstance(node.value, bool):
            yield f"{node.value} -> {not node.value}", _set_value(not node.value)
        else:
            yield f"{node.value!r} -> {node.value + 1!r}", _set_value(node.value + 1)
    if isinstance(node, (ast.If, ast.While, ast.IfExp, ast.Assert)) and not isinstance(
        node.test, (ast.Compare, ast.BoolOp, ast.UnaryOp)
    ):

        def apply(n, _p):
            n.test = ast.copy_location(ast.UnaryOp(ast.Not(), n.test), n.test)

        yield "negate condition", apply
    if (
        isinstance(node, ast.Return)
        and node.value is not None
        and not (isinstance(node.value, ast.Constant) and node.value.value is None)
    ):

        def apply(n, _p):
            n.value = None

        yield "return None", apply
    deletable = (
        isinstance(node, (ast.Expr, ast.Raise, ast.AugAssign, ast.Continue, ast.Break))
        or (isinstance(node, ast.Assign) and any(_side_effect_target(t) for t in node.targets))
    ) and parents.get(id(node), (None, None, None))[2] is not None
    if deletable:
        yield f"delete {type(node).__name__.lower()}", lambda n, p: _replace(n, p, ast.Pass())


def _set_value(value) -> Apply:
    def apply(n, _p):
        n.value = value

    return apply


def _points(tree: ast.AST) -> list[tuple[int, int, str, int]]:
    """(node's position in ast.walk, variant's position, label, line), in order."""
    skipped = _skipped(tree)
    parents = _parents(tree)
    points = []
    for position, node in enumerate(ast.walk(tree)):
        if id(node) in skipped:
            continue
        for variant, (label, _) in enumerate(_variants(node, parents)):
            points.append((position, variant, label, node.lineno))
    return points


def _tree(path: str) -> ast.Module:
    return ast.parse((ROOT / path).read_text(), filename=str(ROOT / path))


def mutants_of(path: str) -> list[Mutant]:
    return [
        Mutant(path, index, line, label)
        for index, (_, _, label, line) in enumerate(_points(_tree(path)))
    ]


def mutated_code(path: str, index: int):
    """The module's code object with mutant `index` applied."""
    tree = _tree(path)
    position, variant, _, _ = _points(tree)[index]
    node = list(ast.walk(tree))[position]
    _, apply = list(_variants(node, _parents(tree)))[variant]
    apply(node, _parents(tree))
    return compile(ast.fix_missing_locations(tree), str(ROOT / path), "exec")


def mutant_scope(path: str, index: int) -> str:
    """The qualified name of the module-level function or method whose body
    (or defaults) the mutant changes; "" when it changes the module or a class
    itself (then only a fresh import can apply it)."""
    tree = _tree(path)
    position = _points(tree)[index][0]
    parents = _parents(tree)
    node = list(ast.walk(tree))[position]
    chain = [node]
    while id(chain[-1]) in parents:
        chain.append(parents[id(chain[-1])][0])
    chain.reverse()  # Module first
    names = []
    for parent, child in itertools.pairwise(chain):
        if isinstance(child, ast.ClassDef) and isinstance(parent, ast.Module):
            names.append(child.name)
        elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            in_class = isinstance(parent, ast.ClassDef) and len(names) == 1
            if not (isinstance(parent, ast.Module) or in_class):
                return ""
            field = parents[id(chain[chain.index(child) + 1])][1] if child is not node else ""
            return ".".join([*names, child.name]) if field in ("body", "args") else ""
    return ""


def _function(owner, qualname: str):
    """The plain function behind `qualname` (unwrapping decorators and descriptors)."""
    *classes, name = qualname.split(".")
    for class_name in classes:
        owner = getattr(owner, class_name)
    value = owner.__dict__[name] if classes else getattr(owner, name)
    if isinstance(value, property):
        value = value.fget
    value = getattr(value, "__func__", value)
    return inspect.unwrap(value)


def apply_in_place(path: str, index: int) -> None:
    """Put the mutant into the running process: the mutated function's code
    replaces the original's, so every reference to it runs the mutant."""
    qualname = mutant_scope(path, index)
    module = importlib.import_module(_module_name(path))
    namespace = {"__name__": module.__name__, "__package__": module.__package__}
    exec(mutated_code(path, index), namespace)  # noqa: S102 (the module's own code, mutated)
    old, new = _function(module, qualname), _function(_Namespace(namespace), qualname)
    if old.__code__.co_freevars != new.__code__.co_freevars:
        raise RuntimeError(f"{path}:{index}: {qualname} cannot be replaced in place")
    old.__code__, old.__defaults__, old.__kwdefaults__ = (
        new.__code__,
        new.__defaults__,
        new.__kwdefaults__,
    )


class _Namespace:
    def __init__(self, namespace: dict):
        self.__dict__.update(namespace)


# --- the pytest plugin: the test process imports the mutant ---------------------


class _MutantLoader(importlib.abc.Loader):
    def __init__(self, code, mutant: str):
        self.code, self.mutant = code, mutant

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        module.__mutant__ = self.mutant
        exec(self.code, module.__dict__)  # noqa: S102 (the module's own code, mutated)


class _MutantFinder(importlib.abc.MetaPathFinder):
    def __init__(self, name: str, path: str, loader: _MutantLoader):
        self.name, self.path, self.loader = name, path, loader

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        return importlib.util.spec_from_file_location(
            fullname, str(ROOT / self.path), loader=self.loader
        )


def _module_name(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


if os.environ.get(ENV_VAR):
    # Imported by pytest as a plugin (`-p tools.mutate`), before Django and the
    # tests import anything of Hatid's.
    _path, _index = os.environ[ENV_VAR].rsplit(":", 1)
    if _module_name(_path) in sys.modules:
        raise RuntimeError(f"{_path} was imported before the mutant could replace it")
    sys.meta_path.insert(
        0,
        _MutantFinder(
            _module_name(_path),
            _path,
            _MutantLoader(mutated_code(_path, int(_index)), os.environ[ENV_VAR]),
        ),
    )


def pytest_collection_finish(session):
    """Refuse to count a run whose tests never ran the mutant's module."""
    if not os.environ.get(ENV_VAR):
        return
    name = _module_name(os.environ[ENV_VAR].rsplit(":", 1)[0])
    module = sys.modules.get(name) or importlib.import_module(name)
    if getattr(module, "__mutant__", None) != os.environ[ENV_VAR]:
        raise pytest.UsageError(f"{name} was not loaded from the mutant")


# --- the pytest plugin: a test process that forks one child per mutant ----------

PLAN_VAR = "HATID_MUTATE_PLAN"  # a JSON file: the modules and mutants this process runs


class _SessionOnly:
    """A stand-in for "the next test" that keeps only session-scoped fixtures
    (the test database, the sandbox process) set up between tests."""

    def __init__(self, session):
        self.session = session

    def listchain(self):
        return [self.session]


def _run_items(items: list, session) -> str:
    """Run the tests like `pytest -x`: the first failing test's id, or ""."""
    from _pytest.runner import runtestprotocol

    for item in items:
        reports = runtestprotocol(item, log=False, nextitem=_SessionOnly(session))
        failed = [report for report in reports if report.failed]
        if failed:
            return f"{item.nodeid}\n{failed[0].longreprtext[-3000:]}"
    return ""


def _fork_run(path: str, index: int, items: list, session, limit: float) -> str:
    from django.db import connections

    connections.close_all()  # the child opens its own
    pid = os.fork()
    if pid == 0:
        code = 3
        try:
            from celery import current_app

            current_app._pool = None  # never share the parent's broker sockets
            apply_in_place(path, index)
            code = 2
            code = 1 if _run_items(items, session) else 0
        finally:
            os._exit(code)
    deadline = time.monotonic() + limit
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "timeout"
        time.sleep(0.02)
    code = os.waitstatus_to_exitcode(status)
    if code == 3:
        return "error"
    return "survived" if code == 0 else "caught"


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session):
    """With a plan: check the unmutated tests pass, then run each mutant in a
    child forked from this process (Django, the test database and the session
    fixtures set up once), recording each outcome as a JSON line."""
    if not os.environ.get(PLAN_VAR) or session.config.option.collectonly:
        return None
    plan = json.loads(Path(os.environ[PLAN_VAR]).read_text())
    by_file: dict[str, list] = {}
    for item in session.items:
        by_file.setdefault(item.nodeid.split("::")[0], []).append(item)

    def items_of(path):
        return [item for test_file in MODULES[path] for item in by_file.get(test_file, [])]

    with open(plan["out"], "a") as out:

        def write(**record):
            out.write(json.dumps(record) + "\n")
            out.flush()

        limits = {}
        for path in plan["modules"]:
            started = time.monotonic()
            failed = _run_items(items_of(path), session)
            seconds = time.monotonic() - started
            if failed or not items_of(path):
                write(error=f"the tests of {path} fail unmutated: {failed or 'no tests'}")
                return True
            limits[path] = max(60.0, 3 * seconds + 30)
            write(baseline=path, seconds=seconds)
        for path, index in plan["mutants"]:
            started = time.monotonic()
            result = _fork_run(path, index, items_of(path), session, limits[path])
            write(path=path, index=index, result=result, seconds=time.monotonic() - started)
    return True


# --- the runner -----------------------------------------------------------------


@dataclass
class Outcome:
    path: str
    index: int
    line: int
    label: str
    result: str  # caught, timeout, survived, equivalent
    seconds: float


def job_env(job: int) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_DEBUG": "1"}
    env.pop(ENV_VAR, None)
    database, redis = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    if database and redis:
        db = urlsplit(database)
        env["DATABASE_URL"] = urlunsplit(db._replace(path=f"{db.path.rstrip('/')}_mut{job}"))
        rd = urlsplit(redis)  # the numbers after REDIS_URL's own
        base = int(rd.path.strip("/") or 0)  # pytest-xdist's workers take 1, 2, ...
        env["REDIS_URL"] = urlunsplit(rd._replace(path=f"/{base + 10 + job}"))
    else:
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        env["HATID_HOME"] = str(ROOT / "var" / "mutate" / f"job{job}")
    return env


def command_for(path: str) -> list[str]:
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "tools.mutate", "--reuse-db"]
    command += ["-m", "not e2e and not browser", "-W", "ignore::DeprecationWarning"]
    for test in DESELECT:
        command += ["--deselect", test]
    return command + MODULES[path]


def run_tests(path: str, env: dict, mutant: str | None, timeout: float) -> tuple[str, float]:
    env = dict(env)
    if mutant:
        env[ENV_VAR] = mutant
    started = time.monotonic()
    try:
        done = subprocess.run(
            command_for(path),
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - started
    seconds = time.monotonic() - started
    if done.returncode == 0:
        return "survived", seconds
    if done.returncode not in (1, 2):  # 1: a test failed; 2: interrupted (an import failed)
        raise SystemExit(
            f"pytest could not run {mutant or path}:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )
    if mutant is None:
        raise SystemExit(f"the tests of {path} fail without any mutant:\n{done.stdout[-5000:]}")
    return "caught", seconds


def runs_in_place(mutant: Mutant) -> bool:
    """Whether a forked child can apply the mutant (else: a fresh import)."""
    scope = mutant_scope(mutant.path, mutant.index)
    return bool(scope) and (mutant.path, scope) not in AT_IMPORT


def run(paths: list[str], jobs: int, sample: int | None, seed: int) -> list[Outcome]:
    outcomes: list[Outcome] = []
    in_place: list[Mutant] = []
    fresh_import: list[Mutant] = []
    for path in paths:
        mutants = mutants_of(path)
        if sample and sample < len(mutants):
            mutants = sorted(random.Random(seed).sample(mutants, sample), key=lambda m: m.index)
        for mutant in mutants:
            if mutant.key in EQUIVALENT:
                outcomes.append(Outcome(**asdict(mutant), result="equivalent", seconds=0))
            elif runs_in_place(mutant):
                in_place.append(mutant)
            else:
                fresh_import.append(mutant)
    total = len(in_place) + len(fresh_import)
    print(f"{total} mutants, {len(outcomes)} known equivalent", flush=True)
    envs = [job_env(job) for job in range(jobs)]
    limits = run_forking(paths, in_place, envs, outcomes, total)
    run_fresh_imports(fresh_import, envs, limits, outcomes, total)
    return sorted(outcomes, key=lambda o: (o.path, o.index))


def run_forking(paths, mutants: list[Mutant], envs, outcomes: list[Outcome], total: int) -> dict:
    """One test process per job, each forking a child per mutant of its share.
    Returns how long each module's tests took unmutated."""
    work = ROOT / "var" / "mutate" / os.environ.get("MUTATE_RUN", "run")
    work.mkdir(parents=True, exist_ok=True)
    processes, outputs = [], []
    for job, env in enumerate(envs):
        out = work / f"job{job}.jsonl"
        out.write_text("")
        plan = work / f"job{job}-plan.json"
        share = mutants[job :: len(envs)]
        plan.write_text(
            json.dumps(
                {"out": str(out), "modules": paths, "mutants": [[m.path, m.index] for m in share]}
            )
        )
        files = list(dict.fromkeys(test for path in paths for test in MODULES[path]))
        command = [*command_for(paths[0])[:2], "pytest", "-q", "-p", "tools.mutate"]
        command += [
            "--reuse-db",
            "-m",
            "not e2e and not browser",
            "-W",
            "ignore::DeprecationWarning",
        ]
        for test in DESELECT:
            command += ["--deselect", test]
        log = open(work / f"job{job}.log", "w")  # noqa: SIM115 (closed below)
        processes.append(
            (
                subprocess.Popen(
                    [*command, *files],
                    cwd=ROOT,
                    env={**env, PLAN_VAR: str(plan)},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                ),
                log,
            )
        )
        outputs.append(out)
    by_index = {(m.path, m.index): m for m in mutants}
    seen = [0] * len(envs)
    limits: dict[str, float] = {}
    try:
        while True:
            running = any(process.poll() is None for process, _ in processes)
            for job, out in enumerate(outputs):
                lines = out.read_text().splitlines()
                for line in lines[seen[job] :]:
                    record = json.loads(line)
                    if "error" in record:
                        raise SystemExit(record["error"])
                    if "baseline" in record:
                        seconds = record["seconds"]
                        limits[record["baseline"]] = max(limits.get(record["baseline"], 0), seconds)
                        print(f"{record['baseline']}: tests pass unmutated in {seconds:.1f}s")
                        continue
                    if record["result"] == "error":
                        raise SystemExit(f"could not apply {record['path']}:{record['index']}")
                    mutant = by_index[(record["path"], record["index"])]
                    outcomes.append(
                        Outcome(
                            **asdict(mutant), result=record["result"], seconds=record["seconds"]
                        )
                    )
                    _progress(outcomes, total, mutant, record["result"])
                seen[job] = len(lines)
            if not running:
                break
            time.sleep(1)
    finally:
        for process, _ in processes:
            if process.poll() is None:  # an interrupt lets pytest stop its sandbox
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    for job, (process, log) in enumerate(processes):
        log.close()
        if process.returncode != 0:
            tail = (work / f"job{job}.log").read_text()[-3000:]
            raise SystemExit(f"job {job}'s test process failed:\n{tail}")
    return limits


def _progress(outcomes: list[Outcome], total: int, mutant: Mutant, result: str) -> None:
    done = sum(o.result != "equivalent" for o in outcomes)
    print(f"[{done}/{total}] {result:8} {mutant.path}:{mutant.line} {mutant.label}", flush=True)


def run_fresh_imports(mutants: list[Mutant], envs, limits: dict, outcomes, total: int) -> None:
    """Mutants of a module's or a class's own statements: one test process
    each, importing the mutated module from the start."""
    work: queue.Queue[Mutant] = queue.Queue()
    for mutant in mutants:
        work.put(mutant)
    lock = threading.Lock()

    def worker(job: int):
        while True:
            try:
                mutant = work.get_nowait()
            except queue.Empty:
                return
            tag = f"{mutant.path}:{mutant.index}"
            limit = 3 * limits.get(mutant.path, 60) + 120
            result, seconds = run_tests(mutant.path, envs[job], tag, limit)
            with lock:
                outcomes.append(Outcome(**asdict(mutant), result=result, seconds=seconds))
                _progress(outcomes, total, mutant, result)

    threads = [threading.Thread(target=worker, args=(job,)) for job in range(len(envs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def report(outcomes: list[Outcome]) -> float:
    header = f"{'mutants':>7} {'caught':>6} {'survived':>8} {'equiv.':>6} {'score':>6}"
    print(f"\n{'module':34} {header}")
    for path in dict.fromkeys(o.path for o in outcomes):
        mine = [o for o in outcomes if o.path == path]
        caught = sum(o.result in ("caught", "timeout") for o in mine)
        survived = sum(o.result == "survived" for o in mine)
        equivalent = sum(o.result == "equivalent" for o in mine)
        score = caught / (caught + survived) if caught + survived else 1.0
        print(f"{path:34} {len(mine):7} {caught:6} {survived:8} {equivalent:6} {score:6.1%}")
    caught = sum(o.result in ("caught", "timeout") for o in outcomes)
    survived = [o for o in outcomes if o.result == "survived"]
    score = caught / (caught + len(survived)) if caught + len(survived) else 1.0
    print(f"{'all':34} {len(outcomes):7} {caught:6} {len(survived):8} {'':6} {score:6.1%}")
    if survived:
        print("\nsurvivors:")
        for o in survived:
            source = (ROOT / o.path).read_text().splitlines()[o.line - 1].strip()
            print(f"  {o.path}:{o.line} [{o.index}] {o.label}: {source}")
    return score


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--module", action="append", choices=sorted(MODULES))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sample", type=int, help="at most this many mutants per module")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--json", type=Path, help="write every outcome to this file")
    parser.add_argument("--fail-under", type=float, default=0.0, help="e.g. 0.9")
    args = parser.parse_args()
    paths = args.module or list(MODULES)
    if args.list:
        for path in paths:
            for m in mutants_of(path):
                mark = "  (equivalent)" if m.key in EQUIVALENT else ""
                print(f"{m.path}:{m.line} [{m.index}] {m.label}{mark}")
        return 0
    started = time.monotonic()
    outcomes = run(paths, args.jobs, args.sample, args.seed)
    score = report(outcomes)
    print(f"\n{len(outcomes)} mutants in {time.monotonic() - started:.0f}s")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([asdict(o) for o in outcomes], indent=1))
    return 0 if score >= args.fail_under else 1


if __name__ == "__main__":
    sys.exit(main())
