"""Access follows the data, not the action (issue 12, must-show 3).

Every action that changes who is linked to a case (reporter, followers, assignee, handling unit and
department, co-handlers, region, duplicate-of, supervision, 吹哨, reopening…) is run on a case with
a reporter's photo and a staff-only photo. Before and after it, each user of the small world opens
the staff page, the resident page and the API detail of the case and each of its files; what they
can read must be exactly what the case's data says — never wider:

- the whole record: staff whose region holds the case, its handling and co-handling departments'
  staff, its assignee (read from the role assignments and the case row, not through cases.access);
- the reporter's view: the reporter;
- the public version only (no description, address or point of a private case): its followers;
- each file by its own visibility: staff-only files to full readers (and the uploader), the
  reporter's files also to the reporter, public files also to followers and the board.

And every refused attempt leaves the case, its links, its events and its files exactly as they were.
"""

import pytest
from django.test import Client
from django.urls import reverse

from civicgrid.accounts.actions import revoke_role
from civicgrid.accounts.models import Role
from civicgrid.accounts.roles import role_has_permission
from civicgrid.accounts.scopes import active_assignments, forget_assignments
from civicgrid.cases import actions, uploads
from civicgrid.cases.errors import CaseError
from civicgrid.cases.models import (
    TERMINAL_STATUSES,
    AttachmentVisibility,
    BoardSetting,
    Case,
    CaseParticipant,
    HandlingLevel,
    Status,
)
from civicgrid.cases.tests.conftest import HOME, advance, fresh, point_in
from civicgrid.cases.tests.media_files import jpeg
from civicgrid.testing import make_user

pytestmark = pytest.mark.django_db

SECRET = "卧室窗外空调外机漏水（私密描述）"
ADDRESS = "和平里5号楼1单元402室"


def _report(world, user, *, where=HOME, is_public=False, description=SECRET, address=ADDRESS, code="06010"):
    lon, lat = point_in(world.tree[where])
    return uploads.report_with_attachments(
        user,
        photos=[jpeg()],
        category=world.cats[code],
        description=description,
        address=address,
        lon=lon,
        lat=lat,
        is_public=is_public,
    ).case


@pytest.fixture
def users(world):
    people = dict(vars(world.people))
    # A resident of another community (never on this case's board) and one more of this one.
    people["resident_elsewhere"] = make_user("resident_elsewhere", Role.RESIDENT, world.tree["S1C2"])
    people["resident3"] = make_user("resident3", Role.RESIDENT, world.tree["S1C1"])
    return people


def _subject(world, is_public):
    """The case under test: a resident's report with their photo, plus a staff-only photo."""
    case = _report(world, world.people.resident, is_public=is_public)
    checked = uploads.check_uploads(photos=[jpeg()])
    uploads.save_attachments(case, checked, world.people.community, visibility=AttachmentVisibility.STAFF)
    return fresh(case)


# --- The oracle: who may read what, from the data alone ---------------------------------------


def _reads_in_full(user, case):
    if user.is_superuser or (case.assignee_id is not None and case.assignee_id == user.pk):
        return True
    co = set(
        CaseParticipant.objects.filter(case=case, role="co", is_active=True).values_list("department_id", flat=True)
    )
    for a in active_assignments(user):
        if not role_has_permission(a.role, "cases.view_case"):
            continue
        if a.department_id:
            if a.role == Role.DEPARTMENT_STAFF and (
                a.department_id == case.handling_department_id or a.department_id in co
            ):
                return True
        elif case.region_code.startswith(a.region.code):
            return True
    return False


def _on_board(user, case):
    if not case.is_public or case.status in TERMINAL_STATUSES or case.community_id is None:
        return False
    at_once = BoardSetting.objects.filter(community_id=case.community_id, show_reports="at_once").exists()
    if case.status == Status.REPORTED and not at_once:  # the default board waits for acceptance
        return False
    community = case.community.code
    moderators = {Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.COMMAND_OPERATOR, Role.SYSTEM_ADMIN}
    for a in active_assignments(user):
        if not a.region_id:
            continue
        code = a.region.code
        if (len(code) >= 12 and code[:12] == community) or (a.role in moderators and community.startswith(code)):
            return True
    return False


def expected(case, users):
    case = Case.objects.select_related("community").get(pk=case.pk)
    full = {n for n, u in users.items() if _reads_in_full(u, case)}
    reporter = {n for n, u in users.items() if u.pk == case.reporter_id}
    followers = {
        n
        for n, u in users.items()
        if CaseParticipant.objects.filter(case=case, user=u, role="follower", is_active=True).exists()
    }
    readers = full | reporter | followers
    board = {n for n, u in users.items() if _on_board(u, case)}
    files = {}
    for a in case.attachments.all():
        who = set(full)
        who |= {n for n, u in users.items() if u.pk == a.uploaded_by_id and n in readers}
        if a.visibility in (AttachmentVisibility.PUBLIC, AttachmentVisibility.PARTIES):
            who |= reporter
        if a.visibility == AttachmentVisibility.PUBLIC:
            who |= followers | board
        files[a.pk] = who
    return {
        "staff_page": full,
        "readers": readers,
        "private": (full | reporter) if not case.is_public else readers,
        "files": files,
    }


# --- What each user actually gets -------------------------------------------------------------


def measured(case, users):
    case = fresh(case)
    attachments = list(case.attachments.all())
    staff_page, readers, private = set(), set(), set()
    files = {a.pk: set() for a in attachments}
    for name, user in users.items():
        client = Client()
        client.force_login(user)
        responses = [
            client.get(reverse("cases:staff_detail", args=[case.number])),
            client.get(reverse("cases:my_report", args=[case.number])),
            client.get(f"/api/v1/cases/{case.number}/"),
        ]
        if responses[0].status_code == 200:
            staff_page.add(name)
        texts = [r.content.decode() for r in responses if r.status_code == 200]
        if texts:
            readers.add(name)
        if any(SECRET in t or ADDRESS in t for t in texts):
            private.add(name)
        for a in attachments:
            ok = [
                client.get(reverse(v, args=[a.pk])).status_code for v in ("cases:attachment", "cases:attachment_thumb")
            ]
            assert ok[0] == ok[1], (name, a.pk, ok)
            if ok[0] == 200:
                files[a.pk].add(name)
    return {"staff_page": staff_page, "readers": readers, "private": private, "files": files}


# --- The actions that change who is linked to a case ------------------------------------------


def _registered(w, c):
    return advance(w, c, Status.REGISTERED)


def _handling(w, c):
    return advance(w, c, Status.HANDLING)


def _at_street(w, c):
    c = advance(w, c, Status.REGISTERED)
    c = actions.dispatch_case(c, w.people.street, version=c.version, level=HandlingLevel.STREET)
    return actions.sign_case(c, w.people.street, version=c.version)


def _at_department(w, c):
    c = advance(w, c, Status.REGISTERED)
    return actions.dispatch_case(
        c, w.people.street, version=c.version, level=HandlingLevel.DEPARTMENT, department=w.cg, co_departments=[w.water]
    )


def _merge_duplicate_into_it(w, c):
    duplicate = _report(w, w.people.resident2, description="楼下也看到漏水了", address="和平里5号楼1单元302室")
    return actions.merge_duplicate(duplicate, c, w.people.community, version=duplicate.version)


def _merge_it_into_another(w, c):
    original = _report(w, w.people.resident2, description="空调漏水", address="和平里5号楼1单元502室")
    return actions.merge_duplicate(c, original, w.people.community, version=c.version)


def _closed_unsatisfied_reopen(w, c):
    return actions.evaluate_case(c, w.people.resident, version=c.version, score=1, comment="没修好", reopen=True)


def _project(w, c):
    from datetime import date, timedelta

    return actions.convert_to_project(
        c,
        w.people.community,
        version=c.version,
        title="外机排水改造",
        milestones=[("勘察", date.today() + timedelta(days=30))],
    )


def _lonlat(w, node):
    lon, lat = point_in(w.tree[node])
    return {"lon": lon, "lat": lat}


# name: (bring the case to where the action applies, the action)
LINKING = {
    "merge_a_duplicate_into_it": (lambda w, c: c, _merge_duplicate_into_it),
    "merge_it_into_another": (lambda w, c: c, _merge_it_into_another),
    "follow_by_staff_in_scope": (lambda w, c: c, lambda w, c: actions.follow_case(c, w.people.community2)),
    "dispatch_to_department_with_co_handler": (
        _registered,
        lambda w, c: actions.dispatch_case(
            c,
            w.people.street,
            version=c.version,
            level=HandlingLevel.DEPARTMENT,
            department=w.cg,
            co_departments=[w.water],
        ),
    ),
    "dispatch_naming_an_assignee": (
        _registered,
        lambda w, c: actions.dispatch_case(
            c, w.people.community, version=c.version, level=HandlingLevel.GRID, assignee=w.people.grid
        ),
    ),
    "transfer_from_department_to_street": (
        _at_department,
        lambda w, c: actions.dispatch_case(c, w.people.street, version=c.version, level=HandlingLevel.STREET),
    ),
    "sign_becomes_assignee": (
        lambda w, c: advance(w, c, Status.DISPATCHED),
        lambda w, c: actions.sign_case(c, w.people.grid, version=c.version),
    ),
    "return_to_dispatchers": (
        _handling,
        lambda w, c: actions.return_case(c, w.people.grid, version=c.version, reason="不属本网格"),
    ),
    "escalate_grid_to_community": (
        _handling,
        lambda w, c: actions.escalate_case(c, w.people.grid, version=c.version, reason="需社区协调"),
    ),
    "escalate_street_to_department": (
        _at_street,
        lambda w, c: actions.escalate_case(c, w.people.street, version=c.version, reason="街乡吹哨"),
    ),
    "supervise": (
        _handling,
        lambda w, c: actions.supervise_case(c, w.people.operator, version=c.version, note="区级督办"),
    ),
    "reroute_to_another_community": (
        _registered,
        lambda w, c: actions.correct_location(c, w.people.street, version=c.version, **_lonlat(w, "S1C2G1M1")),
    ),
    "move_a_case_in_hand": (
        _handling,
        lambda w, c: actions.correct_location(c, w.people.street, version=c.version, **_lonlat(w, "S1C1G2M1")),
    ),
    "correct_category": (
        lambda w, c: c,
        lambda w, c: actions.correct_category(c, w.people.community, version=c.version, category=w.cats["04001"]),
    ),
    "reopen_unsatisfied": (
        lambda w, c: advance(w, c, Status.CLOSED),
        _closed_unsatisfied_reopen,
    ),
    "convert_to_project": (_handling, _project),
}


def _check(world, case, users):
    want, got = expected(case, users), measured(case, users)
    assert got == want
    return got


@pytest.mark.parametrize("name", list(LINKING))
def test_a_linking_action_never_widens_reading_beyond_the_data(world, users, name):
    prepare, act = LINKING[name]
    case = prepare(world, _subject(world, is_public=False))
    before = _check(world, case, users)
    act(world, fresh(case))
    after = _check(world, case, users)
    # Nobody outside the case's staff, its reporter and its followers reads it at all, and nobody
    # but its staff and its reporter reads its private details, before or after.
    residents = {n for n, u in users.items() if not ({a.role for a in active_assignments(u)} - {Role.RESIDENT})}
    assert after["private"] & residents <= {"resident"} and before["private"] & residents <= {"resident"}
    assert {n for f in after["files"].values() for n in f} & residents <= {"resident"}


PUBLIC_CASES = [
    "merge_a_duplicate_into_it",
    "reroute_to_another_community",
    "dispatch_to_department_with_co_handler",
]


@pytest.mark.parametrize("policy", ["after_acceptance", "at_once"])
@pytest.mark.parametrize("name", PUBLIC_CASES)
def test_on_a_public_case_too(world, users, name, policy):
    if policy == "at_once":  # the board shows reports before acceptance: the neighbours read them earlier
        for community in ("S1C1", "S1C2"):
            BoardSetting.objects.create(community=world.tree[community], show_reports=policy)
    prepare, act = LINKING[name]
    case = prepare(world, _subject(world, is_public=True))
    _check(world, case, users)
    act(world, fresh(case))
    _check(world, case, users)


def test_following_a_public_case_gives_its_public_version_only(world, users):
    case = _registered(world, _subject(world, is_public=True))  # accepted: on the board
    actions.follow_case(case, users["resident_elsewhere"])
    got = _check(world, case, users)
    assert "resident_elsewhere" in got["readers"] and "resident_elsewhere" not in got["staff_page"]
    staff_only = case.attachments.get(visibility=AttachmentVisibility.STAFF)
    assert "resident_elsewhere" not in got["files"][staff_only.pk]


def test_having_supervised_or_followed_grants_nothing_once_the_role_ends(world, users):
    """A supervisor or a staff follower reads the case through their post; when the post ends, the
    participant rows left behind do not keep it open to them."""
    case = _handling(world, _subject(world, is_public=False))
    case = actions.supervise_case(case, world.people.operator, version=case.version, note="区级督办")
    actions.follow_case(case, world.people.street2)
    for user in (world.people.operator, world.people.street2):
        for assignment in user.role_assignments.active():
            revoke_role(assignment)
        forget_assignments(user)  # this object too (revoke_role renewed the copy it loaded)
    _check(world, case, users)
    got = measured(case, {"operator": world.people.operator, "street2": world.people.street2})
    assert got["staff_page"] == set() and got["private"] == set()
    assert got["readers"] == {"street2"}  # a follower: the public version only


# --- Refused attempts change nothing ----------------------------------------------------------


def _snapshot(case):
    case = Case.objects.get(pk=case.pk)
    row = {f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields}
    return (
        row,
        sorted(CaseParticipant.objects.filter(case=case).values_list("role", "user_id", "department_id", "is_active")),
        case.events.count(),
        sorted(case.attachments.values_list("pk", "visibility")),
    )


REFUSED = {
    "merge_by_other_resident": (
        lambda w, c: c,
        lambda w, c, d: actions.merge_duplicate(d, c, w.people.resident2, version=d.version),
    ),
    "merge_by_reporter": (
        lambda w, c: c,
        lambda w, c, d: actions.merge_duplicate(d, c, w.people.resident, version=d.version),
    ),
    "merge_by_neighbour_community": (
        lambda w, c: c,
        lambda w, c, d: actions.merge_duplicate(d, c, w.people.community_neighbour, version=d.version),
    ),
    "follow_private_by_neighbour": (
        lambda w, c: c,
        lambda w, c, d: actions.follow_case(c, w.people.resident2),
    ),
    "dispatch_by_grid_worker": (
        _registered,
        lambda w, c, d: actions.dispatch_case(c, w.people.grid, version=c.version, level=HandlingLevel.GRID),
    ),
    "dispatch_by_neighbour_street": (
        _registered,
        lambda w, c, d: actions.dispatch_case(
            c, w.people.street_neighbour, version=c.version, level=HandlingLevel.STREET
        ),
    ),
    "escalate_by_department": (
        _handling,
        lambda w, c, d: actions.escalate_case(c, w.people.dept, version=c.version, reason="x"),
    ),
    "escalate_by_reporter": (
        _handling,
        lambda w, c, d: actions.escalate_case(c, w.people.resident, version=c.version, reason="x"),
    ),
    "supervise_by_own_level": (
        _handling,
        lambda w, c, d: actions.supervise_case(c, w.people.grid, version=c.version, note="x"),
    ),
    "reroute_by_reporter": (
        _registered,
        lambda w, c, d: actions.correct_location(c, w.people.resident, version=c.version, **_lonlat(w, "S1C2G1M1")),
    ),
    "reopen_by_follower": (
        lambda w, c: advance(w, c, Status.CLOSED),
        lambda w, c, d: actions.reopen_case(c, w.people.resident2, version=c.version, reason="x"),
    ),
    "sign_by_other_grid": (
        lambda w, c: advance(w, c, Status.DISPATCHED),
        lambda w, c, d: actions.sign_case(c, w.people.grid_neighbour, version=c.version),
    ),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_a_refused_linking_action_changes_nothing(world, users, name):
    prepare, attempt = REFUSED[name]
    case = prepare(world, _subject(world, is_public=False))
    duplicate = _report(world, world.people.resident2, description="重复", address="别处")
    if name == "reopen_by_follower":
        actions.merge_duplicate(
            duplicate, _report(world, world.people.resident), world.people.community, version=duplicate.version
        )
        CaseParticipant.objects.create(case=case, role="follower", user=world.people.resident2)
    before, before_dup = _snapshot(case), _snapshot(duplicate)
    readers = measured(case, users)
    with pytest.raises(CaseError):
        attempt(world, fresh(case), fresh(duplicate))
    assert _snapshot(case) == before and _snapshot(duplicate) == before_dup
    assert measured(case, users) == readers


def test_a_refused_merge_through_the_api_changes_nothing(world):
    case = _subject(world, is_public=False)
    duplicate = _report(world, world.people.resident2, description="重复", address="别处")
    before, before_dup = _snapshot(case), _snapshot(duplicate)
    client = Client()
    for user in (world.people.resident2, world.people.community_neighbour, world.people.dept):
        client.force_login(user)
        response = client.post(
            f"/api/v1/cases/{duplicate.number}/actions/merge/",
            {"into": case.number, "version": duplicate.version},
            content_type="application/json",
        )
        # Not found (the case to merge is out of reach), or "the case to merge into does not exist".
        assert response.status_code in (400, 403, 404), response.content
        page = client.post(
            reverse("cases:staff_act", args=[duplicate.number, "merge"]),
            {"version": duplicate.version, "into": case.number, "text": ""},
        )
        assert page.status_code == 404
    assert _snapshot(case) == before and _snapshot(duplicate) == before_dup
