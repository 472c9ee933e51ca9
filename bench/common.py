"""What every benchmark shares: the registry, timing, the machine, the throwaway database, and the
results file (bench/results.json) with its table in docs/benchmarks.md.

A benchmark is a function in a module of this package, registered with `@benchmark("app.name")`,
that takes `quick` and returns a `Result`; `python -m bench` finds it by itself. Results are merged
into results.json, so entries written by other benchmarks (or runs with `--only`) are kept.
"""

import importlib
import json
import math
import os
import pkgutil
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_FILE = BENCH_DIR / "results.json"
DOCS_FILE = ROOT / "docs" / "benchmarks.md"
OUT_DIR = BENCH_DIR / "out"  # throwaway databases and scratch files; not committed
TABLE_START = "<!-- bench:results:start -->"
TABLE_END = "<!-- bench:results:end -->"

_registry = {}


def benchmark(name):
    """Register `function(quick: bool) -> Result` under `name` (e.g. "regions.locate")."""

    def register(function):
        _registry[name] = function
        return function

    return register


def registered():
    """Every benchmark of the package, by name (importing each module registers its benchmarks)."""
    for module in pkgutil.iter_modules([str(BENCH_DIR)]):
        # locustfile is locust's, run in locust's own process (importing locust patches threading);
        # bulk_cases (the case writer) and floor_urls (web.floor's URLs) import Django before any set-up.
        if module.name not in {"common", "__main__", "locustfile", "bulk_cases", "floor_urls"}:
            importlib.import_module(f"bench.{module.name}")
    return dict(sorted(_registry.items()))


@dataclass
class Result:
    name: str
    value: float
    unit: str
    better: str  # "higher" or "lower"
    baseline_name: str
    baseline_value: float
    target: str
    dataset: str
    db: str
    # Further figures worth keeping next to the headline (build times, other paths...).
    details: dict = field(default_factory=dict)

    @property
    def ratio(self):
        """How many times better than the baseline, in the direction of `better` (> 1 is better).
        Where the goal is zero (lost reports, errors) and both are zero, they are equal: 1."""
        top, bottom = (
            (self.value, self.baseline_value) if self.better == "higher" else (self.baseline_value, self.value)
        )
        if bottom == 0:
            return 1.0 if top == 0 else float(10**6)
        return top / bottom


# --- Timing ----------------------------------------------------------------------------------------


def seconds(function):
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


@dataclass
class Rate:
    """Operations per second by the process's CPU time (what one core did for us, whatever else
    runs on a shared machine) and by the wall clock."""

    cpu: float
    wall: float


def median_rate(function, operations, repeats):
    """`function` performs `operations` operations; the median rates of `repeats` runs, after one
    warm-up run that is not counted."""
    function()
    cpu_times, wall_times = [], []
    for _ in range(repeats):
        cpu, wall = time.process_time(), time.perf_counter()
        function()
        cpu_times.append(time.process_time() - cpu)
        wall_times.append(time.perf_counter() - wall)
    return Rate(cpu=operations / statistics.median(cpu_times), wall=operations / statistics.median(wall_times))


def pin_to_one_core():
    """Run on one CPU, so "per core" means one core even if a library would spread out."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


# --- Environment -----------------------------------------------------------------------------------


def machine():
    """CPU model, cores and RAM (from /proc on Linux), Python version."""
    model, cores, memory = platform.processor() or platform.machine(), os.cpu_count(), None
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        models = [line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")]
        model, cores = (models[0], len(models)) if models else (model, cores)
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    ram = f", {memory:.1f} GiB RAM" if memory else ""
    return f"{model}, {cores} cores{ram}, Python {platform.python_version()} on {platform.system()}"


POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def fresh_postgres(name):
    """A new, empty database civicgrid_bench_<name> on the PostgreSQL server of BENCH_POSTGRES_URL
    (default: the machine's own, trust auth); returns its URL."""
    import psycopg

    server = os.environ.get("BENCH_POSTGRES_URL", POSTGRES_SERVER)
    database = f"civicgrid_bench_{name}".replace(".", "_")
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{database}"')
    return f"{server.rsplit('/', 1)[0]}/{database}"


def setup_django(name="bench", database="sqlite"):
    """Configure Django on a fresh throwaway database and migrate it: a SQLite file in bench/out/
    or (`database="postgres"`) a new PostgreSQL database (see fresh_postgres).

    Returns a description of the database for the results. BENCH_DATABASE_URL points a SQLite
    benchmark at another (empty) database instead.
    """
    url = os.environ.get("BENCH_DATABASE_URL") if database == "sqlite" else fresh_postgres(name)
    if not url:
        OUT_DIR.mkdir(exist_ok=True)
        path = OUT_DIR / f"{name}.sqlite3"
        for stale in OUT_DIR.glob(f"{name}.sqlite3*"):
            stale.unlink()
        url = f"sqlite:///{path}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicgrid.settings")
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0)
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version} (throwaway file in bench/out/)"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return f"PostgreSQL {version} (throwaway database {connection.settings_dict['NAME']})"


def collect_static():
    """Pages render with the production (manifest) static storage, as `make run` serves them."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def percentile(values, share):
    """The `share` (0–1) percentile of `values`, nearest-rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


# --- Recording ---------------------------------------------------------------------------------------


def record(results, command):
    """Merge `results` into bench/results.json (other entries are kept) and regenerate the table
    in docs/benchmarks.md."""
    entries = json.loads(RESULTS_FILE.read_text(encoding="utf-8")) if RESULTS_FILE.exists() else {}
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    where = machine()
    for result in results:
        entries[result.name] = {
            "value": round(result.value, 3),
            "unit": result.unit,
            "better": result.better,
            "baseline": {"name": result.baseline_name, "value": round(result.baseline_value, 3)},
            "ratio": round(result.ratio, 2),
            "target": result.target,
            "dataset": result.dataset,
            "db": result.db,
            "machine": where,
            "date": now,
            "command": command,
            "details": result.details,
        }
    entries = dict(sorted(entries.items()))
    RESULTS_FILE.write_text(json.dumps(entries, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_docs(entries)
    return entries


def _number(value):
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"


def render_table(entries):
    lines = [
        "| Benchmark | Result | Baseline | Ratio | Target |",
        "|---|---|---|---|---|",
    ]
    for name, entry in entries.items():
        baseline = entry["baseline"]
        lines.append(
            f"| `{name}` | {_number(entry['value'])} {entry['unit']} "
            f"| {baseline['name']}: {_number(baseline['value'])} {entry['unit']} "
            f"| {entry['ratio']:,.1f}× | {entry['target']} |"
        )
    for name, entry in entries.items():
        lines += [
            "",
            f"**`{name}`** — {entry['dataset']}",
            "",
            f"- command: `{entry['command']}`",
            f"- machine: {entry['machine']}",
            f"- database: {entry['db']}",
            f"- date: {entry['date']}",
        ]
        lines += [f"- {key}: {value}" for key, value in (entry.get("details") or {}).items()]
    return "\n".join(lines)


def write_docs(entries):
    """Replace what lies between the markers in docs/benchmarks.md; the text around them stays."""
    block = f"{TABLE_START}\n{render_table(entries)}\n{TABLE_END}"
    if DOCS_FILE.exists():
        text = DOCS_FILE.read_text(encoding="utf-8")
    else:
        text = f"# Benchmarks\n\nRun `make bench` (or `python -m bench --only NAME`).\n\n{TABLE_START}\n{TABLE_END}\n"
    if TABLE_START in text and TABLE_END in text:
        before, rest = text.split(TABLE_START, 1)
        _old, after = rest.split(TABLE_END, 1)
        text = f"{before}{block}{after}"
    else:
        text = f"{text.rstrip()}\n\n{block}\n"
    DOCS_FILE.write_text(text, encoding="utf-8")


def command_line():
    return " ".join(["python -m bench", *sys.argv[1:]])
