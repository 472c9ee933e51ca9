"""Races in real threads with their own connections (PostgreSQL only): two reviewers accepting one
project at once — exactly one wins; a branch's two proposals of one year at once — one project."""

from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from civicgrid import testing
from civicgrid.core import clock
from civicgrid.party.actions import projects as actions
from civicgrid.party.models import Project, ProjectNote, Stage

from .conftest import make_world

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL row locks; SQLite serialises all writers with one database lock",
)
YEAR = timezone.localdate().year


def race(monkeypatch, *attempts):
    return testing.race(monkeypatch, *attempts, linger=(clock, "now"))


def values(title):
    return {
        "year": YEAR,
        "title": title,
        "summary": "简介",
        "goal": "目标",
        "category": "service",
        "started_on": date(YEAR, 1, 1),
        "due_on": date(YEAR, 12, 31),
    }


def test_two_reviewers_accepting_one_project(transactional_db, monkeypatch):
    p = make_world().party
    project = actions.propose_project(p.branch_secretary, p.g1.pk, **values("红色物业进小区"))
    actions.approve_project(p.instructor, project.pk)
    actions.supervise_project(p.instructor, project.pk, body="按期推进")
    results = race(
        monkeypatch,
        lambda: actions.accept_project(p.street_secretary, project.pk, verdict="通过", score=90),
        lambda: actions.accept_project(p.c1_secretary, project.pk, verdict="通过", score=70),
    )
    assert sum(isinstance(r, Project) for r in results) == 1, results
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    project.refresh_from_db()
    assert project.stage == Stage.ACCEPTED and project.score in (90, 70)
    assert ProjectNote.objects.filter(project=project, kind="accepted").count() == 1


def test_two_proposals_of_one_year_at_once(transactional_db, monkeypatch):
    p = make_world().party
    results = race(
        monkeypatch,
        lambda: actions.propose_project(p.branch_secretary, p.g1.pk, **values("银龄互助食堂")),
        lambda: actions.propose_project(p.branch_secretary, p.g1.pk, **values("网格议事厅")),
    )
    assert sum(isinstance(r, Project) for r in results) == 1, results
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    assert Project.objects.filter(organisation=p.g1, year=YEAR).count() == 1
