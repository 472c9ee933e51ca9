"""Builders for tests elsewhere (the scope walk): one side's volunteering, made through the actions.

A verified volunteer (an account of its own, known to base data) signed up for a running shift of a
project, a pending registration, a community team, and the side resident's wishes: one waiting for
the check, one on the wall; and a fulfilled one (with a photo) of another resident."""

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from civicgrid.accounts.models import Role
from civicgrid.activities.models import Activity
from civicgrid.volunteers import actions
from civicgrid.volunteers.models import Project, Team


def scope_objects(staff, resident, nodes, side):
    from civicgrid.cases.tests.media_files import jpeg
    from civicgrid.people.testing import add_person, make_building
    from civicgrid.testing import make_user

    houses = list(make_building(nodes.M, code=f"V{side}").houses.order_by("pk"))
    accounts = []
    for i, name in enumerate(("志愿者", "申请人")):
        phone = f"1355555{'1' if side == 'A' else '2'}{i:03d}"
        accounts.append(make_user(f"{side}{name}", Role.RESIDENT, nodes.C, phone=phone))
        add_person(staff, houses[i], name=f"{side}{name}", id_number=None, phone=phone)
    volunteer_account, applicant = accounts
    team = actions.save_team(staff, Team(), name=f"{side}志愿分队", region=nodes.C, posts=["联络员"])
    volunteer = actions.register(volunteer_account, availability=["weekend_am"], team_id=team.pk)
    volunteer = actions.review_volunteer(staff, volunteer.pk, approve=True)
    pending = actions.register(applicant, availability=["weekday_am"])
    project = actions.save_project(staff, Project(), title=f"{side} 助老", region=nodes.C, team=team)
    starts = timezone.now() + timedelta(days=2)
    shift = actions.add_shift(
        staff,
        project.pk,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        signup_deadline=starts - timedelta(hours=1),
        place="服务站",
        capacity=5,
    )
    enrolment = actions.sign_up_shift(volunteer_account, shift.activity_id)
    started = timezone.now() - timedelta(minutes=10)
    Activity.objects.filter(pk=shift.activity_id).update(
        starts_at=started, ends_at=started + timedelta(hours=2), signup_deadline=started - timedelta(minutes=5)
    )
    wish_pending = actions.post_wish(resident, title=f"{side} 待审核心愿")
    wish_open = actions.review_wish(staff, actions.post_wish(resident, title=f"{side} 上墙心愿").pk, approve=True)
    done = actions.review_wish(staff, actions.post_wish(applicant, title=f"{side} 已实现心愿").pk, approve=True)
    actions.claim_wish(volunteer_account, done.pk)
    done = actions.fulfil_wish(volunteer_account, done.pk, photo=jpeg())
    return SimpleNamespace(
        team=team,
        volunteer=volunteer,
        pending=pending,
        project=project,
        shift=shift,
        enrolment=enrolment,
        wish_pending=wish_pending,
        wish_open=wish_open,
        wish_done=done,
    )
