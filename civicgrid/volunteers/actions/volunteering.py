"""Volunteers, teams, projects and shifts.

A shift is an activity of kind SHIFT_KIND: created, published, signed up for, checked in and out
and its hours confirmed through civicgrid.activities.actions (one implementation, with its seat
lock: two volunteers taking a shift's last seat cannot both win). This module adds who may: only a
verified volunteer signs up; only staff of the shift's subtree check in, out and confirm hours; the
volunteer's hours total is kept on their row in the same transaction as the confirmation."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from civicgrid.activities import actions as activity_actions
from civicgrid.activities.models import Activity, Enrolment
from civicgrid.core import clock, events
from civicgrid.core.changelog import record_change, snapshot
from civicgrid.core.models import ObjectChange
from civicgrid.people.selectors import resident_identity
from civicgrid.regions.codes import ancestor_codes
from civicgrid.volunteers import selectors
from civicgrid.volunteers.actions.common import choices, lines, text
from civicgrid.volunteers.events import HoursConfirmed, VolunteerVerified
from civicgrid.volunteers.models import (
    AVAILABILITY,
    SHIFT_KIND,
    SKILLS,
    Project,
    Shift,
    Team,
    Volunteer,
    VolunteerStatus,
)

VOLUNTEER_LOG = ("status", "skills", "availability", "intro", "team", "review_note", "hours_total")
TEAM_LOG = ("name", "level", "region", "parent", "description", "service_items", "posts", "is_active")


# --- Registration ------------------------------------------------------------------------------


@transaction.atomic
def register(user, *, skills=(), availability=(), intro="", team_id=None):
    """注册志愿者 (or edit one's registration): linked to the person of base data who lives in the
    user's community with the account's phone. A new or refused registration waits for the
    community's check; a verified volunteer's edit keeps the verification."""
    community = selectors.home_community(user)
    if community is None:
        raise ValidationError(_("只有登记在社区的居民才能注册志愿者。"))
    identity = resident_identity(user, community.code)
    if identity is None:
        raise ValidationError(_("社区的基础信息中没有找到您的登记（按手机号核对），请先联系社区工作人员登记。"))
    errors = {}
    skills = choices(errors, "skills", list(skills), dict(SKILLS))
    availability = choices(errors, "availability", list(availability), dict(AVAILABILITY))
    intro = text(errors, "intro", intro, 300, public=True)
    team = None
    if team_id:
        team = selectors.teams_for_resident(user).filter(pk=team_id).first()
        if team is None:
            errors["team"] = _("没有这支队伍。")
    if not availability and "availability" not in errors:
        errors["availability"] = _("请至少选择一个可服务时间。")
    if errors:
        raise ValidationError(errors)
    volunteer = Volunteer.objects.select_for_update().filter(user=user).first()
    before = None if volunteer is None else snapshot(volunteer, VOLUNTEER_LOG)
    if volunteer is None:
        volunteer = Volunteer(user=user)
    volunteer.region, volunteer.region_code, volunteer.person_id = community, community.code, identity.person_id
    volunteer.skills, volunteer.availability, volunteer.intro, volunteer.team = skills, availability, intro, team
    if volunteer.status != VolunteerStatus.VERIFIED:
        volunteer.status, volunteer.review_note = VolunteerStatus.PENDING, ""
    volunteer.save()
    action = ObjectChange.Action.CREATE if before is None else ObjectChange.Action.UPDATE
    record_change(user, volunteer, action, before, snapshot(volunteer, VOLUNTEER_LOG))
    return volunteer


@transaction.atomic
def review_volunteer(user, volunteer_id, *, approve, note=""):
    """审核: staff of the volunteer's community verify (VolunteerVerified) or refuse with a reason."""
    errors = {}
    note = text(errors, "note", note, 200, required=not approve, label=_("未通过的原因"))
    if errors:
        raise ValidationError(errors)
    volunteer = Volunteer.objects.restrict(user, "change").select_for_update().get(pk=volunteer_id)
    if volunteer.status != VolunteerStatus.PENDING:
        raise ValidationError(_("这份注册不在待审核状态。"))
    before = snapshot(volunteer, VOLUNTEER_LOG)
    now = clock.now()
    volunteer.status = VolunteerStatus.VERIFIED if approve else VolunteerStatus.REJECTED
    volunteer.review_note, volunteer.reviewed_at, volunteer.reviewed_by = note, now, user
    volunteer.save(update_fields=["status", "review_note", "reviewed_at", "reviewed_by", "updated_at"])
    record_change(user, volunteer, ObjectChange.Action.UPDATE, before, snapshot(volunteer, VOLUNTEER_LOG))
    if approve:
        events.publish(
            VolunteerVerified(
                volunteer_id=volunteer.pk,
                user_id=volunteer.user_id,
                region_code=volunteer.region_code,
                actor_id=user.pk,
            )
        )
    return volunteer


# --- Teams and projects ------------------------------------------------------------------------


@transaction.atomic
def save_team(user, team, *, name, region, description="", service_items=(), posts=(), is_active=True):
    """Create (`team` unsaved) or edit a team: its level follows its region (street 支队, community
    分队, grid 小区小分队); its parent is the team of the level above, in the region above."""
    if region is None or not selectors.team_regions(user).filter(pk=region.pk).exists():
        raise ValidationError({"region": _("您不能为这个区域组建队伍。")})
    if team.pk:
        team = Team.objects.restrict(user, "change").select_for_update().get(pk=team.pk)
        before = snapshot(team, TEAM_LOG)
    else:
        before = None
    errors = {}
    name = text(errors, "name", name, 60, required=True, label=_("队伍名称"))
    description = text(errors, "description", description, 1000)
    service_items = lines(errors, "service_items", service_items)
    posts = lines(errors, "posts", posts)
    if name and Team.objects.filter(region=region, name=name).exclude(pk=team.pk).exists():
        errors["name"] = _("这个区域已有同名队伍。")
    if errors:
        raise ValidationError(errors)
    level = selectors.LEVEL_OF_REGION[region.level]
    parent = (
        Team.objects.filter(region_code__in=ancestor_codes(region.code), is_active=True)
        .exclude(pk=team.pk)
        .order_by("-region_code", "pk")
        .first()
    )
    team.name, team.level, team.region, team.region_code, team.parent = name, level, region, region.code, parent
    team.description, team.service_items, team.posts, team.is_active = description, service_items, posts, is_active
    team.save()
    action = ObjectChange.Action.CREATE if before is None else ObjectChange.Action.UPDATE
    record_change(user, team, action, before, snapshot(team, TEAM_LOG))
    return team


@transaction.atomic
def save_project(user, project, *, title, region, description="", team=None):
    if region is None or not selectors.team_regions(user).filter(pk=region.pk).exists():
        raise ValidationError({"region": _("您不能为这个区域组织项目。")})
    if project.pk:
        project = Project.objects.restrict(user, "change").select_for_update().get(pk=project.pk)
        before = snapshot(project, ("title", "description", "team", "region"))
    else:
        before = None
        project.organiser = user
    errors = {}
    title = text(errors, "title", title, 100, required=True, label=_("项目名称"))
    description = text(errors, "description", description, 2000)
    if team is not None and not Team.objects.restrict(user, "view").filter(pk=team.pk).exists():
        errors["team"] = _("没有这支队伍。")
    if errors:
        raise ValidationError(errors)
    project.title, project.description, project.team = title, description, team
    project.region, project.region_code = region, region.code
    project.save()
    action = ObjectChange.Action.CREATE if before is None else ObjectChange.Action.UPDATE
    record_change(user, project, action, before, snapshot(project, ("title", "description", "team", "region")))
    return project


@transaction.atomic
def add_shift(user, project_id, *, starts_at, ends_at, signup_deadline, place, capacity, post="", title=""):
    """A shift of the project: an activity of the shift kind, for the project's region, published at
    once (activities validates times, place and capacity)."""
    project = (
        Project.objects.restrict(user, "change")
        .select_for_update(of=("self",))
        .select_related("region", "team")
        .get(pk=project_id)
    )
    errors = {}
    post = text(errors, "post", post, 60)
    if post and project.team is not None and project.team.posts and post not in project.team.posts:
        errors["post"] = _("请从队伍的岗位清单中选择。")
    if errors:
        raise ValidationError(errors)
    activity = activity_actions.save_activity(
        user,
        Activity(kind=SHIFT_KIND),
        title=(title or "").strip() or (f"{project.title} · {post}" if post else project.title)[:100],
        description=project.description[:5000],
        region=project.region,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        lat=None,
        lng=None,
        capacity=capacity,
        signup_deadline=signup_deadline,
        min_age=None,
        max_age=None,
        tag_code="",
    )
    activity_actions.publish_activity(user, activity.pk)
    shift = Shift.objects.create(project=project, activity=activity, post=post, region_code=activity.region_code)
    record_change(user, shift, ObjectChange.Action.CREATE, None, {"project": project.pk, "activity": activity.pk})
    return shift


# --- A shift's sign-up, check-in, check-out and hours (through activities) -------------------


def sign_up_shift(user, activity_id):
    """报名 a shift: verified volunteers only; the seat (or waitlist place) as activities decides."""
    with transaction.atomic():
        if selectors.shift_for_resident(user, activity_id) is None:
            raise Activity.DoesNotExist
        volunteer = selectors.verified_volunteer(user)
        if volunteer is None:
            raise ValidationError(_("通过社区审核的志愿者才能报名志愿服务。"))
        return activity_actions.sign_up(user, activity_id, kind=SHIFT_KIND)


def cancel_shift_sign_up(user, activity_id):
    return activity_actions.cancel_sign_up(user, activity_id, kind=SHIFT_KIND)


def _staff_enrolment(user, enrolment_id):
    """A shift's sign-up the user may change (DoesNotExist otherwise: 404)."""
    return (
        Enrolment.objects.restrict(user, "change")
        .filter(activity__kind=SHIFT_KIND, activity__in=Activity.objects.restrict(user, "change"))
        .get(pk=enrolment_id)
    )


def check_in_volunteer(user, enrolment_id):
    with transaction.atomic():
        enrolment = _staff_enrolment(user, enrolment_id)
        return activity_actions.check_in(user, enrolment.pk, "staff")


def check_out_volunteer(user, enrolment_id):
    with transaction.atomic():
        enrolment = _staff_enrolment(user, enrolment_id)
        return activity_actions.check_out(user, enrolment.pk)


@transaction.atomic
def confirm_hours(user, enrolment_id, hours):
    """确认服务时长: once per volunteer and shift (activities refuses a second); adds to the
    volunteer's total in the same transaction and publishes HoursConfirmed."""
    enrolment = _staff_enrolment(user, enrolment_id)
    volunteer = Volunteer.objects.select_for_update().filter(user_id=enrolment.user_id).first()
    if volunteer is None:
        raise ValidationError(_("这位报名人不是注册志愿者。"))
    enrolment = activity_actions.confirm_hours(user, enrolment.pk, hours)
    Volunteer.objects.filter(pk=volunteer.pk).update(hours_total=F("hours_total") + enrolment.hours)
    shift = Shift.objects.select_related("project").filter(activity_id=enrolment.activity_id).first()
    events.publish(
        HoursConfirmed(
            attendance_id=enrolment.pk,
            volunteer_id=volunteer.pk,
            user_id=volunteer.user_id,
            team_id=shift.project.team_id if shift is not None else None,
            region_code=enrolment.region_code,
            hours=enrolment.hours,
            at=enrolment.hours_confirmed_at,
            actor_id=user.pk,
        )
    )
    return enrolment
