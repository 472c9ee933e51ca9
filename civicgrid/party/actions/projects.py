"""一支部一项目: propose, approve (立项), milestones, progress reports, supervision (督导), acceptance
(验收) or return. Each action reads the project (or the organisation) locked, from the user's reach:
out of `policy.visible_orgs` raises Project.DoesNotExist (404, nothing changed); in sight but not the
user's to do (a leader's step by a reviewer, a reviewer's step on their own branch, a step the stage
does not allow) is a ValidationError. The stage moves only as `FLOW` says.

Files (pictures and PDF documents) are checked by content like case uploads (cases.uploads) before
anything is written, and stored in the private attachment storage under random names."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from civicgrid.cases import uploads
from civicgrid.core import clock, events
from civicgrid.core.events import MessageSent
from civicgrid.party import policy
from civicgrid.party.actions.common import refuse, text
from civicgrid.party.events import ProjectAccepted, ProjectStageChanged
from civicgrid.party.models import (
    Milestone,
    NoteKind,
    OrgKind,
    Project,
    ProjectCategory,
    ProjectFile,
    ProjectNote,
    Stage,
)

# Which organisations run projects (一支部一项目): branches and general branches.
PROJECT_KINDS = (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH)

# The workflow, in one table: step → {stage it may be taken from: stage it leads to}; and who takes it
# ("lead": policy.led_orgs, "review": policy.reviewed_orgs).
FLOW = {
    "approve": ("review", {Stage.PROPOSED: Stage.IN_PROGRESS}),
    "report": ("lead", {Stage.IN_PROGRESS: Stage.IN_PROGRESS, Stage.SUPERVISED: Stage.SUPERVISED}),
    "add_milestone": (
        "lead",
        {Stage.PROPOSED: Stage.PROPOSED, Stage.IN_PROGRESS: Stage.IN_PROGRESS, Stage.SUPERVISED: Stage.SUPERVISED},
    ),
    "complete_milestone": ("lead", {Stage.IN_PROGRESS: Stage.IN_PROGRESS, Stage.SUPERVISED: Stage.SUPERVISED}),
    "supervise": ("review", {Stage.IN_PROGRESS: Stage.SUPERVISED, Stage.SUPERVISED: Stage.SUPERVISED}),
    "accept": ("review", {Stage.SUPERVISED: Stage.ACCEPTED}),
    "return": ("review", {Stage.SUPERVISED: Stage.IN_PROGRESS}),
}

TITLE_MAX, LONG_MAX, NOTE_MAX = 60, 1000, 2000
MAX_PHOTOS, MAX_DOCUMENTS, DOCUMENT_MAX_MB = 6, 3, 10
MAX_YEARS = 3  # a project runs at most three years

# --- Files ------------------------------------------------------------------------------------


def check_document(upload):
    """A PDF document (cases.uploads.check_document): served as a download, never shown inline."""
    return uploads.check_document(upload, DOCUMENT_MAX_MB)


def check_files(photos=(), documents=()):
    """Checked files, or a ValidationError naming the field of the first refused."""
    photos, documents = [f for f in photos or () if f], [f for f in documents or () if f]
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("图片最多 %(n)d 张。") % {"n": MAX_PHOTOS}})
    if len(documents) > MAX_DOCUMENTS:
        raise ValidationError({"documents": _("文档最多 %(n)d 个。") % {"n": MAX_DOCUMENTS}})
    checked = []
    try:
        checked += [uploads.check_photo(f) for f in photos]
    except uploads.UploadError as exc:
        raise ValidationError({"photos": str(exc)}) from None
    try:
        checked += [check_document(f) for f in documents]
    except uploads.UploadError as exc:
        raise ValidationError({"documents": str(exc)}) from None
    return checked


def _store(note, checked, user):
    """Write the checked files and their rows (in the caller's transaction)."""
    uploads.save_checked(
        checked,
        "party/projects",
        clock.now(),
        user,
        lambda **fields: ProjectFile.objects.create(note=note, project_id=note.project_id, **fields),
    )


def open_file(row):
    return uploads.attachment_storage().open(row.file, "rb")


# --- Helpers ----------------------------------------------------------------------------------


def _locked(user, project_id):
    """The project, locked, if the user sees it; else Project.DoesNotExist."""
    return Project.objects.select_for_update().get(
        pk=project_id, organisation__in=policy.visible_orgs(user).values("pk")
    )


def _may(user, project, step):
    """Raise ValidationError unless `user` may take `step` on `project` now; return the next stage."""
    who, moves = FLOW[step]
    if who == "lead" and not policy.led_orgs(user).filter(pk=project.organisation_id).exists():
        raise ValidationError(_("只有本支部的书记、副书记、组织委员或党务工作者可以办理。"))
    if who == "review" and not policy.reviewed_orgs(user).filter(pk=project.organisation_id).exists():
        raise ValidationError(_("只有上级党组织或本支部的党建指导员可以办理；不能审核本支部的项目。"))
    if project.stage not in moves:
        raise ValidationError(
            _("项目当前处于“%(stage)s”阶段，不能办理此事项。") % {"stage": Stage(project.stage).label}
        )
    return moves[project.stage]


def _note(project, user, kind, body="", *, stage_from="", milestone=None, checked=()):
    note = ProjectNote.objects.create(
        project=project,
        kind=kind,
        body=body,
        author=user,
        milestone=milestone,
        stage_from=stage_from,
        stage_to=project.stage if stage_from else "",
        at=clock.now(),
    )
    if checked:
        _store(note, checked, user)
    return note


def _moved(project, user, before):
    events.publish(
        ProjectStageChanged(
            project_id=project.pk,
            organisation_id=project.organisation_id,
            from_stage=before,
            to_stage=project.stage,
            region_code=project.region_code,
            actor_id=user.pk,
        )
    )


def _tell(project, user, title):
    """Tell the project's proposer (if it is not the actor)."""
    if project.created_by_id and project.created_by_id != user.pk:
        url = reverse("party:project", args=[project.pk])
        events.publish(MessageSent(user_ids=(project.created_by_id,), title=title, url=url, topic="party"))


def _check_dates(errors, year, started_on, due_on):
    today = clock.now().date()
    if not isinstance(year, int) or not (2000 <= year <= today.year + 1):
        errors["year"] = _("年度须在 2000 年至明年之间。")
        year = None
    if not isinstance(started_on, date):
        errors["started_on"] = _("请填写开始日期。")
    elif year is not None and abs(started_on.year - year) > 1:
        errors["started_on"] = _("开始日期须在项目年度前后一年之内。")
    if not isinstance(due_on, date):
        errors["due_on"] = _("请填写计划完成日期。")
    elif isinstance(started_on, date) and due_on < started_on:
        errors["due_on"] = _("计划完成日期不能早于开始日期。")
    elif isinstance(started_on, date) and due_on > started_on + timedelta(days=366 * MAX_YEARS):
        errors["due_on"] = _("项目周期不能超过 %(n)d 年。") % {"n": MAX_YEARS}


# --- Actions ----------------------------------------------------------------------------------


@transaction.atomic
def propose_project(user, org_id, *, year, title, summary, goal, category, started_on, due_on):
    """申报: a leader of the branch proposes its project of `year`; at most one open a year."""
    org = policy.led_orgs(user).select_for_update().get(pk=org_id)
    errors = {}
    title = text(errors, "title", title, TITLE_MAX, required=True, label=_("项目名称"))
    summary = text(errors, "summary", summary, LONG_MAX, required=True, label=_("项目简介"))
    goal = text(errors, "goal", goal, LONG_MAX, required=True, label=_("项目目标"))
    if category not in ProjectCategory.values:
        errors["category"] = _("请选择项目类别。")
    if org.kind not in PROJECT_KINDS or not org.is_active:
        errors["organisation"] = _("一支部一项目由党支部或党总支申报。")
    _check_dates(errors, year, started_on, due_on)
    refuse(errors)
    if Project.objects.filter(organisation=org, year=year).exclude(stage=Stage.ACCEPTED).exists():
        raise ValidationError({"year": _("本支部该年度已有未验收的项目，验收后才能申报新项目。")})
    try:
        with transaction.atomic():
            project = Project.objects.create(
                organisation=org,
                region_code=org.region_code,
                year=year,
                title=title,
                summary=summary,
                goal=goal,
                category=category,
                started_on=started_on,
                due_on=due_on,
                created_by=user,
            )
    except IntegrityError:
        raise ValidationError({"year": _("本支部该年度已有未验收的项目，验收后才能申报新项目。")}) from None
    _note(project, user, NoteKind.PROPOSED, summary)
    _moved(project, user, "")
    return project


@transaction.atomic
def approve_project(user, project_id, *, body=""):
    """立项: a reviewer approves the proposal; the project moves to 推进."""
    project = _locked(user, project_id)
    errors = {}
    body = text(errors, "body", body, NOTE_MAX)
    refuse(errors)
    after = _may(user, project, "approve")
    before, project.stage = project.stage, after
    project.approved_at, project.approved_by = clock.now(), user
    project.save(update_fields=["stage", "approved_at", "approved_by", "updated_at"])
    _note(project, user, NoteKind.APPROVED, body, stage_from=before)
    _moved(project, user, before)
    _tell(project, user, _("项目“%(title)s”已批准立项。") % {"title": project.title})
    return project


@transaction.atomic
def report_progress(user, project_id, *, body, photos=(), documents=()):
    """进展报告: the branch reports what it did (text, pictures, documents)."""
    project = _locked(user, project_id)
    errors = {}
    body = text(errors, "body", body, NOTE_MAX, required=True, label=_("进展情况"))
    refuse(errors)
    _may(user, project, "report")
    checked = check_files(photos, documents)
    return _note(project, user, NoteKind.PROGRESS, body, checked=checked)


@transaction.atomic
def supervise_project(user, project_id, *, body, photos=(), documents=()):
    """督导意见: a reviewer comments; a project in 推进 moves to 督导."""
    project = _locked(user, project_id)
    errors = {}
    body = text(errors, "body", body, NOTE_MAX, required=True, label=_("督导意见"))
    refuse(errors)
    after = _may(user, project, "supervise")
    checked = check_files(photos, documents)
    before, project.stage = project.stage, after
    if before != after:
        project.save(update_fields=["stage", "updated_at"])
    note = _note(
        project, user, NoteKind.SUPERVISION, body, stage_from=before if before != after else "", checked=checked
    )
    if before != after:
        _moved(project, user, before)
    _tell(project, user, _("项目“%(title)s”收到督导意见。") % {"title": project.title})
    return note


def _check_score(errors, score):
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100:
        errors["score"] = _("评分须是 0 到 100 之间的整数。")


@transaction.atomic
def accept_project(user, project_id, *, verdict, score, photos=(), documents=()):
    """验收: a reviewer (never of their own branch, never the proposer) accepts with a verdict and
    a score (0–100)."""
    project = _locked(user, project_id)
    errors = {}
    verdict = text(errors, "verdict", verdict, LONG_MAX, required=True, label=_("验收意见"))
    _check_score(errors, score)
    refuse(errors)
    if project.created_by_id == user.pk:
        raise ValidationError(_("不能验收自己申报的项目。"))
    after = _may(user, project, "accept")
    checked = check_files(photos, documents)
    before, project.stage = project.stage, after
    project.accepted_at, project.accepted_by, project.verdict, project.score = clock.now(), user, verdict, score
    project.save(update_fields=["stage", "accepted_at", "accepted_by", "verdict", "score", "updated_at"])
    _note(project, user, NoteKind.ACCEPTED, verdict, stage_from=before, checked=checked)
    _moved(project, user, before)
    events.publish(
        ProjectAccepted(
            project_id=project.pk,
            organisation_id=project.organisation_id,
            year=project.year,
            score=score,
            actor_id=user.pk,
        )
    )
    _tell(project, user, _("项目“%(title)s”已通过验收。") % {"title": project.title})
    return project


@transaction.atomic
def return_project(user, project_id, *, body):
    """未通过验收: a reviewer returns the project to 推进 with what must be improved."""
    project = _locked(user, project_id)
    errors = {}
    body = text(errors, "body", body, NOTE_MAX, required=True, label=_("整改意见"))
    refuse(errors)
    if project.created_by_id == user.pk:
        raise ValidationError(_("不能验收自己申报的项目。"))
    after = _may(user, project, "return")
    before, project.stage = project.stage, after
    project.returned_count += 1
    project.save(update_fields=["stage", "returned_count", "updated_at"])
    _note(project, user, NoteKind.RETURNED, body, stage_from=before)
    _moved(project, user, before)
    _tell(project, user, _("项目“%(title)s”未通过验收，已退回整改。") % {"title": project.title})
    return project


@transaction.atomic
def add_milestone(user, project_id, *, title, due_on):
    """A milestone (节点) of the project, due within its period."""
    project = _locked(user, project_id)
    errors = {}
    title = text(errors, "title", title, TITLE_MAX, required=True, label=_("节点名称"))
    if not isinstance(due_on, date):
        errors["due_on"] = _("请填写计划完成日期。")
    elif not project.started_on <= due_on <= project.due_on:
        errors["due_on"] = _("节点日期须在项目开始日期与计划完成日期之间（%(start)s 至 %(end)s）。") % {
            "start": project.started_on.isoformat(),
            "end": project.due_on.isoformat(),
        }
    refuse(errors)
    _may(user, project, "add_milestone")
    if project.milestones.count() >= 20:
        raise ValidationError({"title": _("一个项目最多 20 个节点。")})
    return Milestone.objects.create(project=project, title=title, due_on=due_on, created_by=user)


@transaction.atomic
def complete_milestone(user, milestone_id, *, evidence, photos=(), documents=()):
    """A milestone done, with its evidence (text, pictures, documents); once only."""
    row = Milestone.objects.filter(
        pk=milestone_id, project__organisation__in=policy.visible_orgs(user).values("pk")
    ).first()
    if row is None:
        raise Milestone.DoesNotExist
    project = _locked(user, row.project_id)
    milestone = Milestone.objects.select_for_update().get(pk=row.pk)
    errors = {}
    evidence = text(errors, "evidence", evidence, LONG_MAX, required=True, label=_("完成情况"))
    refuse(errors)
    _may(user, project, "complete_milestone")
    if milestone.done_at is not None:
        raise ValidationError(_("该节点已完成。"))
    checked = check_files(photos, documents)
    milestone.done_at, milestone.done_by, milestone.evidence = clock.now(), user, evidence
    milestone.save(update_fields=["done_at", "done_by", "evidence"])
    _note(project, user, NoteKind.MILESTONE, evidence, milestone=milestone, checked=checked)
    return milestone
