"""Demo notices: several of each kind from the demo community's staff, its grid worker and the
street, one for the elderly living alone, a draft, a scheduled one and a withdrawn one; the demo
resident has read some of them."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from civicgrid.notices import actions, selectors
from civicgrid.notices.models import Kind

NOTICES = [
    # (author, place, kind, title, body, roles, pinned)
    (
        "shequ",
        "community",
        Kind.NOTICE,
        "关于本周六停水的通知",
        "因管网检修，本周六 8:00—16:00 小区停水。\n\n请居民提前储水，给您带来不便敬请谅解。",
        (),
        True,
    ),
    (
        "shequ",
        "community",
        Kind.NOTICE,
        "社区秋季消防安全检查",
        "社区将于下周开展消防安全检查，请保持楼道畅通，不要堆放杂物。",
        (),
        False,
    ),
    (
        "shequ",
        "community",
        Kind.NEWS,
        "社区邻里节圆满举行",
        "上周末社区邻里节吸引了三百多位居民参加。\n\n感谢志愿者们的辛勤付出！",
        (),
        False,
    ),
    (
        "shequ",
        "community",
        Kind.POLICY,
        "城乡居民医保缴费政策解读",
        "2027 年度城乡居民医保个人缴费标准为每人每年 400 元。\n\n可在社区服务站或线上缴纳。",
        ("resident",),
        False,
    ),
    (
        "wanggeyuan",
        "grid",
        Kind.NOTICE,
        "网格内电动车充电安全提醒",
        "请勿在楼道、室内为电动车充电，请使用小区集中充电桩。",
        ("resident",),
        False,
    ),
    ("jiedao", "street", Kind.NEWS, "街道便民服务中心启用新系统", "即日起街道便民服务中心可线上预约办理。", (), False),
    (
        "jiedao",
        "street",
        Kind.POLICY,
        "老旧小区改造政策问答",
        "哪些小区纳入改造？改造内容有哪些？\n\n详见街道公告栏及社区说明会。",
        (),
        False,
    ),
    (
        "jiedao",
        "street",
        Kind.NOTICE,
        "网格员月度工作例会",
        "本月例会定于 25 日下午在街道三楼会议室召开。",
        ("grid_worker", "community_staff"),
        False,
    ),
]


def _place(user, level):
    nodes = list(selectors.places(user))
    wanted = {"community": 12, "street": 9}.get(level)
    for node in nodes:
        if wanted is None or len(node.code) == wanted:
            return node
    return nodes[0] if nodes else None


def seed_demo(run):
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["shequ", "wanggeyuan", "jiedao", "jumin"])}
    if "shequ" not in users:
        return "no demo staff: no notices"
    made = []
    for author, level, kind, title, body, roles, pinned in NOTICES:
        user = users.get(author)
        place = _place(user, level) if user else None
        if place is None:
            continue
        notice = actions.save_notice(
            user, _new(), region=place, kind=kind, title=title, body=body, audience_roles=roles, pinned=pinned
        )
        made.append(actions.publish_notice(user, notice))
    shequ, community = users["shequ"], _place(users["shequ"], "community")
    tags = list(selectors.audience_tags(shequ).filter(code="elderly_alone")[:1])
    if tags:
        notice = actions.save_notice(
            shequ,
            _new(),
            region=community,
            kind=Kind.NOTICE,
            title="独居老人冬季上门走访安排",
            body="社区工作人员和网格员将在本月上门走访，请留意敲门人员的工作证。",
            audience_tag=tags[0],
        )
        made.append(actions.publish_notice(shequ, notice))
    actions.save_notice(
        shequ, _new(), region=community, kind=Kind.NEWS, title="（草稿）社区书画展筹备", body="征集作品中。"
    )
    scheduled = actions.save_notice(
        shequ,
        _new(),
        region=community,
        kind=Kind.NOTICE,
        title="元旦假期社区服务站开放时间",
        body="元旦假期服务站 9:00—12:00 开放。",
        publish_at=timezone.now() + timedelta(days=3),
    )
    actions.publish_notice(shequ, scheduled)
    withdrawn = actions.save_notice(
        shequ, _new(), region=community, kind=Kind.NOTICE, title="（已撤回）误发的通知", body="此通知已撤回。"
    )
    actions.withdraw_notice(shequ, actions.publish_notice(shequ, withdrawn))
    resident = users.get("jumin")
    read = 0
    if resident is not None:
        for notice in list(selectors.mine(resident))[::2]:
            read += actions.mark_read(resident, notice)
    return f"notices: {len(made) + 3} ({read} read by the demo resident)"


def _new():
    from civicgrid.notices.models import Notice

    return Notice()
