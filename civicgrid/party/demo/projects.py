"""Demo data of 一支部一项目: a project for most demo branches and general branches, this year, in
every stage — proposed, in progress, supervised, accepted (one of them returned once before) — with
milestones, progress reports, supervisors' comments and acceptances, played through the actions at
dates over the past months (clock.now moved), the pictures generated."""

import io
from datetime import date, datetime, time, timedelta
from unittest import mock

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from civicgrid.core import clock
from civicgrid.party import policy
from civicgrid.party.actions import projects as actions
from civicgrid.party.models import Field, ProjectCategory

C = ProjectCategory
COMMUNITY = [
    ("红色物业进小区", C.GOVERNANCE, "党支部牵头，物业、业委会、网格员每月联席，共商小区停车、环境、维修难题。"),
    ("银龄互助食堂", C.SERVICE, "利用党群服务站厨房为辖区 70 岁以上老人提供助餐，党员志愿者轮值送餐上门。"),
    ("网格议事厅", C.GOVERNANCE, "每个网格设议事厅，居民提事、党员领事、网格办事，议定事项限期落实。"),
    ("四点半课堂", C.SERVICE, "在职党员双报到认领课程，为双职工家庭孩子提供课后看护与辅导。"),
    ("邻里守望互助队", C.SERVICE, "党员楼栋长结对空巢独居老人，每周探访，紧急情况一键呼叫。"),
    ("红色代办员", C.SERVICE, "党员代办员为行动不便居民代办社保、医保、证照等事项。"),
    ("垃圾分类党员示范岗", C.GOVERNANCE, "党员包楼包单元，桶边督导，带动居民准确分类投放。"),
    ("红色文化长廊", C.EDUCATION, "改造小区闲置围墙为红色文化长廊，开展党史讲解与主题党日。"),
    ("民情恳谈夜话", C.GOVERNANCE, "每月一次晚间恳谈会，书记与居民面对面，问题清单化办理。"),
    ("智慧养老服务站", C.SERVICE, "为独居老人安装智能手环，党员志愿者响应异常提醒。"),
]
RURAL = [
    ("庭院经济助增收", C.RURAL, "党员示范户带动农户发展庭院种植养殖，统一技术指导与销售。"),
    ("村集体合作社提质", C.RURAL, "支部领办合作社，统一农资采购、订单种植，壮大村集体经济。"),
    ("人居环境整治", C.RURAL, "党员包片清理房前屋后，建立村庄保洁长效机制。"),
]
ORGAN = [
    ("机关党员进社区", C.EDUCATION, "机关党员每月到报到社区认领服务岗位，参与网格巡查与志愿服务。"),
    ("业务骨干帮带", C.EDUCATION, "党员业务骨干结对青年干部，开展岗位练兵与微党课。"),
]
MILESTONES = ("方案制定与动员", "阵地与队伍建设", "全面推进实施", "总结评估与长效机制")
REPORTS = (
    "召开支部委员会研究实施方案，动员党员认领岗位 {n} 个。",
    "本月开展活动 {n} 次，服务居民 {m} 人次，收集意见建议 {k} 条，均已办结。",
    "与共建单位签订协议，整合场地和资金，建立台账。",
)
SUPERVISIONS = (
    "进度符合计划，台账基本齐全。建议加强居民满意度测评，留存过程影像资料。",
    "现场查看阵地和活动记录，党员参与率较高。下一步注意形成长效机制。",
)
VERDICTS = ("项目目标全部完成，居民满意度 96%，形成可复制经验，同意通过验收。", "成效明显，资料完整，同意验收。")
# Each project's stage by its place in the list: proposed, in progress, supervised, accepted, none.
PLAN = (
    "accepted",
    "in_progress",
    "supervised",
    "proposed",
    "accepted",
    "in_progress",
    "returned",
    "supervised",
    "none",
)


def _picture(colour):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 200), colour).save(out, "JPEG")
    return SimpleUploadedFile("现场照片.jpg", out.getvalue(), content_type="image/jpeg")


def _reviewer(ctx, organisation, leader):
    candidates = [ctx.instructor, ctx.street_secretary, *ctx.secretaries.values()]
    for user in candidates:
        if user is not None and user != leader and policy.reviewed_orgs(user).filter(pk=organisation.pk).exists():
            return user
    return None


def seed(ctx):
    today = ctx.today or timezone.localdate()
    year = today.year
    started = max(date(year, 1, 10), today - timedelta(days=240))
    due = date(year, 12, 20)
    orgs = [o for o in [*ctx.general_branches, *ctx.branches] if o.kind in actions.PROJECT_KINDS]
    pools = {Field.RURAL: RURAL, Field.ORGAN: ORGAN}
    used = {}
    made = 0
    for i, organisation in enumerate(orgs):
        plan = PLAN[i % len(PLAN)]
        leader = ctx.secretaries.get(organisation.pk)
        reviewer = _reviewer(ctx, organisation, leader)
        if plan == "none" or leader is None or reviewer is None:
            continue
        pool = pools.get(organisation.field, COMMUNITY)
        n = used.get(id(pool), 0)
        used[id(pool)] = n + 1
        title, category, summary = pool[n % len(pool)]
        try:
            _play(ctx, organisation, leader, reviewer, plan, title, category, summary, started, due, i)
            made += 1
        except (ValidationError, ObjectDoesNotExist):
            continue
    return made


def _play(ctx, organisation, leader, reviewer, plan, title, category, summary, started, due, i):
    now = timezone.now()
    span = max((now.date() - started).days, 8)
    moments = iter(
        timezone.make_aware(datetime.combine(started + timedelta(days=span * k // 9), time(9 + k % 8, 10 * (k % 6))))
        for k in range(1, 9)
    )

    def at(moment):
        return mock.patch.object(clock, "now", lambda: min(moment, now))

    with at(timezone.make_aware(datetime.combine(started, time(9)))):
        project = actions.propose_project(
            leader,
            organisation.pk,
            year=started.year,
            title=title,
            summary=summary,
            goal=f"参与党员 {10 + i % 20} 名以上，服务群众 {200 + 37 * i} 人次，形成长效机制。",
            category=category,
            started_on=started,
            due_on=due,
        )
        milestones = [
            actions.add_milestone(
                leader, project.pk, title=name, due_on=started + (due - started) * (k + 1) // len(MILESTONES)
            )
            for k, name in enumerate(MILESTONES)
        ]
    if plan == "proposed":
        return project
    with at(next(moments)):
        actions.approve_project(reviewer, project.pk, body="项目切合实际，同意立项。")
    with at(next(moments)):
        actions.complete_milestone(leader, milestones[0].pk, evidence=REPORTS[0].format(n=8 + i % 7))
    with at(next(moments)):
        body = REPORTS[1].format(n=3 + i % 4, m=120 + 13 * i, k=5 + i % 9)
        actions.report_progress(leader, project.pk, body=body, photos=[_picture((180, 30 + i % 80, 40))])
    if plan == "in_progress":
        return project
    with at(next(moments)):
        actions.supervise_project(reviewer, project.pk, body=SUPERVISIONS[i % 2])
    with at(next(moments)):
        actions.complete_milestone(leader, milestones[1].pk, evidence=REPORTS[2])
    if plan == "returned":
        with at(next(moments)):
            actions.return_project(reviewer, project.pk, body="活动记录不全，缺少居民满意度测评，请补充后再申请验收。")
        with at(next(moments)):
            actions.report_progress(leader, project.pk, body="已补充活动记录与满意度测评（满意率 93%）。")
        return project
    if plan == "supervised":
        return project
    with at(next(moments)):
        for m in milestones[2:]:
            actions.complete_milestone(leader, m.pk, evidence="按计划完成，资料已归档。")
    with at(next(moments)):
        actions.accept_project(reviewer, project.pk, verdict=VERDICTS[i % 2], score=85 + i % 13)
    return project
