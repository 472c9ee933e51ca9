"""议事协商 in a real browser: a resident votes on a phone (390 px) and later reads the published
result; community staff (1280 px) close a poll and publish its result from the navigation; staff
record a round-table decision that becomes a case."""

from datetime import timedelta

from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.cases.categories import load_categories
from civicgrid.cases.models import Category
from civicgrid.consult import actions
from civicgrid.consult.models import Ballot, Decision, Poll
from civicgrid.core import clock
from civicgrid.people.testing import add_person, make_building, make_id_number
from civicgrid.testing import make_user

from .conftest import DESKTOP, PHONE, open_nav, snap

QUESTIONS = [
    {"kind": "single", "text": "是否同意在东侧空地建设充电棚？", "options": ["同意", "不同意"]},
    {"kind": "multiple", "text": "充电棚需要哪些配套？", "options": ["监控", "灭火器", "照明"], "min": 1, "max": 2},
    {"kind": "text", "text": "其他意见建议", "required": False},
]


def _world(district):
    staff = make_user("社区刘敏", Role.COMMUNITY_STAFF, district["S1C1"], phone="13900002222")
    house = make_building(district["S1C1G1M1"], code="E1").houses.order_by("pk").first()
    add_person(staff, house, name="陈静", phone="13700002222", id_number=make_id_number())
    resident = make_user("居民陈静", Role.RESIDENT, district["S1C1"], phone="13700002222")
    now = clock.now()
    poll = actions.create_poll(
        staff,
        community=district["S1C1"],
        title="电动自行车充电棚建设意见征集",
        description="请每户投票。",
        questions=QUESTIONS,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=3),
    )
    actions.open_poll(poll, staff)
    return staff, resident, poll


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_resident_votes_on_a_phone_and_reads_the_published_result(new_page, login, district):
    staff, _resident, poll = _world(district)
    page = new_page(viewport=PHONE)
    login(page, "13700002222")
    page.goto("/consult/")
    expect(page.locator("h1")).to_have_text("议事协商")
    card = page.locator("#open-polls a").filter(has_text=poll.title)
    expect(card).to_contain_text("待参与")
    _fits(page)
    card.click()
    expect(page.locator("#poll-title")).to_have_text(poll.title)
    page.get_by_label("同意", exact=True).check()
    page.get_by_label("监控").check()
    page.get_by_label("照明").check()
    page.get_by_label("其他意见建议").fill("建议加装烟感报警。")
    _fits(page)
    snap(page, "consult-vote-phone")
    page.get_by_role("button", name="提交投票").click()
    expect(page.locator(".messages")).to_contain_text("投票成功")
    expect(page.locator("#voted")).to_be_visible()
    assert Ballot.objects.filter(poll=poll).count() == 1

    page.goto("/consult/mine/")
    expect(page.locator("#my-opinions")).to_contain_text("建议加装烟感报警。")

    actions.close_poll(poll, staff)
    actions.publish_results(poll, staff)
    page.goto(f"/consult/{poll.pk}/")
    results = page.locator("#poll-results")
    expect(results).to_contain_text("共 1 票")
    expect(results.locator("progress")).to_have_count(5)
    _fits(page)
    snap(page, "consult-result-phone")


def test_staff_close_a_poll_and_publish_its_result(new_page, login, district):
    staff, resident, poll = _world(district)
    questions = list(poll.questions.order_by("seq").prefetch_related("options"))
    actions.cast_vote(
        poll,
        resident,
        answers={
            questions[0].pk: [questions[0].options.all()[0].pk],
            questions[1].pk: [questions[1].options.all()[1].pk],
        },
    )
    page = new_page(viewport=DESKTOP)
    login(page, "社区刘敏")
    open_nav(page, "议事投票")
    expect(page.locator("h1")).to_have_text("议事投票")
    page.locator("#poll-list a").filter(has_text=poll.title).click()
    expect(page.locator("#ballot-count")).to_contain_text("共 1 票")
    page.locator("#close-poll").click()
    expect(page.locator("#poll-status")).to_contain_text("已结束")
    page.locator("#publish-results").click()
    expect(page.locator("#poll-status")).to_contain_text("结果已公布")
    expect(page.locator(".poll-bar.is-top").first).to_contain_text("同意")
    snap(page, "consult-staff-result-desktop")
    stored = Poll.objects.get(pk=poll.pk)
    assert stored.status == "closed" and stored.results_published
    with page.expect_download() as download:
        page.locator("#export").click()
    assert download.value.suggested_filename == f"poll-{poll.pk}.xlsx"


def test_staff_record_a_meeting_decision_that_becomes_a_case(new_page, login, district):
    load_categories()
    staff, _resident, _poll = _world(district)
    meeting = actions.call_meeting(
        staff, community=district["S1C1"], title="停车与充电圆桌会", starts_at=clock.now(), place="社区会议室"
    )
    category = Category.objects.selectable().get(code="S05001")
    page = new_page(viewport=DESKTOP)
    login(page, "社区刘敏")
    open_nav(page, "圆桌会")
    page.locator("#meeting-list a").filter(has_text="停车与充电圆桌会").click()
    expect(page.locator("#meeting-title")).to_have_text("停车与充电圆桌会")
    form = page.locator("#participant-form")
    form.get_by_label("类别").select_option("owners")
    form.get_by_label("名称（业委会、居民代表等）").fill("业主委员会")
    form.get_by_role("button", name="添加参会方").click()
    expect(page.locator("#participants")).to_contain_text("业主委员会")
    page.locator("#minutes-form textarea").fill("各方同意建设充电棚。")
    page.locator("#minutes-form button").click()
    expect(page.locator("#minutes")).to_have_text("各方同意建设充电棚。")
    decision = page.locator("#decision-form")
    decision.get_by_label("决定事项").fill("东侧充电棚立项建设")
    decision.get_by_label("责任方").fill("社区居委会")
    decision.get_by_label("完成期限").fill((clock.now() + timedelta(days=30)).date().isoformat())
    decision.get_by_label("落实方式").select_option("case")
    decision.get_by_label("案件类别（转为案件时）").select_option(str(category.pk))
    decision.get_by_role("button", name="记录决定").click()
    expect(page.locator(".messages")).to_contain_text("已记录决定")
    stored = Decision.objects.get(meeting=meeting)
    assert stored.case is not None
    expect(page.locator("#decisions .decision-case")).to_have_text(stored.case.number)
    expect(page.locator("#decisions .decision-status")).to_have_text("落实中")
    snap(page, "consult-meeting-desktop")
