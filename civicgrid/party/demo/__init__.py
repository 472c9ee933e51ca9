"""Demo party building on the demo district: a 党工委 per street (the first two), a 党总支 per
community and a 网格党支部 per grid (the first two of each community), a rural branch, a 党小组,
the district's 机关工委 with a department's 机关党支部; secretaries, an instructor and a first
secretary with demo logins; members taken from base data (with three demo member logins), a 双报到;
then each part's data (ratings, projects, study, orders: demo/<part>.py)."""

from datetime import date
from importlib import import_module
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.utils import timezone

from civicgrid.accounts.models import Role, RoleAssignment
from civicgrid.core import events
from civicgrid.party import actions
from civicgrid.party.models import Field, Member, MemberStatus, Organisation, OrgKind, PostKind
from civicgrid.regions.models import Department, Level, Region

PARTS = ("ratings", "projects", "study", "orders")
# The party-building demo logins (password: the demo password), documented in README.
LOGINS = (
    ("dangwei", "13900000011", "街道党工委书记", "street"),
    ("zhibu", "13900000012", "网格党支部书记", "branch"),
    ("zhidaoyuan", "13900000013", "党建指导员", "instructor"),
    ("diyishuji", "13900000014", "第一书记", "first"),
)
MEMBER_LOGINS = (("dangyuan1", "13700009001", "党员甲"), ("dangyuan2", "13700009002", "党员乙"))


def _account(username, phone, name, role=None, region=None):
    """A demo login (through the accounts actions, so the security log records its role)."""
    from civicgrid.accounts.actions import create_user, grant_role
    from civicgrid.accounts.demo import DEMO_PASSWORD

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        user = create_user(username=username, password=DEMO_PASSWORD, name=f"{name}（演示）", phone=phone)
        if role is not None:
            grant_role(user, role, region=region)
    return user


def _first_user(role, **where):
    row = RoleAssignment.objects.active().filter(role=role, **where).select_related("user").order_by("pk").first()
    return row.user if row else None


def seed_demo(run):
    district = run.made.get("district") or Region.objects.filter(level=Level.DISTRICT).order_by("code").first()
    if district is None or Organisation.objects.exists():
        return "party: skipped"
    admin = get_user_model().objects.filter(username="admin").first() or _first_user(Role.SYSTEM_ADMIN)
    department = Department.objects.filter(region=district).order_by("code").first()
    with events.quiet():
        ctx = _tree(admin, district, department)
        _members(ctx)
        for part in PARTS:
            import_module(f"civicgrid.party.demo.{part}").seed(ctx)
    return (
        f"party: {len(ctx.committees) + len(ctx.general_branches) + len(ctx.branches)} organisations, "
        f"{len(ctx.members)} members"
    )


def _tree(admin, district, department):
    def org(parent, name, kind, region, field=Field.COMMUNITY, **extra):
        return actions.create_organisation(
            admin,
            parent.pk if parent else None,
            name=name,
            kind=kind,
            field=field,
            region=region,
            founded_on=date(2018, 7, 1),
            **extra,
        )

    ctx = SimpleNamespace(admin=admin, department=department, today=timezone.localdate())
    ctx.committees, ctx.general_branches, ctx.branches, ctx.secretaries = [], [], [], {}
    streets = list(Region.objects.filter(parent=district, level=Level.STREET).order_by("code")[:2])
    for street in streets:
        committee = org(None, f"{street.name}党工委", OrgKind.COMMITTEE, street)
        ctx.committees.append(committee)
        for community in Region.objects.filter(parent=street, level=Level.COMMUNITY).order_by("code")[:2]:
            general = org(committee, f"{community.name}党总支", OrgKind.GENERAL_BRANCH, community)
            ctx.general_branches.append(general)
            for grid in Region.objects.filter(parent=community, level=Level.GRID).order_by("code")[:2]:
                ctx.branches.append(org(general, f"{grid.name}党支部", OrgKind.BRANCH, grid))
        ctx.branches.append(org(committee, f"{street.name}涉农村党支部", OrgKind.BRANCH, street, field=Field.RURAL))
    organ_root = org(None, f"{district.name}直属机关工委", OrgKind.COMMITTEE, district, field=Field.ORGAN)
    ctx.committees.append(organ_root)
    if department is not None:
        ctx.branches.append(
            org(
                organ_root,
                f"{department.name}机关党支部",
                OrgKind.BRANCH,
                district,
                field=Field.ORGAN,
                department=department,
            )
        )
    first_branch = ctx.branches[0]
    org(first_branch, "第一党小组", OrgKind.GROUP, first_branch.region)
    # 三合一: a compound's party branch on a grid of its community (the compound, its residents'
    # group and the grid under one branch).
    from civicgrid.people.models import Compound

    if ctx.general_branches:
        community = ctx.general_branches[0].region
        compound = Compound.objects.filter(community=community).order_by("pk").first()
        if compound is not None:
            org(
                ctx.general_branches[0],
                f"{compound.name}党支部",
                OrgKind.BRANCH,
                first_branch.region,
                compound=compound,
            )

    accounts = {key: _account(username, phone, name) for username, phone, name, key in LOGINS}
    ctx.street_secretary = accounts["street"]
    actions.appoint(admin, ctx.committees[0].pk, accounts["street"], PostKind.SECRETARY)
    actions.appoint(admin, first_branch.pk, accounts["branch"], PostKind.SECRETARY)
    ctx.instructor = accounts["instructor"]
    for branch in ctx.branches[:3]:
        actions.appoint(admin, branch.pk, accounts["instructor"], PostKind.INSTRUCTOR)
    ctx.first_secretary = accounts["first"]
    if department is not None:
        actions.appoint(
            admin, ctx.general_branches[0].pk, accounts["first"], PostKind.FIRST_SECRETARY, department=department
        )
    ctx.secretaries[ctx.committees[0].pk] = accounts["street"]
    ctx.secretaries[first_branch.pk] = accounts["branch"]
    for n, organisation in enumerate(ctx.committees[1:] + ctx.general_branches + ctx.branches[1:], start=1):
        user = _account(f"shuji{n:02d}", f"1390001{n:04d}", f"{organisation.name}书记")
        actions.appoint(admin, organisation.pk, user, PostKind.SECRETARY)
        ctx.secretaries[organisation.pk] = user
    ctx.street_staff = _first_user(Role.STREET_STAFF, region=streets[0]) if streets else None
    ctx.community_staff = (
        _first_user(Role.COMMUNITY_STAFF, region=ctx.general_branches[0].region) if ctx.general_branches else None
    )
    ctx.dept_staff = _first_user(Role.DEPARTMENT_STAFF, department=department) if department else None
    return ctx


def _members(ctx):
    """Eight persons of base data per branch become members; two new residents get demo logins:
    dangyuan1 in the first grid branch, dangyuan2 in the department's organ branch, registered
    (双报到) with the community they live in."""
    from civicgrid.people.actions import register_person
    from civicgrid.people.models import House, Person
    from civicgrid.people.testing import make_id_number

    ctx.members, ctx.member_users = [], {}
    taken = set(Member.objects.values_list("person_id", flat=True))
    first = ctx.branches[0]
    community = ctx.general_branches[0].region
    organ = next((b for b in ctx.branches if b.field == Field.ORGAN), first)
    house = House.objects.filter(region_code__startswith=first.region_code).order_by("pk").first()
    for (username, phone, name), branch in zip(MEMBER_LOGINS, (first, organ), strict=True):
        if house is None:
            break
        household = house.households.filter(is_active=True).first()
        person = register_person(
            ctx.admin, house, household=household, id_number=make_id_number(), phone=phone, name=name
        )
        account = _account(username, phone, name, Role.RESIDENT, community)
        member = actions.add_member(
            ctx.secretaries[branch.pk],
            branch.pk,
            person=person,
            status=MemberStatus.FULL,
            joined_on=date(2010, 7, 1),
            full_on=date(2011, 7, 1),
        )
        ctx.members.append(member)
        ctx.member_users[member.pk] = account
        taken.add(person.pk)
        if branch is organ and organ is not first:
            actions.register_with_community(account, community.pk, note="周末可参加社区志愿服务")
    for n, branch in enumerate(ctx.branches):
        persons = (
            Person.objects.filter(
                region_code__startswith=branch.region_code, moved_out_at__isnull=True, house__isnull=False
            )
            .exclude(pk__in=taken)
            .order_by("pk")[:8]
        )
        for i, person in enumerate(persons):
            status = MemberStatus.PROBATIONARY if i == 7 else MemberStatus.FULL
            member = actions.add_member(
                ctx.secretaries[branch.pk],
                branch.pk,
                person=person,
                status=status,
                joined_on=date(1990 + (n * 7 + i * 3) % 34, 1 + i % 12, 1),
            )
            ctx.members.append(member)
            taken.add(person.pk)
    return ctx
