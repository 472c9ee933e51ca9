"""摸排任务: a street or community creates a task with its own form and target set; grid workers
fill one form per target (the phone's key makes a retry harmless); the task closes by hand or at
its deadline (the job). Targets carry their own place's code, so the grid workers of those grids
see exactly their targets (Target.objects.restrict)."""

import math
import secrets
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from civicgrid.accounts.scopes import scope_codes
from civicgrid.core import clock, events
from civicgrid.core.changelog import record_change
from civicgrid.core.models import ObjectChange
from civicgrid.core.scoping import subtree_q
from civicgrid.gridwork import conf
from civicgrid.gridwork.actions.common import client_key, text
from civicgrid.gridwork.events import TaskClosed, TaskFormSubmitted
from civicgrid.gridwork.models import Target, TargetKind, Task, TaskPhoto, TaskStatus
from civicgrid.regions.models import Level, Region

FIELD_TYPES = ("text", "number", "choice", "photo", "date")
ANSWER_TEXT_MAX = 500


def _clean_fields(fields):
    if not isinstance(fields, list) or not fields:
        raise ValidationError({"fields": _("请至少添加一个填报项。")})
    if len(fields) > conf.get("GRIDWORK_TASK_MAX_FIELDS"):
        raise ValidationError({"fields": _("填报项最多 %(n)s 个。") % {"n": conf.get("GRIDWORK_TASK_MAX_FIELDS")}})
    cleaned = []
    for index, item in enumerate(fields, start=1):
        if not isinstance(item, dict):
            raise ValidationError({"fields": _("填报项格式不正确。")})
        label = text(item.get("label"), "fields", 40, True, _("请填写每个填报项的名称。"))
        kind = item.get("type")
        if kind not in FIELD_TYPES:
            raise ValidationError({"fields": _("填报项“%(label)s”的类型不正确。") % {"label": label}})
        choices = []
        if kind == "choice":
            raw = item.get("choices")
            if not isinstance(raw, list) or not 2 <= len(raw) <= 20:
                raise ValidationError({"fields": _("选择项“%(label)s”须有 2 到 20 个选项。") % {"label": label}})
            choices = [text(c, "fields", 40, True) for c in raw]
            if len(set(choices)) != len(choices):
                raise ValidationError({"fields": _("选择项“%(label)s”有重复的选项。") % {"label": label}})
        cleaned.append(
            {
                "key": f"f{index}",
                "label": label,
                "type": kind,
                "required": bool(item.get("required")),
                "choices": choices,
            }
        )
    return cleaned


def _grid_of(codes):
    """{place code: its grid's code} for the codes of houses/persons (a micro-grid → its grid)."""
    nodes = {r.code: r for r in Region.objects.filter(code__in=set(codes)).only("code", "level", "parent_id")}
    parents = dict(
        Region.objects.filter(pk__in={r.parent_id for r in nodes.values() if r.level == Level.MICROGRID}).values_list(
            "pk", "code"
        )
    )
    result = {}
    for code in codes:
        node = nodes.get(code)
        if node is not None and node.level == Level.MICROGRID:
            result[code] = parents.get(node.parent_id, code)
        else:
            result[code] = code
    return result


def _targets(task):
    from civicgrid.people.models import House, Person
    from civicgrid.people.protection import mask_name

    where = subtree_q("region_code", [task.region.code])
    rows = []
    if task.target_kind == TargetKind.HOUSES:
        for house in House.objects.filter(where).select_related("building", "unit"):
            rows.append(Target(task=task, house=house, region_code=house.region_code, label=str(house)[:120]))
    else:
        persons = (
            Person.objects.filter(
                where, moved_out_at__isnull=True, house__isnull=False, person_tags__tag__code=task.tag_code
            )
            .select_related("house__building", "house__unit")
            .distinct()
        )
        for person in persons:
            label = f"{mask_name(person.name)} · {person.house}"
            rows.append(
                Target(task=task, house=person.house, person=person, region_code=person.region_code, label=label[:120])
            )
    if len(rows) > conf.get("GRIDWORK_TASK_MAX_TARGETS"):
        raise ValidationError(
            _("摸排对象过多（最多 %(n)s 个），请缩小区域。") % {"n": conf.get("GRIDWORK_TASK_MAX_TARGETS")}
        )
    grids = _grid_of([row.region_code for row in rows])
    for row in rows:
        row.grid_code = grids[row.region_code]
    return rows


@transaction.atomic
def create_task(user, *, title, description="", region, fields, target_kind, tag_code="", deadline):
    """Create a task for a street or community of the user's subtree, with its targets."""
    from civicgrid.people.models import Tag

    codes = scope_codes(user, "gridwork.add_task")
    if region is None or region.level not in (Level.STREET, Level.COMMUNITY, Level.GRID):
        raise ValidationError({"region": _("请选择街道、社区或网格。")})
    if codes is not None and not any(region.code.startswith(c) for c in codes):
        raise ValidationError({"region": _("您不能为这个区域发布摸排任务。")})
    title = text(title, "title", 80, True, _("请填写任务名称。"))
    description = text(description, "description", conf.get("GRIDWORK_TEXT_MAX"))
    fields = _clean_fields(fields)
    if target_kind not in TargetKind.values:
        raise ValidationError({"target_kind": _("请选择摸排对象。")})
    if target_kind == TargetKind.PERSONS and not Tag.objects.filter(code=tag_code).exists():
        raise ValidationError({"tag_code": _("没有这个人群标签。")})
    if target_kind == TargetKind.HOUSES:
        tag_code = ""
    if deadline is None or deadline <= clock.now():
        raise ValidationError({"deadline": _("截止时间须晚于现在。")})
    task = Task.objects.create(
        title=title,
        description=description,
        region=region,
        region_code=region.code,
        fields=fields,
        target_kind=target_kind,
        tag_code=tag_code,
        deadline=deadline,
        created_by=user,
    )
    rows = _targets(task)
    Target.objects.bulk_create(rows, batch_size=1000)
    task.targets = len(rows)
    task.save(update_fields=["targets"])
    record_change(user, task, ObjectChange.Action.CREATE, None, {"title": title, "targets": len(rows)})
    return task


def _answer(field, value):
    kind, label = field["type"], field["label"]
    if value in (None, ""):
        return None
    if kind == "text":
        return text(value, field["key"], ANSWER_TEXT_MAX)
    if kind == "number":
        try:
            number = float(value) if not isinstance(value, bool) else math.nan
        except (TypeError, ValueError):
            number = math.nan
        if not math.isfinite(number) or abs(number) > 1e9:
            raise ValidationError({field["key"]: _("“%(label)s”须为数字。") % {"label": label}})
        return int(number) if number.is_integer() else number
    if kind == "choice":
        if value not in field["choices"]:
            raise ValidationError({field["key"]: _("“%(label)s”的选项不正确。") % {"label": label}})
        return value
    if kind == "date":
        try:
            day = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
        except ValueError:
            day = None
        if day is None or not 1900 <= day.year <= 2100:
            raise ValidationError({field["key"]: _("“%(label)s”的日期不正确。") % {"label": label}})
        return day.isoformat()
    return None


def _check_photos(task, photos):
    from civicgrid.cases import uploads

    kinds = {f["key"]: f for f in task.fields if f["type"] == "photo"}
    checked = {}
    for key, upload in (photos or {}).items():
        if key not in kinds:
            continue
        try:
            checked[key] = uploads.check_photo(upload)
        except uploads.UploadError as error:
            raise ValidationError({key: error.message}) from None
    return checked


@transaction.atomic
def submit_form(user, target_id, answers, photos=None, key=""):
    """Fill (or correct) the form of one target. `answers` {field key: value}; `photos` {field key:
    upload}. The same key again returns the target as it is; TaskFormSubmitted is published on the
    first filling only."""
    from django.core.files.base import ContentFile

    from civicgrid.cases import uploads

    key = client_key(key)
    target = Target.objects.restrict(user, "change").select_for_update().select_related("task").get(pk=target_id)
    if key and target.client_key == key:
        return target
    task = Task.objects.select_for_update().get(pk=target.task_id)
    if task.status != TaskStatus.OPEN:
        raise ValidationError(_("任务已结束，不能再填报。"))
    if not isinstance(answers, dict) or len(answers) > 100:
        raise ValidationError(_("填报内容格式不正确。"))
    checked = _check_photos(task, photos)
    cleaned = {}
    for field in task.fields:
        if field["type"] == "photo":
            present = (
                field["key"] in checked or TaskPhoto.objects.filter(target=target, field_key=field["key"]).exists()
            )
            if field["required"] and not present:
                raise ValidationError({field["key"]: _("请为“%(label)s”拍照。") % {"label": field["label"]}})
            continue
        value = _answer(field, answers.get(field["key"]))
        if value is None and field["required"]:
            raise ValidationError({field["key"]: _("请填写“%(label)s”。") % {"label": field["label"]}})
        if value is not None:
            cleaned[field["key"]] = value
    now = clock.now()
    storage = uploads.attachment_storage()
    for field_key, item in checked.items():
        name = storage.save(f"gridwork/{now:%Y/%m}/{secrets.token_hex(16)}.{item.extension}", ContentFile(item.content))
        TaskPhoto.objects.filter(target=target, field_key=field_key).delete()
        TaskPhoto.objects.create(
            target=target,
            field_key=field_key,
            region_code=target.region_code,
            file=name,
            content_type=item.content_type,
            uploaded_at=now,
        )
    first = target.filled_at is None
    before = {"answers": target.answers} if not first else None
    target.answers, target.filled_by, target.filled_at, target.client_key = cleaned, user, now, key
    target.save(update_fields=["answers", "filled_by", "filled_at", "client_key"])
    action = ObjectChange.Action.CREATE if first else ObjectChange.Action.UPDATE
    record_change(user, target, action, before, {"answers": cleaned})
    if first:
        Task.objects.filter(pk=task.pk).update(done=F("done") + 1)
        events.publish(
            TaskFormSubmitted(
                task_id=task.pk,
                target_id=target.pk,
                user_id=user.pk,
                grid_code=target.grid_code,
                at=now,
                on_time=now <= task.deadline,
            )
        )
    return target


def _close(task, user):
    task.status, task.closed_at = TaskStatus.CLOSED, clock.now()
    task.done = Target.objects.filter(task=task, filled_at__isnull=False).count()
    task.save(update_fields=["status", "closed_at", "done", "updated_at"])
    if user is not None:
        record_change(user, task, ObjectChange.Action.UPDATE, {"status": "open"}, {"status": "closed"})
    events.publish(
        TaskClosed(
            task_id=task.pk, region_code=task.region_code, at=task.closed_at, targets=task.targets, done=task.done
        )
    )
    return task


@transaction.atomic
def close_task(user, task_id):
    task = Task.objects.restrict(user, "change").select_for_update().get(pk=task_id)
    if task.status == TaskStatus.CLOSED:
        return task
    return _close(task, user)


def close_due_tasks():
    """The periodic job: close open tasks whose deadline has passed."""
    closed = 0
    for pk in Task.objects.filter(status=TaskStatus.OPEN, deadline__lt=clock.now()).values_list("pk", flat=True):
        with transaction.atomic():
            task = Task.objects.select_for_update().filter(pk=pk, status=TaskStatus.OPEN).first()
            if task is not None:
                _close(task, None)
                closed += 1
    return closed
