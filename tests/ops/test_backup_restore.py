"""The backup and restore-check scripts of docs/deployment.md, run for real against PostgreSQL."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from civicgrid.cases.tests.conftest import report

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"] or not shutil.which("pg_dump"),
    reason="the scripts back up PostgreSQL with pg_dump",
)


def _database_url():
    db = connection.settings_dict
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _run(script, *args, **env):
    return subprocess.run(
        [str(ROOT / "scripts" / "ops" / script), *args],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "civicgrid.settings",
            # The operator's environment holds the people keys; the restored copy's checks need them.
            "PEOPLE_DATA_KEY": settings.PEOPLE_DATA_KEY,
            "PEOPLE_HASH_KEY": settings.PEOPLE_HASH_KEY,
            **env,
        },
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_a_backup_restores_with_its_cases_and_intact_event_chains(transactional_db, world, tmp_path):
    report(world)
    report(world, where="S1C1G2M1")
    attachments = tmp_path / "attachments"
    (attachments / "2026").mkdir(parents=True)
    (attachments / "2026" / "photo.jpg").write_bytes(b"\xff\xd8photo")
    backup = _run(
        "backup.sh",
        DATABASE_URL=_database_url(),
        BACKUP_DIR=str(tmp_path / "backups"),
        CASES_ATTACHMENT_ROOT=str(attachments),
    )
    assert backup.returncode == 0, backup.stderr
    folder = Path(backup.stdout.strip().splitlines()[-1])
    assert {p.name for p in folder.iterdir()} == {"database.dump", "attachments.tar.gz", "SHA256SUMS"}

    check = _run("restore_check.sh", str(folder), DATABASE_URL=_database_url())
    assert check.returncode == 0, check.stdout + check.stderr
    assert "cases_case: 2 rows restored" in check.stdout
    assert "2 case(s) verified" in check.stdout

    # A damaged backup is refused before anything is restored.
    with open(folder / "database.dump", "ab") as dump:
        dump.write(b"garbage")
    damaged = _run("restore_check.sh", str(folder), DATABASE_URL=_database_url())
    assert damaged.returncode != 0
