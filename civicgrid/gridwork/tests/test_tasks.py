"""Door-to-door tasks: creation with a form and targets, filling (idempotent, validated), scope,
progress, closing, export with formulas neutralised."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from civicgrid.core import events
from civicgrid.gridwork import actions, selectors
from civicgrid.gridwork.events import TaskClosed, TaskFormSubmitted
from civicgrid.gridwork.export import task_workbook
from civicgrid.gridwork.models import Target, Task, TaskStatus

pytestmark = pytest.mark.django_db

FIELDS = [
    {"label": "常住人数", "type": "number", "required": True},
    {"label": "消防隐患", "type": "choice", "choices": ["无", "有"], "required": True},
    {"label": "备注", "type": "text"},
    {"label": "检查日期", "type": "date"},
    {"label": "现场照片", "type": "photo"},
]


@pytest.fixture
def captured():
    seen = []
    for kind in (TaskFormSubmitted, TaskClosed):
        events.subscribe(kind, seen.append, phase=events.IN_TRANSACTION)
    yield seen
    for kind in (TaskFormSubmitted, TaskClosed):
        events.unsubscribe(kind, seen.append, phase=events.IN_TRANSACTION)


def make_task(world, user=None, **overrides):
    data = {
        "title": "消防隐患排查",
        "region": world.tree["S1"],
        "fields": FIELDS,
        "target_kind": "houses",
        "deadline": timezone.now() + timedelta(days=3),
    }
    data.update(overrides)
    return actions.create_task(user or world.people.street, **data)


def test_a_task_targets_the_houses_of_its_region_by_grid(world):
    task = make_task(world)
    assert task.targets == 5 == Target.objects.filter(task=task).count()
    grids = dict(Target.objects.filter(task=task).values_list("house_id", "grid_code"))
    assert grids[world.far_house.pk] == world.tree["S1C2G1"].code
    assert [f["key"] for f in task.fields] == ["f1", "f2", "f3", "f4", "f5"]
    mine = selectors.worker_tasks(world.people.grid)
    assert [(t.pk, t.mine_total) for t in mine] == [(task.pk, 4)]


def test_a_task_for_persons_with_a_tag_masks_their_names(world):
    task = make_task(
        world, target_kind="persons", tag_code="elderly_alone", region=world.tree["S1C1"], user=world.people.community
    )
    target = Target.objects.get(task=task)
    assert target.person == world.elder and "王秀英" not in target.label and target.label.startswith("王*")


@pytest.mark.parametrize(
    "overrides",
    [
        {"fields": []},
        {"fields": [{"label": "x", "type": "video"}]},
        {"fields": [{"label": "x", "type": "choice", "choices": ["只有一个"]}]},
        {"fields": [{"label": "", "type": "text"}]},
        {"title": "坏\x00"},
        {"deadline": timezone.now() - timedelta(days=1)},
        {"target_kind": "cats"},
        {"target_kind": "persons", "tag_code": "nope"},
        {"region": None},
    ],
)
def test_bad_tasks_are_refused(world, overrides):
    with pytest.raises(ValidationError):
        make_task(world, **overrides)
    assert Task.objects.count() == Target.objects.count() == 0


def test_only_staff_over_the_region_create_tasks(world):
    for user, region in ((world.people.community, world.tree["S1"]), (world.people.grid, world.tree["S1C1G1"])):
        with pytest.raises(ValidationError):
            make_task(world, user=user, region=region)
    assert Task.objects.count() == 0


def test_filling_a_form_once_with_its_key_and_publishing_once(world, captured):
    task = make_task(world)
    target = selectors.worker_targets(world.people.grid, task.pk).first()
    answers = {"f1": "3", "f2": "有", "f3": '=HYPERLINK("http://x")', "f4": "2026-12-01"}
    actions.submit_form(world.people.grid, target.pk, answers, key="k1")
    actions.submit_form(world.people.grid, target.pk, answers, key="k1")  # a retry
    actions.submit_form(world.people.grid, target.pk, {**answers, "f1": 4}, key="k2")  # a correction
    target.refresh_from_db()
    assert target.answers["f1"] == 4 and target.filled_by == world.people.grid
    assert Task.objects.get(pk=task.pk).done == 1
    assert [type(e) for e in captured] == [TaskFormSubmitted]
    assert captured[0].grid_code == world.tree["S1C1G1"].code and captured[0].on_time


@pytest.mark.parametrize(
    "answers",
    [
        {"f2": "有"},
        {"f1": "many", "f2": "有"},
        {"f1": "1e99", "f2": "有"},
        {"f1": "2", "f2": "也许"},
        {"f1": "2", "f2": "有", "f4": "2026-13-01"},
        {"f1": "2", "f2": "有", "f3": "坏\x0b"},
        {"f1": "2", "f2": "有", "f3": "长" * 501},
        "not a dict",
    ],
)
def test_bad_answers_are_refused_and_nothing_written(world, answers):
    task = make_task(world)
    target = selectors.worker_targets(world.people.grid, task.pk).first()
    with pytest.raises(ValidationError):
        actions.submit_form(world.people.grid, target.pk, answers)
    target.refresh_from_db()
    assert target.filled_at is None and Task.objects.get(pk=task.pk).done == 0


def test_photo_answers_go_through_the_upload_checks(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from civicgrid.cases.tests.media_files import jpeg

    task = make_task(world)
    target = selectors.worker_targets(world.people.grid, task.pk).first()
    with pytest.raises(ValidationError):
        actions.submit_form(
            world.people.grid, target.pk, {"f1": 1, "f2": "无"}, {"f5": SimpleUploadedFile("a.jpg", b"not an image")}
        )
    actions.submit_form(world.people.grid, target.pk, {"f1": 1, "f2": "无"}, {"f5": jpeg()})
    assert target.photos.count() == 1


def test_targets_of_another_grid_are_not_found(world):
    task = make_task(world)
    theirs = Target.objects.get(task=task, house=world.far_house)
    for user in (world.people.grid, world.people.community, world.people.resident):
        with pytest.raises(Target.DoesNotExist):
            actions.submit_form(user, theirs.pk, {"f1": 1, "f2": "无"})
    theirs.refresh_from_db()
    assert theirs.filled_at is None


def test_progress_close_and_export(world, captured):
    task = make_task(world)
    for target in selectors.worker_targets(world.people.grid, task.pk)[:2]:
        actions.submit_form(world.people.grid, target.pk, {"f1": 2, "f2": "无", "f3": "=1+2"})
    progress = selectors.progress(task)
    by_grid = {g["grid_code"]: (g["done"], g["total"]) for g in progress["grids"]}
    assert by_grid == {world.tree["S1C1G1"].code: (2, 4), world.tree["S1C2G1"].code: (0, 1)}
    assert progress["workers"][0]["done"] == 2
    with pytest.raises(Task.DoesNotExist):
        actions.close_task(world.people.neighbour_staff, task.pk)
    closed = actions.close_task(world.people.street, task.pk)
    assert closed.status == TaskStatus.CLOSED and closed.done == 2
    closed_events = [e for e in captured if isinstance(e, TaskClosed)]
    assert len(closed_events) == 1 and closed_events[0].targets == 5
    target = selectors.worker_targets(world.people.grid, task.pk).filter(filled_at__isnull=True).first()
    with pytest.raises(ValidationError):
        actions.submit_form(world.people.grid, target.pk, {"f1": 2, "f2": "无"})
    sheet = load_workbook(io.BytesIO(task_workbook(task))).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "'=1+2" in values and "=1+2" not in values


def test_the_job_closes_tasks_past_their_deadline(world):
    task = make_task(world)
    Task.objects.filter(pk=task.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    assert actions.close_due_tasks() == 1
    assert Task.objects.get(pk=task.pk).status == TaskStatus.CLOSED
