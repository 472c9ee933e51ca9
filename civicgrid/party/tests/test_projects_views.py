"""一支部一项目's pages: reach (404 out of sight, nothing changed), bad input (400, nothing written,
never 500), the steps through their URLs, private files, the public board."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from civicgrid.cases.tests.media_files import jpeg, upload
from civicgrid.party.actions import projects as actions
from civicgrid.party.models import Milestone, Project, ProjectFile, ProjectNote, Stage

YEAR = timezone.localdate().year
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.CASES_ATTACHMENT_ROOT = tmp_path / "attachments"


def client(user):
    c = Client()
    c.force_login(user)
    return c


def form(**extra):
    data = {
        "organisation": "",
        "year": str(YEAR),
        "title": "红色物业进小区",
        "category": "governance",
        "summary": "党支部牵头，物业、业委会共商小区治理。",
        "goal": "小区问题当月办结率 90% 以上",
        "started_on": f"{YEAR}-01-01",
        "due_on": f"{YEAR}-12-31",
    }
    data.update(extra)
    return data


def propose(world, title="红色物业进小区"):
    p = world.party
    return actions.propose_project(
        p.branch_secretary,
        p.g1.pk,
        year=YEAR,
        title=title,
        summary="简介",
        goal="目标",
        category="service",
        started_on=date(YEAR, 1, 1),
        due_on=date(YEAR, 12, 31),
    )


def snapshot():
    return (
        list(Project.objects.values().order_by("pk")),
        list(Milestone.objects.values().order_by("pk")),
        list(ProjectNote.objects.values().order_by("pk")),
        ProjectFile.objects.count(),
    )


def test_staff_list_and_filters(world):
    p = world.party
    project = propose(world)
    c = client(p.street_secretary)
    response = c.get(reverse("party:projects"))
    assert response.status_code == 200 and project.title in response.content.decode()
    assert c.get(reverse("party:projects"), {"stage": "accepted"}).content.decode().count(project.title) == 0
    assert project.title in c.get(reverse("party:projects"), {"stage": "proposed", "year": YEAR}).content.decode()
    for bad in ({"stage": "nope"}, {"year": "abc"}, {"year": "99999999999999999999"}, {"page": "\x00"}):
        assert c.get(reverse("party:projects"), bad).status_code in (200, 400)
    assert c.get(reverse("party:projects"), {"stage": "nope"}).status_code == 400
    # No post, or another tree: no list at all; another branch's secretary does not see g1's.
    for user in (world.staff.resident, p.member1, world.staff.street):
        assert client(user).get(reverse("party:projects")).status_code == 404
    assert project.title not in client(p.organ_secretary).get(reverse("party:projects")).content.decode()
    assert project.title not in client(p.c2_secretary).get(reverse("party:projects")).content.decode()


def test_new_project_form(world):
    p = world.party
    c = client(p.branch_secretary)
    assert c.get(reverse("party:project_new")).status_code == 200
    response = c.post(reverse("party:project_new"), form(organisation=p.g1.pk))
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("party:project", args=[project.pk])
    # The second of the year: refused on the form.
    before = snapshot()
    response = c.post(reverse("party:project_new"), form(organisation=p.g1.pk, title="银龄互助食堂"))
    assert response.status_code == 400 and "未验收的项目" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    "bad",
    [
        {"title": "红色\x00物业"},
        {"title": "x" * 61},
        {"summary": ""},
        {"started_on": "2024-02-30"},
        {"started_on": "99999-01-01"},
        {"due_on": f"{YEAR - 1}-01-01"},
        {"year": "1e9"},
        {"category": "<script>"},
        {"organisation": "99999999999999999999999"},
        {"organisation": "abc"},
    ],
)
def test_new_project_bad_input(world, bad):
    p = world.party
    before = snapshot()
    response = client(p.branch_secretary).post(reverse("party:project_new"), form(**{"organisation": p.g1.pk, **bad}))
    assert response.status_code == 400
    assert snapshot() == before


def test_new_project_for_someone_elses_branch(world):
    p = world.party
    before = snapshot()
    response = client(p.c2_secretary).post(reverse("party:project_new"), form(organisation=p.g1.pk))
    assert response.status_code == 400
    assert snapshot() == before
    for user in (p.instructor, p.member1, world.staff.admin, world.staff.resident):
        assert client(user).get(reverse("party:project_new")).status_code == 404


def test_the_steps_through_the_pages(world):
    p = world.party
    project = propose(world)
    leader, reviewer = client(p.branch_secretary), client(p.street_secretary)
    url = reverse("party:project", args=[project.pk])
    page = leader.get(url).content.decode()
    assert 'id="approve-button"' not in page and 'id="milestone-form"' in page
    assert 'id="approve-button"' in reviewer.get(url).content.decode()
    assert reviewer.post(reverse("party:project_approve", args=[project.pk]), {"body": "同意"}).status_code == 302
    r = leader.post(
        reverse("party:project_milestone_add", args=[project.pk]), {"title": "入户", "due_on": f"{YEAR}-05-01"}
    )
    assert r.status_code == 302
    m = Milestone.objects.get()
    r = leader.post(
        reverse("party:project_milestone_done", args=[m.pk]), {"evidence": "走访 120 户", "photos": [jpeg()]}
    )
    assert r.status_code == 302
    r = leader.post(
        reverse("party:project_report", args=[project.pk]), {"body": "进展", "documents": [upload("a.pdf", PDF)]}
    )
    assert r.status_code == 302
    assert reviewer.post(reverse("party:project_supervise", args=[project.pk]), {"body": "督导"}).status_code == 302
    assert reviewer.post(reverse("party:project_return", args=[project.pk]), {"body": "补台账"}).status_code == 302
    assert reviewer.post(reverse("party:project_supervise", args=[project.pk]), {"body": "已补"}).status_code == 302
    r = reviewer.post(reverse("party:project_accept", args=[project.pk]), {"verdict": "通过", "score": "93"})
    assert r.status_code == 302
    project.refresh_from_db()
    assert project.stage == Stage.ACCEPTED and project.score == 93
    page = leader.get(url).content.decode()
    assert "督导意见" in page and "验收通过" in page and "走访 120 户" in page


def test_files_are_served_to_those_who_see_the_project(world):
    p = world.party
    project = propose(world)
    actions.approve_project(p.instructor, project.pk)
    actions.report_progress(
        p.branch_secretary, project.pk, body="附件", photos=[jpeg()], documents=[upload("台账.pdf", PDF)]
    )
    photo = ProjectFile.objects.get(kind="photo")
    document = ProjectFile.objects.get(kind="document")
    r = client(p.street_secretary).get(reverse("party:project_file", args=[photo.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg" and r["X-Content-Type-Options"] == "nosniff"
    r = client(p.branch_secretary).get(reverse("party:project_file", args=[document.pk]))
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    for user in (p.organ_secretary, p.c2_secretary, p.member1, world.staff.resident):
        assert client(user).get(reverse("party:project_file", args=[photo.pk])).status_code == 404
    # The board shows no files.
    board = client(world.staff.resident).get(reverse("party:project_board")).content.decode()
    assert reverse("party:project_file", args=[photo.pk]) not in board


def test_out_of_reach_is_404_and_changes_nothing(world):
    p = world.party
    project = propose(world)
    m = actions.add_milestone(p.branch_secretary, project.pk, title="节点", due_on=date(YEAR, 6, 1))
    before = snapshot()
    posts = {
        "party:project_approve": {"body": "越权"},
        "party:project_report": {"body": "越权"},
        "party:project_supervise": {"body": "越权"},
        "party:project_accept": {"verdict": "越权", "score": "90"},
        "party:project_return": {"body": "越权"},
        "party:project_milestone_add": {"title": "越权", "due_on": f"{YEAR}-06-01"},
    }
    for user in (p.organ_secretary, p.c2_secretary, p.member1, world.staff.resident, world.staff.admin):
        c = client(user)
        if user != world.staff.admin:  # a system admin sees the projects of their region scope
            assert c.get(reverse("party:project", args=[project.pk])).status_code == 404
            for name, data in posts.items():
                assert c.post(reverse(name, args=[project.pk]), data).status_code == 404, name
            assert c.post(reverse("party:project_milestone_done", args=[m.pk]), {"evidence": "越权"}).status_code == 404
    assert snapshot() == before
    for missing in (999999, 99999999999999999999):
        assert client(p.street_secretary).get(f"/party/projects/{missing}/").status_code == 404


def test_refused_steps_say_why_and_change_nothing(world):
    p = world.party
    project = propose(world)
    before = snapshot()
    # The leader may not approve; the admin sees the project but reviews nothing; accept before 督导.
    for user, name, data in (
        (p.branch_secretary, "party:project_approve", {}),
        (world.staff.admin, "party:project_approve", {}),
        (p.street_secretary, "party:project_accept", {"verdict": "通过", "score": "90"}),
    ):
        r = client(user).post(reverse(name, args=[project.pk]), data)
        assert r.status_code == 302 and r["Location"] == reverse("party:project", args=[project.pk])
    assert snapshot() == before


@pytest.mark.parametrize(
    "name, data",
    [
        ("party:project_supervise", {"body": ""}),
        ("party:project_supervise", {"body": "意见\x00"}),
        ("party:project_supervise", {"body": "x" * 2001}),
        ("party:project_accept", {"verdict": "通过", "score": "101"}),
        ("party:project_accept", {"verdict": "通过", "score": "abc"}),
        ("party:project_approve", {"body": "\x1b[31m"}),
        ("party:project_milestone_add", {"title": "节点", "due_on": "2024-13-01"}),
        ("party:project_milestone_add", {"title": "节点", "due_on": f"{YEAR + 2}-01-01"}),
    ],
)
def test_bad_step_input_is_400(world, name, data):
    p = world.party
    project = propose(world)
    if name != "party:project_approve":
        actions.approve_project(p.instructor, project.pk)
    if name == "party:project_accept":
        actions.supervise_project(p.instructor, project.pk, body="督导")
    user = p.branch_secretary if name == "party:project_milestone_add" else p.street_secretary
    before = snapshot()
    assert client(user).post(reverse(name, args=[project.pk]), data).status_code == 400
    assert snapshot() == before


def test_bad_files_on_a_report_are_400(world):
    p = world.party
    project = propose(world)
    actions.approve_project(p.instructor, project.pk)
    before = snapshot()
    r = client(p.branch_secretary).post(
        reverse("party:project_report", args=[project.pk]),
        {"body": "附件", "documents": [upload("evil.pdf", b"<html><script>x</script>")]},
    )
    assert r.status_code == 400 and "PDF" in r.content.decode()
    assert snapshot() == before


def test_milestone_done_bad_input(world):
    p = world.party
    project = propose(world)
    actions.approve_project(p.instructor, project.pk)
    m = actions.add_milestone(p.branch_secretary, project.pk, title="节点", due_on=date(YEAR, 6, 1))
    before = snapshot()
    c = client(p.branch_secretary)
    assert c.post(reverse("party:project_milestone_done", args=[m.pk]), {"evidence": ""}).status_code == 400
    r = c.post(
        reverse("party:project_milestone_done", args=[m.pk]), {"evidence": "x", "photos": [upload("a.jpg", b"no")]}
    )
    assert r.status_code == 400
    assert snapshot() == before


def test_public_board(world):
    p = world.party
    project = propose(world)
    for user in (world.staff.resident, p.member1, world.staff.dept, p.organ_secretary):
        page = client(user).get(reverse("party:project_board")).content.decode()
        assert project.title in page and p.g1.name in page and 'data-stage="proposed"' in page
    c = client(world.staff.resident)
    assert project.title not in c.get(reverse("party:project_board"), {"stage": "accepted"}).content.decode()
    assert c.get(reverse("party:project_board"), {"stage": "bogus"}).status_code == 400
    assert c.get(reverse("party:project_board"), {"page": "999999999999999999999"}).status_code == 200
    assert Client().get(reverse("party:project_board")).status_code == 302  # signed-in users only


def test_board_paginates(world):
    p = world.party
    orgs = [p.g1, p.c1b2]
    for i in range(50):
        organisation = orgs[i % 2]
        Project.objects.create(
            organisation=organisation,
            region_code=organisation.region_code,
            year=2000 + i // 2,
            title=f"项目{i}",
            summary="简介",
            goal="目标",
            started_on=date(2000 + i // 2, 1, 1),
            due_on=date(2000 + i // 2, 12, 1),
        )
    c = client(world.staff.resident)
    page = c.get(reverse("party:project_board")).content.decode()
    assert page.count('class="project-card"') == 48 and 'id="next-page"' in page
    assert c.get(reverse("party:project_board"), {"page": "2"}).content.decode().count('class="project-card"') == 2
