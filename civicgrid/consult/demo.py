"""The demo of 议事协商 (`seed_demo`): in the demo community staff's community, a closed poll with
votes from its households and the result published, an open poll the demo resident (jumin) may vote
in — base data learns jumin's phone on one adult resident's record — and a round-table meeting with
minutes and two decisions (a task, and a case)."""

from datetime import timedelta

from django.contrib.auth import get_user_model

from civicgrid.cases.models import Category
from civicgrid.consult import actions
from civicgrid.consult.actions.voting import count_ballot
from civicgrid.consult.eligibility import voter_key
from civicgrid.consult.models import Electorate, Poll
from civicgrid.core import clock
from civicgrid.people import actions as people_actions
from civicgrid.people import selectors as people_selectors
from civicgrid.people.models import Person, PropertyCompany

DEMO_RESIDENT_PHONE = "13800000001"
CLOSED_VOTERS = 40


def _questions_parking():
    return [
        {
            "kind": "single",
            "text": "是否同意在小区东侧空地建设电动自行车充电棚？",
            "options": ["同意", "不同意", "无所谓"],
        },
        {
            "kind": "multiple",
            "text": "充电棚需要哪些配套？（最多选两项）",
            "options": ["监控", "灭火器", "遮雨棚", "照明"],
            "min": 1,
            "max": 2,
        },
        {"kind": "text", "text": "其他意见建议", "required": False},
    ]


def _questions_square():
    return [
        {"kind": "single", "text": "广场舞时间调整为每晚 19:00–20:30，您是否同意？", "options": ["同意", "不同意"]},
        {"kind": "text", "text": "对社区广场管理的意见建议", "required": False},
    ]


def seed_demo(run):
    User = get_user_model()
    staff = User.objects.filter(username="shequ").first()
    if staff is None:
        return "no demo community staff: nothing to seed"
    assignment = staff.role_assignments.active().select_related("region").first()
    community = assignment.region
    now = clock.now()
    persons = list(
        Person.objects.filter(
            region_code__startswith=community.code,
            house__isnull=False,
            moved_out_at__isnull=True,
            household__isnull=False,
        )
        .order_by("pk")
        .values_list("pk", "household_id", "birth_date")[: CLOSED_VOTERS * 4]
    )

    closed = actions.create_poll(
        staff,
        community=community,
        title="电动自行车充电棚建设意见征集",
        description="为解决电动自行车楼道充电隐患，拟在小区东侧空地建设充电棚，请每户投票。",
        electorate=Electorate.HOUSEHOLD,
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=1),
        questions=_questions_parking(),
    )
    actions.open_poll(closed, staff)
    questions = list(closed.questions.prefetch_related("options"))
    seen = set()
    for i, (person_id, household_id, _birth) in enumerate(persons):
        if household_id in seen or len(seen) >= CLOSED_VOTERS:
            continue
        seen.add(household_id)
        identity = people_selectors.ResidentIdentity(person_id, household_id, True)
        single = list(questions[0].options.all())
        multiple = list(questions[1].options.all())
        chosen = [single[0 if i % 5 else 1].pk, multiple[i % 4].pk]
        opinions = [(questions[2], "建议充电棚装上烟感报警。")] if i % 7 == 0 else []
        count_ballot(closed, voter_key(closed, identity), None, chosen, opinions, now - timedelta(days=5))
    actions.close_poll(closed, staff)
    actions.publish_results(closed, staff)
    opinion = closed.ballots.filter(opinions__isnull=False).values_list("opinions", flat=True).first()
    if opinion:
        actions.reply_opinion(opinion, staff, reply="感谢建议，充电棚将同步安装烟感报警器。")

    opened = actions.create_poll(
        staff,
        community=community,
        title="社区广场活动时间调整",
        description="近期有居民反映广场舞噪音扰民，拟调整活动时间，请成年居民发表意见。",
        electorate=Electorate.ADULT,
        opens_at=now - timedelta(hours=2),
        closes_at=now + timedelta(days=7),
        questions=_questions_square(),
    )
    actions.open_poll(opened, staff)
    # The demo resident is a resident of record: base data learns their phone on one adult's record.
    adult = next((p for p in persons if p[2] and (now.date() - p[2]).days > 20 * 365), None)
    if adult is not None:
        people_actions.update_person(staff, Person.objects.get(pk=adult[0]), phone=DEMO_RESIDENT_PHONE)

    meeting = actions.call_meeting(
        staff,
        community=community,
        title="小区停车与充电问题圆桌会",
        starts_at=now - timedelta(days=2),
        place="社区党群服务中心二楼会议室",
    )
    company = PropertyCompany.objects.filter(region_code__startswith=community.code[:9]).order_by("pk").first()
    if company is not None:
        actions.add_participant(meeting, staff, kind="property", property_company=company.pk)
    actions.add_participant(meeting, staff, kind="owners", name="业主委员会（主任 王某）")
    actions.add_participant(meeting, staff, kind="residents", name="居民代表 3 名")
    actions.record_minutes(
        meeting,
        staff,
        minutes="与会各方同意在东侧空地建设充电棚，物业负责日常管理；夜间停车秩序由物业增派巡逻。",
    )
    actions.add_decision(
        meeting, staff, text="物业夜间增派一名巡逻员", owner="物业公司", due_date=now.date() + timedelta(days=14)
    )
    category = Category.objects.selectable().order_by("code").first()
    if category is not None:
        actions.add_decision(
            meeting,
            staff,
            text="东侧空地充电棚立项建设",
            owner="社区居委会",
            due_date=now.date() + timedelta(days=60),
            kind="case",
            category=category.pk,
        )
    return f"consult: {Poll.objects.count()} polls ({len(seen)} votes in the closed one), 1 round-table meeting"
