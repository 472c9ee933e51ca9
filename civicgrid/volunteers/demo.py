"""Demo volunteering: in the first communities of the demo district, a street 支队 and a community
分队 with service items and posts, the first residents registered (verified when base data knows
them), a project with a past shift (hours confirmed) and a coming one, and micro-wishes: one
waiting for the check, one on the wall, one claimed and confirmed."""

from datetime import timedelta
from unittest import mock

from django.core.exceptions import ValidationError
from django.utils import timezone

from civicgrid.accounts.models import Role, RoleAssignment
from civicgrid.activities import actions as activity_actions
from civicgrid.core import clock, events
from civicgrid.regions.models import Level, Region
from civicgrid.volunteers import actions
from civicgrid.volunteers.models import Project, Team, Volunteer, Wish


def _people(community):
    rows = RoleAssignment.objects.active().filter(region=community).select_related("user")
    staff = [a.user for a in rows if a.role == Role.COMMUNITY_STAFF]
    return (staff[0] if staff else None), [a.user for a in rows if a.role == Role.RESIDENT]


def seed_demo(run):
    district = run.made.get("district")
    communities = Region.objects.filter(level=Level.COMMUNITY, is_active=True)
    if district is not None:
        communities = communities.filter(code__startswith=district.code)
    made = 0
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    with events.quiet():
        for community in communities.order_by("code")[:3]:
            staff, residents = _people(community)
            if staff is None or not residents or Team.objects.filter(region=community).exists():
                continue
            team = actions.save_team(
                staff,
                Team(),
                name=f"{community.name}志愿分队",
                region=community,
                description="社区志愿服务骨干队伍。",
                service_items=["助老陪伴", "环境整治", "政策宣传"],
                posts=["楼栋联络员", "文明劝导员", "助老服务员"],
            )
            volunteers = []
            for resident in residents[:3]:
                try:
                    volunteer = actions.register(
                        resident, skills=["elderly"], availability=["weekend_am"], team_id=team.pk
                    )
                    volunteers.append(actions.review_volunteer(staff, volunteer.pk, approve=True))
                except ValidationError:
                    continue
            project = actions.save_project(
                staff, Project(), title="关爱独居老人", region=community, team=team, description="上门探访、陪伴聊天。"
            )
            past_start = now - timedelta(days=5)
            with mock.patch.object(clock, "now", lambda at=past_start - timedelta(days=2): at):
                past = _shift(project, staff, past_start)
                for volunteer in volunteers:
                    actions.sign_up_shift(volunteer.user, past.activity_id)
            for enrolment in past.activity.enrolments.all():
                with mock.patch.object(clock, "now", lambda at=past_start + timedelta(minutes=5): at):
                    actions.check_in_volunteer(staff, enrolment.pk)
                with mock.patch.object(clock, "now", lambda at=past_start + timedelta(hours=2): at):
                    actions.check_out_volunteer(staff, enrolment.pk)
                actions.confirm_hours(staff, enrolment.pk, "2")
            with mock.patch.object(clock, "now", lambda at=past_start + timedelta(hours=3): at):
                activity_actions.finish_activity(staff, past.activity_id, summary="探访 12 户独居老人。")
            coming = _shift(project, staff, now + timedelta(days=3))
            for volunteer in volunteers[:1]:
                actions.sign_up_shift(volunteer.user, coming.activity_id)
            wisher = residents[-1]
            actions.post_wish(wisher, title="想要一台收音机", description="独居老人，想听戏曲节目。")
            wall = actions.post_wish(wisher, title="希望有人教我用智能手机", description="学会视频通话。")
            actions.review_wish(staff, wall.pk, approve=True)
            if volunteers and volunteers[0].user_id != wisher.pk:
                done = actions.post_wish(wisher, title="换一个楼道灯泡")
                actions.review_wish(staff, done.pk, approve=True)
                actions.claim_wish(volunteers[0].user, done.pk)
                Wish.objects.filter(pk=done.pk).update(status="fulfilled", fulfil_note="已更换。")
                actions.confirm_wish(wisher, done.pk)
            made += 1
    return f"{made} communities, {Volunteer.objects.count()} volunteers"


def _shift(project, staff, starts):
    return actions.add_shift(
        staff,
        project.pk,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        signup_deadline=starts - timedelta(hours=1),
        place="社区服务站",
        capacity=10,
        post="助老服务员",
    )
