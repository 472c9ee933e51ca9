"""Scoring in a browser: a grid worker on a phone (390 px) opens their own score with its traceable
entries and the street's ranking; street staff on a laptop (1280 px) read the rankings at every
level, open a worker's entries, see the 金牌网格员 with their rules and the workload, and change a
score rule."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from civicgrid.core import events
from civicgrid.gridwork.events import PatrolEnded, VisitLogged
from civicgrid.scoring import actions
from civicgrid.scoring.models import ScoreRule

from .conftest import DESKTOP, PHONE, open_nav, snap


def _work(district):
    now = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        for i, (worker, grid, hours) in enumerate([("worker", "S1C1G1", 24), ("neighbour", "S1C1G2", 6)], start=1):
            events.publish(
                PatrolEnded(
                    patrol_id=i,
                    user_id=district[worker].pk,
                    grid_code=district[grid].code,
                    started_at=now - timedelta(hours=hours),
                    ended_at=now,
                    seconds=hours * 3600,
                    coverage=0.8,
                    checkins=2,
                )
            )
            events.publish(
                VisitLogged(visit_id=i, user_id=district[worker].pk, region_code=district[grid].code, at=now)
            )


def test_grid_worker_sees_own_score_on_a_phone(new_page, login, district):
    _work(district)
    phone = new_page(viewport=PHONE)
    login(phone, "13812345678")
    phone.goto("/scoring/")  # on a phone the bar is folded: the home page's shortcut or the address
    expect(phone.locator("h1")).to_have_text("我的考核")
    expect(phone.locator("[data-total]")).to_have_text("51.60")  # 24 h × 2 + 0.8 × 2 + 2 × 0.5 + 1
    expect(phone.locator("[data-rank]")).to_have_text("1 / 2")
    expect(phone.locator("#score-entries [data-source]").first).to_contain_text("gridwork.")
    expect(phone.locator("#score-breakdown tr[data-metric='patrol_time']")).to_contain_text("48.00")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    snap(phone, "scoring-mine-phone")
    phone.locator("#public-ranking").click()
    expect(phone.locator("#ranking-table tbody tr")).to_have_count(2)
    expect(phone.locator("#ranking-table tbody tr").first).to_contain_text("网格员王芳")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_street_staff_read_rankings_gold_medals_and_workload(new_page, login, district):
    _work(district)
    actions.update_medal_rule(district["street_staff"], per_street=1, min_points="20", min_patrol_hours="10")
    page = new_page(viewport=DESKTOP)
    login(page, "13900001111")
    page.goto("/")
    open_nav(page, "考核排名")
    expect(page.locator("h1")).to_have_text("考核排名")
    rows = page.locator("#ranking-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("网格员王芳")
    page.select_option("#level-filter", "community")
    page.get_by_role("button", name="查看").click()
    expect(page.locator("#ranking-table tbody tr")).to_have_count(1)
    expect(page.locator("#ranking-table tbody tr").first).to_contain_text("S1C1")
    snap(page, "scoring-ranking-desktop")
    page.select_option("#level-filter", "worker")
    page.get_by_role("button", name="查看").click()
    page.locator("#ranking-table a").filter(has_text="网格员赵磊").click()
    expect(page.locator("h1")).to_have_text("网格员赵磊")
    expect(page.locator("#score-entries li")).to_have_count(4)  # time, coverage, check-ins, visit

    page.goto("/scoring/ranking/")
    page.locator("#scoring-tabs").get_by_role("link", name="金牌网格员").click()
    expect(page.locator("#medal-rules")).to_contain_text("不少于 10.0 小时")
    expect(page.locator("[data-medal]")).to_have_count(1)
    expect(page.locator("[data-medal]")).to_contain_text("网格员王芳")
    snap(page, "scoring-gold-desktop")

    page.locator("#scoring-tabs").get_by_role("link", name="工作量").click()
    expect(page.locator("#workload-table tbody tr")).to_have_count(2)
    expect(page.locator(f"#workload-table tr[data-worker='{district['worker'].pk}'] [data-hours]")).to_have_text("24.0")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    snap(page, "scoring-workload-desktop")

    page.locator("#scoring-tabs").get_by_role("link", name="考核规则").click()
    form = page.locator("[data-rule-form='visit']")
    form.locator("input[name='points']").fill("abc")
    form.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-danger, .alert-error").first).to_contain_text("不是有效的数字")
    page.locator("[data-rule-form='visit'] input[name='points']").fill("2.5")
    page.locator("[data-rule-form='visit']").get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("考核规则已更新")
    assert str(ScoreRule.objects.get(metric="visit").points) == "2.50"
