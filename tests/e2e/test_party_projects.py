"""一支部一项目 in a browser: a branch secretary proposes a project and reports progress, the street
secretary approves it, supervises it and accepts it (laptop 1280); the public board shows the
stage on a phone (390) and on a wall screen (1920×1080)."""

from civicgrid.party.models import Project, Stage
from civicgrid.party.tests.conftest import make_world

from .conftest import DESKTOP, PHONE, log_in, snap

WALL = {"width": 1920, "height": 1080}


def test_a_project_from_proposal_to_acceptance(new_page, settings, tmp_path):
    settings.CASES_ATTACHMENT_ROOT = tmp_path / "attachments"
    world = make_world()
    p = world.party

    secretary = new_page(viewport=DESKTOP)
    log_in(secretary, "branch_secretary")
    secretary.goto("/party/projects/")
    secretary.locator("#new-project").click()
    secretary.get_by_label("项目名称").fill("红色物业进小区")
    secretary.get_by_label("类别").select_option("governance")
    secretary.get_by_label("项目简介").fill("党支部牵头，物业、业委会、网格员共商小区治理难题。")
    secretary.get_by_label("项目目标").fill("小区问题当月办结率 90% 以上")
    year = secretary.get_by_label("年度").input_value()
    secretary.get_by_label("开始日期").fill(f"{year}-01-01")
    secretary.get_by_label("计划完成日期").fill(f"{year}-12-31")
    secretary.get_by_role("button", name="提交申报").click()
    secretary.wait_for_url("**/party/projects/*/")
    assert secretary.locator("#project-stage").inner_text() == "立项"
    project = Project.objects.get()
    url = f"/party/projects/{project.pk}/"

    reviewer = new_page(viewport=DESKTOP)
    log_in(reviewer, "street_secretary")
    reviewer.goto("/party/projects/")
    reviewer.get_by_role("link", name="红色物业进小区").click()
    reviewer.locator("#approve_body").fill("同意立项，注意台账留痕。")
    reviewer.locator("#approve-button").click()
    reviewer.wait_for_selector("#project-stage:has-text('推进')")

    secretary.goto(url)
    secretary.locator("#report_body").fill("召开红色物业联席会 2 次，解决停车难题 5 件。")
    secretary.locator("#report-button").click()
    secretary.wait_for_selector(".project-note[data-kind='progress']")
    snap(secretary, "party-project-secretary")

    reviewer.goto(url)
    assert "召开红色物业联席会" in reviewer.locator("#timeline").inner_text()
    reviewer.locator("#supervise_body").fill("进度正常，建议补充居民满意度测评。")
    reviewer.locator("#supervise-button").click()
    reviewer.wait_for_selector("#project-stage:has-text('督导')")
    reviewer.locator("#accept_verdict").fill("项目成效明显，居民满意度 96%。")
    reviewer.locator("#accept_score").fill("95")
    reviewer.locator("#accept-button").click()
    reviewer.wait_for_selector("#project-stage:has-text('验收')")
    assert reviewer.locator("#project-score").inner_text() == "95"
    snap(reviewer, "party-project-reviewer")
    project.refresh_from_db()
    assert project.stage == Stage.ACCEPTED and project.accepted_by == p.street_secretary

    for viewport, name in ((PHONE, "phone"), (WALL, "wall")):
        board = new_page(viewport=viewport)
        log_in(board, "member1")
        board.goto("/party/projects/board/")
        card = board.locator(".project-card").filter(has_text="红色物业进小区")
        assert card.get_attribute("data-stage") == "accepted"
        assert card.locator(".project-step.is-current").inner_text().endswith("验收")
        assert board.locator('#board-counts [data-stage="accepted"] .board-count-n').inner_text() == "1"
        width = board.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{name}: the board scrolls sideways ({width}px)"
        snap(board, f"party-project-board-{name}")
