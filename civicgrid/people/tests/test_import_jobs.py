"""Imports and exports as long jobs (civicgrid.core.longjobs): a large file goes to a background job
with progress; a refused or crashing import writes nothing; another user's job is 404; two starts
of the same import cannot both run; without a broker a thread runs the job after the request."""

import io
import threading
import time

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from civicgrid.core import longjobs
from civicgrid.core.models import BackgroundJob, JobStatus
from civicgrid.people import jobs
from civicgrid.people.importer import PersonImport
from civicgrid.people.models import AccessLog, ImportKind, ImportRun, Person
from civicgrid.people.testing import make_id_number
from civicgrid.people.tests.test_import import person_row, xlsx


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.JOBS_ROOT = tmp_path / "jobs"
    settings.JOBS_IMPORT_INLINE_KB = 0  # every file is a job here
    settings.JOBS_EXPORT_INLINE_ROWS = 0


def _file(rows, name="people.xlsx"):
    upload = io.BytesIO(xlsx(ImportKind.PERSONS, rows))
    upload.name = name
    return upload


def _rows(count):
    houses = ["101", "102", "201", "202", "301", "302"]
    return [person_row(f"居民{i}", make_id_number(), house=houses[i % 6]) for i in range(count)]


def _start(client, rows, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as launched:
        response = client.post(reverse("people:import"), {"kind": "persons", "file": _file(rows)})
    assert response.status_code == 302, response.content[:300]
    job = BackgroundJob.objects.get()
    assert response["Location"] == reverse("core:job", args=[job.pk])
    assert len(launched) == 1  # the runner starts only once the job row has committed
    return job


@pytest.mark.django_db
def test_a_large_import_runs_as_a_job_with_progress_and_a_result(
    client, community, building, django_capture_on_commit_callbacks
):
    client.force_login(community)
    job = _start(client, _rows(30), django_capture_on_commit_callbacks)
    assert job.status == JobStatus.QUEUED and job.owner == community and job.input_file
    assert not Person.objects.exists()
    page = client.get(reverse("core:job", args=[job.pk]))
    assert page.status_code == 200 and 'id="job-progress"' in page.content.decode()
    assert "job-progress.js" in page.content.decode()

    upload = job.input_file
    assert longjobs.storage().exists(upload)
    assert longjobs.run(job.pk) == JobStatus.DONE
    assert longjobs.run(job.pk) is None  # a job runs once
    job.refresh_from_db()
    assert (job.status, job.total, job.read, job.checked, job.written, job.errors) == (
        JobStatus.DONE, 30, 30, 30, 30, 0,
    )  # fmt: skip
    assert not job.input_file and not longjobs.storage().exists(upload)  # the upload is not kept
    assert Person.objects.count() == 30
    state = client.get(reverse("core:job_status", args=[job.pk])).json()
    assert state["finished"] and state["percent"] == 100 and "新增 30" in state["message"]
    listing = client.get(reverse("core:jobs")).content.decode()
    assert reverse("core:job", args=[job.pk]) in listing


@pytest.mark.django_db
def test_a_refused_import_job_writes_nothing_and_links_the_error_list(
    client, community, building, django_capture_on_commit_callbacks
):
    client.force_login(community)
    rows = [*_rows(5), person_row("坏", "110105194912310021")]
    job = _start(client, rows, django_capture_on_commit_callbacks)
    longjobs.run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.errors == 1 and job.written == 0
    assert not Person.objects.exists()
    state = client.get(reverse("core:job_status", args=[job.pk])).json()
    run = ImportRun.objects.get()
    assert state["links"] == [{"label": "下载错误清单", "url": reverse("people:import_errors", args=[run.pk])}]
    errors = client.get(state["links"][0]["url"])
    assert "校验位" in load_workbook(io.BytesIO(errors.content)).active.cell(2, 3).value


@pytest.mark.django_db
def test_an_import_that_fails_while_writing_leaves_nothing_written(
    client, community, building, django_capture_on_commit_callbacks, monkeypatch
):
    original = PersonImport.apply

    def apply_then_fail(self, plan):
        original(self, plan)
        assert Person.objects.count() == 12  # written in the job's transaction ...
        raise RuntimeError("disk full")

    monkeypatch.setattr(PersonImport, "apply", apply_then_fail)
    client.force_login(community)
    job = _start(client, _rows(12), django_capture_on_commit_callbacks)
    assert longjobs.run(job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "没有写入任何数据" in job.error and "disk" not in job.error
    assert not Person.objects.exists() and not ImportRun.objects.exists()  # ... and rolled back
    assert not AccessLog.objects.filter(kind="import").exists()
    state = client.get(reverse("core:job_status", args=[job.pk])).json()
    assert state["finished"] and state["status"] == "failed"


@pytest.mark.django_db
def test_another_users_job_is_404_and_same_scope_staff_see_it(
    client, tree, community, worker, admin, building, django_capture_on_commit_callbacks
):
    from civicgrid.accounts.models import Role
    from civicgrid.testing import make_user

    client.force_login(community)
    job = _start(client, _rows(3), django_capture_on_commit_callbacks)
    longjobs.run(job.pk)
    urls = [reverse(name, args=[job.pk]) for name in ("core:job", "core:job_status")]
    client.force_login(worker)  # a grid worker: no import permission
    for url in urls:
        assert client.get(url).status_code == 404
    assert reverse("core:job", args=[job.pk]) not in client.get(reverse("core:jobs")).content.decode()
    neighbour = make_user("shequ2", Role.COMMUNITY_STAFF, tree["S1C2"])
    client.force_login(neighbour)  # the next community's staff: out of scope
    for url in urls:
        assert client.get(url).status_code == 404
    colleague = make_user("shequ3", Role.COMMUNITY_STAFF, tree["S1C1"])
    client.force_login(colleague)  # the same community's staff may follow it
    for url in urls:
        assert client.get(url).status_code == 200
    client.force_login(admin)
    assert client.get(urls[0]).status_code == 200
    assert BackgroundJob.objects.get().status == JobStatus.DONE  # looking changed nothing


@pytest.mark.django_db
def test_a_second_import_in_the_same_scope_waits_for_the_first(
    client, community, building, django_capture_on_commit_callbacks
):
    client.force_login(community)
    job = _start(client, _rows(3), django_capture_on_commit_callbacks)
    again = client.post(reverse("people:import"), {"kind": "persons", "file": _file(_rows(3))})
    assert again.status_code == 409 and reverse("core:job", args=[job.pk]) in again.content.decode()
    assert BackgroundJob.objects.count() == 1
    longjobs.run(job.pk)
    with django_capture_on_commit_callbacks():
        third = client.post(reverse("people:import"), {"kind": "persons", "file": _file(_rows(3))})
    assert third.status_code == 302 and BackgroundJob.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_starts_make_one_job(community, building, settings):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the sequential case is test_a_second_import_in_the_same_scope")
    data = xlsx(ImportKind.PERSONS, _rows(3))
    barrier, outcomes = threading.Barrier(2), []

    def start():
        try:
            barrier.wait()
            outcomes.append(jobs.start_import(community, "persons", data, "a.xlsx"))
        except longjobs.JobBusy as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(type(o).__name__ for o in outcomes) == ["BackgroundJob", "JobBusy"]
    _wait(lambda: BackgroundJob.objects.get().status == JobStatus.DONE)
    assert Person.objects.count() == 3


def _wait(check, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_a_thread_runs_the_job_after_the_request(client, community, building, settings):
    # The job's thread starts at the request's commit, while the session middleware still saves the
    # session: on the tests' shared-cache in-memory SQLite that write can meet "database table is
    # locked" (no busy timeout there). Sessions in a signed cookie keep the request off that table.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    client.force_login(community)
    response = client.post(reverse("people:import"), {"kind": "persons", "file": _file(_rows(20))})
    assert response.status_code == 302
    job = BackgroundJob.objects.get()
    _wait(lambda: BackgroundJob.objects.get(pk=job.pk).status == JobStatus.DONE)
    assert Person.objects.count() == 20


@pytest.mark.django_db
def test_a_long_person_export_is_a_job_whose_file_only_its_owner_gets(
    client, community, worker, building, django_capture_on_commit_callbacks
):
    from civicgrid.people.testing import add_person

    house = building.houses.order_by("floor", "number").first()
    for i in range(3):
        add_person(community, house, name=f"导出{i}")
    client.force_login(community)
    url = reverse("people:export") + f"?region={house.region_code[:12]}"
    with django_capture_on_commit_callbacks():
        response = client.post(url, {"reason": "走访名单"})
    job = BackgroundJob.objects.get(kind="people.export")
    assert response.status_code == 302 and response["Location"] == reverse("core:job", args=[job.pk])
    assert longjobs.run(job.pk) == JobStatus.DONE
    state = client.get(reverse("core:job_status", args=[job.pk])).json()
    assert state["result_url"] and state["written"] == 3
    download = client.get(state["result_url"])
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0]
    assert sorted(r[0].value for r in sheet.iter_rows(min_row=2)) == ["导出0", "导出1", "导出2"]
    assert AccessLog.objects.filter(kind="export", user=community).count() == 1
    client.force_login(worker)
    assert client.get(state["result_url"]).status_code == 404
