"""The demo of 小区治理 (`seed_demo`): the star-class criteria; in the demo community staff's
community, each compound's class, the five parties, rectification items (one closed), the cases
placed in compounds, and the demo resident's compound's renovation project with its committee,
milestones, an opinion poll (consult) and a fund ledger with pledges and payments; one class rise
requested by the community and confirmed by the street, and the street's yearly target. Idempotent:
a second run finds the project and changes nothing."""

import contextlib
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from civicgrid.compounds import actions
from civicgrid.compounds.actions.linking import backfill
from civicgrid.compounds.errors import CompoundsError
from civicgrid.compounds.models import PartyKind, RenovationProject, StarCriterion
from civicgrid.core import clock
from civicgrid.people import selectors as people_selectors
from civicgrid.people.models import Compound

CRITERIA = {
    1: ["物业服务合同有效，基本保洁、秩序维护到位", "设立小区党支部或党小组"],
    2: ["业主委员会依法成立并正常运转", "消防通道畅通，无飞线充电", "垃圾分类设施齐全"],
    3: ["五方协同联席会议每季度至少一次", "年度12345投诉不超过 3 件", "整改台账全部销号"],
    4: ["居民满意度测评不低于 85%", "智慧安防（门禁、监控）覆盖"],
    5: ["居民满意度测评不低于 95%", "获评市级以上示范小区"],
}


def seed_criteria():
    if StarCriterion.objects.exists():
        return
    StarCriterion.objects.bulk_create(
        [
            StarCriterion(level=level, seq=i, text=text)
            for level, texts in CRITERIA.items()
            for i, text in enumerate(texts, 1)
        ]
    )


def seed_demo(run):
    seed_criteria()
    User = get_user_model()
    staff = User.objects.filter(username="shequ").first()
    street_staff = User.objects.filter(username="jiedao").first()
    resident = User.objects.filter(username="jumin").first()
    if staff is None:
        return "no demo community staff: nothing to seed"
    community = staff.role_assignments.active().select_related("region").first().region
    compounds = list(Compound.objects.filter(region_code__startswith=community.code).order_by("pk")[:20])
    if not compounds:
        return "no compounds in the demo community"
    home = people_selectors.resident_home(resident, community.code) if resident else None
    target = next((c for c in compounds if home and c.pk == home.compound_id), compounds[0])
    if RenovationProject.objects.filter(compound=target).exists():
        return "compounds: already seeded"
    placed = backfill(community.code)
    today = clock.now().date()

    for i, compound in enumerate(compounds[:6]):
        actions.add_party(
            staff, compound, kind=PartyKind.BRANCH, name=f"{compound.name}党支部", contact="李书记", phone="13900001111"
        )
        actions.add_party(
            staff, compound, kind=PartyKind.GRID, name=f"{compound.name}网格", contact="网格员", phone="13900002222"
        )
        actions.add_party(
            staff,
            compound,
            kind=PartyKind.OWNERS,
            name=f"{compound.name}业主委员会",
            contact="王主任",
            phone="13900003333",
        )
        if i % 2 == 0:
            actions.add_party(
                staff, compound, kind=PartyKind.SOCIAL, name="邻里互助社", contact="赵社长", phone="13900004444"
            )
        item = actions.add_item(
            staff,
            compound,
            problem="楼道堆放杂物",
            measure="组织清理并张贴提示",
            owner="物业经理",
            due_date=today + timedelta(days=20),
        )
        if i % 2:
            actions.close_item(staff, item.pk, evidence="已清理，附清理前后照片存档")

    # A rise: the second compound's ledger is all closed; the community requests, the street confirms.
    riser = compounds[1] if len(compounds) > 1 else compounds[0]
    if street_staff is not None:
        klass = actions.current_class(riser)
        met = list(StarCriterion.objects.filter(level=klass.star + 1).values_list("pk", flat=True))
        with contextlib.suppress(CompoundsError):
            rise = actions.request_rise(staff, riser, criteria_met=met, note="台账已全部销号")
            actions.review_rise(street_staff, rise.pk, confirm=True)
    if street_staff is not None and community.parent_id:
        actions.set_target(street_staff, community.parent, year=today.year, target=10)

    project = actions.create_project(
        staff,
        target,
        title=f"{target.name}老旧院落改造",
        plan="更换雨污管网、外墙保温、加装楼道照明，增设电动自行车充电棚。",
        contractor="城建第三工程公司",
        fund_target="60000",
    )
    for name, duty, phone in (
        ("王建国", "主任", "13700001234"),
        ("刘芳", "副主任", "13700005678"),
        ("陈明", "财务监督", ""),
    ):
        actions.add_member(staff, project.pk, name=name, duty=duty, phone=phone)
    for title, days in (("方案公示", -20), ("管网施工", 15), ("外墙保温", 45), ("竣工验收", 90)):
        milestone = actions.add_milestone(staff, project.pk, title=title, due_date=today + timedelta(days=days))
        if days < 0:
            actions.complete_milestone(staff, milestone.pk, note="方案已在小区公示栏公示 7 天")
    with contextlib.suppress(CompoundsError):
        actions.open_opinion_poll(
            staff,
            project.pk,
            title="改造方案意见征集",
            question="您是否同意本改造方案？",
            options=["同意", "不同意", "需要修改"],
        )
    households = people_selectors.compound_households(target.pk)[:30]
    for n, (household_id, _label) in enumerate(households):
        pledge = actions.set_pledge(staff, project.pk, household_id=household_id, pledged=Decimal("2000"))
        if n % 3 != 2:
            actions.record_payment(staff, pledge.pk, paid=Decimal("2000") if n % 2 else Decimal("1000"))
    return f"compounds: {len(compounds)} compounds, {placed} cases placed, 1 renovation project with {len(households)} pledges"
