"""Study in a browser: a member on a phone (390 px) opens this month's required lesson, finishes it,
takes the open quiz against the countdown and sees the score; the general branch's secretary on a
laptop (1280 px) sees the plan's completion per branch and per member."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.party.actions import study as actions
from civicgrid.party.models import Attempt, StudyRecord
from civicgrid.party.testing import build_party
from civicgrid.party.testing.study import make_bank, make_lesson, make_quiz
from civicgrid.testing import make_department, make_user

from .conftest import DESKTOP, PHONE, snap


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_member_studies_and_takes_a_quiz_and_the_secretary_sees_completion(new_page, login, district, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    admin = make_user("管理员", Role.SYSTEM_ADMIN, district["D"], phone="13900003333")
    party = build_party(district, admin, admin, make_department(district["D"]))
    document = make_lesson(party.c1_secretary, party.c1, title="学习新修订的党章")
    audio = make_lesson(party.c1_secretary, party.c1, kind="audio", title="重温入党誓词", minutes=5)
    plan = actions.create_plan(
        party.c1_secretary,
        party.c1.pk,
        month=timezone.localdate(),
        title="本月必学：党章",
        lesson_ids=[document.pk, audio.pk],
    )
    actions.publish_plan(party.c1_secretary, plan.pk)
    make_bank(party.street_secretary, party.street, n=6)
    make_quiz(party.c1_secretary, party.c1, count=3, limit=10)

    phone = new_page(viewport=PHONE)
    login(phone, "13710000001")  # member1 (civicgrid.party.testing.build_party)
    phone.goto("/party/study/")
    expect(phone.locator("#required-study .plan-progress")).to_have_text("0 / 2")
    phone.locator("#required-study a").filter(has_text="学习新修订的党章").click()
    expect(phone.locator("#lesson-document")).to_be_visible()
    phone.get_by_role("button", name="完成学习").click()
    expect(phone.locator("#lesson-done")).to_be_visible()
    _fits(phone)
    snap(phone, "party-study-lesson-phone")
    assert StudyRecord.objects.get(lesson=document).completed_at is not None

    phone.goto("/party/study/")
    expect(phone.locator("#required-study .plan-progress")).to_have_text("1 / 2")
    phone.locator("#open-quizzes a").first.click()
    phone.get_by_role("button", name="开始答题").click()
    expect(phone.locator("#countdown")).to_have_text(re.compile(r"^(09|10):\d\d$"))
    # The bank's right answers are its first option(s): single and true/false A, multiple A and B.
    for question in phone.locator("#attempt-form fieldset.question").all():
        question.locator('input[value="0"]').check()
        if question.locator('input[type="checkbox"]').count():
            question.locator('input[value="1"]').check()
    _fits(phone)
    snap(phone, "party-study-quiz-phone")
    phone.get_by_role("button", name="交卷").click()
    expect(phone.locator("#score")).to_have_text("100")
    expect(phone.locator("#result-list .answer-right")).to_have_count(3)
    _fits(phone)
    snap(phone, "party-study-result-phone")
    assert Attempt.objects.get().score == 100

    party.c1_secretary.phone = "13900004444"
    party.c1_secretary.save(update_fields=["phone"])
    laptop = new_page(viewport=DESKTOP)
    login(laptop, "13900004444")
    laptop.goto("/party/study/manage/plans/")
    laptop.locator("#plan-table a").filter(has_text="本月必学：党章").click()
    expect(laptop.locator("#plan-total")).to_have_text("2")
    expect(laptop.locator("#branch-completion")).to_contain_text("G1网格党支部")
    expect(laptop.locator("#member-completion tr").filter(has_text="member1")).to_contain_text("1 / 2")
    laptop.get_by_role("button", name="提醒未完成的党员").click()
    expect(laptop.locator(".alert-success")).to_contain_text("已提醒 2 名")
    _fits(laptop)
    snap(laptop, "party-study-plan-laptop")
