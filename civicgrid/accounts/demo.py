"""Demo accounts: one named login for every role (documented in README), and at the larger scales a
grid worker for every grid and staff for every community, as a real district has."""

import random

from django.contrib.auth.hashers import make_password
from django.db import transaction

from civicgrid.accounts.models import Role, RoleAssignment, SecurityEvent, User
from civicgrid.regions.models import Department, Level, Region

DEMO_PASSWORD = "Demo@2026"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国建华晓东志强海燕春梅"


def person_name(rng):
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return rng.choice(SURNAMES) + given


def _first(qs):
    return qs.order_by("code").first()


def named_demo_accounts(district):
    """The documented demo logins: (username, phone, name, role, node or department, description)."""
    street = _first(Region.objects.filter(parent=district))
    community = _first(Region.objects.filter(parent=street))
    grid = _first(Region.objects.filter(parent=community))
    microgrid = _first(Region.objects.filter(parent=grid))
    department = Department.objects.filter(region=district).order_by("code").first()
    accounts = [
        ("admin", "13900000000", "系统管理员", Role.SYSTEM_ADMIN, district),
        ("zhihui", "13900000001", "指挥中心值班员", Role.COMMAND_OPERATOR, district),
        ("jiedao", "13900000002", "街道座席", Role.STREET_STAFF, street),
        ("shequ", "13900000003", "社区工作人员", Role.COMMUNITY_STAFF, community),
        ("wanggeyuan", "13900000004", "网格员", Role.GRID_WORKER, grid),
        ("weiwangge", "13900000005", "微网格员", Role.MICROGRID_MEMBER, microgrid or grid),
        ("bumen", "13900000006", "部门工作人员", Role.DEPARTMENT_STAFF, department),
        ("jumin", "13800000001", "居民", Role.RESIDENT, community),
    ]
    return [account for account in accounts if account[4] is not None]


@transaction.atomic
def save_assignments(assignments):
    """Bulk-write demo role assignments (their users already saved) with their security-log rows,
    as granting them one by one would."""
    for assignment in assignments:
        assignment.user_id = assignment.user.pk
    RoleAssignment.objects.bulk_create(assignments, batch_size=1000)
    SecurityEvent.objects.bulk_create(
        [
            SecurityEvent(
                kind=SecurityEvent.Kind.ROLE_GRANTED,
                user_id=a.user_id,
                username=a.user.username,
                details={
                    "role": a.role,
                    "region": a.region.code if a.region else None,
                    "department": a.department.code if a.department else None,
                    "source": "seed_demo",
                },
            )
            for a in assignments
        ],
        batch_size=1000,
    )


def seed_users(district, rng, *, staff_everywhere=False):
    """Create the named demo accounts and, optionally, a worker per grid and staff per community.

    Users are bulk-created with one pre-computed Argon2 hash of DEMO_PASSWORD: hashing thousands of
    demo passwords one by one would take minutes and prove nothing.
    """
    password_hash = make_password(DEMO_PASSWORD)
    users, assignments = [], []

    def add(username, phone, name, role, target):
        user = User(username=username, phone=phone, name=name, password=password_hash)
        users.append(user)
        on_department = isinstance(target, Department)
        assignments.append(
            RoleAssignment(
                user=user,
                role=role,
                region=None if on_department else target,
                department=target if on_department else None,
            )
        )

    named = named_demo_accounts(district)
    for username, phone, name, role, target in named:
        add(username, phone, f"{name}（演示）", role, target)
    if staff_everywhere:
        taken = {target.pk for _, _, _, role, target in named if role == Role.GRID_WORKER}
        grids = Region.objects.filter(level=Level.GRID, code__startswith=district.code).exclude(pk__in=taken)
        for i, grid in enumerate(grids.order_by("code"), start=1):
            add(f"gw{grid.code}", f"137{i:08d}", person_name(rng), Role.GRID_WORKER, grid)
        communities = Region.objects.filter(level=Level.COMMUNITY, code__startswith=district.code)
        for i, community in enumerate(communities.order_by("code"), start=1):
            add(f"cs{community.code}", f"136{i:08d}", person_name(rng), Role.COMMUNITY_STAFF, community)

    User.objects.bulk_create(users, batch_size=1000)
    admin = User.objects.get(username="admin")
    admin.is_superuser = admin.is_staff = True
    admin.save(update_fields=["is_superuser", "is_staff"])
    save_assignments(assignments)
    return len(users)


def seed_pending_registrations(district, rng, count=3):
    """A few residents' registrations waiting on the demo community staff's review page (their
    phone numbers are not in base data, so nothing confirms them at once)."""
    from civicgrid.accounts.models import Registration

    community = _first(Region.objects.filter(parent=_first(Region.objects.filter(parent=district))))
    if community is None:
        return 0
    password_hash = make_password(DEMO_PASSWORD)
    users = User.objects.bulk_create(
        [
            User(username=f"1355000{i:04d}", phone=f"1355000{i:04d}", name=person_name(rng), password=password_hash)
            for i in range(1, count + 1)
        ]
    )
    Registration.objects.bulk_create(
        [Registration(user=user, community=community, region_code=community.code) for user in users]
    )
    return len(users)


def seed_demo_users(run):
    """Seeder (civicgrid.core.demo): the demo accounts of every role, and residents' registrations
    waiting for review."""
    users = seed_users(run.made["district"], run.rng, staff_everywhere=run.scale != "small")
    # Their own random stream, so that the later seeders draw what they drew before.
    pending = seed_pending_registrations(run.made["district"], random.Random(f"registrations-{run.seed}"))
    return f"accounts: {users} users, {pending} registrations to review"
