"""The HTTP examples in README.md and docs/ run as written against the demo.

Every ```bash block whose curl commands talk to the demo server (http://127.0.0.1:8000) is run by bash, each
document's blocks in order in one shell (as a reader following the page would), against a live
server holding the demo district. curl answers other than 2xx fail the block (--fail-with-body), and
so does any failing command (set -euo pipefail).
"""

import io
import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image

from civicgrid.cases.categories import load_categories
from civicgrid.people.testing import ensure_tags

ROOT = Path(__file__).resolve().parents[2]
DEMO_URL = "http://127.0.0.1:8000"
BLOCK = re.compile(r"^```(?:bash|sh)\n(.*?)^```", re.S | re.M)
PRELUDE = """set -euxo pipefail
curl() { command curl --fail-with-body --show-error --max-time 60 "$@"; }
"""


def documents():
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]


def examples(path):
    return [
        block for block in BLOCK.findall(path.read_text(encoding="utf-8")) if DEMO_URL in block and "curl " in block
    ]


DOCUMENTS = [path for path in documents() if examples(path)]


def test_the_examples_are_found():
    assert {path.name for path in DOCUMENTS} >= {"README.md", "api.md"}


@pytest.fixture()
def workdir(tmp_path):
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 180, 40)).save(picture, "JPEG")
    (tmp_path / "lamp.jpg").write_bytes(picture.getvalue())
    return tmp_path


def test_examples_run_as_written(live_server, workdir):
    # One test for every document: the live server's database is emptied after each test (what the
    # data migrations load too — categories, special-group tags — when another live-server test ran first).
    load_categories()
    ensure_tags()
    call_command("seed_demo", "--scale", "small", "--seed", "2026")
    failures = []
    for path in DOCUMENTS:
        script = PRELUDE + "\n".join(block.replace(DEMO_URL, live_server.url) for block in examples(path))
        result = subprocess.run(["bash", "-c", script], cwd=workdir, capture_output=True, text=True, timeout=300)
        if result.returncode:
            failures.append(f"{path.relative_to(ROOT)}:\n{result.stdout[-1500:]}\n{result.stderr[-4000:]}")
    assert not failures, "\n\n".join(failures)


def test_the_webhook_verification_snippet_accepts_real_signatures_in_any_header_case():
    import time

    from civicgrid.api.webhooks import sign

    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    snippet = next(
        block for block in re.findall(r"^```python\n(.*?)^```", text, re.S | re.M) if "def verified" in block
    )
    namespace = {}
    exec(compile(snippet, "docs/api.md", "exec"), namespace)  # the documented snippet itself
    verified = namespace["verified"]
    body, timestamp = b'{"type": "case.closed"}', str(int(time.time()))
    signature = sign("s3cret", timestamp, body)
    for names in (
        ("X-CivicGrid-Timestamp", "X-CivicGrid-Signature"),
        ("x-civicgrid-timestamp", "x-civicgrid-signature"),
    ):
        assert verified("s3cret", dict(zip(names, (timestamp, signature), strict=True)), body)
    assert not verified("other", {"X-CivicGrid-Timestamp": timestamp, "X-CivicGrid-Signature": signature}, body)
    assert not verified("s3cret", {"X-CivicGrid-Timestamp": "1", "X-CivicGrid-Signature": signature}, body)
    assert not verified("s3cret", {}, body)


def test_the_documented_api_endpoints_are_the_code_s_both_ways():
    """Every path of the committed schema is in docs/api.md, and every /api/v1/ path the docs name resolves."""
    import yaml
    from django.urls import Resolver404, resolve

    text = "\n".join(path.read_text(encoding="utf-8") for path in documents())
    schema = yaml.safe_load((ROOT / "docs" / "api" / "openapi.yaml").read_text(encoding="utf-8"))
    placeholder = r"(\{[^}/]+\}|[^/\s`'\"]+)"
    for path in schema["paths"]:
        pattern = re.sub(r"\\\{[^}]+\\\}", lambda _match: placeholder, re.escape(path))
        assert re.search(pattern + r"(?![\w-])", text), f"{path} is not documented in docs/api.md"
    named = set(re.findall(r"/api/v1/[\w\-/{}.…]*", text))
    for path in sorted(named):
        concrete = re.sub(r"\{[^}]+\}|…", "1", path).split("?")[0]
        if concrete.endswith((".yaml",)) or not concrete.endswith("/"):
            continue
        try:
            resolve(concrete.replace("/1/actions/1/", "/1/actions/accept/"))
        except Resolver404:
            pytest.fail(f"{path} is named in the docs but no URL answers it")
