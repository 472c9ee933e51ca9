"""老旧院落改造: a project per compound (committee, contractor, plan documents, milestones with
photos), its opinion poll (the consult app's polls, for the compound's households), the fund ledger
(each household's pledge and payments — recorded, never taken) and residents' supervision reports,
each filed as a case for the compound's community and told to the project's manager."""

import secrets
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from civicgrid.cases import actions as case_actions
from civicgrid.cases import uploads
from civicgrid.cases.errors import CaseError
from civicgrid.cases.models import Category, Source
from civicgrid.compounds import conf
from civicgrid.compounds.actions.common import a_date, amount, compound_for, locked, masked, text
from civicgrid.compounds.errors import InputError, NotFound, WrongState
from civicgrid.compounds.events import PaymentRecorded
from civicgrid.compounds.models import (
    CommitteeMember,
    CompoundCase,
    FileKind,
    Milestone,
    Payment,
    Pledge,
    ProjectFile,
    ProjectStatus,
    RenovationProject,
    SupervisionKind,
    SupervisionReport,
)
from civicgrid.consult import actions as consult_actions
from civicgrid.consult.errors import ConsultError
from civicgrid.consult.errors import NotFound as ConsultNotFound
from civicgrid.core import clock, events
from civicgrid.core.changelog import record_change, snapshot
from civicgrid.core.models import ObjectChange
from civicgrid.people import selectors as people_selectors

PERM = "compounds.change_renovationproject"
PROJECT_LOGGED = ["title", "plan", "contractor", "status", "fund_target", "poll_id"]
MAX_MEMBERS = 30
MAX_MILESTONES = 50


def _project(user, project_id):
    return locked(RenovationProject, user, PERM, project_id)


@transaction.atomic
def create_project(user, compound, *, title, plan="", contractor="", fund_target="0"):
    compound = compound_for(user, PERM, compound)
    if RenovationProject.objects.filter(compound=compound).exists():
        raise WrongState(_("该小区已有改造项目。"))
    try:
        with transaction.atomic():
            project = RenovationProject.objects.create(
                compound=compound,
                region_code=compound.region_code,
                title=text(title, _("项目名称"), 100),
                plan=text(plan, _("改造方案"), 5000, required=False),
                contractor=text(contractor, _("施工单位"), 100, required=False),
                fund_target=amount(fund_target or "0", _("居民自筹目标"), allow_zero=True),
                manager=user,
            )
    except IntegrityError:
        raise WrongState(_("该小区已有改造项目。")) from None
    record_change(user, project, ObjectChange.Action.CREATE, after=snapshot(project, PROJECT_LOGGED))
    return project


@transaction.atomic
def update_project(user, project_id, *, title, plan="", contractor="", fund_target="0", status=None):
    project = _project(user, project_id)
    before = snapshot(project, PROJECT_LOGGED)
    project.title = text(title, _("项目名称"), 100)
    project.plan = text(plan, _("改造方案"), 5000, required=False)
    project.contractor = text(contractor, _("施工单位"), 100, required=False)
    project.fund_target = amount(fund_target or "0", _("居民自筹目标"), allow_zero=True)
    if status:
        if status not in ProjectStatus.values:
            raise InputError(_("状态不正确。"))
        project.status = status
    project.save()
    record_change(user, project, ObjectChange.Action.UPDATE, before, snapshot(project, PROJECT_LOGGED))
    return project


@transaction.atomic
def add_member(user, project_id, *, name, duty, phone=""):
    project = _project(user, project_id)
    if project.members.count() >= MAX_MEMBERS:
        raise InputError(_("自治委员会成员最多 %(n)d 人。") % {"n": MAX_MEMBERS})
    member = CommitteeMember.objects.create(
        project=project,
        region_code=project.region_code,
        name=text(name, _("姓名"), 50),
        duty=text(duty, _("职务"), 50),
        phone_masked=masked(phone),
    )
    record_change(user, member, ObjectChange.Action.CREATE, after=snapshot(member, ["name", "duty"]))
    return member


@transaction.atomic
def add_milestone(user, project_id, *, title, due_date):
    project = _project(user, project_id)
    if project.milestones.count() >= MAX_MILESTONES:
        raise InputError(_("改造节点最多 %(n)d 个。") % {"n": MAX_MILESTONES})
    milestone = Milestone.objects.create(
        project=project,
        region_code=project.region_code,
        title=text(title, _("节点"), 100),
        due_date=a_date(due_date, _("计划日期")),
    )
    record_change(user, milestone, ObjectChange.Action.CREATE, after=snapshot(milestone, ["title", "due_date"]))
    return milestone


@transaction.atomic
def complete_milestone(user, milestone_id, *, note="", photos=()):
    milestone = locked(Milestone, user, PERM, milestone_id)
    if milestone.done_at is not None:
        raise WrongState(_("该节点已完成。"))
    note = text(note, _("说明"), 500, required=False)
    before = snapshot(milestone, ["done_at", "note"])
    milestone.done_at, milestone.note = clock.now(), note
    milestone.save(update_fields=["done_at", "note"])
    record_change(user, milestone, ObjectChange.Action.UPDATE, before, snapshot(milestone, ["done_at", "note"]))
    if photos:
        _store(user, milestone.project, photos, FileKind.PHOTO, milestone=milestone)
    return milestone


@transaction.atomic
def add_files(user, project_id, files, *, kind=FileKind.PLAN, title=""):
    """Plan documents (scans, drawings) or photos, through the cases' upload checks."""
    project = _project(user, project_id)
    if kind not in FileKind.values:
        raise InputError(_("文件类别不正确。"))
    return _store(user, project, files, kind, title=text(title, _("标题"), 100, required=False))


def _store(user, project, files, kind, milestone=None, title=""):
    if not files:
        raise InputError(_("请选择图片。"))
    if ProjectFile.objects.filter(project=project).count() + len(files) > conf.get("COMPOUNDS_MAX_FILES"):
        raise InputError(_("每个项目最多 %(n)d 个图片。") % {"n": conf.get("COMPOUNDS_MAX_FILES")})
    try:
        checked = [uploads.check_photo(upload) for upload in files]
    except uploads.UploadError as error:
        raise InputError(error.message) from None
    storage, now, written, saved = uploads.attachment_storage(), clock.now(), [], []
    try:
        for item in checked:
            stem = f"compounds/{now:%Y/%m}/{secrets.token_hex(16)}"
            name = storage.save(f"{stem}.{item.extension}", ContentFile(item.content))
            written.append(name)
            thumb = storage.save(f"{stem}-thumb.{item.extension}", ContentFile(uploads.thumbnail_bytes(item.content)))
            written.append(thumb)
            row = ProjectFile.objects.create(
                project=project,
                milestone=milestone,
                region_code=project.region_code,
                kind=kind,
                title=title,
                file=name,
                thumbnail=thumb,
                content_type=item.content_type,
                uploaded_by=user,
                uploaded_at=now,
            )
            record_change(user, row, ObjectChange.Action.CREATE, after={"project": project.pk, "file": name})
            saved.append(row)
    except Exception:
        for name in written:
            storage.delete(name)
        raise
    return saved


@transaction.atomic
def open_opinion_poll(user, project_id, *, title, question, options, days=14):
    """意见征集: a poll of the consult app for the compound's households (one implementation of polls),
    opened at once and linked to the project."""
    project = _project(user, project_id)
    if project.poll_id:
        raise WrongState(_("该项目已发起意见征集。"))
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise InputError(_("征集天数应为整数。")) from None
    if not 1 <= days <= 90:
        raise InputError(_("征集天数应在 1 到 90 天之间。"))
    if not isinstance(options, list | tuple):
        options = str(options or "").splitlines()
    options = [o.strip() for o in options if isinstance(o, str) and o.strip()]
    now = clock.now()
    compound = project.compound
    try:
        poll = consult_actions.create_poll(
            user,
            community=compound.community,
            compound=compound,
            title=title,
            description=_("老旧院落改造意见征集：%(title)s") % {"title": project.title},
            questions=[
                {"kind": "single", "text": question, "options": options},
                {"kind": "text", "text": _("您的意见建议"), "required": False},
            ],
            opens_at=now,
            closes_at=now + timedelta(days=days),
            origin="renovation",
        )
        poll = consult_actions.open_poll(poll, user)
    except ConsultError as error:
        if isinstance(error, ConsultNotFound):
            raise NotFound() from None
        raise InputError(error.message) from None
    before = snapshot(project, PROJECT_LOGGED)
    project.poll_id = poll.pk
    project.save(update_fields=["poll_id", "updated_at"])
    record_change(user, project, ObjectChange.Action.UPDATE, before, snapshot(project, PROJECT_LOGGED))
    return poll


# --- The fund ledger ---------------------------------------------------------------------------


@transaction.atomic
def set_pledge(user, project_id, *, household_id, pledged):
    """A household's pledge (认筹), created or changed; never below what it has paid."""
    project = _project(user, project_id)
    houses = dict(people_selectors.compound_households(project.compound_id))
    try:
        household_id = int(household_id)
    except (TypeError, ValueError):
        raise InputError(_("请选择房号。")) from None
    if household_id not in houses:
        raise InputError(_("该户不在本小区。"))
    pledged = amount(pledged, _("认筹金额"))
    pledge = Pledge.objects.select_for_update().filter(project=project, household_id=household_id).first()
    if pledge is None:
        pledge = Pledge.objects.create(
            project=project,
            region_code=project.region_code,
            household_id=household_id,
            house_label=houses[household_id],
            pledged=pledged,
        )
        record_change(user, pledge, ObjectChange.Action.CREATE, after=snapshot(pledge, ["house_label", "pledged"]))
        return pledge
    if pledged < pledge.paid:
        raise InputError(_("认筹金额不能少于已缴的 %(paid)s 元。") % {"paid": pledge.paid})
    before = snapshot(pledge, ["pledged"])
    pledge.pledged = pledged
    pledge.save(update_fields=["pledged"])
    record_change(user, pledge, ObjectChange.Action.UPDATE, before, snapshot(pledge, ["pledged"]))
    return pledge


@transaction.atomic
def record_payment(user, pledge_id, *, paid):
    """登记缴款 (recorded, not taken): under the pledge's lock, so two payments at once both count
    and together never pass the pledge."""
    pledge = locked(Pledge, user, PERM, pledge_id)
    value = amount(paid, _("缴款金额"))
    if pledge.paid + value > pledge.pledged:
        raise InputError(
            _("缴款后将超过认筹金额（已缴 %(paid)s 元，认筹 %(pledged)s 元）。")
            % {"paid": pledge.paid, "pledged": pledge.pledged}
        )
    at = clock.now()
    payment = Payment.objects.create(
        pledge=pledge, region_code=pledge.region_code, amount=value, recorded_by=user, recorded_at=at
    )
    Pledge.objects.filter(pk=pledge.pk).update(paid=F("paid") + value)
    pledge.refresh_from_db(fields=["paid"])
    record_change(user, payment, ObjectChange.Action.CREATE, after={"pledge": pledge.pk, "amount": str(value)})
    events.publish(
        PaymentRecorded(
            compound_id=pledge.project.compound_id,
            region_code=pledge.region_code,
            at=at,
            project_id=pledge.project_id,
            pledge_id=pledge.pk,
            amount=str(value),
        )
    )
    return pledge


# --- Residents' supervision ------------------------------------------------------------------------


@transaction.atomic
def report_supervision(user, project_id, *, kind, description):
    """A resident of the project's compound reports a design, quality, disturbance or safety problem
    of the works: filed as a case (cases.actions.report_case) for the compound's community, naming
    the contractor and committee, and told to the project's manager."""
    from civicgrid.compounds import selectors

    project = selectors.resident_project(user, project_id)
    if kind not in SupervisionKind.values:
        raise InputError(_("请选择问题类别。"))
    description = text(description, _("问题描述"), 1000)
    code = conf.get("COMPOUNDS_SUPERVISION_CATEGORIES").get(kind)
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        raise InputError(_("该类别暂不能上报，请联系社区。"))
    compound = project.compound
    parties = [_("施工单位：%(name)s") % {"name": project.contractor}] if project.contractor else []
    committee = "、".join(f"{m.duty}{m.name}" for m in project.members.all()[:5])
    if committee:
        parties.append(_("自治委员会：%(names)s") % {"names": committee})
    label = SupervisionKind(kind).label
    body = f"【{project.title}·{label}】{description}" + (f"\n{'；'.join(parties)}" if parties else "")
    try:
        result = case_actions.report_case(
            user,
            category=category,
            description=body[:4000],
            source=Source.RESIDENT,
            title=f"{compound.name}改造{label}"[:100],
            region=compound.community,
            address=compound.name,
            is_public=False,
        )
    except CaseError as error:
        raise InputError(str(error)) from None
    case = result.case
    row = SupervisionReport.objects.create(
        project=project,
        region_code=project.region_code,
        kind=kind,
        case_id=case.pk,
        case_number=case.number,
        reporter=user,
        reported_at=case.reported_at,
    )
    CompoundCase.objects.update_or_create(
        case_id=case.pk,
        defaults={
            "compound": compound,
            "region_code": compound.region_code,
            "number": case.number,
            "title": case.title[:100],
            "hotline": False,
            "is_open": True,
            "reported_at": case.reported_at,
        },
    )
    events.publish(
        events.MessageSent(
            user_ids=(project.manager_id,),
            title=_("改造监督：%(title)s") % {"title": project.title},
            body=_("居民反映%(kind)s，已生成案件 %(number)s。") % {"kind": label, "number": case.number},
            url=reverse("compounds:project", args=[project.pk]),
            topic="compounds",
        )
    )
    return row
