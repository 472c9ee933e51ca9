"""The load test's server side and its instruments (bench/load.py): gunicorn with the district's
settings, the Celery worker and beat on Redis, the workers' memory, the machine's CPU, and locust
runs with their generator's own CPU time."""

import contextlib
import csv
import os
import resource
import signal
import subprocess
import threading
import time
from pathlib import Path

from bench.common import OUT_DIR, ROOT

SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE = os.environ.get("BENCH_LOAD_DATABASE", "civicgrid_bench_load")
THREADS = 4

# --- The server and its memory -----------------------------------------------------------------------


def server_environment():
    return {
        **os.environ,
        "DEBUG": "0",
        "DATABASE_URL": f"{SERVER}/{DATABASE}",
        "REDIS_URL": "redis://127.0.0.1:6379/14",
        "CASES_RESIDENT_REPORTS_PER_HOUR": "0",  # each load-test resident files far more than a real one
        "CASES_RESIDENT_REPORTS_PER_DAY": "0",
        "CASES_ATTACHMENT_ROOT": str(OUT_DIR / "attachments-load"),
        "DB_CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": BROKER,
        # As deploy/systemd/civicgrid-web.service: two malloc arenas per process, not eight per core,
        # so four threads do not each keep a heap of their own at its high-water mark.
        "MALLOC_ARENA_MAX": "2",
    }


BROKER = "redis://127.0.0.1:6379/13"


def _celery(*arguments):
    return [str(ROOT / ".venv" / "bin" / "celery"), "-A", "civicgrid", *arguments]


@contextlib.contextmanager
def background_workers():
    """The district's background side, as docs/deployment.md runs it: one Celery worker process
    (the web's after-commit work: thumbnails, notifications, webhooks) and beat, on Redis. Yields
    the worker's pid; waits for the worker to answer a ping first."""
    import redis

    redis.Redis.from_url(BROKER).flushdb()
    environment = server_environment()
    schedule = OUT_DIR / "load-beat-schedule"
    worker = subprocess.Popen(
        _celery("worker", "--concurrency", "1", "--hostname", "loadworker@%h", "--loglevel", "WARNING"),
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
    )
    beat = subprocess.Popen(
        _celery("beat", "--schedule", str(schedule), "--loglevel", "WARNING"),
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(60):
            ping = subprocess.run(
                _celery("inspect", "ping", "--timeout", "2"), env=environment, capture_output=True, text=True
            )
            if ping.returncode == 0 and "pong" in ping.stdout:
                break
            if worker.poll() is not None:
                raise RuntimeError(f"the Celery worker exited with {worker.returncode}")
        else:
            raise RuntimeError("the Celery worker did not answer a ping within a minute")
        yield worker.pid
    finally:
        for process in (beat, worker):
            process.send_signal(signal.SIGTERM)
        for process in (beat, worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def queued_tasks():
    import redis

    return redis.Redis.from_url(BROKER).llen("celery")


def machine_busy():
    """The machine's busy and total CPU time so far (jiffies, all cores), from /proc/stat."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


PROGRAMS = (("gunicorn", "gunicorn"), ("celery", "Celery"), ("postgres", "PostgreSQL"), ("redis", "Redis"))


def cpu_by_program():
    """CPU seconds (user + system) used so far by the running processes of each program the load
    test involves, by command line; processes that ended are not counted (locust is measured apart)."""
    ticks = os.sysconf("SC_CLK_TCK")
    totals = dict.fromkeys([label for _, label in PROGRAMS], 0.0)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        label = next((label for needle, label in PROGRAMS if needle in command), None)
        if label and "locust" not in command:
            totals[label] += (int(fields[11]) + int(fields[12])) / ticks
    return totals


def serve():
    from bench.httpclient import gunicorn

    return gunicorn(
        "civicgrid.wsgi",
        cwd=ROOT,
        environment=server_environment(),
        executable=ROOT / ".venv" / "bin" / "gunicorn",
        extra=("--threads", str(THREADS), "--worker-class", "gthread"),
    )


def worker_pids(master):
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                children.append(int(entry.name))
    return sorted(children)


def rss_mb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


class MemorySampler(threading.Thread):
    """The largest resident set size of any worker, once a second, while the test runs."""

    def __init__(self, master):
        super().__init__(daemon=True)
        self.master, self.peak, self.samples, self.running = master, 0.0, [], True

    def run(self):
        while self.running:
            sizes = [size for pid in worker_pids(self.master) if (size := rss_mb(pid))]
            if sizes:
                self.peak = max(self.peak, *sizes)
                self.samples.append(max(sizes))
            time.sleep(1)

    def stop(self):
        self.running = False
        self.join()


# --- locust ------------------------------------------------------------------------------------------


def run_locust(port, plan, classes, users, seconds, label, spawn_rate=None, cpu=None, reset=True):
    """Run locust headless; returns {request name: stats row} and the aggregated row. `cpu`, a dict,
    receives the generator's own CPU seconds (user + system, all its processes) under `label`.
    reset=False keeps what happened while the users were being started (the sign-in test's logins)."""
    prefix = OUT_DIR / f"locust-{label}"
    command = [
        str(ROOT / ".venv" / "bin" / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(spawn_rate or max(1, users // 10)),
        "--run-time",
        f"{seconds}s",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(prefix),
        *(["--reset-stats"] if reset else []),
        "--only-summary",
        "--stop-timeout",
        "10",
        "--loglevel",
        "WARNING",
        *classes,
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    completed = subprocess.run(command, env={**os.environ, "LOAD_PLAN": str(plan)}, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        cpu[label] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if completed.returncode not in (0, 1):  # 1: some requests failed, which the figures report
        raise RuntimeError(f"locust exited with {completed.returncode}: {completed.stderr[-2000:]}")
    rows = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        for row in csv.DictReader(stats):
            rows[row["Name"]] = row
    return rows


def ms(row, column):
    value = row.get(column) or "0"
    return float(value) if value != "N/A" else 0.0


def health_rate(port, seconds):
    from bench.httpclient import Browser, drive

    clients = [Browser(port) for _ in range(2 * (os.cpu_count() or 2))]

    def health(client, index, n):
        status, _headers, _body = client.request("GET", "/health/")
        assert status == 200, status

    latencies, _ = drive(clients, seconds, health)
    return len(latencies) / seconds
