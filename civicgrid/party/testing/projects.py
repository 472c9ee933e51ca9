"""Scope-walk objects of 一支部一项目 (civicgrid/site/tests/scope_world.py through
civicgrid.party.testing.scope_objects), made through the actions."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from civicgrid.party.actions import projects as actions


def project_values(side, title, year):
    return {
        "year": year,
        "title": f"{side} {title}",
        "summary": "党支部牵头，物业、业委会共商小区治理。",
        "goal": "小区问题当月办结率 90% 以上",
        "category": "governance",
        "started_on": date(year, 1, 1),
        "due_on": date(year, 12, 31),
    }


def scope_objects(o, side):
    """Add to `o`: `project_proposed` (community_org, this year, proposed by the community account —
    its secretary — so only the street approves it), `project` (branch2, this year, where the
    community account is organiser: it leads it; approved by the street, with `project_milestone`
    and a progress report with a photo, `project_file`) and `project_supervised` (branch2, last
    year, supervised by the street: ready to accept or return)."""
    from civicgrid.cases.tests.media_files import jpeg_bytes

    year = timezone.localdate().year
    community, street = o.community, o.street
    o.project_proposed = actions.propose_project(
        community, o.community_org.pk, **project_values(side, "网格议事厅", year)
    )
    o.project = actions.propose_project(community, o.branch2.pk, **project_values(side, "红色物业进小区", year))
    actions.approve_project(street, o.project.pk, body="同意立项")
    o.project_milestone = actions.add_milestone(community, o.project.pk, title="成立议事会", due_on=date(year, 6, 30))
    photo = SimpleUploadedFile("progress.jpg", jpeg_bytes(), content_type="image/jpeg")
    note = actions.report_progress(community, o.project.pk, body="开展议事 3 次", photos=[photo])
    o.project_file = note.files.get()
    o.project_supervised = actions.propose_project(
        community, o.branch2.pk, **project_values(side, "银龄互助食堂", year - 1)
    )
    actions.approve_project(street, o.project_supervised.pk)
    actions.supervise_project(street, o.project_supervised.pk, body="台账齐全，按期推进")
