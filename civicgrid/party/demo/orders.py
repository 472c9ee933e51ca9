"""Demo data of party building's orders: about twenty orders on the demo communities over the last
five months in every status (红色星期五 清洁家园, 共驻共建 助老餐桌, 基层难题破解 老旧小区停车…),
taken by the demo departments' staff, the first secretary and a registered member, audited by the
streets with points (so the ranking has several units), and one made from a resident's case. Made
through the actions, at simulated times (civicgrid.core.clock); only created_at and the deadlines of
the expired ones are backdated."""

import io
from datetime import timedelta
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from civicgrid.accounts.models import Role, RoleAssignment
from civicgrid.core import clock
from civicgrid.party.models import Order, OrderKind

ORDERS = (
    # (kind, title, need, points offered, status, days ago posted, points granted)
    (
        OrderKind.RED_FRIDAY,
        "红色星期五 清洁家园",
        "周五下午清理楼道堆物和小广告，需要 6 人，自带手套。",
        5,
        "approved",
        140,
        6,
    ),
    (OrderKind.CO_BUILD, "共驻共建 助老餐桌", "每周三中午为 20 位独居老人送餐，需 4 名志愿者。", 8, "approved", 130, 8),
    (
        OrderKind.PROBLEM,
        "基层难题破解 老旧小区停车",
        "老旧小区停车位不足，请协助规划夜间错时停车。",
        10,
        "approved",
        120,
        10,
    ),
    (
        OrderKind.RED_FRIDAY,
        "红色星期五 垃圾分类宣传",
        "在小区门口设点宣传垃圾分类，发放宣传页。",
        4,
        "approved",
        100,
        4,
    ),
    (OrderKind.CO_BUILD, "共驻共建 四点半课堂", "放学后为双职工家庭孩子辅导作业，每周两次。", 6, "approved", 90, 5),
    (OrderKind.PROBLEM, "基层难题破解 楼道照明维修", "3 号楼楼道灯长期不亮，需协调维修。", 6, "approved", 75, 6),
    (OrderKind.RED_FRIDAY, "红色星期五 绿地补种", "社区小游园补种草皮和灌木。", 5, "approved", 60, 5),
    (OrderKind.CO_BUILD, "共驻共建 义诊进社区", "组织医护人员为老年人量血压、测血糖。", 8, "approved", 45, 9),
    (OrderKind.PROBLEM, "基层难题破解 雨污管网疏通", "雨季前疏通小区雨水管道，防止积水。", 10, "approved", 30, 12),
    (OrderKind.RED_FRIDAY, "红色星期五 消防通道清理", "清理消防通道上的电动车和杂物。", 5, "approved", 14, 5),
    (OrderKind.CO_BUILD, "共驻共建 法律咨询日", "为居民提供婚姻家庭、物业纠纷法律咨询。", 6, "reported", 12, None),
    (OrderKind.PROBLEM, "基层难题破解 电动车充电桩", "协调在小区增设电动车集中充电点。", 10, "reported", 10, None),
    (OrderKind.RED_FRIDAY, "红色星期五 背街小巷整治", "清理背街小巷的乱堆乱放。", 5, "returned", 9, None),
    (OrderKind.CO_BUILD, "共驻共建 防诈骗宣讲", "为老年人讲解常见电信诈骗手法。", 4, "taken", 6, None),
    (OrderKind.PROBLEM, "基层难题破解 无物业小区保洁", "无物业小区垃圾清运不及时，需协调保洁。", 8, "taken", 4, None),
    (OrderKind.RED_FRIDAY, "红色星期五 共享单车摆放", "整理小区周边乱停的共享单车。", 3, "open", 2, None),
    (OrderKind.CO_BUILD, "共驻共建 理发进社区", "为行动不便老人上门理发。", 4, "open", 1, None),
    (OrderKind.OTHER, "文明城市创建 入户宣传", "入户发放文明城市创建告知书。", 3, "open", 0, None),
    (OrderKind.RED_FRIDAY, "红色星期五 河道清洁", "清理社区河道沿岸垃圾（活动取消）。", 4, "cancelled", 20, None),
    (OrderKind.CO_BUILD, "共驻共建 旧衣回收", "设点回收旧衣物，无人接单已过期。", 3, "expired", 40, None),
)


def _photo():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 240), (190, 40, 40)).save(out, "JPEG")
    return SimpleUploadedFile("现场照片.jpg", out.getvalue(), content_type="image/jpeg")


def _first(role, **where):
    row = RoleAssignment.objects.active().filter(role=role, **where).select_related("user").order_by("pk").first()
    return row.user if row else None


def _auditor(community):
    for row in RoleAssignment.objects.active().filter(role=Role.STREET_STAFF).select_related("region", "user"):
        if row.region_id and community.code.startswith(row.region.code):
            return row.user
    return None


def _takers(ctx):
    """The demo's takers: the department's staff, the first secretary, other departments' staff and
    a registered member (dangyuan2), each a user that may take orders of the first communities."""
    from civicgrid.regions.models import Department

    takers = [u for u in (ctx.dept_staff, ctx.first_secretary) if u is not None]
    others = Department.objects.filter(is_active=True).exclude(pk=getattr(ctx.department, "pk", None)).order_by("code")
    for department in others[:6]:
        staff = _first(Role.DEPARTMENT_STAFF, department=department)
        if staff is not None and staff not in takers:
            takers.append(staff)
        if len(takers) >= 5:
            break
    takers += [u for u in ctx.member_users.values() if u not in takers]
    return takers


def seed(ctx):
    """Add this part's demo data; `ctx` is the namespace demo/__init__.py builds (organisations, posts, members)."""
    from civicgrid.party.actions import orders as actions
    from civicgrid.party.selectors import orders as reach

    communities = [gb.region for gb in ctx.general_branches]
    if not communities:
        return
    posters = {}
    for gb in ctx.general_branches:
        staff = (
            ctx.community_staff if ctx.community_staff and reach.may_post(ctx.community_staff, gb.region.code) else None
        )
        posters[gb.region.code] = staff or ctx.secretaries.get(gb.pk)
    takers = _takers(ctx)
    now = timezone.now()
    made = 0
    for n, (kind, title, need, offered, status, days_ago, granted) in enumerate(ORDERS):
        community = communities[0] if n % 3 != 2 or len(communities) == 1 else communities[(n // 3) % len(communities)]
        poster = posters.get(community.code)
        if poster is None:
            continue
        posted_at = now - timedelta(days=days_ago, hours=3)
        deadline = ctx.today + timedelta(days=14)
        with mock.patch.object(clock, "now", lambda at=posted_at: at):
            order = actions.post_order(
                poster,
                community_id=community.pk,
                kind=kind,
                title=title,
                need=need,
                deadline=deadline,
                points_offered=offered,
                case_number=_case_number(poster, community) if n == 2 else "",
            )
        Order.objects.filter(pk=order.pk).update(created_at=posted_at)
        made += 1
        if status in ("open", "expired", "cancelled"):
            if status == "cancelled":
                actions.cancel_order(poster, order.pk, "天气原因活动取消")
            if status == "expired":
                Order.objects.filter(pk=order.pk).update(deadline=posted_at.date() + timedelta(days=10))
            continue
        taker = next((u for u in takers[n % len(takers) :] + takers if reach.take_options(u, order)), None)
        if taker is None:
            continue
        _at(actions.take_order, posted_at + timedelta(days=1), taker, order.pk)
        if status == "taken":
            continue
        _at(actions.report_order, posted_at + timedelta(days=3), taker, order.pk, f"已完成：{need}", [_photo()])
        if status == "reported":
            continue
        auditor = _auditor(community)
        if auditor is None:
            continue
        if status == "returned":
            _at(
                actions.audit_order,
                posted_at + timedelta(days=4),
                auditor,
                order.pk,
                approve=False,
                comment="请补充活动前后对比照片",
            )
            continue
        _at(actions.audit_order, posted_at + timedelta(days=4), auditor, order.pk, approve=True, points=granted)
    actions.expire_overdue()
    return made


def _at(action, moment, *args, **kwargs):
    with mock.patch.object(clock, "now", lambda: moment):
        return action(*args, **kwargs)


def _case_number(user, community):
    """A demo case of the community the poster can see (the order made from a resident's case)."""
    from civicgrid.cases.errors import CaseNotFound
    from civicgrid.cases.models import Case
    from civicgrid.cases.selectors import visible_case

    for number in (
        Case.objects.filter(region_code__startswith=community.code).order_by("pk").values_list("number", flat=True)[:20]
    ):
        try:
            visible_case(user, number)
        except CaseNotFound:
            continue
        return number
    return ""
