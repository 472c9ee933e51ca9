"""一支部一项目: every action and transition (actions/projects.py FLOW), bad input, permissions with
"nothing changed", self-acceptance, the second open project, files, events, panel figures."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from civicgrid.cases.tests.media_files import jpeg, png_bomb, upload
from civicgrid.core import events
from civicgrid.party.actions import projects as actions
from civicgrid.party.events import ProjectAccepted, ProjectStageChanged
from civicgrid.party.models import Milestone, NoteKind, Organisation, Project, ProjectFile, ProjectNote, Stage
from civicgrid.party.selectors import projects as selectors

YEAR = timezone.localdate().year
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.CASES_ATTACHMENT_ROOT = tmp_path / "attachments"


@pytest.fixture
def published():
    seen = []

    def listen(event):
        seen.append(event)

    events.subscribe(ProjectStageChanged, listen, phase=events.IN_TRANSACTION)
    events.subscribe(ProjectAccepted, listen, phase=events.IN_TRANSACTION)
    yield seen
    events.unsubscribe(ProjectStageChanged, listen, phase=events.IN_TRANSACTION)
    events.unsubscribe(ProjectAccepted, listen, phase=events.IN_TRANSACTION)


def values(**extra):
    data = {
        "year": YEAR,
        "title": "红色物业进小区",
        "summary": "党支部牵头，物业、业委会共商小区治理。",
        "goal": "小区问题当月办结率 90% 以上",
        "category": "governance",
        "started_on": date(YEAR, 1, 1),
        "due_on": date(YEAR, 12, 31),
    }
    data.update(extra)
    return data


def propose(world, **extra):
    p = world.party
    return actions.propose_project(p.branch_secretary, p.g1.pk, **values(**extra))


def at_stage(world, stage):
    p = world.party
    project = propose(world)
    if stage == Stage.PROPOSED:
        return project
    actions.approve_project(p.instructor, project.pk)
    if stage == Stage.IN_PROGRESS:
        return Project.objects.get(pk=project.pk)
    actions.supervise_project(p.street_secretary, project.pk, body="台账齐全，按期推进")
    if stage == Stage.SUPERVISED:
        return Project.objects.get(pk=project.pk)
    actions.accept_project(p.street_secretary, project.pk, verdict="成效明显", score=92)
    return Project.objects.get(pk=project.pk)


def snapshot():
    return (
        list(Project.objects.values().order_by("pk")),
        list(Milestone.objects.values().order_by("pk")),
        list(ProjectNote.objects.values().order_by("pk")),
        ProjectFile.objects.count(),
    )


# --- The workflow ---------------------------------------------------------------------------


def test_the_whole_way_through(world, published):
    p = world.party
    project = propose(world)
    assert project.stage == Stage.PROPOSED and project.region_code == p.g1.region_code
    assert project.created_by == p.branch_secretary
    actions.approve_project(p.instructor, project.pk, body="同意立项")
    m = actions.add_milestone(p.branch_secretary, project.pk, title="成立小区议事会", due_on=date(YEAR, 3, 31))
    actions.complete_milestone(p.branch_secretary, m.pk, evidence="议事会已成立", photos=[jpeg()])
    actions.report_progress(p.branch_secretary, project.pk, body="开展议事 3 次", documents=[upload("a.pdf", PDF)])
    actions.supervise_project(p.street_secretary, project.pk, body="进度正常")
    actions.return_project(p.street_secretary, project.pk, body="台账不全")
    project.refresh_from_db()
    assert project.stage == Stage.IN_PROGRESS and project.returned_count == 1
    actions.supervise_project(p.c1_secretary, project.pk, body="已补齐台账")
    accepted = actions.accept_project(p.street_secretary, project.pk, verdict="成效明显", score=95)
    assert accepted.stage == Stage.ACCEPTED and accepted.score == 95 and accepted.accepted_by == p.street_secretary
    moves = [(e.from_stage, e.to_stage) for e in published if isinstance(e, ProjectStageChanged)]
    assert moves == [
        ("", "proposed"),
        ("proposed", "in_progress"),
        ("in_progress", "supervised"),
        ("supervised", "in_progress"),
        ("in_progress", "supervised"),
        ("supervised", "accepted"),
    ]
    assert [e.score for e in published if isinstance(e, ProjectAccepted)] == [95]
    kinds = list(project.notes.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == [
        NoteKind.PROPOSED,
        NoteKind.APPROVED,
        NoteKind.MILESTONE,
        NoteKind.PROGRESS,
        NoteKind.SUPERVISION,
        NoteKind.RETURNED,
        NoteKind.SUPERVISION,
        NoteKind.ACCEPTED,
    ]
    assert sorted(ProjectFile.objects.values_list("kind", flat=True)) == ["document", "photo"]
    m.refresh_from_db()
    assert m.done_at is not None and m.evidence == "议事会已成立"


# The FLOW table, step by step: from every stage, who may take each step and where it leads.
EXPECTED = {
    ("approve", Stage.PROPOSED): Stage.IN_PROGRESS,
    ("report", Stage.IN_PROGRESS): Stage.IN_PROGRESS,
    ("report", Stage.SUPERVISED): Stage.SUPERVISED,
    ("supervise", Stage.IN_PROGRESS): Stage.SUPERVISED,
    ("supervise", Stage.SUPERVISED): Stage.SUPERVISED,
    ("accept", Stage.SUPERVISED): Stage.ACCEPTED,
    ("return", Stage.SUPERVISED): Stage.IN_PROGRESS,
}


def take(world, step, project):
    p = world.party
    calls = {
        "approve": lambda: actions.approve_project(p.instructor, project.pk),
        "report": lambda: actions.report_progress(p.branch_secretary, project.pk, body="进展"),
        "supervise": lambda: actions.supervise_project(p.instructor, project.pk, body="意见"),
        "accept": lambda: actions.accept_project(p.instructor, project.pk, verdict="通过", score=80),
        "return": lambda: actions.return_project(p.instructor, project.pk, body="整改"),
    }
    return calls[step]()


@pytest.mark.parametrize("stage", list(Stage))
@pytest.mark.parametrize("step", ["approve", "report", "supervise", "accept", "return"])
def test_flow_table(world, stage, step):
    project = at_stage(world, stage)
    expected = EXPECTED.get((step, stage))
    assert (expected is not None) == (stage in actions.FLOW[step][1])
    if expected is None:
        before = snapshot()
        with pytest.raises(ValidationError):
            take(world, step, project)
        assert snapshot() == before
    else:
        take(world, step, project)
        assert Project.objects.get(pk=project.pk).stage == expected


# --- Proposing --------------------------------------------------------------------------------


def test_second_open_project_of_a_year_is_refused(world):
    p = world.party
    propose(world)
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        propose(world, title="银龄互助食堂")
    assert "year" in exc.value.message_dict
    assert snapshot() == before
    # Another year is fine; after acceptance a new one of the same year is too.
    actions.propose_project(p.branch_secretary, p.g1.pk, **values(year=YEAR - 1, started_on=date(YEAR - 1, 3, 1)))


def test_a_new_project_after_acceptance(world):
    at_stage(world, Stage.ACCEPTED)
    assert propose(world, title="网格议事厅").stage == Stage.PROPOSED


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"title": ""}, "title"),
        ({"title": "红" * 61}, "title"),
        ({"title": "红色\x00物业"}, "title"),
        ({"summary": "简\x1f介"}, "summary"),
        ({"goal": "x" * 1001}, "goal"),
        ({"category": "bogus"}, "category"),
        ({"year": 1999}, "year"),
        ({"year": YEAR + 2}, "year"),
        ({"year": "2024"}, "year"),
        ({"started_on": None}, "started_on"),
        ({"started_on": date(YEAR - 3, 1, 1)}, "started_on"),
        ({"due_on": date(YEAR - 1, 12, 1)}, "due_on"),
        ({"due_on": date(YEAR + 5, 1, 1)}, "due_on"),
        ({"due_on": "2025-01-01"}, "due_on"),
    ],
)
def test_bad_proposals_write_nothing(world, bad, field):
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        propose(world, **bad)
    assert field in exc.value.message_dict
    assert snapshot() == before


def test_only_the_branchs_leaders_propose(world):
    p = world.party
    before = snapshot()
    for user in (p.instructor, p.street_secretary, p.c2_secretary, p.member1, world.staff.admin):
        with pytest.raises(Organisation.DoesNotExist):
            actions.propose_project(user, p.g1.pk, **values())
    assert snapshot() == before


def test_committees_and_groups_run_no_project(world):
    p = world.party
    with pytest.raises(ValidationError) as exc:
        actions.propose_project(p.street_secretary, p.street.pk, **values())
    assert "organisation" in exc.value.message_dict
    # A general branch (党总支) does run one.
    assert actions.propose_project(p.c1_secretary, p.c1.pk, **values()).organisation == p.c1


# --- Reviewing --------------------------------------------------------------------------------


def test_leaders_never_review_their_own_branch(world):
    p = world.party
    project = propose(world)
    before = snapshot()
    with pytest.raises(ValidationError):
        actions.approve_project(p.branch_secretary, project.pk)
    assert snapshot() == before
    actions.approve_project(p.c1_secretary, project.pk)
    before = snapshot()
    with pytest.raises(ValidationError):
        actions.supervise_project(p.branch_secretary, project.pk, body="自评")
    assert snapshot() == before


def test_self_acceptance_is_refused(world):
    """The c1 secretary proposes c1's own project: they review the branches below, never c1 itself;
    and nobody accepts a project they proposed."""
    p = world.party
    project = actions.propose_project(p.c1_secretary, p.c1.pk, **values())
    actions.approve_project(p.street_secretary, project.pk)
    actions.supervise_project(p.street_secretary, project.pk, body="按期推进")
    before = snapshot()
    with pytest.raises(ValidationError):
        actions.accept_project(p.c1_secretary, project.pk, verdict="自己验收", score=100)
    with pytest.raises(ValidationError):
        actions.return_project(p.c1_secretary, project.pk, body="自己退回")
    assert snapshot() == before
    assert actions.accept_project(p.street_secretary, project.pk, verdict="通过", score=88).stage == Stage.ACCEPTED


def test_out_of_reach_is_not_found_and_changes_nothing(world):
    p = world.party
    project = at_stage(world, Stage.SUPERVISED)
    m = actions.add_milestone(p.branch_secretary, project.pk, title="节点", due_on=date(YEAR, 6, 1))
    before = snapshot()
    for user in (p.organ_secretary, p.c2_secretary, p.member1, world.staff.resident, world.staff.street):
        with pytest.raises(Project.DoesNotExist):
            actions.accept_project(user, project.pk, verdict="越权", score=90)
        with pytest.raises(Project.DoesNotExist):
            actions.supervise_project(user, project.pk, body="越权")
        with pytest.raises(Project.DoesNotExist):
            actions.report_progress(user, project.pk, body="越权")
        with pytest.raises(Milestone.DoesNotExist):
            actions.complete_milestone(user, m.pk, evidence="越权")
    assert snapshot() == before


@pytest.mark.parametrize("score", [-1, 101, "90", None, True, 9.5])
def test_bad_scores_are_refused(world, score):
    p = world.party
    project = at_stage(world, Stage.SUPERVISED)
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        actions.accept_project(p.street_secretary, project.pk, verdict="通过", score=score)
    assert "score" in exc.value.message_dict
    assert snapshot() == before


def test_empty_or_dirty_comments_are_refused(world):
    p = world.party
    project = at_stage(world, Stage.IN_PROGRESS)
    before = snapshot()
    for body in ("", "   ", "意见\x07", "长" * 2001):
        with pytest.raises(ValidationError) as exc:
            actions.supervise_project(p.street_secretary, project.pk, body=body)
        assert "body" in exc.value.message_dict
        with pytest.raises(ValidationError):
            actions.report_progress(p.branch_secretary, project.pk, body=body)
    with pytest.raises(ValidationError):
        actions.approve_project(p.street_secretary, project.pk, body="x\x1b")
    assert snapshot() == before


# --- Milestones and files ---------------------------------------------------------------------


def test_milestone_dates_and_completion(world):
    p = world.party
    project = at_stage(world, Stage.PROPOSED)
    before = snapshot()
    for due_on in (date(YEAR - 1, 12, 31), date(YEAR + 1, 1, 1), None, "2025-01-01"):
        with pytest.raises(ValidationError) as exc:
            actions.add_milestone(p.branch_secretary, project.pk, title="节点", due_on=due_on)
        assert "due_on" in exc.value.message_dict
    with pytest.raises(ValidationError):
        actions.add_milestone(p.instructor, project.pk, title="指导员不能加", due_on=date(YEAR, 5, 1))
    assert snapshot() == before
    m = actions.add_milestone(p.branch_secretary, project.pk, title="入户走访", due_on=date(YEAR, 5, 1))
    # Not before 立项: completing waits for the approval.
    with pytest.raises(ValidationError):
        actions.complete_milestone(p.branch_secretary, m.pk, evidence="走访 120 户")
    actions.approve_project(p.instructor, project.pk)
    actions.complete_milestone(p.branch_secretary, m.pk, evidence="走访 120 户")
    before = snapshot()
    with pytest.raises(ValidationError):
        actions.complete_milestone(p.branch_secretary, m.pk, evidence="再次完成")
    assert snapshot() == before


@pytest.mark.parametrize(
    "files, field",
    [
        ({"photos": [upload("x.jpg", b"<script>alert(1)</script>")]}, "photos"),
        ({"photos": [png_bomb()]}, "photos"),
        ({"photos": [jpeg(f"{i}.jpg") for i in range(7)]}, "photos"),
        ({"documents": [upload("x.pdf", b"MZ\x90\x00 not a pdf")]}, "documents"),
        (
            {"documents": [upload("x.pdf", PDF.replace(b"/Catalog", b"/Catalog/OpenAction<</S/JavaScript/JS(x)>>"))]},
            "documents",
        ),
        ({"documents": [upload("x.pdf", b"%PDF-1.4 no trailer")]}, "documents"),
        ({"documents": [upload(f"{i}.pdf", PDF) for i in range(4)]}, "documents"),
    ],
)
def test_bad_files_write_nothing(world, files, field, settings):
    p = world.party
    project = at_stage(world, Stage.IN_PROGRESS)
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        actions.report_progress(p.branch_secretary, project.pk, body="附件", **files)
    assert field in exc.value.message_dict
    assert snapshot() == before
    root = settings.CASES_ATTACHMENT_ROOT
    assert not root.exists() or not any(path.is_file() for path in root.rglob("*"))


def test_too_big_document(world, monkeypatch):
    p = world.party
    project = at_stage(world, Stage.IN_PROGRESS)
    monkeypatch.setattr(actions, "DOCUMENT_MAX_MB", 0)
    with pytest.raises(ValidationError) as exc:
        actions.report_progress(p.branch_secretary, project.pk, body="附件", documents=[upload("a.pdf", PDF)])
    assert "documents" in exc.value.message_dict


def test_photos_are_stripped_and_stored_privately(world, settings):
    p = world.party
    project = at_stage(world, Stage.IN_PROGRESS)
    note = actions.report_progress(p.branch_secretary, project.pk, body="照片", photos=[jpeg(gps=True)])
    row = note.files.get()
    assert row.kind == "photo" and row.content_type == "image/jpeg" and row.file.startswith("party/projects/")
    data = (settings.CASES_ATTACHMENT_ROOT / row.file).read_bytes()
    assert b"GPS" not in data and b"Exif" not in data


# --- Reads ------------------------------------------------------------------------------------


def test_allowed_steps_follow_the_table(world):
    p = world.party
    project = at_stage(world, Stage.SUPERVISED)
    assert selectors.allowed_steps(p.branch_secretary, project) == {"report", "add_milestone", "complete_milestone"}
    assert selectors.allowed_steps(p.street_secretary, project) == {"supervise", "accept", "return"}
    assert selectors.allowed_steps(world.staff.admin, project) == set()


def test_panel_figures(world):
    p = world.party
    at_stage(world, Stage.ACCEPTED)
    propose(world, title="网格议事厅")
    actions.propose_project(p.c2_secretary, p.c2.pk, **values(title="银龄互助食堂"))
    figures = selectors.panel_figures(None)
    assert figures["by_stage"] == {"proposed": 2, "in_progress": 0, "supervised": 0, "accepted": 1}
    assert figures["total"] == 3
    assert selectors.panel_figures([world.tree["S1C1"].code])["total"] == 2
    assert selectors.panel_figures([world.tree["S2"].code])["total"] == 0
    assert selectors.panel_figures([])["total"] == 0


def test_staff_reach(world):
    p = world.party
    project = propose(world)
    other = actions.propose_project(p.c2_secretary, p.c2.pk, **values())
    assert set(selectors.projects_for(p.c1_secretary)) == {project}
    assert set(selectors.projects_for(p.street_secretary)) == {project, other}
    assert not selectors.projects_for(p.organ_secretary).exists()
    assert not selectors.projects_for(p.member1).exists()


def test_dates_near_the_year(world):
    p = world.party
    start = date(YEAR, 11, 1)
    project = actions.propose_project(
        p.branch_secretary, p.g1.pk, **values(started_on=start, due_on=start + timedelta(days=400))
    )
    assert project.due_on == start + timedelta(days=400)


def test_demo_seed(world):
    from types import SimpleNamespace

    from civicgrid.party.demo import projects as demo

    p = world.party
    ctx = SimpleNamespace(
        general_branches=[p.c1],
        branches=[p.g1, p.c1b2, p.c2, p.organ],
        secretaries={p.g1.pk: p.branch_secretary, p.c1.pk: p.c1_secretary, p.c2.pk: p.c2_secretary},
        instructor=p.instructor,
        street_secretary=p.street_secretary,
        today=timezone.localdate(),
    )
    assert demo.seed(ctx) == 3
    stages = dict(Project.objects.values_list("organisation_id", "stage"))
    assert stages == {p.c1.pk: Stage.ACCEPTED, p.g1.pk: Stage.IN_PROGRESS, p.c2.pk: Stage.PROPOSED}
    assert ProjectNote.objects.filter(kind=NoteKind.SUPERVISION).exists()
    assert ProjectFile.objects.filter(kind="photo").exists()
    assert not ProjectNote.objects.filter(at__gt=timezone.now()).exists()
