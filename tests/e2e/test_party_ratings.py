"""五星评定 in a browser: a branch secretary on a phone (390 px) opens this quarter's rating, writes
the evidence with a photo and submits it; the branch's instructor on a laptop (1280 px) sees the
photo, scores every item online and finishes the review; the street secretary closes the quarter;
the stars board shows the branch's new stars and that it was selected."""

from playwright.sync_api import expect

from civicgrid.cases.tests.media_files import jpeg_bytes
from civicgrid.party.models import Organisation
from civicgrid.party.testing.ratings import make_set
from civicgrid.party.tests.conftest import make_world

from .conftest import DESKTOP, PHONE, snap


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_secretary_submits_reviewer_scores_and_closes(new_page, login, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CASES_ATTACHMENT_ROOT = tmp_path
    world = make_world()
    p = world.party
    make_set(world.staff.admin, select_top=2)
    Organisation.objects.filter(pk=p.g1.pk).update(stars=2)

    phone = new_page(viewport=PHONE)
    login(phone, "branch_secretary")
    phone.goto("/party/ratings/")
    phone.locator("#open-org").select_option(str(p.g1.pk))
    phone.get_by_role("button", name="建立评定").click()
    expect(phone.locator("#rating-status")).to_have_text("填报中")
    items = phone.locator("#evidence-form .rating-item")
    expect(items).to_have_count(4)
    items.nth(0).locator("textarea").fill("本季度召开支部党员大会 3 次，主题党日 3 次。")
    items.nth(0).locator("input[type=file]").set_input_files(
        {"name": "主题党日.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}
    )
    items.nth(1).locator("textarea").fill("支委会每月 1 次，党课 1 次，记录完整。")
    _fits(phone)
    phone.locator("#submit-rating").click()
    expect(phone.locator("#rating-status")).to_have_text("待评审")
    expect(phone.locator("#items-table .evidence-file")).to_have_count(1)
    _fits(phone)
    snap(phone, "party-rating-submitted-phone")

    laptop = new_page(viewport=DESKTOP)
    login(laptop, "instructor")
    laptop.goto("/party/ratings/")
    laptop.locator("#to-review a").filter(has_text=p.g1.name).click()
    expect(laptop.locator("#score-table .evidence-file")).to_have_count(1)
    scores = laptop.locator("#score-table input.score-input")
    for n, value in enumerate(("38", "40", "18", "0")):
        scores.nth(n).fill(value)
    laptop.locator("#score-table input[name^=comment_]").first.fill("记录规范，照片清晰")
    laptop.locator("#finish-review").click()
    expect(laptop.locator("#rating-status")).to_have_text("已评分")
    expect(laptop.locator("#rating-total")).to_have_text("96.0")
    _fits(laptop)
    snap(laptop, "party-rating-scored-laptop")

    street = new_page(viewport=DESKTOP)
    login(street, "street_secretary")
    street.goto("/party/ratings/close/")
    street.locator("#close-table .close-quarter").first.click()
    expect(street.locator("body")).to_contain_text("1 个星级变动")
    street.goto("/party/stars/")
    board = street.locator("#board-community")
    row = board.locator(".starred-list li").filter(has_text=p.g1.name)
    expect(row.locator("[data-stars]")).to_have_attribute("data-stars", "3")
    expect(board.locator(".selected-list")).to_contain_text(p.g1.name)
    _fits(street)
    snap(street, "party-stars-board")
    assert Organisation.objects.get(pk=p.g1.pk).stars == 3
