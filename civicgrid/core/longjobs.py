"""Long work off the request, with progress: an Excel import, a large export.

    job = longjobs.start(user, kind="people.import", title=..., function="civicgrid.people.jobs.run_import",
                         params={...}, input_bytes=data, permission="people.import_person", region_code=code,
                         lock_key=f"people.import:{code}")

writes a BackgroundJob row and, once that has committed, runs `function(context)`:

- on the Celery worker when a broker is configured (`core.tasks.run_long_job`), or
- without one (the embedded default), on a thread of the web process, which lives on after the
  request that started it has been answered.

The function reports progress with `context.progress(read=…, checked=…, written=…, errors=…, total=…,
stage=…)` — kept in the cache at once (what the page polls, shared by every process when the cache is
Redis) and on the row when the function is not inside a transaction — and returns
`{"content": bytes, "filename": "…", "summary": {...}}` (a file to download and what the page says),
or raises JobError with a message for its owner. An exception fails the job; whatever the function
wrote in its transaction is rolled back with it (the import's all-or-nothing stays).

A job is seen by its owner and by whoever holds `permission` over `region_code`; anyone else gets 404.
`housekeeping` (a periodic job) fails jobs whose process died and removes old jobs' files.
"""

import logging
import secrets
import threading
import time
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from civicgrid.core import background, replica, scoping
from civicgrid.core.models import ACTIVE_JOB_STATUSES, BackgroundJob, JobStatus

logger = logging.getLogger("civicgrid.jobs")

COUNTERS = ("total", "read", "checked", "written", "errors")
PROGRESS_EVERY = 0.5  # seconds between two progress writes


class JobError(Exception):
    """A job that cannot finish, with a message for its owner (nothing it wrote is kept)."""


class JobBusy(Exception):
    """The same work (same lock key) is already queued or running: `job` is that one."""

    def __init__(self, job):
        super().__init__("busy")
        self.job = job


class JobStorage(FileSystemStorage):
    """Inputs and results under settings.JOBS_ROOT (read on every use); served only by the job view."""

    @property
    def base_location(self):
        return str(settings.JOBS_ROOT)

    @property
    def location(self):
        import os

        return os.path.abspath(self.base_location)


def storage():
    return JobStorage()


def _file_name(suffix):
    return f"{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{suffix}"


# --- Starting -------------------------------------------------------------------------------


# In a job's params: it was started right after its owner wrote (see start()).
REPLICA_PRIMARY = "_replica_primary"


def start(
    owner,
    *,
    kind,
    title,
    function,
    params=None,
    permission="",
    region_code="",
    lock_key="",
    input_bytes=None,
    input_suffix="xlsx",
):
    """Write the job (queued) and run it once this commits; raises JobBusy if `lock_key` is taken."""
    background.resolve(function)
    params = dict(params or {})
    if replica.wrote_recently():
        # Its owner wrote a moment ago: the job reads the primary too (core.replica, read-your-writes).
        params[REPLICA_PRIMARY] = True
    files = storage()
    input_file = files.save(_file_name(input_suffix), ContentFile(input_bytes)) if input_bytes is not None else ""
    job = BackgroundJob(
        kind=kind,
        title=str(title)[:200],
        function=function,
        params=params,
        owner=owner,
        permission=permission,
        region_code=region_code or "",
        lock_key=lock_key[:200],
        input_file=input_file,
        created_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            job.save()
    except IntegrityError:
        if input_file:
            files.delete(input_file)
        running = BackgroundJob.objects.filter(lock_key=lock_key, status__in=ACTIVE_JOB_STATUSES).first()
        if running is None:
            raise
        raise JobBusy(running) from None
    transaction.on_commit(partial(launch, job.pk))
    return job


def launch(job_id):
    """Hand a queued job to the worker (a broker) or to a thread of this process (none)."""
    if background.broker_configured():
        from civicgrid.core.tasks import run_long_job

        try:
            run_long_job.apply_async((job_id,), retry=False)
            return "queued"
        except Exception:
            logger.exception("broker unreachable: job %s runs in this process", job_id)
    thread = threading.Thread(target=_run_in_thread, args=(job_id,), name=f"civicgrid-job-{job_id}", daemon=True)
    thread.start()
    return thread


def _run_in_thread(job_id):
    try:
        run(job_id)
    finally:
        connection.close()


# --- Running --------------------------------------------------------------------------------


class JobContext:
    """What a job function gets: its row, parameters and input, and `progress()`."""

    def __init__(self, job):
        self.job = job
        self.owner = job.owner
        self.params = job.params
        self.counters = {name: getattr(job, name) for name in COUNTERS}
        self.stage = job.stage
        self._last = 0.0

    def input_bytes(self):
        with storage().open(self.job.input_file, "rb") as handle:
            return handle.read()

    def progress(self, *, stage=None, force=False, **counters):
        unknown = set(counters) - set(COUNTERS)
        if unknown:
            raise TypeError(f"unknown counters {sorted(unknown)}")
        self.counters.update({k: int(v) for k, v in counters.items()})
        if stage is not None:
            self.stage = stage
        now = time.monotonic()
        if not force and stage is None and now - self._last < PROGRESS_EVERY:
            return
        self._last = now
        snapshot = {**self.counters, "stage": self.stage}
        cache.set(progress_key(self.job.pk), snapshot, 3600)
        if not connection.in_atomic_block:
            # Inside the function's own transaction a row update would only show at its commit.
            BackgroundJob.objects.filter(pk=self.job.pk).update(**snapshot, heartbeat_at=timezone.now())


def progress_key(job_id):
    return f"civicgrid:job:{job_id}:progress"


def run(job_id):
    """Run one queued job to its end (the worker's task, the thread's target); a job runs once."""
    now = timezone.now()
    if not BackgroundJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now
    ):
        return None
    job = BackgroundJob.objects.select_related("owner").get(pk=job_id)
    context = JobContext(job)
    fields = {}
    try:
        # A worker's thread runs job after job: only this job's start says whether it reads the primary.
        with replica.own_writes(recent=bool(job.params.get(REPLICA_PRIMARY))):
            outcome = background.resolve(job.function)(context) or {}
    except Exception as exc:
        if not isinstance(exc, JobError):
            logger.exception("job %s (%s) failed", job_id, job.function)
        message = str(exc) if isinstance(exc, JobError) else _("任务意外中止，没有写入任何数据。请稍后重试。")
        fields = {"status": JobStatus.FAILED, "error": message[:2000]}
    else:
        fields = {"status": JobStatus.DONE, "result": outcome.get("summary") or {}}
        if outcome.get("content") is not None:
            suffix = (outcome.get("filename") or "result.xlsx").rsplit(".", 1)[-1][:8]
            fields["result_file"] = storage().save(_file_name(suffix), ContentFile(outcome["content"]))
            fields["result_name"] = (outcome.get("filename") or f"result.{suffix}")[:200]
    finally:
        if job.input_file:
            storage().delete(job.input_file)  # an import's upload is personal data: not kept
    counters = {**context.counters}
    BackgroundJob.objects.filter(pk=job_id).update(
        **fields, **counters, stage="", input_file="", finished_at=timezone.now(), heartbeat_at=timezone.now()
    )
    cache.delete(progress_key(job_id))
    return fields["status"]


# --- Reading --------------------------------------------------------------------------------


def visible_to(user, job):
    """The owner, and whoever holds the job's permission over its place (same-scope staff)."""
    if not user.is_authenticated:
        return False
    if job.owner_id == user.pk:
        return True
    if not job.permission:
        return False
    codes = scoping.scope_codes(user, job.permission)
    if codes is None:
        return True
    return bool(job.region_code) and any(job.region_code.startswith(code) for code in codes)


def job_for(user, pk):
    """The job `pk` if `user` may see it, else None (the view answers 404)."""
    job = BackgroundJob.objects.select_related("owner").filter(pk=pk).first()
    return job if job is not None and visible_to(user, job) else None


def mine(user, limit=50):
    return list(BackgroundJob.objects.filter(owner=user).order_by("-created_at", "-pk")[:limit])


def snapshot(job):
    """What the progress page shows (JSON values): the row, with the cache's fresher counters while
    it runs. The bar is the share of rows read, checked and written (an export reads and writes)."""
    data = {name: getattr(job, name) for name in COUNTERS}
    result = job.result if isinstance(job.result, dict) else {}
    stage = job.stage
    if job.active:
        live = cache.get(progress_key(job.pk))
        if live:
            data.update({k: v for k, v in live.items() if k in COUNTERS})
            stage = live.get("stage", stage)
    if job.status == JobStatus.DONE:
        percent = 100
    elif data["total"]:
        percent = min(99, int(100 * (data["read"] + data["checked"] + data["written"]) / (3 * data["total"])))
    else:
        percent = 0
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "stage": str(STAGES.get(stage, "")) if job.active else "",
        "percent": percent,
        **data,
        "finished": not job.active,
        "result_url": reverse("core:job_result", args=[job.pk]) if job.result_file else "",
        "message": str(result.get("message", "")),
        "links": [
            {"label": str(link.get("label", "")), "url": link["url"]}
            for link in result.get("links", [])
            if isinstance(link, dict)
            and str(link.get("url", "")).startswith("/")
            and not str(link["url"]).startswith("//")
        ],
        "error": job.error,
    }


STAGES = {
    "reading": _lazy("读取文件"),
    "checking": _lazy("逐行校验"),
    "writing": _lazy("写入数据"),
    "exporting": _lazy("生成表格"),
}


# --- Housekeeping ---------------------------------------------------------------------------


def housekeeping(now=None):
    """The periodic job: fail jobs whose runner died (no sign of life for JOBS_STALL_SECONDS; their
    transaction never committed, so nothing of them was written), and delete jobs older than
    JOBS_KEEP_DAYS with their files. Returns {"stalled": n, "removed": n}."""
    now = now or timezone.now()
    stalled = BackgroundJob.objects.filter(
        status__in=ACTIVE_JOB_STATUSES, created_at__lt=now - timedelta(seconds=settings.JOBS_STALL_SECONDS)
    ).exclude(heartbeat_at__gte=now - timedelta(seconds=settings.JOBS_STALL_SECONDS))
    files = storage()
    count = 0
    for job in stalled:
        if job.input_file:
            files.delete(job.input_file)
        count += BackgroundJob.objects.filter(pk=job.pk, status__in=ACTIVE_JOB_STATUSES).update(
            status=JobStatus.FAILED,
            error=_("任务中断（处理进程已停止），没有写入任何数据。请重新发起。"),
            input_file="",
            finished_at=now,
        )
    old = BackgroundJob.objects.filter(created_at__lt=now - timedelta(days=settings.JOBS_KEEP_DAYS)).exclude(
        status__in=ACTIVE_JOB_STATUSES
    )
    removed = 0
    for job in old:
        for name in (job.input_file, job.result_file):
            if name:
                files.delete(name)
        job.delete()
        removed += 1
    return {"stalled": count, "removed": removed}
