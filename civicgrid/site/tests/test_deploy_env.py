"""deploy/civicgrid.env.example: every key a production install needs, each documented, and
`manage.py check --deploy` passes with it as written."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "deploy" / "civicgrid.env.example"
# Without these a production start fails or is unsafe (DEBUG off, PostgreSQL, TLS proxy).
REQUIRED = {
    "SECRET_KEY",
    "PEOPLE_DATA_KEY",
    "PEOPLE_HASH_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CIVICGRID_VAR_DIR",
    "STATIC_ROOT",
    "CASES_ATTACHMENT_ROOT",
    "SECURE_COOKIES",
    "BEHIND_TLS_PROXY",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
}


def example():
    values = {}
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def test_the_example_holds_every_required_key_and_each_is_documented():
    values = example()
    assert set(values) >= REQUIRED, REQUIRED - set(values)
    documented = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    settings_source = (ROOT / "civicgrid" / "settings.py").read_text(encoding="utf-8")
    for key in values:
        assert f"`{key}`" in documented, f"{key} is not in docs/configuration.md"
        assert f'"{key}"' in settings_source or key == "BACKUP_DIR", f"{key} is read by nothing"
    assert all(values[key] for key in REQUIRED), "a required key is empty"
    assert re.search(r"CHANGE-ME", values["SECRET_KEY"]), "the example's secret must read as a placeholder"


def test_check_deploy_passes_with_the_example(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    env.update(example())
    env.update(
        DJANGO_SETTINGS_MODULE="civicgrid.settings",
        # The example's paths and database are a server's; the check reads settings only.
        CIVICGRID_VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=str(tmp_path / "static"),
        CASES_ATTACHMENT_ROOT=str(tmp_path / "attachments"),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
