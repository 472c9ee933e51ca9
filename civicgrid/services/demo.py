"""The demo's services: the district's government-service guides (公积金、维修资金、社保、养老金…),
craftsmen in the first communities (one linked to the demo account `shifu`), orders in every state,
and the demo resident `jumin` placed in a house of their community so the shops near home are
measured from it. Everything is written through the actions, as a person would."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from civicgrid.accounts.actions import create_user, grant_role
from civicgrid.accounts.demo import DEMO_PASSWORD
from civicgrid.accounts.models import Role, RoleAssignment
from civicgrid.core.scoping import subtree_q
from civicgrid.people import actions as people_actions
from civicgrid.people.models import House, Person
from civicgrid.people.rules import phone_hash
from civicgrid.regions.models import Level, Region
from civicgrid.services import actions
from civicgrid.services.models import Craftsman, CraftsmanStatus, LinkCategory, ServiceLink

CRAFTSMAN_ACCOUNT = ("shifu", "13800000002", "王师傅")


LINKS = [
    (
        LinkCategory.HOUSING_FUND,
        "住房公积金提取",
        "https://zzgjj.zhengzhou.gov.cn/",
        "0371-12329",
        "郑州住房公积金管理中心二七区管理部",
        "工作日 9:00–17:00",
        "租房、购房、退休可申请提取。\n所需材料：身份证、银行卡、租赁合同或购房合同。\n线上：登录公积金网上服务大厅或手机 App 办理。",
    ),
    (
        LinkCategory.HOUSING_FUND,
        "公积金贷款额度试算",
        "https://zzgjj.zhengzhou.gov.cn/",
        "0371-12329",
        "",
        "",
        "按缴存余额和缴存年限计算可贷额度，具体以受理审核为准。",
    ),
    (
        LinkCategory.MAINTENANCE_FUND,
        "住宅专项维修资金使用申请",
        "http://fgj.zhengzhou.gov.cn/",
        "0371-67180000",
        "区住房保障和房地产管理局",
        "工作日 9:00–17:00",
        "电梯、屋面防水、外墙等共用部位维修可申请使用维修资金。\n流程：业主委员会或物业提出方案 → 业主表决（双三分之二）→ 公示 → 提交申请 → 审核拨付。",
    ),
    (
        LinkCategory.SOCIAL_SECURITY,
        "社保参保证明打印",
        "https://hrss.henan.gov.cn/",
        "12333",
        "区政务服务中心社保窗口",
        "工作日 9:00–17:00；周六上午",
        "可在河南社保 App、政务服务网自助打印，或携带身份证到窗口办理。",
    ),
    (
        LinkCategory.SOCIAL_SECURITY,
        "灵活就业人员参保登记",
        "https://hrss.henan.gov.cn/",
        "12333",
        "区政务服务中心社保窗口",
        "工作日 9:00–17:00",
        "携带身份证办理，可选择缴费档次，按年或按月缴费。",
    ),
    (
        LinkCategory.PENSION,
        "城乡居民养老保险待遇领取资格认证",
        "https://hrss.henan.gov.cn/",
        "12333",
        "社区党群服务中心",
        "工作日 8:30–17:30",
        "每年认证一次。可用手机 App 刷脸认证；行动不便的老人可请网格员上门协助。",
    ),
    (
        LinkCategory.PENSION,
        "高龄津贴申领",
        "",
        "0371-68800000",
        "社区党群服务中心",
        "工作日 8:30–17:30",
        "80 周岁以上老人可申领，携带身份证、户口簿、银行卡到社区登记。",
    ),
    (
        LinkCategory.MEDICAL,
        "医保异地就医备案",
        "https://ylbzj.henan.gov.cn/",
        "12393",
        "区医保服务大厅",
        "工作日 9:00–17:00",
        "通过国家医保服务平台 App 即可线上备案，即时生效。",
    ),
    (
        LinkCategory.CIVIL,
        "最低生活保障申请",
        "",
        "0371-68811111",
        "街道便民服务中心",
        "工作日 9:00–17:00",
        "向户籍所在地街道提出书面申请，社区入户调查、民主评议并公示。",
    ),
    (LinkCategory.OTHER, "水电气报修与缴费", "", "96166", "", "全天", "供水 96166；供电 95598；燃气 96677。"),
]

CRAFTSMEN = [
    ("王师傅", ["plumbing", "drains"], "水电维修二十年，小区里出了名的热心人。", "每天 8:00–20:00", True),
    ("李师傅", ["appliance", "phones"], "家电、手机小毛病都能看。", "工作日晚上、周末", True),
    ("赵大姐", ["sewing", "haircut"], "缝补衣物、给老人理发。", "周二、周四下午", True),
    ("陈师傅", ["locks", "carpentry"], "开锁换锁（需出示身份证明）、家具维修。", "随叫随到", True),
    ("刘阿姨", ["cleaning"], "家政保洁，收费公道。", "周末", False),
    ("孙师傅", ["plumbing", "appliance"], "刚登记，等待社区核实。", "周末", True),
]


def _user(username):
    return get_user_model().objects.filter(username=username).first()


def _first_child(region):
    return Region.objects.filter(parent=region, is_active=True).order_by("code").first()


def _staff(role, region):
    assignment = (
        RoleAssignment.objects.active().filter(role=role, region=region).select_related("user").order_by("pk").first()
    )
    return assignment.user if assignment else None


def _place_resident(staff, community, phone, name):
    """Register the demo resident in a house of their community (so their home has a position)."""
    if Person.objects.filter(phone_hash=phone_hash(phone)).exists():
        return
    house = (
        House.objects.filter(subtree_q("region_code", [community.code]), building__lon__isnull=False)
        .order_by("pk")
        .first()
    )
    if house is not None:
        people_actions.register_person(staff, house, phone=phone, name=name)


def seed_demo(run):
    district = run.made["district"]
    admin = _user("admin")
    street = _first_child(district)
    community = _first_child(street) if street else None
    if admin is None or community is None:
        return "no demo admin or community: nothing to seed"
    shequ = _user("shequ") or _staff(Role.COMMUNITY_STAFF, community)
    jumin = _user("jumin")

    for i, (category, title, url, phone, office, hours, guide) in enumerate(LINKS):
        actions.save_link(
            admin,
            ServiceLink(),
            region=district,
            category=category,
            title=title,
            guide=guide,
            url=url,
            phone=phone,
            office=office,
            hours=hours,
            order=(i + 1) * 10,
        )

    username, phone, name = CRAFTSMAN_ACCOUNT
    account = _user(username)
    if account is None:
        account = create_user(username=username, password=DEMO_PASSWORD, name=name, phone=phone)
        grant_role(account, Role.RESIDENT, region=community)

    made = []
    for i, (person, skills, intro, availability, available) in enumerate(CRAFTSMEN):
        grid = _first_child(community) if i % 2 else community
        craftsman = actions.save_craftsman(
            shequ,
            Craftsman(),
            name=person,
            skills=skills,
            area=grid or community,
            introduction=intro,
            availability=availability,
            is_available=available,
            phone=phone if i == 0 else f"1370000{i:04d}",
        )
        if i < len(CRAFTSMEN) - 1:
            craftsman = actions.set_craftsman_status(shequ, craftsman, CraftsmanStatus.VERIFIED)
        made.append(craftsman)
    # A few in each other community of the first street, so every demo resident has someone to call.
    for other in Region.objects.filter(parent=street, level=Level.COMMUNITY).exclude(pk=community.pk).order_by("code"):
        staff = _staff(Role.COMMUNITY_STAFF, other)
        if staff is None:
            continue
        for person, skills, intro, availability, available in CRAFTSMEN[:2]:
            c = actions.save_craftsman(
                staff,
                Craftsman(),
                name=person,
                skills=skills,
                area=other,
                introduction=intro,
                availability=availability,
                is_available=available,
            )
            actions.set_craftsman_status(staff, c, CraftsmanStatus.VERIFIED)

    orders = 0
    if jumin is not None:
        _place_resident(shequ, community, jumin.phone, jumin.name or "居民")
        wang, li = made[0], made[1]
        soon = timezone.now() + timedelta(days=1)
        home = "1号楼 1单元 101室"
        requested = actions.call_craftsman(jumin, wang, what="卫生间水龙头一直滴水", address=home, preferred_time=soon)
        accepted = actions.call_craftsman(jumin, wang, what="洗衣机不排水", address=home, preferred_time=soon)
        actions.accept_order(account, accepted)
        done = actions.call_craftsman(jumin, wang, what="厨房下水道堵了", address=home, preferred_time=soon)
        done = actions.accept_order(account, done)
        done = actions.complete_order(account, done)
        rated = actions.call_craftsman(jumin, wang, what="换一个灯泡开关", address=home, preferred_time=soon)
        rated = actions.accept_order(account, rated)
        rated = actions.complete_order(account, rated)
        actions.rate_order(jumin, rated, rating=5, comment="来得及时，修得仔细。")
        declined = actions.call_craftsman(jumin, wang, what="帮忙搬家", address=home, preferred_time=soon)
        actions.decline_order(account, declined, reason="搬家不在服务范围，建议联系搬家公司。")
        cancelled = actions.call_craftsman(jumin, li, what="电视没有信号", address=home, preferred_time=soon)
        actions.cancel_order(jumin, cancelled)
        orders = 6 if requested.pk else 0
    return f"{len(LINKS)} service guides, {Craftsman.objects.count()} craftsmen, {orders} orders"
