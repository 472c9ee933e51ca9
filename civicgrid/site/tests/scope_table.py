"""What every URL of every app answers to each role, in scope (side A) and out of scope (side B).

Written by hand from the policy — accounts/roles.py (which role holds which permission where),
cases/workflow.py (who may take which step of a case), the board's moderator roles, the people
app's "no permission at all is 404" — never computed from `restrict()`. test_scope_walk.py walks
the resolver and fails for any URL name missing here (or in EXCLUDED), so a new view must declare
its expectations.

Notation: `E("200 404", community="302 404")` gives each role (ROLES) an answer in scope and an
answer out of scope; a view without an object of its own has one answer ("200") and is walked in
scope only — unless its payload or query names a place (a new record in B's place: "302 400"). A POST answer with "=" ("302=") is a refusal that still redirects (a workflow step
the role may not take: the page says why): like every 4xx, it must change nothing. A POST answer
without "=" (200, 201, 204, 302) must change something; with "?" it may or may not (nothing to
do). "-" means not walked for that role. A list's `marker` names each side's object in the answer:
B's must never show, A's must (so the check looks at the right place).

The roles: the eight person roles (signed in through the session) on A, and — for /api/ and
/open311/ only — an application key of each application role on A's street (API_ROLES).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from civicgrid.cases.tests.media_files import jpeg

ROLES = ("resident", "microgrid", "grid", "community", "street", "dept", "operator", "admin")
API_ROLES = ("integration", "hotline")

# URL names that are not an app's view, with why. (/admin/ is checked apart: it refuses non-staff.)
EXCLUDED = {
    "admin:": "Django's admin site: staff-only by is_staff, tested by test_admin_refuses_every_role",
    "set_language": "Django's i18n view: sets the language cookie, no object, no scope",
    "core:health": "the load balancer's health probe: no object, no user",
    "core:csp_report": "the browser's CSP violation reports: anonymous by design, no object",
}


def E(default, **roles):
    """{role: (in scope, out of scope)} from "in out" strings; `default` for every unnamed role."""
    unknown = set(roles) - set(ROLES) - set(API_ROLES)
    assert not unknown, unknown
    table = {}
    for role in ROLES + API_ROLES:
        spec = roles.get(role, default if role in ROLES else "-")
        parts = spec.split()
        table[role] = (parts[0], parts[1] if len(parts) > 1 else None)
    return table


def api(default, keys="- -", **roles):
    """As E, with the application keys' answers too (`keys`, or per key)."""
    spec = {k: roles.pop(k, keys) for k in API_ROLES}
    return E(default, **roles, **spec)


@dataclass
class View:
    """One URL name: its object (`target(world, side, role)` → (kwargs, query string)), and the
    expected answers per method. `data(world, side, role)` is the POST payload."""

    target: object = None
    get: dict = None
    post: dict = None
    delete: dict = None
    data: object = None
    json: bool = False
    htmx: bool = False  # sent as the page's htmx request
    # marker(world, side) → a text naming that side's object: no 200 answer may contain B's, and a
    # 200 answer in scope must contain A's (so the check is known to look at the right place).
    marker: object = None


# --- Targets ----------------------------------------------------------------------------------


def obj(attr, kwarg="pk", via="pk", **extra):
    """A side's object `attr`; the URL takes its `via` field as `kwarg`."""

    def target(w, side, role):
        return {kwarg: getattr(getattr(w.sides[side], attr), via), **extra}, ""

    return target


def case(attr="case", kwarg="number", **extra):
    return obj(attr, kwarg, "number", **extra)


def board(attr="case", **extra):
    def target(w, side, role):
        o = w.sides[side]
        return {"code": o.nodes.C.code, "number": getattr(o, attr).number, **extra}, ""

    return target


def region(level, kwarg="code"):
    def target(w, side, role):
        return {kwarg: getattr(w.sides[side].nodes, level).code}, ""

    return target


def query(level):
    """No URL parameter: the side's node as ?region=<code>."""

    def target(w, side, role):
        return {}, f"region={getattr(w.sides[side].nodes, level).code}"

    return target


def own_note(w, side, role):
    """In scope: the role's own notification; out of scope: somebody else's."""
    return {"pk": (w.notes.get(role) if side == "A" else w.notes["other"]).pk}, ""


def own_upload(use):
    """In scope: a file the role sent before its report (cases.pending); out of scope: somebody else's."""

    def target(w, side, role):
        return {"token": w.pending_uploads[use][role if side == "A" else "other"].token}, ""

    return target


def version(attr):
    return lambda w, side, role: {"version": getattr(w.sides[side], attr).version}


TODAY = date.today().isoformat()
SOON = (datetime.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")


# --- Form payloads (each names the side's own place) ------------------------------------------------


def building_form(w, side, code):
    grid = w.sides[side].nodes.M
    return {"code": code, "name": "改建楼", "grid": grid.pk, "building_type": "residential", "floors": 3, "units": 1}


def house_form(w, side, number):
    house = w.sides[side].house
    return {"unit": house.unit_id, "floor": 1, "number": number, "usage": "rented"}


def enterprise_form(w, side):
    grid = w.sides[side].nodes.M
    return {"name": "新商店", "kind": "merchant", "grid": grid.pk, "employees": 3, "phone": ""}


def intake_form(w, side, **extra):
    m = w.sides[side].nodes.M
    return {
        "category": w.cats["S05001"].pk,
        "description": "路灯不亮。",
        "lon": m.centroid_lon,
        "lat": m.centroid_lat,
        "is_public": "on",
        **extra,
    }


def compound_form(w, side):
    return {"name": "新小区", "community": w.sides[side].nodes.C.pk, "star": 2}


def company_form(w, side):
    return {"name": "新物业", "region": w.sides[side].nodes.C.pk, "phone": ""}


# --- Expectations shared by groups of URLs ------------------------------------------------------

EVERYONE = E("200")
# Staff queues (cases.views.staff.QUEUE_ROLES): everyone but residents and grid/micro-grid workers.
QUEUE = E("200", resident="403", microgrid="403", grid="403")
# The people register: the six roles holding people.view_* (accounts/roles.py); residents and
# department staff hold none, and the register answers them "not found" (people.views).
PEOPLE = E("200 404", resident="404 404", dept="404 404")
PEOPLE_LIST = E("200", resident="404", dept="404")
# Changing houses, households and persons: grid workers, community staff, system admins.
HOUSE_WORK = E("404 404", grid="200 404", community="200 404", admin="200 404")
HOUSE_WORK_POST = E("404 404", grid="302 404", community="302 404", admin="302 404")
# Buildings, compounds, companies, enterprises: community staff and system admins.
BASE_WORK = E("404 404", community="200 404", admin="200 404")
BASE_WORK_LIST = E("404", community="200", admin="200")
BASE_WORK_POST = E("404 404", community="302 404", admin="302 404")
BASE_NEW = E("404 404", community="302 400", admin="302 400")
# The command screen: dashboard.view_screen (grid, community, street, operator, admin).
SCREEN = E("200 404", resident="403 403", microgrid="403 403", dept="403 403")
SCREEN_WRITE = E("200 404", resident="404 404", microgrid="404 404", dept="404 404")
# A's open case is dispatched to A's department: read in full by A's staff in whose region it lies,
# by that department's staff, and by its reporter (as the reporter).
CASE_READERS = E("200 404")
# The register through the API: people roles see it; residents, department staff and every
# application key are refused outright (403, api.people).
PEOPLE_API = api("200 404", keys="403 403", resident="403 403", dept="403 403")
PEOPLE_API_LIST = api("200", keys="403", resident="403", dept="403")

# Notices' staff pages: notices.view_* over A's community (community and street staff, the operator,
# the admin); writing notices.add/change_* (the same but the operator). A grid worker writes for
# their grid only: A's community notice is outside it (they read it as a reader). Residents,
# micro-grid and department staff hold none: 404; the lists answer 200 to whoever writes or reads.
NOTICE_READ = E("404 404", community="200 404", street="200 404", operator="200 404", admin="200 404")
NOTICE_READ_LIST = E("404", grid="200", community="200", street="200", operator="200", admin="200")
NOTICE_WRITE = E("404 404", community="200 404", street="200 404", admin="200 404")
NOTICE_WRITE_LIST = E("404", grid="200", community="200", street="200", admin="200")
NOTICE_WRITE_POST = E("404 404", community="302 404", street="302 404", admin="302 404")
# 议事协商 (consult).
CONSULT_READ_LIST = E("200", microgrid="404", grid="404", dept="404")
CONSULT_READ = E("200 404", microgrid="404 404", grid="404 404", dept="404 404")
CONSULT_STAFF_LIST = E("200", resident="404", microgrid="404", grid="404", dept="404")
CONSULT_STAFF = E("200 404", resident="404 404", microgrid="404 404", grid="404 404", dept="404 404")
CONSULT_MEETINGS_LIST = E("404", community="200", street="200", operator="200", admin="200")
CONSULT_MEETINGS = E("404 404", community="200 404", street="200 404", operator="200 404", admin="200 404")
CONSULT_ORGANISE_LIST = E("404", community="200", street="200", admin="200")
CONSULT_ORGANISE = E("404 404", community="200 404", street="200 404", admin="200 404")
CONSULT_ORGANISE_POST = E("404 404", community="302 404", street="302 404", admin="302 404")
# A new poll or meeting in B's community: B is not among the form's communities (400).
CONSULT_NEW = E("404 404", community="302 400", street="302 400", admin="302 400")


def poll_form(w, side):
    return {
        "community": w.sides[side].nodes.C.code,
        "title": "新投票",
        "electorate": "household",
        "opens_at": f"{TODAY}T00:00",
        "closes_at": f"{date.fromordinal(date.today().toordinal() + 5).isoformat()}T00:00",
        "questions": "[单选] 是否同意？\n同意\n不同意",
    }


def meeting_form(w, side):
    return {
        "community": w.sides[side].nodes.C.code,
        "title": "圆桌会",
        "starts_at": f"{TODAY}T18:00",
        "place": "会议室",
    }


URLS = {
    # --- site, accounts ---
    # A resident's first page is the phone home screen (civicgrid.resident): the workbench sends them on.
    "site:home": View(get=E("200", resident="302")),
    # --- resident: the home screen and 我的 are a resident's; everyone else is sent to the workbench ---
    "resident:home": View(get=E("302", resident="200")),
    "resident:me": View(get=E("302", resident="200")),
    # The installable web app: the same for everyone (no object, no user data).
    "pwa:manifest": View(get=EVERYONE),
    "pwa:service_worker": View(get=EVERYONE),
    "pwa:offline": View(get=EVERYONE),
    "accounts:login": View(get=E("302")),  # signed in already: sent on
    "accounts:logout": View(post=E("302?")),  # ends the session: no domain row changes
    "accounts:password_change": View(get=EVERYONE),
    "accounts:logins": View(get=EVERYONE),
    # Residents' registration and password reset are for people not signed in: a signed-in user is
    # sent on (register), may ask for a code (reset), and without a phone in the session goes back.
    "accounts:register": View(get=E("302")),
    "accounts:reset": View(get=E("200")),
    "accounts:reset_confirm": View(get=E("302")),
    # Reviewing registrations and residents' passwords: community staff in their communities, and the
    # system admin (every permission in its subtree: the street S1); everyone else 403.
    "accounts:registrations": View(get=E("403", community="200", admin="200")),
    "accounts:residents": View(get=E("403", community="200", admin="200")),
    "accounts:decide_registration": View(
        obj("registration", decision="approve"), post=E("403 403", community="302 404", admin="302 404")
    ),
    "accounts:reset_resident": View(obj("resident"), post=E("403 403", community="200 404", admin="200 404")),
    # --- regions: A's micro-grid lies in every A role's subtree (view_region) ---
    "regions:tree": View(get=EVERYONE),
    "regions:map": View(get=EVERYONE),
    "regions:geojson": View(get=EVERYONE),
    "regions:detail": View(region("M"), get=E("200 404")),
    "regions:children": View(region("M"), get=E("200 404"), htmx=True),  # the tree browser's partial
    # --- cases, resident pages ---
    # Anyone signed in may report a problem anywhere in the district (workflow.REPORT_RULES): B's
    # place too; the case then lies in B's scope.
    "cases:report": View(
        get=EVERYONE,
        post=E("302 302"),
        data=lambda w, s, r: {k: v for k, v in intake_form(w, s).items() if k != "is_public"},
    ),
    "cases:quick_report": View(get=E("404", microgrid="200", grid="200")),
    "cases:my_reports": View(get=EVERYONE, marker=lambda w, s: w.sides[s].case.number if s == "B" else ""),
    # Only the reporter (and followers) open 我的上报; A's staff have the staff page instead.
    "cases:my_report": View(case(), get=E("404 404", resident="200 404")),
    "cases:evaluate": View(
        case("closed"),
        post=E("404 404", resident="302 404"),
        data=lambda w, s, r: {"score": 4, "comment": "好", "version": w.sides[s].closed.version},
    ),
    "cases:reopen": View(
        case("closed"),
        post=E("404 404", resident="302= 404"),  # not before an unsatisfied rating
        data=lambda w, s, r: {"reason": "又坏了", "version": w.sides[s].closed.version},
    ),
    # 关注: a public case may be followed by anyone signed in (A's); its reporter follows it already.
    # Out of scope: B's private case, not found.
    "cases:follow": View(
        lambda w, s, r: ({"number": (w.sides[s].case if s == "A" else w.sides[s].registered).number}, ""),
        post=E("302 404", resident="302= 404"),
    ),
    # Files sent as soon as they are chosen (cases.pending): anyone signed in may send one (201);
    # its preview and its removal only to its sender, anyone else's is not found.
    "cases:upload": View(post=E("201"), data=lambda w, s, r: {"kind": "photo", "file": jpeg()}),
    "cases:upload_preview": View(own_upload("preview"), get=E("200 404")),
    "cases:upload_discard": View(own_upload("remove"), post=E("200 404")),
    # A public case's photo: everyone who reads it (full, reporter, board).
    "cases:attachment": View(obj("attachment"), get=CASE_READERS),
    "cases:attachment_thumb": View(obj("attachment"), get=CASE_READERS),
    # The board: A's community for those living or working in it, and for the moderators above
    # (street, operator, admin); department staff have no community.
    # One community: straight to its board; several (the moderators above, none) the list.
    "cases:board_home": View(get=E("302", street="200", dept="200", operator="200", admin="200")),
    "cases:board": View(region("C"), get=E("200 404", dept="404 404")),
    "cases:board_case": View(board(), get=E("200 404", dept="404 404")),
    "cases:board_comment": View(board(), post=E("302 404", dept="404 404"), data={"text": "同意"}),
    "cases:board_react": View(board(kind="me_too"), post=E("302 404", dept="404 404")),
    "cases:board_abuse": View(board(), post=E("302 404", dept="404 404"), data={"reason": "不实信息"}),
    # Moderating: community staff and the moderators above; to others reading the board moderation
    # is not offered (not found, board_actions._moderator).
    "cases:board_hide_case": View(
        board(),
        post=E("404 404", community="302 404", street="302 404", operator="302 404", admin="302 404"),
        data={"reason": "重复"},
    ),
    "cases:board_hide_comment": View(
        lambda w, s, r: (
            {"code": w.sides[s].nodes.C.code, "number": w.sides[s].case.number, "comment_id": w.sides[s].comment.pk},
            "",
        ),
        post=E("404 404", community="302 404", street="302 404", operator="302 404", admin="302 404"),
        data={"reason": "广告"},
    ),
    # Releasing a comment held by the automatic check: the moderators (as hiding). Releasing a case:
    # A's open case is not held, so there is nothing to release (not found) for everyone; the
    # release itself is tested in civicgrid/suggest/tests/test_board_holds.py.
    "cases:board_release_comment": View(
        lambda w, s, r: (
            {
                "code": w.sides[s].nodes.C.code,
                "number": w.sides[s].case.number,
                "comment_id": w.sides[s].held_comment.pk,
            },
            "",
        ),
        post=E("404 404", community="302 404", street="302 404", operator="302 404", admin="302 404"),
    ),
    "cases:board_release_case": View(board(), post=E("404 404")),
    # Board settings (when residents' reports appear): the same moderators; those who read the
    # board but may not moderate it are refused (403), everyone else does not find it (404).
    "cases:board_settings": View(
        region("C"),
        post=E("403 404", dept="404 404", community="302 404", street="302 404", operator="302 404", admin="302 404"),
        data={"show_reports": "at_once"},
    ),
    # --- cases, staff pages ---
    "cases:staff_queue": View(get=QUEUE, marker=lambda w, s: w.sides[s].case.number),
    "cases:staff_export": View(get=QUEUE),
    # ?region= outside the scope falls back to the user's own node: 200, and nothing of B's shown.
    "cases:stats": View(
        query("C"),
        get=E("200 200", resident="403 403", microgrid="403 403", grid="403 403"),
        marker=lambda w, s: f"{w.sides[s].nodes.C.name}（下级逐行",
    ),
    # 12345 and staff entry: the page for its roles (INTAKE_ROLES); filing needs the source's rule
    # (workflow.REPORT_RULES) on the place: B's place is refused (400). An admin is not offered either.
    "cases:staff_hotline": View(
        get=E("403", operator="200"),
        post=E("403 403", operator="302 400"),
        data=lambda w, s, r: intake_form(w, s, caller_phone="13700001111"),
    ),
    "cases:staff_entry": View(
        get=E("200", resident="403", microgrid="403", dept="403", admin="403"),
        post=E("302 400", resident="403 403", microgrid="403 403", dept="403 403", admin="403 403"),
        data=lambda w, s, r: intake_form(w, s),
    ),
    "cases:tasks": View(get=E("403", microgrid="200", grid="200", dept="200", admin="200")),
    # Dispatching A's registered case: the dispatchers (workflow DISPATCHER); department staff and
    # admins reach the queue but may not dispatch; B's case is not found (a per-case message).
    "cases:staff_bulk_dispatch": View(
        post=E(
            "302= 302=",
            resident="403 403",
            microgrid="403 403",
            grid="403 403",
            community="302 302=",
            street="302 302=",
            operator="302 302=",
        ),
        target=lambda w, s, r: ({}, ""),
        data=lambda w, s, r: {"case": f"{w.sides[s].registered.pk}:{w.sides[s].registered.version}", "level": "grid"},
    ),
    # The staff page: full readers; the reporter is sent to 我的上报.
    "cases:staff_detail": View(case(kwarg="key"), get=E("200 404", resident="302 404")),
    "cases:staff_version": View(case(kwarg="key"), get=CASE_READERS),
    # 签收 of A's case, dispatched to A's department: its staff sign; other full readers are told
    # no (the page redirects with the reason); the reporter and everyone out of scope: not found.
    "cases:staff_act": View(
        case(kwarg="key", action="sign"),
        post=E("302= 404", resident="404 404", dept="302 404"),
        data=version("case"),
    ),
    # --- notifications: one's own only ---
    "notifications:inbox": View(get=EVERYONE),
    "notifications:badge": View(get=EVERYONE),
    "notifications:preferences": View(get=EVERYONE),
    "notifications:mark_read": View(own_note, post=E("302 404")),
    "notifications:mark_all_read": View(post=E("302")),
    # --- people: pages take ?region= (A's micro-grid lies in every people role's scope) ---
    "people:index": View(query("M"), get=PEOPLE),
    # Search has no region: it finds the side's person by name, and never B's.
    "people:search": View(
        lambda w, s, r: ({}, f"q={w.sides[s].person.name}"),
        get=E("200 200", resident="404 404", dept="404 404"),
        marker=lambda w, s: f'href="/people/persons/{w.sides[s].person.pk}/"',
    ),
    "people:unverified": View(query("M"), get=PEOPLE),
    "people:map": View(query("M"), get=PEOPLE),
    "people:map_data": View(query("M"), get=PEOPLE),
    # Grid outlines and building names to aim a report at: every role's own area (a grid or
    # micro-grid widened to its community), never another community's.
    "people:map_layers": View(query("C"), get=E("200 404")),
    "people:enterprises": View(query("M"), get=PEOPLE),
    # The access log: people.view_accesslog (community, street; admins hold it, not a clearance).
    "people:access_log": View(get=E("404", community="200", street="200", admin="200")),
    "people:building": View(obj("building"), get=PEOPLE),
    "people:house": View(obj("house"), get=PEOPLE),
    "people:household": View(obj("household"), get=PEOPLE),
    "people:person": View(obj("person"), get=PEOPLE),
    # A new record's place is chosen in the form: a place of B is not among the choices (400).
    "people:building_new": View(get=BASE_WORK_LIST, post=BASE_NEW, data=lambda w, s, r: building_form(w, s, "BN")),
    "people:building_edit": View(
        obj("building"), get=BASE_WORK, post=BASE_WORK_POST, data=lambda w, s, r: building_form(w, s, f"B{s}")
    ),
    "people:house_new": View(
        obj("building", kwarg="building"),
        get=HOUSE_WORK,
        post=HOUSE_WORK_POST,
        data=lambda w, s, r: house_form(w, s, "209"),
    ),
    "people:houses_generate": View(
        obj("building"),
        get=HOUSE_WORK,
        post=HOUSE_WORK_POST,
        data={"first_floor": 1, "last_floor": 3, "per_floor": 3},
    ),
    "people:house_edit": View(
        obj("house"), get=HOUSE_WORK, post=HOUSE_WORK_POST, data=lambda w, s, r: house_form(w, s, "199")
    ),
    "people:verify": View(
        obj("house"),
        get=HOUSE_WORK,
        post=HOUSE_WORK_POST,
        data=lambda w, s, r: {"usage": w.sides[s].house.usage, "note": "敲门核查"},
    ),
    "people:add_rental": View(
        obj("house"), post=HOUSE_WORK_POST, data={"landlord_name": "房东", "start": TODAY, "note": ""}
    ),
    "people:add_person": View(
        obj("house"),
        post=HOUSE_WORK_POST,
        data=lambda w, s, r: {"name": "新居民", "residence_type": "registered", "ethnicity": "汉族"},
    ),
    "people:person_edit": View(
        obj("person"),
        get=HOUSE_WORK,
        post=HOUSE_WORK_POST,
        data={"name": "改名居民", "residence_type": "floating", "ethnicity": "汉族"},
    ),
    "people:person_move": View(obj("person"), get=HOUSE_WORK),
    "people:person_move_out": View(obj("person"), post=HOUSE_WORK_POST, data={"on": TODAY, "note": "迁出"}),
    "people:person_tags": View(obj("person"), post=HOUSE_WORK_POST, data={"tags": ["veteran"]}),
    # Unmasking is a clearance: community staff only (never implied for admins).
    "people:unmask": View(
        obj("person"), post=E("404 404", community="200 404"), data={"field": "phone", "reason": "核对身份"}
    ),
    "people:enterprise_new": View(get=BASE_WORK_LIST, post=BASE_NEW, data=lambda w, s, r: enterprise_form(w, s)),
    "people:enterprise_edit": View(
        obj("enterprise"), get=BASE_WORK, post=BASE_WORK_POST, data=lambda w, s, r: enterprise_form(w, s)
    ),
    "people:compound_new": View(get=BASE_WORK_LIST, post=BASE_NEW, data=lambda w, s, r: compound_form(w, s)),
    "people:compound_edit": View(
        obj("compound"), get=BASE_WORK, post=BASE_WORK_POST, data=lambda w, s, r: compound_form(w, s)
    ),
    "people:company_new": View(get=BASE_WORK_LIST, post=BASE_NEW, data=lambda w, s, r: company_form(w, s)),
    "people:company_edit": View(
        obj("company"), get=BASE_WORK, post=BASE_WORK_POST, data=lambda w, s, r: company_form(w, s)
    ),
    # Import: people.import_person (community staff; admins hold it, not a clearance).
    "people:import": View(get=BASE_WORK_LIST),
    "people:template": View(
        lambda w, s, r: ({"kind": "persons"}, ""), get=E("404 -", community="200 -", admin="200 -")
    ),
    # One's own import runs only: A's run is community staff's, B's is B's community staff's.
    "people:import_errors": View(obj("import_run"), get=E("404 404", community="200 404")),
    # Export is a clearance: community and street staff (never implied for admins).
    "people:export": View(query("C"), get=E("404 404", community="200 404", street="200 404")),
    # Long jobs (core.longjobs): one's own list; a job is its owner's and, with its permission
    # (people.import_person), seen by whoever holds it over the job's community (the admin of A's district).
    "core:jobs": View(get=E("200")),
    "core:job": View(obj("job"), get=E("404 404", community="200 404", admin="200 404")),
    "core:job_status": View(obj("job"), get=E("404 404", community="200 404", admin="200 404")),
    "core:job_result": View(obj("job"), get=E("404 404", community="200 404", admin="200 404")),
    # --- the command screen: ?region= a rollup node (A's grid) ---
    # --- smart intake (suggest) ---
    # The routing hint beside the dispatch form: who may accept or dispatch A's registered case (the
    # dispatchers in scope: workflow DISPATCHER); everyone else, and B's case, not found.
    "intake:route": View(
        case("registered"), get=E("404 404", community="200 404", street="200 404", operator="200 404")
    ),
    # 议事协商 (civicgrid/consult/permissions.py): residents see their community's polls, community and
    # street staff and system admins organise polls and meetings, the command centre reads both;
    # grid workers, micro-grid members and department staff hold nothing (404). Residents never open
    # staff pages.
    "consult:polls": View(get=CONSULT_READ_LIST),
    "consult:mine": View(get=CONSULT_READ_LIST),
    "consult:poll": View(obj("poll"), get=CONSULT_READ, marker=lambda w, s: f"{s} 进行中投票"),
    # The walking resident's phone is in no base-data record: not eligible (400, nothing counted).
    "consult:vote": View(
        obj("poll"),
        post=E(
            "404 404",
            resident="400 404",
            community="400 404",
            street="400 404",
            operator="400 404",
            admin="400 404",
        ),
        data=lambda w, s, r: {f"q{w.sides[s].poll.questions.get(kind='single').pk}": ""},
    ),
    "consult:poll_list": View(get=CONSULT_STAFF_LIST, marker=lambda w, s: f"{s} 进行中投票"),
    "consult:poll_new": View(get=CONSULT_ORGANISE_LIST, post=CONSULT_NEW, data=lambda w, s, r: poll_form(w, s)),
    "consult:poll_manage": View(obj("poll"), get=CONSULT_STAFF, marker=lambda w, s: f"{s} 意见"),
    "consult:poll_edit": View(
        obj("draft_poll"), get=CONSULT_ORGANISE, post=CONSULT_ORGANISE_POST, data=lambda w, s, r: poll_form(w, s)
    ),
    "consult:poll_open": View(obj("draft_poll"), post=CONSULT_ORGANISE_POST),
    "consult:poll_close": View(obj("poll"), post=CONSULT_ORGANISE_POST),
    "consult:poll_publish": View(obj("closed_poll"), post=CONSULT_ORGANISE_POST),
    # 议题转项目 files a case through the cases app (工作人员代录): system admins may not (refused, "=").
    "consult:poll_to_case": View(
        obj("closed_poll"),
        post=E("404 404", community="302 404", street="302 404", admin="302= 404"),
        data=lambda w, s, r: {"category": w.cats["S05001"].pk, "description": "立项"},
    ),
    "consult:poll_export": View(obj("poll"), get=CONSULT_STAFF),
    "consult:opinion_reply": View(
        lambda w, s, r: ({"pk": w.sides[s].poll.pk, "opinion": w.sides[s].opinion.pk}, ""),
        post=CONSULT_ORGANISE_POST,
        data={"reply": "收到"},
    ),
    "consult:meetings": View(get=CONSULT_MEETINGS_LIST, marker=lambda w, s: f"{s} 圆桌会"),
    "consult:meeting_new": View(get=CONSULT_ORGANISE_LIST, post=CONSULT_NEW, data=lambda w, s, r: meeting_form(w, s)),
    "consult:meeting": View(obj("meeting"), get=CONSULT_MEETINGS, marker=lambda w, s: f"{s} 圆桌会"),
    "consult:meeting_participant": View(
        obj("meeting"), post=CONSULT_ORGANISE_POST, data={"kind": "owners", "name": "业委会"}
    ),
    "consult:meeting_agenda": View(
        obj("meeting"), post=CONSULT_ORGANISE_POST, data=lambda w, s, r: {"number": w.sides[s].case.number}
    ),
    "consult:meeting_minutes": View(obj("meeting"), post=CONSULT_ORGANISE_POST, data={"minutes": "纪要"}),
    "consult:meeting_decision": View(
        obj("meeting"),
        post=CONSULT_ORGANISE_POST,
        data={"text": "增派巡逻", "owner": "物业", "due_date": TODAY, "kind": "task"},
    ),
    "consult:decision_close": View(
        lambda w, s, r: ({"pk": w.sides[s].meeting.pk, "decision": w.sides[s].decision.pk}, ""),
        post=CONSULT_ORGANISE_POST,
        data={"note": "已落实"},
    ),
    # The weekly accuracy of the suggestions: the holders of suggest.view_suggestionrecord.
    "intake:accuracy": View(get=E("404", operator="200", admin="200")),
    # --- notices: readers by the notice's audience (A's community: everyone on A but department
    # staff, whose department sits on the street); staff pages by notices.* (grid, community and
    # street staff write, the operator reads, the admin holds all), everyone else 404.
    "notices:mine": View(get=EVERYONE, marker=lambda w, s: w.sides[s].notice.title if s == "B" else ""),
    "notices:read": View(obj("notice"), get=E("200 404", dept="404 404")),
    "notices:file": View(obj("notice_file"), get=E("200 404", dept="404 404")),
    "notices:staff_list": View(get=NOTICE_READ_LIST, marker=lambda w, s: w.sides[s].notice.title if s == "B" else ""),
    "notices:manage": View(obj("notice"), get=NOTICE_READ),
    "notices:receipts": View(obj("notice"), get=NOTICE_READ),
    "notices:add": View(get=NOTICE_WRITE_LIST),
    "notices:edit": View(obj("notice_draft"), get=NOTICE_WRITE),
    "notices:publish": View(obj("notice_draft"), post=NOTICE_WRITE_POST, data={}),
    # Approving A's waiting notice: anyone but its author (A's community staff) who writes notices there.
    "notices:approve": View(
        obj("notice_pending"), post=E("404 404", community="302= 404", street="302 404", admin="302 404")
    ),
    "notices:return": View(obj("notice_pending"), post=NOTICE_WRITE_POST),
    "notices:withdraw": View(obj("notice"), post=NOTICE_WRITE_POST),
    "notices:pin": View(obj("notice"), post=NOTICE_WRITE_POST),
    "notices:unpin": View(obj("notice"), post=E("404 404", community="302? 404", street="302? 404", admin="302? 404")),
    "notices:remind": View(obj("notice"), post=NOTICE_WRITE_POST),
    # --- 便民服务 (services) ---
    # The directory: every role reads the links kept at or above its place (A's street's link); street
    # staff and system admins keep it. Residents call craftsmen serving their community; community and
    # street staff keep the craftsmen and see the orders of their subtree. No walking user is a
    # craftsman: the craftsman's own pages (jobs) answer everyone 404 (services/tests/test_pages.py
    # walks them with the linked account).
    "services:home": View(get=EVERYONE),
    "services:link": View(obj("service_link"), get=E("200 404")),
    "services:nearby": View(get=E("404", resident="200", admin="200")),  # admin: no home, an empty page
    "services:craftsmen": View(
        get=E("404", resident="200", community="200", street="200", admin="200"),
        marker=lambda w, s: f"{s}师傅",
    ),
    "services:craftsman": View(
        obj("craftsman"),
        get=E("404 404", resident="200 404", community="200 404", street="200 404", admin="200 404"),
        post=E("404 404", resident="302 404"),
        data=lambda w, s, r: {"what": "马桶漏水", "address": "1号楼", "preferred_time": SOON},
    ),
    "services:my_orders": View(get=E("404", resident="200", admin="200")),
    "services:my_order": View(obj("order"), get=E("404 404", resident="200 404")),
    "services:order_cancel": View(obj("order"), post=E("404 404", resident="302 404")),
    "services:order_rate": View(
        obj("done_order"), post=E("404 404", resident="302 404"), data={"rating": "4", "comment": "好"}
    ),
    "services:jobs": View(get=E("404")),
    "services:job": View(obj("order"), get=E("404 404")),
    "services:job_step": View(obj("order", step="accept"), post=E("404 404")),
    "services:manage_links": View(get=E("404", street="200", admin="200"), marker=lambda w, s: f"{s} 养老金认证"),
    "services:link_add": View(
        get=E("404", street="200", admin="200"),
        post=E("404 404", street="302 400", admin="302 400"),
        data=lambda w, s, r: {"region": w.sides[s].nodes.S.pk, "category": "pension", "title": "新指南", "order": 1},
    ),
    "services:link_edit": View(
        obj("service_link"),
        get=E("404 404", street="200 404", admin="200 404"),
        post=E("404 404", street="302 404", admin="302 404"),
        data=lambda w, s, r: {"region": w.sides["A"].nodes.S.pk, "category": "pension", "title": "改名", "order": 1},
    ),
    "services:manage_craftsmen": View(
        get=E("404", community="200", street="200", admin="200"), marker=lambda w, s: f"{s}师傅"
    ),
    "services:craftsman_add": View(
        get=E("404", community="200", street="200", admin="200"),
        post=E("404 404", community="302 400", street="302 400", admin="302 400"),
        data=lambda w, s, r: {"name": "新师傅", "area": w.sides[s].nodes.C.pk, "skills": ["locks"]},
    ),
    "services:craftsman_edit": View(
        obj("craftsman"),
        get=E("404 404", community="200 404", street="200 404", admin="200 404"),
        post=E("404 404", community="302 404", street="302 404", admin="302 404"),
        data=lambda w, s, r: {"name": "改名师傅", "area": w.sides["A"].nodes.C.pk, "skills": ["locks"]},
    ),
    "services:craftsman_status": View(
        obj("craftsman"),
        post=E("404 404", community="302 404", street="302 404", admin="302 404"),
        data={"status": "suspended"},
    ),
    "services:manage_orders": View(
        get=E("404", community="200", street="200", admin="200"), marker=lambda w, s: f"{s} 水管漏水"
    ),
    "dashboard:screen": View(query("G"), get=SCREEN),
    "dashboard:summary": View(query("G"), get=SCREEN),
    "dashboard:trend": View(query("G"), get=SCREEN),
    "dashboard:categories": View(query("G"), get=SCREEN),
    "dashboard:rankings": View(query("G"), get=SCREEN),
    "dashboard:areas": View(query("G"), get=SCREEN),
    "dashboard:map": View(query("G"), get=SCREEN),
    "dashboard:markers": View(query("G"), get=SCREEN),
    "dashboard:population": View(query("G"), get=SCREEN),
    "dashboard:warnings": View(query("G"), get=SCREEN),
    "dashboard:needs": View(query("G"), get=SCREEN),
    "dashboard:acknowledge": View(obj("firing"), post=SCREEN_WRITE, data={"note": "已知悉"}),
    "dashboard:task_done": View(obj("task"), post=SCREEN_WRITE),
    # --- /api/v1/ (session for persons; X-Api-Key for applications) ---
    "api:v1:api-root": View(get=api("200", keys="200")),
    "api:v1:me": View(get=api("200", keys="200")),
    # One document for everyone, seconds to generate: walked for a resident, an admin and a key.
    "api:v1:schema": View(get=api("-", integration="200", resident="200", admin="200")),
    "api:v1:docs": View(get=api("200", keys="200")),
    "api:v1:redoc": View(get=api("200", keys="200")),
    "api:v1:redoc-bundle": View(get=api("200", keys="200")),
    # Signing in with a wrong password; signing out a token (none here: nothing to delete).
    "api:v1:token": View(
        post=api("400", keys="400"), delete=api("204?", keys="204?"), data={"username": "x", "password": "y"}, json=True
    ),
    "api:v1:region-list": View(get=api("200", keys="200")),
    "api:v1:region-geojson": View(get=api("200", keys="200")),
    # Locating a point anywhere answers 200 (a resident reports anywhere) with the visible nodes
    # above it only: none of B's.
    "api:v1:region-locate": View(
        lambda w, s, r: ({}, f"lon={w.sides[s].nodes.M.centroid_lon}&lat={w.sides[s].nodes.M.centroid_lat}"),
        get=api("200 200", keys="200 200"),
        marker=lambda w, s: w.sides[s].nodes.M.code,
    ),
    "api:v1:region-detail": View(region("M"), get=api("200 404", keys="200 404")),
    "api:v1:category-list": View(get=api("200", keys="200")),
    "api:v1:category-detail": View(obj("category"), get=api("200 200", keys="200 200")),
    # Category suggestions for a text: every caller, no object, no scope, nothing written (no GET).
    "api:v1:category-suggest-list": View(
        get=api("405", keys="405"), post=api("200?", keys="200?"), data=lambda w, s, r: {"text": "路灯不亮"}, json=True
    ),
    # Anyone signed in may report (a resident's report); the keys' own filing is test_key_walk's.
    "api:v1:case-list": View(
        get=api("200", keys="200"),
        marker=lambda w, s: f'"{w.sides[s].case.number}"',
        post=api("201"),
        data=lambda w, s, r: w.report_body(),
        json=True,
    ),
    "api:v1:case-detail": View(case(kwarg="key"), get=api("200 404", keys="200 404")),
    # 签收 through the API: A's department staff may; other readers are refused; B: not found.
    "api:v1:case-act": View(
        case(kwarg="key", name="sign"),
        post=api("403 404", keys="403 404", dept="200 404"),
        data=version("case"),
        json=True,
    ),
    "api:v1:evaluation-list": View(get=api("200", keys="200")),
    # The rated case was handled by the grid, not by the department: its staff do not see it.
    "api:v1:evaluation-detail": View(obj("evaluation"), get=api("200 404", keys="200 404", dept="404 404")),
    "api:v1:notification-list": View(get=api("200", keys="200")),
    "api:v1:notification-unread-count": View(get=api("200", keys="200")),
    "api:v1:notification-read-all": View(post=api("200", keys="200?"), json=True),  # a key has none
    "api:v1:notification-detail": View(own_note, get=api("200 404", keys="- -")),
    "api:v1:notification-read": View(own_note, post=api("200 404", keys="- -"), json=True),
    "api:v1:people-building-list": View(get=PEOPLE_API_LIST, marker=lambda w, s: f'"code":"B{s}"'),
    "api:v1:people-building-detail": View(obj("building"), get=PEOPLE_API),
    "api:v1:people-house-list": View(get=PEOPLE_API_LIST),
    "api:v1:people-house-detail": View(obj("house"), get=PEOPLE_API),
    "api:v1:people-household-list": View(get=PEOPLE_API_LIST),
    "api:v1:people-household-detail": View(obj("household"), get=PEOPLE_API),
    "api:v1:people-person-list": View(get=PEOPLE_API_LIST),
    "api:v1:people-person-detail": View(obj("person"), get=PEOPLE_API),
    "api:catch-all": View(lambda w, s, r: ({"_path": "/api/v2/people/persons/"}, ""), get=api("404", keys="404")),
    # --- /open311/v2/: public reads of public cases (GeoReport v2); filing needs an api_key ---
    "open311:discovery": View(lambda w, s, r: ({"fmt": "json"}, ""), get=api("200", keys="200")),
    "open311:services": View(lambda w, s, r: ({"fmt": "json"}, ""), get=api("200", keys="200")),
    "open311:service": View(lambda w, s, r: ({"fmt": "json", "code": "S05001"}, ""), get=api("200", keys="200")),
    "open311:requests": View(lambda w, s, r: ({"fmt": "json"}, ""), get=api("200", keys="200")),
    # A public case is public to everyone; B's private registered case is not found.
    "open311:request": View(
        lambda w, s, r: (
            {"fmt": "json", "request_id": (w.sides[s].case if s == "A" else w.sides[s].registered).number},
            "",
        ),
        get=api("200 404", keys="200 404"),
    ),
    "open311:token": View(obj("open311", "token", "token", fmt="json"), get=api("200 200", keys="200 200")),
    "open311:unknown": View(lambda w, s, r: ({"_path": "/open311/v2/persons.json"}, ""), get=api("404", keys="404")),
}


# --- community activities (civicgrid.activities) --------------------------------------------------
# Residents see the published activities of their own community (A's resident: A's, never B's);
# everyone else gets 404 on the resident pages. Organisers: street and community staff (and the
# system admin: every permission in its subtree) hold activities.*; everyone else gets 404.


def activity(attr):
    def target(w, side, role):
        return {"pk": getattr(w.sides[side].activities, attr).pk}, ""

    return target


def venue_token(w, side, role):
    from civicgrid.activities import actions as activity_actions

    return {"token": activity_actions.venue_code(w.sides[side].activities.running)}, ""


def activity_form(w, side, role=None):
    from datetime import timedelta

    from django.utils import timezone

    starts = timezone.localtime() + timedelta(days=4)
    return {
        "title": "改过的活动",
        "region": w.sides[side].nodes.C.pk,
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "signup_deadline": (starts - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "活动室",
        "capacity": "20",
    }


def personal_code(w, side, role):
    from civicgrid.activities import actions as activity_actions

    return {"code": activity_actions.personal_code(w.sides[side].activities.enrolment)}


RESIDENT_READ = E("404 404", resident="200 404")
ORGANISERS = E("404 404", community="200 404", street="200 404", admin="200 404")
ORGANISERS_POST = E("404 404", community="302 404", street="302 404", admin="302 404")
ORGANISER_LIST = E("404", community="200", street="200", admin="200")
PHOTO_READERS = E("404 404", resident="200 404", community="200 404", street="200 404", admin="200 404")

URLS.update(
    {
        "activities:list": View(get=EVERYONE),
        "activities:mine": View(get=EVERYONE),
        "activities:detail": View(activity("coming"), get=RESIDENT_READ),
        "activities:sign_up": View(activity("coming"), post=E("404 404", resident="302 404")),
        # A's resident holds no sign-up for the coming activity: a refusal that redirects.
        "activities:cancel_sign_up": View(activity("coming"), post=E("404 404", resident="302= 404")),
        # A code that is no code: refused on the page.
        "activities:enter_code": View(
            activity("running"), post=E("404 404", resident="302= 404"), data=lambda w, s, r: {"code": "nocode"}
        ),
        # The venue code's URL: the page (GET) and the check-in (POST) of A's resident.
        "activities:checkin": View(venue_token, get=RESIDENT_READ, post=E("404 404", resident="302 404")),
        "activities:photo": View(activity("photo"), get=PHOTO_READERS),
        "activities:photo_thumb": View(activity("photo"), get=PHOTO_READERS),
        "activities:manage": View(get=ORGANISER_LIST),
        # A new activity for the side's community: B's community is not among the form's choices.
        "activities:create": View(
            lambda w, s, r: ({}, ""),
            get=ORGANISER_LIST,
            post=E("404 -", community="302 400", street="302 400", admin="302 400"),
            data=activity_form,
        ),
        "activities:staff_detail": View(activity("coming"), get=ORGANISERS),
        "activities:edit": View(activity("coming"), get=ORGANISERS, post=ORGANISERS_POST, data=activity_form),
        "activities:publish": View(activity("draft"), post=ORGANISERS_POST),
        "activities:cancel": View(activity("coming"), post=ORGANISERS_POST),
        "activities:finish": View(activity("running"), post=ORGANISERS_POST, data=lambda w, s, r: {"summary": "好"}),
        "activities:summary": View(
            activity("finished"), post=ORGANISERS_POST, data=lambda w, s, r: {"summary": "新总结"}
        ),
        "activities:venue": View(activity("running"), get=ORGANISERS, post=ORGANISERS_POST, data=personal_code),
    }
)


# --- volunteers (civicgrid.volunteers) ------------------------------------------------------------
# Residents: their own registration, the shifts and the wishes wall of their own community (A's
# resident: A's, never B's; not a volunteer, so signing up and claiming are refusals that redirect).
# Staff pages: street and community staff (and the system admin) hold volunteers.*; everyone else 404.


def volunteering(attr, **extra):
    def target(w, side, role):
        return {"pk": getattr(w.sides[side].volunteers, attr).pk, **extra}, ""

    return target


def volunteer_shift(w, side, role):
    return {"pk": w.sides[side].volunteers.shift.activity_id}, ""


def volunteer_region(w, side, role=None):
    return {"name": "新的队伍", "title": "新的项目", "region": w.sides[side].nodes.C.pk, "is_active": "on"}


def volunteer_shift_form(w, side, role=None):
    from datetime import timedelta

    from django.utils import timezone

    starts = timezone.localtime() + timedelta(days=4)
    return {
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "signup_deadline": (starts - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "服务站",
        "capacity": "5",
    }


VOLUNTEER_STAFF = E("404 404", community="200 404", street="200 404", admin="200 404")
VOLUNTEER_STAFF_LIST = E("404", community="200", street="200", admin="200")
VOLUNTEER_STAFF_POST = E("404 404", community="302 404", street="302 404", admin="302 404")
VOLUNTEER_STAFF_NEW = E("404 -", community="302 400", street="302 400", admin="302 400")

URLS.update(
    {
        "volunteers:home": View(get=EVERYONE),
        # Only A's resident is known to base data by phone (scope_world gives them one): they register;
        # everyone else walking is refused, 400.
        "volunteers:register": View(
            get=EVERYONE, post=E("400", resident="302"), data=lambda w, s, r: {"availability": ["weekday_am"]}
        ),
        "volunteers:shift": View(volunteer_shift, get=RESIDENT_READ),
        "volunteers:shift_sign_up": View(volunteer_shift, post=E("404 404", resident="302= 404")),
        "volunteers:shift_cancel": View(volunteer_shift, post=E("404 404", resident="302= 404")),
        "volunteers:wall": View(get=EVERYONE),
        "volunteers:wish_new": View(
            lambda w, s, r: ({}, ""),
            get=E("404", resident="200"),
            post=E("404", resident="302"),
            data=lambda w, s, r: {"title": "一把雨伞"},
        ),
        "volunteers:wish": View(volunteering("wish_open"), get=RESIDENT_READ),
        "volunteers:wish_photo": View(volunteering("wish_done"), get=VOLUNTEER_STAFF),
        # A's resident is the wish's author and no volunteer: claiming is refused on the page.
        "volunteers:wish_step": View(volunteering("wish_open", step="claim"), post=E("404 404", resident="302= 404")),
        "volunteers:manage": View(get=VOLUNTEER_STAFF_LIST),
        "volunteers:staff_volunteer": View(
            volunteering("pending"),
            get=VOLUNTEER_STAFF,
            post=VOLUNTEER_STAFF_POST,
            data=lambda w, s, r: {"decision": "approve"},
        ),
        "volunteers:teams": View(
            lambda w, s, r: ({}, ""), get=VOLUNTEER_STAFF_LIST, post=VOLUNTEER_STAFF_NEW, data=volunteer_region
        ),
        "volunteers:team": View(
            volunteering("team"), get=VOLUNTEER_STAFF, post=VOLUNTEER_STAFF_POST, data=volunteer_region
        ),
        "volunteers:projects": View(
            lambda w, s, r: ({}, ""), get=VOLUNTEER_STAFF_LIST, post=VOLUNTEER_STAFF_NEW, data=volunteer_region
        ),
        "volunteers:project": View(
            volunteering("project"), get=VOLUNTEER_STAFF, post=VOLUNTEER_STAFF_POST, data=volunteer_shift_form
        ),
        "volunteers:roster": View(volunteer_shift, get=VOLUNTEER_STAFF),
        "volunteers:attendance": View(volunteering("enrolment", step="check-in"), post=VOLUNTEER_STAFF_POST),
        "volunteers:staff_wishes": View(get=VOLUNTEER_STAFF_LIST),
        "volunteers:staff_wish": View(
            volunteering("wish_pending"),
            get=VOLUNTEER_STAFF,
            post=VOLUNTEER_STAFF_POST,
            data=lambda w, s, r: {"step": "approve"},
        ),
    }
)


# --- compounds ---
# 小区治理 (civicgrid/compounds/permissions.py): community staff keep their compounds' ledgers and
# renovation projects and request class rises; street staff do the same and review rises and set the
# street's target; the command centre reads; system admins hold everything in their subtree. Residents
# see only their own compound, found in base data: the walking resident is in no base-data record, so
# A's renovation ledger answers them 404 like B's (test_pages covers a resident of record). Everyone
# else gets 404.


def compound_obj(attr, via="pk"):
    def target(w, side, role):
        return {"pk": getattr(getattr(w.sides[side].compounds, attr), via)}, ""

    return target


COMPOUND_READ = E("404 404", community="200 404", street="200 404", operator="200 404", admin="200 404")
COMPOUND_READ_LIST = E("404", community="200", street="200", operator="200", admin="200")
COMPOUND_WRITE = E("404 404", community="302 404", street="302 404", admin="302 404")
COMPOUND_RESIDENT_READ = E(
    "404 404", resident="200 404", community="200 404", street="200 404", operator="200 404", admin="200 404"
)
# Refused on the page (one project per compound; A's rise already waits): redirects, changes nothing.
COMPOUND_REFUSED = E("404 404", community="302= 404", street="302= 404", admin="302= 404")


def compound_item_form(w, side, role):
    return {"problem": "新问题", "measure": "措施", "owner": "物业", "due_date": "2030-01-01"}


URLS.update(
    {
        "compounds:list": View(get=COMPOUND_READ_LIST, marker=lambda w, s: f"{s}小区"),
        "compounds:detail": View(compound_obj("compound"), get=COMPOUND_READ, marker=lambda w, s: f"{s} 业主委员会"),
        "compounds:item_add": View(compound_obj("compound"), post=COMPOUND_WRITE, data=compound_item_form),
        "compounds:item_close": View(compound_obj("item"), post=COMPOUND_WRITE, data={"evidence": "已整改"}),
        "compounds:party_add": View(
            compound_obj("compound"), post=COMPOUND_WRITE, data={"kind": "social", "name": "社会组织"}
        ),
        "compounds:rise_request": View(
            compound_obj("compound"),
            post=COMPOUND_REFUSED,
            data=lambda w, s, r: {"criteria": w.sides[s].compounds.criteria},
        ),
        # Reviewers are street staff (and admins); community staff read the rise but may not decide it.
        "compounds:rise_review": View(
            compound_obj("rise"),
            post=E("404 404", street="302 404", admin="302 404"),
            data={"decision": "refuse"},
        ),
        "compounds:target": View(
            lambda w, s, r: ({}, ""),
            post=E("404 404", street="302 404", admin="302 404"),
            data=lambda w, s, r: {"street": w.sides[s].nodes.S.code, "year": "2030", "target": "8"},
        ),
        "compounds:project_new": View(compound_obj("compound"), post=COMPOUND_REFUSED, data={"title": "又一个项目"}),
        "compounds:project": View(compound_obj("project"), get=COMPOUND_READ, marker=lambda w, s: f"{s} 改造项目"),
        "compounds:project_edit": View(
            compound_obj("project"), post=COMPOUND_WRITE, data={"title": "改名", "fund_target": "2000"}
        ),
        "compounds:member_add": View(compound_obj("project"), post=COMPOUND_WRITE, data={"name": "李", "duty": "委员"}),
        "compounds:milestone_add": View(
            compound_obj("project"), post=COMPOUND_WRITE, data={"title": "新节点", "due_date": "2030-02-01"}
        ),
        "compounds:milestone_done": View(compound_obj("milestone"), post=COMPOUND_WRITE, data={"note": "完成"}),
        "compounds:file_add": View(
            compound_obj("project"),
            post=COMPOUND_WRITE,
            data=lambda w, s, r: {"kind": "plan", "title": "图", "files": jpeg()},
        ),
        "compounds:poll_open": View(
            compound_obj("project"),
            post=COMPOUND_WRITE,
            data={"title": "意见征集", "question": "同意吗？", "options": "同意\n不同意", "days": "7"},
        ),
        "compounds:pledge_set": View(
            compound_obj("project"),
            post=COMPOUND_WRITE,
            data=lambda w, s, r: {"household": w.sides[s].compounds.pledge.household_id, "pledged": "600"},
        ),
        "compounds:payment": View(compound_obj("pledge"), post=COMPOUND_WRITE, data={"paid": "100"}),
        # A's resident is a resident of record (scope_world gives them a phone base data knows): they
        # see their own compound's renovation files and ledger and may report on its works; B's is 404.
        "compounds:file": View(compound_obj("file"), get=COMPOUND_RESIDENT_READ),
        "compounds:file_thumb": View(compound_obj("file"), get=COMPOUND_RESIDENT_READ),
        "compounds:mine": View(get=EVERYONE),
        "compounds:fund": View(compound_obj("project"), get=E("404 404", resident="200 404")),
        "compounds:supervise": View(
            compound_obj("project"),
            post=E("404 404", resident="302 404"),
            data={"kind": "safety", "description": "危险"},
        ),
    }
)


# --- points --- (civicgrid.points) ------------------------------------------------------------------
# Everyone signed in has their own points pages (an empty account until they earn); only residents
# see the mall of their own community and a leaderboard. Street and community staff (and the system
# admin, in its subtree) manage merchants, items, accounts and awards; everyone else gets 404. The
# merchant counter answers 404 to anyone who works no merchant's counter (no walking user does).


def points_obj(attr, kwarg="pk"):
    def target(w, side, role):
        return {kwarg: getattr(w.sides[side].points, attr).pk}, ""

    return target


def points_item(w, side, role):
    o = w.sides[side].points
    return {"pk": o.merchant.pk, "item_pk": o.item.pk}, ""


def points_item_form(w, side, role):
    return {
        "title": "改过的商品",
        "item_type": "discount",
        "kind": "hongde",
        "price": "5",
        "stock": "3",
        "per_person": "1",
        "valid_from": TODAY,
        "valid_until": (date.today() + timedelta(days=10)).isoformat(),
    }


def points_account_payload(**extra):
    return lambda w, side, role: {"account": w.sides[side].points.account.pk, **extra}


POINTS_STAFF = E("404 404", community="200 404", street="200 404", admin="200 404")
POINTS_STAFF_POST = E("404 404", community="302 404", street="302 404", admin="302 404")
POINTS_STAFF_LIST = E("404", community="200", street="200", admin="200")
# The award waiting for approval was asked for by A's street staff: they may not approve it themselves.
POINTS_SECOND = E("404 404", community="302 404", street="302= 404", admin="302 404")

URLS.update(
    {
        "points:mine": View(get=EVERYONE),
        "points:mall": View(get=EVERYONE),
        "points:item": View(points_obj("item"), get=E("404 404", resident="200 404")),
        "points:redeem": View(points_obj("item"), post=E("404 404", resident="302 404")),
        "points:redemptions": View(get=EVERYONE),
        "points:cancel_redemption": View(points_obj("redemption"), post=E("404 404", resident="302 404")),
        # Recording an hour of help given to A's helper: only a resident of that community may.
        "points:timebank": View(
            get=EVERYONE,
            post=E("400", resident="302"),
            data=lambda w, s, r: {
                "gave": "1",
                "other_phone": w.sides[s].points.helper.phone,
                "hours": "1",
                "what": "买菜",
            },
        ),
        "points:help_confirm": View(points_obj("help"), post=E("404 404", resident="302 404")),
        "points:help_decline": View(points_obj("help"), post=E("404 404", resident="302 404")),
        "points:board": View(get=E("404", resident="200")),
        # Hiding oneself from the leaderboard: everyone's own account (made on first use).
        "points:board_visibility": View(post=E("302")),
        "points:counter": View(get=E("404"), post=E("404"), data=lambda w, s, r: {"code": "x", "confirm": "1"}),
        "points:statement": View(points_obj("merchant"), get=POINTS_STAFF),
        "points:manage": View(
            get=POINTS_STAFF_LIST,
            post=E("404 -", community="302 400", street="302 400", admin="302 400"),
            data=lambda w, s, r: {"name": "新商户", "region": w.sides[s].nodes.C.pk, "owner_kind": "enterprise"},
        ),
        "points:merchant": View(points_obj("merchant"), get=POINTS_STAFF),
        "points:item_create": View(
            points_obj("merchant"), get=POINTS_STAFF, post=POINTS_STAFF_POST, data=points_item_form
        ),
        "points:item_edit": View(points_item, get=POINTS_STAFF, post=POINTS_STAFF_POST, data=points_item_form),
        "points:merchant_staff": View(
            points_obj("merchant"),
            post=POINTS_STAFF_POST,
            data=lambda w, s, r: {"phone": w.sides[s].points.helper.phone},
        ),
        "points:awards": View(get=POINTS_STAFF_LIST),
        "points:award_create": View(
            lambda w, s, r: ({}, ""),
            post=POINTS_STAFF_POST,
            data=points_account_payload(kind="youai", amount="5", reason="助人为乐"),
        ),
        "points:award_approve": View(points_obj("pending"), post=POINTS_SECOND),
        "points:award_reject": View(points_obj("pending"), post=POINTS_SECOND),
        "points:record_rule": View(
            lambda w, s, r: ({}, ""),
            post=POINTS_STAFF_POST,
            data=points_account_payload(trigger="garbage_streak", note="坚持分类"),
        ),
        "points:account": View(points_obj("account"), get=POINTS_STAFF),
        "points:reverse_entry": View(
            points_obj("entry"), post=POINTS_STAFF_POST, data=lambda w, s, r: {"memo": "误记"}
        ),
        "points:rules": View(get=POINTS_STAFF_LIST),
    }
)


# --- scoring ---
# A grid worker sees their own score (every user has a page, maybe empty) and the public ranking
# and 金牌网格员 of their street; community and street staff, the command centre and system admins
# see rankings, workload and a worker's entries in their subtree; department staff see the
# departments' ranking of their region. The rules are shown to all of them and edited by street
# staff and system admins only (install-wide: no side).


def scored_worker(w, side, role):
    return {"pk": w.sides[side].scoring.worker.pk}, ""


def scored_department(w, side, role):
    return {"pk": w.sides[side].scoring.department.pk}, ""


SCORE_READERS = E("404", grid="200", community="200", street="200", operator="200", admin="200")
SCORE_STAFF = E("404", community="200", street="200", operator="200", admin="200")
DEPARTMENT_READERS = E("404", community="200", street="200", dept="200", operator="200", admin="200")
RULE_EDITORS = E("404", street="302", admin="302")

URLS.update(
    {
        "scoring:mine": View(get=EVERYONE),
        "scoring:ranking": View(get=SCORE_READERS),
        "scoring:gold": View(get=SCORE_READERS),
        "scoring:workload": View(get=SCORE_STAFF),
        "scoring:worker": View(
            scored_worker, get=E("404 404", community="200 404", street="200 404", operator="200 404", admin="200 404")
        ),
        "scoring:departments": View(get=DEPARTMENT_READERS),
        "scoring:department": View(
            scored_department,
            get=E(
                "404 404", community="200 404", street="200 404", dept="200 404", operator="200 404", admin="200 404"
            ),
        ),
        "scoring:rules": View(
            get=E("404", grid="200", community="200", street="200", dept="200", operator="200", admin="200"),
            post=RULE_EDITORS,
            data=lambda w, s, r: {"metric": "visit", "points": "1.5", "monthly_cap": "", "is_active": "on"},
        ),
        "scoring:medal_rule": View(
            post=RULE_EDITORS,
            data=lambda w, s, r: {"per_street": "2", "min_points": "30", "min_patrol_hours": "10"},
        ),
    }
)


# --- property --- (civicgrid.property)
# Residents: their own pages (home, report, survey while a period is open; the list only once
# published: none is, so 404). A repair is read by its reporter and by region staff holding
# property.view_repair (community, street, admin on A); taking and feeding back are property
# staff's only (none walks here: 404 for all). Fees: community staff, street staff and admins; a bill's
# status is changed by those holding property.change_bill (community, admin). Ratings: the street's
# staff and admins on A; publishing with marks missing is refused with a message (302=).


def prop(attr):
    def target(w, side, role):
        return {"pk": getattr(w.sides[side].property, attr).pk}, ""

    return target


def prop_version(w, side, role):
    from civicgrid.cases.models import Case

    repair = w.sides[side].property.repair
    return {"version": Case.objects.get(pk=repair.case_id).version, "note": "好", "score": "5"}


PROPERTY_READ = E("404 404", resident="200 404", community="200 404", street="200 404", admin="200 404")
PROPERTY_FEES = E("404", community="200", street="200", admin="200")
PROPERTY_RATERS = E("404 404", street="200 404", admin="200 404")

URLS.update(
    {
        "property:home": View(get=E("404", resident="200")),
        "property:repair_new": View(get=E("404", resident="200")),
        "property:repair": View(prop("repair"), get=PROPERTY_READ),
        "property:take": View(prop("repair"), post=E("404 404"), data=prop_version),
        "property:feedback": View(prop("repair"), post=E("404 404"), data=prop_version),
        "property:rate": View(prop("repair"), post=E("404 404", resident="302= 404"), data=prop_version),
        "property:tasks": View(get=E("404")),
        "property:survey": View(get=E("404", resident="200")),
        "property:board": View(get=E("404")),
        "property:fees": View(get=PROPERTY_FEES),
        "property:fee_import": View(post=E("404", community="302=", street="302=", admin="302=")),
        "property:fee_template": View(get=PROPERTY_FEES),
        "property:bill_status": View(
            prop("bill"),
            post=E("404 404", community="302? 404", admin="302? 404"),
            data=lambda w, s, r: {"status": "paid"},
        ),
        "property:ratings": View(get=E("404", street="200", admin="200")),
        "property:rating": View(prop("period"), get=PROPERTY_RATERS),
        "property:publish": View(prop("period"), post=E("404 404", street="302= 404", admin="302= 404")),
    }
)


# --- gridwork ---
# Grid work (civicgrid.gridwork). Grid workers hold the worker's permissions on their grid (patrol,
# visit, fill task forms); community and street staff supervise (patrols, plans, tasks) in their
# subtree; the system admin holds everything in its subtree but has no grid of its own to patrol.
# A patrol's own endpoints (points, end, check-in, finding) answer only its grid worker. The walk's
# task belongs to the street (community staff of its communities do not see the street's task).


def gridwork(attr):
    def target(w, side, role):
        return {"pk": getattr(w.sides[side].gridwork, attr).pk}, ""

    return target


def gridwork_house(w, side, role):
    return {"house_id": w.sides[side].gridwork.house.pk}, ""


def gridwork_points(w, side, role):
    from django.utils import timezone

    grid = w.sides[side].nodes.G
    seq = int(timezone.now().timestamp() * 1000) % 9_000_000
    at = timezone.now().isoformat()
    return {"points": [{"seq": seq, "at": at, "lat": grid.centroid_lat, "lng": grid.centroid_lon}]}


def gridwork_checkin(w, side, role):
    place = w.sides[side].gridwork.place
    return {"place": place.pk, "lat": place.lat, "lng": place.lng}


def gridwork_finding(w, side, role):
    grid = w.sides[side].nodes.G
    return {
        "category": w.sides[side].category.pk,
        "description": "巡格发现井盖缺失",
        "lat": grid.centroid_lat,
        "lng": grid.centroid_lon,
    }


def gridwork_grid(w, side, role):
    return {}, f"grid={w.sides[side].nodes.G.pk}"


def gridwork_key_place(w, side, role):
    grid = w.sides[side].nodes.G
    return {"grid": grid.pk, "name": "巡查打卡点", "lat": grid.centroid_lat, "lng": grid.centroid_lon, "radius_m": "50"}


def gridwork_plan(w, side, role):
    return {"name": "空巢老人走访", "region": w.sides[side].nodes.C.pk, "tag_code": "empty_nest", "every_days": "14"}


def gridwork_task(w, side, role):
    from datetime import timedelta

    from django.utils import timezone

    return {
        "title": "人口排查",
        "region": w.sides[side].nodes.C.pk,
        "target_kind": "houses",
        "deadline": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "label0": "常住人数",
        "type0": "number",
    }


GRIDWORK_WORKER_PAGE = E("404", grid="200", admin="200")
GRIDWORK_SUPERVISOR_PAGE = E("404", grid="200", community="200", street="200", admin="200")
GRIDWORK_STAFF_PAGE = E("404", community="200", street="200", admin="200")
GRIDWORK_OWN = E("404 404", grid="200 404")
GRIDWORK_WORKER_OBJECT = E("404 404", grid="200 404", admin="200 404")
GRIDWORK_STREET_TASK = E("404 404", street="200 404", admin="200 404")

URLS.update(
    {
        "gridwork:patrol": View(get=GRIDWORK_WORKER_PAGE),
        # The grid worker's patrol is open already: start returns it (nothing new); the admin has no grid.
        "gridwork:patrol_start": View(
            lambda w, s, r: ({}, ""), post=E("404 -", grid="200? -", admin="400 -"), json=True, data={"key": "again"}
        ),
        "gridwork:patrol_detail": View(
            gridwork("patrol"),
            get=E("404 404", grid="200 404", community="200 404", street="200 404", admin="200 404"),
        ),
        "gridwork:patrol_checkin": View(
            gridwork("patrol"), post=E("404 404", grid="200 404"), json=True, data=gridwork_checkin
        ),
        "gridwork:patrol_end": View(gridwork("patrol"), post=E("404 404", grid="302 404")),
        # After the end: a late point within a minute of it is still taken.
        "gridwork:patrol_points": View(
            gridwork("patrol"), post=E("404 404", grid="200? 404"), json=True, data=gridwork_points
        ),
        "gridwork:finding": View(
            gridwork("patrol"), get=GRIDWORK_OWN, post=E("404 404", grid="302 404"), data=gridwork_finding
        ),
        "gridwork:supervise": View(get=GRIDWORK_SUPERVISOR_PAGE),
        "gridwork:supervise_data": View(get=GRIDWORK_SUPERVISOR_PAGE),
        # Key places: the staff of the side's subtree; another side's grid is not found (GET) or not
        # one of theirs (POST: 400, nothing written).
        "gridwork:key_places": View(
            gridwork_grid,
            get=E("404 404", community="200 404", street="200 404", admin="200 404"),
            post=E("404 404", community="302 400", street="302 400", admin="302 400"),
            data=gridwork_key_place,
        ),
        "gridwork:key_place_switch": View(
            gridwork("place"),
            post=E("404 404", community="302 404", street="302 404", admin="302 404"),
            data=lambda w, s, r: {"active": "0"},
        ),
        "gridwork:visits": View(get=GRIDWORK_WORKER_PAGE),
        "gridwork:visit_house": View(
            gridwork_house,
            get=GRIDWORK_WORKER_OBJECT,
            post=E("404 404", grid="302 404", admin="302 404"),
            data=lambda w, s, r: {"purpose": "care", "notes": "回访"},
        ),
        "gridwork:plans": View(
            lambda w, s, r: ({}, ""),
            get=GRIDWORK_SUPERVISOR_PAGE,
            post=E("404 -", community="302 400", street="302 400", admin="302 400"),
            data=gridwork_plan,
        ),
        "gridwork:tasks": View(get=GRIDWORK_WORKER_PAGE),
        "gridwork:task_targets": View(gridwork("task"), get=GRIDWORK_WORKER_OBJECT),
        "gridwork:target_form": View(
            gridwork("target"),
            get=GRIDWORK_WORKER_OBJECT,
            post=E("404 404", grid="302 404", admin="302 404"),
            data=lambda w, s, r: {"f1": "3"},
        ),
        "gridwork:manage": View(get=GRIDWORK_SUPERVISOR_PAGE),
        "gridwork:task_new": View(
            lambda w, s, r: ({}, ""),
            get=GRIDWORK_STAFF_PAGE,
            post=E("404 -", community="302 400", street="302 400", admin="302 400"),
            data=gridwork_task,
        ),
        "gridwork:task_progress": View(gridwork("task"), get=GRIDWORK_STREET_TASK),
        # The street closes its task; the admin, walking after, finds it closed (nothing to do).
        "gridwork:task_close": View(gridwork("task"), post=E("404 404", street="302 404", admin="302? 404")),
        "gridwork:task_export": View(gridwork("task"), get=GRIDWORK_STREET_TASK),
    }
)


# --- party (civicgrid.party) -----------------------------------------------------------------------
# Each part of the app writes its rows beside its code (civicgrid/party/tests/scope/).
def _party_rows():
    from importlib import import_module

    for part in ("org", "ratings", "projects", "study", "orders"):
        URLS.update(import_module(f"civicgrid.party.tests.scope.{part}").URLS)


_party_rows()
