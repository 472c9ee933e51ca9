"""Two real server processes on the test's database, for tests of what every worker must share.

`two_servers(tmp_path)` starts two gunicorn processes (one worker each) on free loopback ports,
against the database the test is using — PostgreSQL's test database, or for SQLite's in-memory test
database a file copy of it — and yields their base URLs. The test's data must be committed
(`transactional_db`). With `redis_prefix`, both use Redis 127.0.0.1:6379 (REDIS_URL, or
REDIS_TEST_URL) under that key prefix, so the rate-limit counters live there.
"""

import os
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url(tmp_path):
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        path = tmp_path / "shared.sqlite3"
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def two_servers(tmp_path, *, redis_prefix=None, timeout=60):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "civicgrid.settings",
        "DATABASE_URL": _database_url(tmp_path),
        "SECRET_KEY": settings.SECRET_KEY,
        "PEOPLE_DATA_KEY": settings.PEOPLE_DATA_KEY,
        "PEOPLE_HASH_KEY": settings.PEOPLE_HASH_KEY,
        "CIVICGRID_VAR_DIR": str(tmp_path / "var"),
        # Static files from the finders (no collectstatic in a test checkout).
        "DEBUG": "1",
        "LOGIN_FAILURE_LIMIT": str(settings.AXES_FAILURE_LIMIT),
    }
    for name in ("REDIS_URL", "CACHE_KEY_PREFIX", "RATE_LIMIT_STORE", "CELERY_BROKER_URL"):
        env.pop(name, None)
    if redis_prefix:
        env.update(REDIS_URL=REDIS_TEST_URL, CACHE_KEY_PREFIX=redis_prefix)
    ports = [_free_port(), _free_port()]
    logs = [tmp_path / f"gunicorn-{port}.log" for port in ports]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "civicgrid.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
        )
        for port, log in zip(ports, logs, strict=True)
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + timeout
        for url, process, log in zip(urls, processes, logs, strict=True):
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"{url} exited:\n{log.read_text()}")
                try:
                    requests.get(f"{url}/health/", timeout=timeout)
                    break
                except requests.ConnectionError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
