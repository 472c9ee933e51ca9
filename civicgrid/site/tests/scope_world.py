"""The world the scope walk (test_scope_walk.py) runs in: two communities in two streets, every kind
of object each view needs, once in community A (in scope) and once in community B (out of scope),
and one user per person role on A, plus an application key of each application role on A's street.

    A: community S1C1 of street S1; its objects sit in micro-grid S1C1G1M1 (grid S1C1G1).
    B: community S2C1 of street S2; its objects sit in micro-grid S2C1G1M1 (grid S2C1G1).

The users on A: the resident (A's case reporter) on S1C1, the micro-grid member on S1C1G1M1, the
grid worker on S1C1G1, community staff on S1C1, street staff, the command operator and the system
admin on S1, department staff of the department handling A's case (a department of street S1).
B's objects are made by B's own staff, who are not among the walking users.
"""

from datetime import timedelta
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.utils import timezone

from civicgrid.accounts.models import Role
from civicgrid.accounts.registration import register_resident
from civicgrid.activities.testing import scope_objects as activity_objects
from civicgrid.api import actions as api_actions
from civicgrid.api.models import Open311Request
from civicgrid.cases import actions, board_actions, uploads
from civicgrid.cases.categories import load_categories
from civicgrid.cases.models import Category, HandlingLevel
from civicgrid.cases.tests.media_files import jpeg
from civicgrid.core import longjobs
from civicgrid.core.models import BackgroundJob, JobStatus
from civicgrid.dashboard import needs
from civicgrid.dashboard.models import RuleAction, RuleKind, Task, WarningFiring, WarningRule
from civicgrid.notifications.models import Kind, Notification
from civicgrid.people import actions as people_actions
from civicgrid.people.models import Compound, Enterprise, ImportRun, PropertyCompany
from civicgrid.people.testing import add_person, make_building, make_id_number
from civicgrid.regions import locator
from civicgrid.regions.models import Department, DepartmentKind
from civicgrid.services import actions as services_actions
from civicgrid.services.models import Craftsman, ServiceLink
from civicgrid.testing import build_tree, make_user

# The eight person roles, by their short names in the table (scope_table.ROLES), and where each
# holds its role on side A.
PERSON_ROLES = {
    "resident": (Role.RESIDENT, "C"),
    "microgrid": (Role.MICROGRID_MEMBER, "M"),
    "grid": (Role.GRID_WORKER, "G"),
    "community": (Role.COMMUNITY_STAFF, "C"),
    "street": (Role.STREET_STAFF, "S"),
    "dept": (Role.DEPARTMENT_STAFF, "dept"),
    "operator": (Role.COMMAND_OPERATOR, "S"),
    "admin": (Role.SYSTEM_ADMIN, "S"),
}
APPLICATION_ROLES = {"integration": Role.INTEGRATION, "hotline": Role.HOTLINE_INTEGRATION}
SIDES = {"A": "S1", "B": "S2"}


def _nodes(tree, side):
    street = SIDES[side]
    return SimpleNamespace(S=tree[street], C=tree[f"{street}C1"], G=tree[f"{street}C1G1"], M=tree[f"{street}C1G1M1"])


def _report(user, category, node, *, description, public=True):
    return uploads.report_with_attachments(
        user,
        photos=[jpeg()],
        category=category,
        description=description,
        address=f"{node.name} 1号楼",
        lon=node.centroid_lon,
        lat=node.centroid_lat,
        is_public=public,
    ).case


def _side(tree, cats, side, users, staff):
    """Everything of one side, made by that side's own staff (`staff`: role name → user)."""
    n = _nodes(tree, side)
    resident, community, street = staff["resident"], staff["community"], staff["street"]
    department = staff["department"]
    category = cats["S05001"]
    o = SimpleNamespace(nodes=n, department=department, category=category)

    # The open case: reported (public, with a photo), accepted, dispatched to the side's department.
    case = _report(resident, category, n.M, description=f"{side} 楼道堆物堵塞通道。")
    case = actions.accept_case(case, community, version=case.version)
    case = actions.dispatch_case(
        case, street, version=case.version, level=HandlingLevel.DEPARTMENT, department=department
    )
    o.case = case
    o.attachment = case.attachments.get()
    o.comment = board_actions.add_comment(resident, n.C, case.number, f"{side} 邻居留言")
    # A comment with a phone number: held for a moderator (cases.moderation, smart intake's check).
    o.held_comment = board_actions.add_comment(resident, n.C, case.number, f"{side} 有事打13812345678")

    # A closed case (evaluate, reopen) at the grid level: signed and handled by the grid worker.
    closed = _report(resident, category, n.M, description=f"{side} 路灯不亮。")
    closed = actions.accept_case(closed, community, version=closed.version)
    closed = actions.dispatch_case(closed, community, version=closed.version, level=HandlingLevel.GRID)
    closed = actions.sign_case(closed, staff["grid"], version=closed.version)
    closed = actions.feedback_case(closed, staff["grid"], version=closed.version, note="已修复。")
    closed = actions.verify_case(closed, community, version=closed.version, passed=True)
    o.closed = actions.close_case(closed, community, version=closed.version)

    # A closed and rated case (the API's evaluations).
    rated = _report(resident, category, n.M, description=f"{side} 井盖缺失。")
    for step in ("accept", "dispatch", "sign", "feedback", "verify", "close"):
        rated = {
            "accept": lambda c: actions.accept_case(c, community, version=c.version),
            "dispatch": lambda c: actions.dispatch_case(c, community, version=c.version, level=HandlingLevel.GRID),
            "sign": lambda c: actions.sign_case(c, staff["grid"], version=c.version),
            "feedback": lambda c: actions.feedback_case(c, staff["grid"], version=c.version, note="已补。"),
            "verify": lambda c: actions.verify_case(c, community, version=c.version, passed=True),
            "close": lambda c: actions.close_case(c, community, version=c.version),
        }[step](rated)
    actions.evaluate_case(rated, resident, version=rated.version, score=5, comment="满意")
    o.evaluation = rated.evaluations.get()

    # A registered case (bulk dispatch).
    registered = _report(resident, category, n.M, description=f"{side} 垃圾满溢。", public=False)
    o.registered = actions.accept_case(registered, community, version=registered.version)

    o.open311 = Open311Request.objects.create(case=case, token=f"tok-{side}", api_key=None)

    # The register: a building in the micro-grid, its first house, a household and a person.
    o.building = make_building(n.M, code=f"B{side}")
    o.house = o.building.houses.order_by("pk").first()
    o.person = add_person(community, o.house, name=f"{side}居民", id_number=make_id_number())
    o.household = o.person.household
    o.company = people_actions.save_property_company(
        community, PropertyCompany(), name=f"{side}物业", region=n.C, phone=""
    )
    o.compound = people_actions.save_compound(community, Compound(), name=f"{side}小区", community=n.C, star=0)
    o.enterprise = people_actions.save_enterprise(community, Enterprise(), name=f"{side}商店", grid=n.M, phone="")
    o.import_run = ImportRun.objects.create(
        kind="persons",
        user=community,
        at=timezone.now(),
        filename=f"{side}.xlsx",
        sha256="0" * 64,
        errors=[{"row": 2, "errors": ["x"]}],
        region_code=n.C.code,
    )

    # A finished import job of the community's staff, with a result file (civicgrid.core.longjobs).
    o.job = BackgroundJob.objects.create(
        kind="people.import",
        title=f"{side}导入",
        function="civicgrid.people.jobs.run_import",
        owner=community,
        permission="people.import_person",
        region_code=n.C.code,
        status=JobStatus.DONE,
        result_file=longjobs.storage().save(f"walk/{side}.xlsx", ContentFile(b"PK")),
        result_name=f"{side}.xlsx",
        created_at=timezone.now(),
    )

    # A resident's self-registration waiting for the community, and the side's resident account.
    o.registration = register_resident(
        phone=f"1370000{'1' if side == 'A' else '2'}234", password="Reg@2026pass", name=f"{side}申请人", community=n.C
    )
    o.resident = resident

    # 便民服务: the street's service guide, the community's craftsman (linked to an account of their
    # own, none of the walking users), an order of the side's resident waiting for an answer and a
    # finished one waiting for the rating.
    o.service_link = services_actions.save_link(
        street,
        ServiceLink(),
        region=n.S,
        category="pension",
        title=f"{side} 养老金认证",
        url="https://hrss.example.gov.cn/",
    )
    phone = f"1360000{'1' if side == 'A' else '2'}000"
    o.craftsman_account = make_user(f"craftsman_{side}", Role.RESIDENT, region=n.C, phone=phone)
    o.craftsman = services_actions.save_craftsman(
        community, Craftsman(), name=f"{side}师傅", skills=["plumbing"], area=n.C, phone=phone
    )
    o.craftsman = services_actions.set_craftsman_status(community, o.craftsman, "verified")
    soon = timezone.now() + timedelta(days=1)
    o.order = services_actions.call_craftsman(
        resident, o.craftsman, what=f"{side} 水管漏水", address=f"{side} 1号楼", preferred_time=soon
    )
    done = services_actions.call_craftsman(
        resident, o.craftsman, what=f"{side} 灯不亮", address=f"{side} 1号楼", preferred_time=soon
    )
    done = services_actions.accept_order(o.craftsman_account, done)
    o.done_order = services_actions.complete_order(o.craftsman_account, done)

    # The command screen: an open warning on the grid with a task.
    rule = WarningRule.objects.create(name=f"{side} 规则", kind=RuleKind.GRID_OPEN, action=RuleAction.TASK)
    o.firing = WarningFiring.objects.create(
        rule=rule, key=f"grid:{n.G.code}", region_code=n.G.code, message=f"{side} 网格在办过多"
    )
    o.task = Task.objects.create(firing=o.firing, title=f"{side} 任务", region_code=n.G.code, role=Role.GRID_WORKER)

    # Community activities: a draft, a coming one, a running one the resident signed up for, a
    # finished one with a photo.
    o.activities = activity_objects(community, resident, n.C)
    # --- compounds --- 小区治理: a party, a requested rise, an open rectification item, a renovation
    # project with a milestone, a plan document and a household's pledge, for the side's compound.
    from civicgrid.compounds.testing import scope_objects as compound_objects

    o.compounds = compound_objects(community, o.compound, n.M, side)
    # --- points --- a merchant with an item, the resident's account, redemption and a help record
    # waiting for them, an award waiting for a second approver (civicgrid.points.testing).
    from civicgrid.points.testing import scope_objects as points_objects

    o.points = points_objects(community, street, resident, n.C, side)
    # --- scoring --- the side's grid worker scored for a patrol, its department for a case.
    from civicgrid.scoring.testing import scope_objects as scoring_objects

    o.scoring = scoring_objects(staff["grid"], department, n.G, 1 if side == "A" else 2)
    # --- gridwork --- Grid work: the grid worker's open patrol (with a key place), a visit to the
    # side's house, the community's visit plan, the street's door-to-door task (its target: the house).
    from civicgrid.gridwork.testing import scope_objects as gridwork_objects

    o.gridwork = gridwork_objects(staff, n, o.house)
    # Notices (civicgrid.notices) by the side's community staff for its community: one published
    # (with a picture), one draft, one waiting for approval.
    from civicgrid.notices import actions as notice_actions
    from civicgrid.notices.models import Notice, NoticeFile, Status

    def notice(title, **extra):
        return notice_actions.save_notice(
            community, Notice(), region=n.C, kind="notice", title=f"{side} {title}", body="正文", **extra
        )

    o.notice = notice_actions.publish_notice(community, notice("停水通知", photos=[jpeg()]))
    o.notice_file = NoticeFile.objects.get(notice=o.notice)
    o.notice_draft = notice("草稿")
    o.notice_pending = notice("待审核")
    Notice.objects.filter(pk=o.notice_pending.pk).update(status=Status.PENDING)
    # --- volunteers --- a verified volunteer on a running shift, a pending registration, a team, a
    # project; the resident's wish waiting for the check and one on the wall; a fulfilled wish.
    from civicgrid.volunteers.testing import scope_objects as volunteer_objects

    o.volunteers = volunteer_objects(community, resident, n, side)
    # 议事协商: a draft, an open poll with an opinion, a closed poll, a meeting with a task decision.
    _consult(o, n, side, community)
    # --- property --- the compound served by the side's company: a repair of the side's resident,
    # a bill of their house, an open rating period of the street.
    from civicgrid.property.testing import scope_objects as property_objects

    o.property = property_objects(
        side,
        admin=staff["admin"],
        community=community,
        street=street,
        resident=resident,
        compound=o.compound,
        company=o.company,
        building=o.building,
        street_node=n.S,
    )
    # --- party --- 智慧党建: the side's committee, community organisation and branches, with the side's
    # street and community accounts as secretaries and its resident as a member (civicgrid.party.testing).
    from civicgrid.party.testing import scope_objects as party_objects

    o.party = party_objects(staff, n, side)
    return o


def _consult(o, n, side, community):
    from civicgrid.consult import actions as consult_actions
    from civicgrid.consult.actions.voting import count_ballot

    now = timezone.now()
    questions = [
        {"kind": "single", "text": f"{side} 是否同意？", "options": ["同意", "不同意"]},
        {"kind": "text", "text": "意见", "required": False},
    ]

    def poll(title):
        return consult_actions.create_poll(
            community,
            community=n.C,
            title=title,
            questions=questions,
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=3),
        )

    o.draft_poll = poll(f"{side} 草稿投票")
    o.poll = consult_actions.open_poll(poll(f"{side} 进行中投票"), community)
    question = o.poll.questions.get(kind="text")
    ballot = count_ballot(o.poll, f"{side}-key", None, [], [(question, f"{side} 意见")], now)
    o.opinion = ballot.opinions.get()
    o.closed_poll = consult_actions.close_poll(
        consult_actions.open_poll(poll(f"{side} 已结束投票"), community), community
    )
    o.meeting = consult_actions.call_meeting(
        community, community=n.C, title=f"{side} 圆桌会", starts_at=now + timedelta(days=1), place="会议室"
    )
    o.decision = consult_actions.add_decision(
        o.meeting, community, text=f"{side} 决定", owner="物业", due_date=now.date() + timedelta(days=7)
    )


def build_world():
    tree = build_tree()
    locator.invalidate()
    load_categories()
    cats = {c.code: c for c in Category.objects.select_related("parent")}
    departments = {
        side: Department.objects.create(
            region=tree[street], code=f"{street}-CG", name=f"{street}城管科", kind=DepartmentKind.URBAN_MANAGEMENT
        )
        for side, street in SIDES.items()
    }
    staff = {}
    for side in SIDES:
        n = _nodes(tree, side)
        people = {}
        for name, (role, where) in PERSON_ROLES.items():
            target = {"department": departments[side]} if where == "dept" else {"region": getattr(n, where)}
            people[name] = make_user(f"{name}_{side}", role, **target)
        people["department"] = departments[side]
        staff[side] = people
    users = {name: staff["A"][name] for name in PERSON_ROLES}
    sides = {side: _side(tree, cats, side, users, staff[side]) for side in SIDES}

    # Each walking user's own notification (in scope) — and B's resident's (out of scope).
    now = timezone.now()
    notes = {}
    for name, user in [*users.items(), ("other", staff["B"]["resident"])]:
        notes[name] = Notification.objects.create(
            recipient=user, kind=Kind.NEW_CASE, case=sides["A"].case, title="新案件", body="", created_at=now
        )

    # Each walking user's own files sent before a report (cases.pending): one to preview, one to
    # remove; B's resident's are out of scope for everybody.
    from civicgrid.cases import pending
    from civicgrid.cases.tests.media_files import jpeg

    pending_uploads = {"preview": {}, "remove": {}}
    for name, user in [*users.items(), ("other", staff["B"]["resident"])]:
        for use in pending_uploads:
            pending_uploads[use][name] = pending.store(user, jpeg(), "photo")

    # The needs panel is computed on its first view and kept: compute it once here, not per request.
    for side in sides.values():
        needs.snapshot(side.nodes.G)

    keys = {}
    for name, role in APPLICATION_ROLES.items():
        application = api_actions.create_application(f"{name} 应用")
        _key, keys[name] = api_actions.issue_key(
            application, region=tree["S1"], role=role, rate_per_minute=0, expires_at=now + timedelta(days=30)
        )
    m = sides["A"].nodes.M

    def report_body():
        return {
            "category": cats["S05001"].pk,
            "description": "路面塌陷。",
            "lon": m.centroid_lon,
            "lat": m.centroid_lat,
        }

    return SimpleNamespace(
        tree=tree,
        cats=cats,
        users=users,
        sides=sides,
        notes=notes,
        pending_uploads=pending_uploads,
        keys=keys,
        staff=staff,
        report_body=report_body,
    )
