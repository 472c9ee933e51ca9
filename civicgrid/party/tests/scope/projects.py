"""The scope table's rows for 一支部一项目 (civicgrid/site/tests/scope_table.py).

On each side (civicgrid.party.testing.projects.scope_objects) the community account leads branch2
(organiser) and its own general branch (secretary); the street account (secretary of the street's
committee) reviews both. The system admin sees the projects of its region scope but takes no step
(refused on the page: "302="). Everyone else holds no post: no staff page (404). The public board is
every signed-in user's (both sides' projects by design: names, titles and stages only)."""

from datetime import date

from django.utils import timezone

from civicgrid.site.tests.scope_table import E, View

READERS_LIST = E("404", community="200", street="200", admin="200")
READERS = E("404 404", community="200 404", street="200 404", admin="200 404")
LEAD_POST = E("404 404", community="302 404", street="302= 404", admin="302= 404")
REVIEW_POST = E("404 404", street="302 404", community="302= 404", admin="302= 404")


def party(attr):
    def target(w, side, role):
        return {"pk": getattr(w.sides[side].party, attr).pk}, ""

    return target


def title(w, side):
    return w.sides[side].party.project.title


def new_data(w, side, role):
    year = timezone.localdate().year + 1
    return {
        "organisation": w.sides[side].party.community_org.pk,
        "year": str(year),
        "title": "四点半课堂",
        "category": "service",
        "summary": "在职党员为双职工家庭孩子提供课后看护。",
        "goal": "服务 50 户家庭",
        "started_on": date(year, 1, 1).isoformat(),
        "due_on": date(year, 12, 1).isoformat(),
    }


def body(w, side, role):
    return {"body": "按计划推进，台账齐全。"}


def accept_data(w, side, role):
    return {"verdict": "成效明显，同意验收。", "score": "90"}


def milestone_data(w, side, role):
    return {"title": "总结评估", "due_on": date(timezone.localdate().year, 11, 30).isoformat()}


URLS = {
    "party:projects": View(get=READERS_LIST, marker=title),
    "party:project_new": View(get=E("404", community="200"), post=E("404 404", community="302 400"), data=new_data),
    "party:project_board": View(get=E("200")),
    "party:project": View(party("project"), get=READERS, marker=title),
    "party:project_approve": View(party("project_proposed"), post=REVIEW_POST, data=body),
    "party:project_report": View(party("project"), post=LEAD_POST, data=body),
    "party:project_supervise": View(party("project"), post=REVIEW_POST, data=body),
    "party:project_accept": View(party("project_supervised"), post=REVIEW_POST, data=accept_data),
    "party:project_return": View(party("project_supervised"), post=REVIEW_POST, data=body),
    "party:project_milestone_add": View(party("project"), post=LEAD_POST, data=milestone_data),
    "party:project_milestone_done": View(
        party("project_milestone"), post=LEAD_POST, data=lambda w, s, r: {"evidence": "议事会已成立"}
    ),
    "party:project_file": View(party("project_file"), get=READERS),
}
