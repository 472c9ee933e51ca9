"""What the HTTP benchmarks share: a gunicorn server on a free port, keep-alive clients with
cookies and CSRF (like a browser), multipart bodies, and a driver that runs clients in threads for
a fixed time after a warm-up and collects latencies. Standard library only, so the benchmarks
need nothing installed beyond the project's own dependencies."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from http.cookies import SimpleCookie
from urllib.parse import urlencode

WARM_UP = 3.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, content_type, data in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """One client: a kept-alive connection and its cookies."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        headers["Host"] = "127.0.0.1"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed a kept-alive connection between requests: open a new one.
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        return response.status, response.headers, content

    def log_in(self, username, password, path="/accounts/login/"):
        self.request("GET", path)
        body = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": self.cookies["csrftoken"]})
        status, headers, _ = self.request(
            "POST",
            path,
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{self.port}/"},
        )
        assert status == 302, f"login of {username} failed: {status}"


def drive(clients, seconds, work):
    """Run `work(client, index)` in a loop on every client for `seconds` after a warm-up; returns
    (latencies in ms of the counted calls, results of the counted calls)."""
    stop_at = time.perf_counter() + WARM_UP + seconds
    count_from = time.perf_counter() + WARM_UP
    latencies, results, errors = [], [], []
    lock = threading.Lock()

    def loop(client, index):
        n = 0
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                result = work(client, index, n)
            except Exception as error:  # every failure is reported and fails the run
                with lock:
                    errors.append(repr(error))
                return
            n += 1
            if started >= count_from:
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)
                    results.append(result)

    threads = [threading.Thread(target=loop, args=(c, i)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} request(s) failed, e.g. {errors[0]}")
    return latencies, results


@contextmanager
def gunicorn(app, *, cwd, environment, executable, workers=None, extra=()):
    """Serve `app` (a WSGI path) with gunicorn, one sync worker per core; yields the port once
    the server answers, and stops it afterwards."""
    port = free_port()
    workers = workers or os.cpu_count() or 2
    command = [
        str(executable),
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
        *extra,
    ]
    server = subprocess.Popen(command, cwd=cwd, env=environment, stdout=subprocess.DEVNULL, stderr=sys.stderr)
    try:
        for _ in range(300):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                connection.request("GET", "/")
                connection.getresponse().read()
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError(f"gunicorn exited with {server.returncode}") from None
                time.sleep(0.1)
        yield port, server
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
