"""老旧院落改造: projects, committee, milestones with photos, the consult poll, the fund ledger and
residents' supervision reports as cases; bad input and scope (404, nothing changed)."""

from decimal import Decimal

import pytest

from civicgrid.cases.models import Case
from civicgrid.cases.tests.media_files import jpeg
from civicgrid.compounds import actions, selectors
from civicgrid.compounds.errors import InputError, NotFound, WrongState
from civicgrid.compounds.models import (
    CommitteeMember,
    CompoundCase,
    Payment,
    Pledge,
    ProjectFile,
    RenovationProject,
    SupervisionReport,
)
from civicgrid.compounds.tests.conftest import make_project
from civicgrid.consult.models import Poll, PollStatus
from civicgrid.core import events
from civicgrid.people import selectors as people_selectors


def _households(estate):
    return people_selectors.compound_households(estate.a.pk)


def test_a_project_with_committee_milestones_and_files(world, estate):
    p = world.people
    project = make_project(world, estate)
    assert project.manager == p.community and project.region_code == estate.a.region_code
    with pytest.raises(WrongState):
        make_project(world, estate)
    member = actions.add_member(p.community, project.pk, name="王建国", duty="主任", phone="13700001234")
    assert member.phone_masked == "137****1234"
    milestone = actions.add_milestone(p.community, project.pk, title="管网施工", due_date="2026-12-01")
    done = actions.complete_milestone(p.community, milestone.pk, note="完成", photos=[jpeg()])
    assert done.done_at is not None
    assert ProjectFile.objects.get().milestone == milestone
    actions.add_files(p.community, project.pk, [jpeg()], kind="plan", title="总平面图")
    assert ProjectFile.objects.filter(kind="plan").count() == 1
    with pytest.raises(WrongState):
        actions.complete_milestone(p.community, milestone.pk)


def test_bad_project_input_is_refused(world, estate):
    p = world.people
    for bad in ({"title": ""}, {"fund_target": "abc"}, {"fund_target": "-5"}, {"fund_target": "1.234"}):
        with pytest.raises(InputError):
            make_project(world, estate, **bad)
    assert not RenovationProject.objects.exists()
    project = make_project(world, estate)
    with pytest.raises(InputError):
        actions.add_files(p.community, project.pk, [])
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(InputError):
        actions.add_files(p.community, project.pk, [SimpleUploadedFile("x.jpg", b"not an image", "image/jpeg")])
    with pytest.raises(InputError):
        actions.add_milestone(p.community, project.pk, title="x", due_date="tomorrow")
    assert not ProjectFile.objects.exists() and not project.milestones.exists()


def test_out_of_scope_staff_change_nothing(world, estate):
    p = world.people
    project = make_project(world, estate)
    household_id = _households(estate)[0][0]
    pledge = actions.set_pledge(p.community, project.pk, household_id=household_id, pledged="1000")
    for user in (p.community_neighbour, p.grid, p.resident, p.operator, estate.users.a):
        with pytest.raises(NotFound):
            actions.add_member(user, project.pk, name="x", duty="y")
        with pytest.raises(NotFound):
            actions.record_payment(user, pledge.pk, paid="10")
        with pytest.raises(NotFound):
            actions.set_pledge(user, project.pk, household_id=household_id, pledged="5")
    pledge.refresh_from_db()
    assert (pledge.pledged, pledge.paid) == (Decimal("1000"), Decimal("0"))
    assert not CommitteeMember.objects.exists() and not Payment.objects.exists()


def test_the_opinion_poll_is_a_consult_poll_for_the_compound(world, estate):
    p = world.people
    project = make_project(world, estate)
    poll = actions.open_opinion_poll(
        p.community, project.pk, title="方案意见征集", question="是否同意方案？", options="同意\n不同意"
    )
    assert (poll.compound_id, poll.origin, poll.status) == (estate.a.pk, "renovation", PollStatus.OPEN)
    project.refresh_from_db()
    assert project.poll_id == poll.pk
    with pytest.raises(WrongState):
        actions.open_opinion_poll(p.community, project.pk, title="再来", question="?", options="a\nb")
    assert Poll.objects.count() == 1


def test_a_poll_with_one_option_is_refused_and_nothing_is_linked(world, estate):
    project = make_project(world, estate)
    with pytest.raises(InputError):
        actions.open_opinion_poll(world.people.community, project.pk, title="t", question="q", options="只有一个")
    project.refresh_from_db()
    assert project.poll_id is None and not Poll.objects.exists()


def test_the_fund_ledger(world, estate):
    p = world.people
    project = make_project(world, estate, fund_target="4000")
    (h1, label1), (h2, _label2) = _households(estate)[:2]
    pledge = actions.set_pledge(p.community, project.pk, household_id=h1, pledged="2000")
    assert pledge.house_label == label1 and "甲" not in label1
    actions.set_pledge(p.community, project.pk, household_id=h2, pledged="1000")
    actions.record_payment(p.community, pledge.pk, paid="1500")
    pledge = actions.record_payment(p.community, pledge.pk, paid="500.00")
    assert pledge.paid == Decimal("2000")
    with pytest.raises(InputError):
        actions.record_payment(p.community, pledge.pk, paid="0.01")  # beyond the pledge
    with pytest.raises(InputError):
        actions.set_pledge(p.community, project.pk, household_id=h1, pledged="100")  # below paid
    totals = selectors.fund_totals(project)
    assert totals == {
        "pledged": Decimal("3000"),
        "paid": Decimal("2000"),
        "target": Decimal("4000"),
        "households": 2,
        "percent": 50,
    }
    assert Payment.objects.count() == 2


@pytest.mark.parametrize("paid", ["", "abc", "-1", "0", "1e3", "NaN", "10000000", "1.001"])
def test_bad_payments_are_refused(world, estate, paid):
    project = make_project(world, estate)
    pledge = actions.set_pledge(
        world.people.community, project.pk, household_id=_households(estate)[0][0], pledged="100"
    )
    with pytest.raises(InputError):
        actions.record_payment(world.people.community, pledge.pk, paid=paid)
    assert Pledge.objects.get().paid == 0 and not Payment.objects.exists()


def test_a_pledge_for_another_compounds_household_is_refused(world, estate):
    project = make_project(world, estate)
    with pytest.raises(InputError):
        actions.set_pledge(world.people.community, project.pk, household_id=999999, pledged="100")
    assert not Pledge.objects.exists()


def test_a_resident_reports_a_problem_of_the_works_as_a_case(world, estate, monkeypatch):
    project = make_project(world, estate)
    actions.add_member(world.people.community, project.pk, name="王建国", duty="主任")
    told = []
    monkeypatch.setattr(events, "publish", lambda e, _orig=events.publish: (told.append(e), _orig(e))[1])
    row = actions.report_supervision(estate.users.a, project.pk, kind="safety", description="脚手架没有防护网")
    case = Case.objects.get(pk=row.case_id)
    assert case.reporter == estate.users.a and case.community == world.tree["S1C1"]
    assert "城建三公司" in case.description and "主任王建国" in case.description
    assert CompoundCase.objects.get(case_id=case.pk).compound == estate.a
    messages = [e for e in told if isinstance(e, events.MessageSent)]
    assert messages and messages[0].user_ids == (world.people.community.pk,)


def test_supervision_from_outside_the_compound_is_404_and_files_nothing(world, estate):
    project = make_project(world, estate)
    for user in (estate.users.b, estate.users.unknown, world.people.community):
        with pytest.raises(NotFound):
            actions.report_supervision(user, project.pk, kind="quality", description="墙面开裂")
    with pytest.raises(InputError):
        actions.report_supervision(estate.users.a, project.pk, kind="other", description="x")
    with pytest.raises(InputError):
        actions.report_supervision(estate.users.a, project.pk, kind="quality", description="\x07")
    assert not Case.objects.exists() and not SupervisionReport.objects.exists()


def test_a_resident_sees_only_their_own_compounds_project(world, estate):
    project = make_project(world, estate)
    assert selectors.resident_project(estate.users.a, project.pk) == project
    assert selectors.resident_compound(estate.users.a2) == estate.a
    for user in (estate.users.b, estate.users.unknown):
        with pytest.raises(NotFound):
            selectors.resident_project(user, project.pk)
    assert selectors.resident_compound(estate.users.b) == estate.b
