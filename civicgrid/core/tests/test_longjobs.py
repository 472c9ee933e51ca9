"""Long jobs' housekeeping: a job whose process died is failed (nothing of it was written), old
jobs go with their files; a job function that raises JobError tells its owner why."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from civicgrid.accounts.models import Role
from civicgrid.core import background, longjobs
from civicgrid.core.models import BackgroundJob, JobStatus
from civicgrid.testing import build_tree, make_user

pytestmark = pytest.mark.django_db


@background.task
def refuse(context):
    context.progress(read=5, total=5, force=True)
    raise longjobs.JobError("文件里没有可导出的内容。")


@pytest.fixture
def owner(settings, tmp_path):
    settings.JOBS_ROOT = tmp_path / "jobs"
    return make_user("shequ", Role.COMMUNITY_STAFF, build_tree(fanout=1)["S1C1"])


def _job(owner, **fields):
    return BackgroundJob.objects.create(
        kind="test", title="t", function="civicgrid.core.tests.test_longjobs.refuse", owner=owner,
        created_at=timezone.now(), **fields,
    )  # fmt: skip


def test_a_job_error_is_shown_to_its_owner(owner):
    job = _job(owner)
    assert longjobs.run(job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert job.error == "文件里没有可导出的内容。" and job.read == 5 and job.finished_at


def test_housekeeping_fails_dead_jobs_and_removes_old_ones(owner, settings):
    now = timezone.now()
    stale = settings.JOBS_STALL_SECONDS + 60
    files = longjobs.storage()
    dead = _job(owner, status=JobStatus.RUNNING, input_file=files.save("in.xlsx", ContentFile(b"x")))
    BackgroundJob.objects.filter(pk=dead.pk).update(
        created_at=now - timedelta(seconds=stale), heartbeat_at=now - timedelta(seconds=stale)
    )
    alive = _job(owner, status=JobStatus.RUNNING)
    BackgroundJob.objects.filter(pk=alive.pk).update(created_at=now - timedelta(seconds=stale), heartbeat_at=now)
    old = _job(owner, status=JobStatus.DONE, result_file=files.save("out.xlsx", ContentFile(b"y")))
    BackgroundJob.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=settings.JOBS_KEEP_DAYS + 1))

    assert longjobs.housekeeping(now=now) == {"stalled": 1, "removed": 1}
    dead.refresh_from_db()
    assert dead.status == JobStatus.FAILED and "没有写入任何数据" in dead.error and not files.exists("in.xlsx")
    assert BackgroundJob.objects.get(pk=alive.pk).status == JobStatus.RUNNING
    assert not BackgroundJob.objects.filter(pk=old.pk).exists() and not files.exists(old.result_file)


def test_unknown_progress_counters_are_refused(owner):
    context = longjobs.JobContext(_job(owner))
    with pytest.raises(TypeError):
        context.progress(rows=3)
