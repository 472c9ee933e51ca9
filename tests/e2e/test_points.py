"""Points in a browser: a resident on a phone (390 px) sees points arrive after confirmed volunteer
hours and an activity check-in, redeems a mall item and shows its code; the merchant's clerk on a
phone verifies it once; community staff on a laptop (1280 px) list an item and award points, a
second staff member approving the large award."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.core import events
from civicgrid.points import actions
from civicgrid.points.actions import mall
from civicgrid.points.models import Item, Merchant, Redemption, Rule
from civicgrid.points.rules import load_defaults
from civicgrid.testing import make_user
from civicgrid.volunteers.events import HoursConfirmed

from .conftest import DESKTOP, PHONE, snap


def _shop(staff, community):
    merchant = actions.save_merchant(staff, Merchant(), name="幸福<b>超市</b>", region=community)
    today = timezone.localdate()
    item = actions.save_item(
        staff,
        merchant.pk,
        Item(),
        title="洗衣液<i>一瓶</i>",
        description="凭码到店领取",
        item_type="goods",
        kind="youai",
        price=15,
        stock=3,
        per_person=1,
        valid_from=today - timedelta(days=1),
        valid_until=today + timedelta(days=30),
    )
    return merchant, item


def test_a_resident_sees_points_arrive_redeems_and_the_clerk_verifies(new_page, login, district, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_defaults(Rule)  # the browser tests' flush empties the rules the migration loaded
    staff = make_user("社区刘敏", Role.COMMUNITY_STAFF, district["S1C1"], phone="13900002222")
    resident = make_user("居民张华", Role.RESIDENT, district["S1C1"], phone="13700001111")
    make_user("店员李丽", Role.RESIDENT, district["S1C1"], phone="13700003333")
    merchant, item = _shop(staff, district["S1C1"])
    actions.add_merchant_staff(staff, merchant.pk, "13700003333")

    phone = new_page(viewport=PHONE)
    login(phone, "13700001111")
    phone.goto("/points/")
    expect(phone.locator('[data-balance="youai"]')).to_have_text("0")
    expect(phone.locator("#no-entries")).to_be_visible()

    # The volunteer shift's organiser confirms two hours (the volunteers app publishes this event).
    with transaction.atomic():
        events.publish(
            HoursConfirmed(
                attendance_id=1,
                volunteer_id=1,
                user_id=resident.pk,
                team_id=None,
                region_code=district["S1C1"].code,
                hours=Decimal("2"),
                at=timezone.now(),
            )
        )
    phone.reload()
    expect(phone.locator('[data-balance="youai"]')).to_have_text("20")
    expect(phone.locator("#entries")).to_contain_text("志愿服务每小时")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    snap(phone, "points-mine-phone")

    phone.goto("/points/mall/")
    card = phone.locator("#items a").filter(has_text="洗衣液<i>一瓶</i>")  # text, never markup
    expect(card).to_have_count(1)
    card.click()
    expect(phone.locator("#item-title")).to_have_text("洗衣液<i>一瓶</i>")
    phone.get_by_role("button", name="立即兑换").click()
    expect(phone.locator(".alert-success")).to_contain_text("兑换成功")
    expect(phone.locator("[data-redemption-qr] svg")).to_have_count(1)
    code = phone.locator("[data-redemption-code]").inner_text().strip()
    assert code == mall.redemption_code(Redemption.objects.get())
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    snap(phone, "points-code-phone")

    counter = new_page(viewport=PHONE)
    login(counter, "13700003333")
    counter.goto("/points/counter/")
    counter.locator("#id_code").fill(code)
    counter.get_by_role("button", name="查询").click()
    expect(counter.locator("#found")).to_contain_text("洗衣液<i>一瓶</i>")
    counter.get_by_role("button", name="确认核销").click()
    expect(counter.locator(".alert-success")).to_contain_text("核销成功")
    assert Redemption.objects.get().status == Redemption.Status.USED
    # The same code again: refused, once only.
    counter.locator("#id_code").fill(code)
    counter.get_by_role("button", name="查询").click()
    expect(counter.locator("#found-status")).to_have_text("已核销")
    expect(counter.get_by_role("button", name="确认核销")).to_have_count(0)
    assert counter.evaluate("document.documentElement.scrollWidth") <= 390
    snap(counter, "points-counter-phone")

    phone.goto("/points/redemptions/")
    expect(phone.locator("[data-status]")).to_have_text("已核销")
    phone.goto("/points/")
    expect(phone.locator('[data-balance="youai"]')).to_have_text("5")


def test_staff_list_an_item_and_a_second_person_approves_a_large_award(new_page, login, district, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_defaults(Rule)
    staff = make_user("社区刘敏", Role.COMMUNITY_STAFF, district["S1C1"], phone="13900002222")
    make_user("社区王强", Role.COMMUNITY_STAFF, district["S1C1"], phone="13900004444")
    resident = make_user("居民张华", Role.RESIDENT, district["S1C1"], phone="13700001111")
    merchant, _item = _shop(staff, district["S1C1"])
    from civicgrid.points import ledger

    ledger_account = ledger.person_account(resident)

    page = new_page(viewport=DESKTOP)
    login(page, "13900002222")
    page.goto("/points/manage/")
    expect(page.locator("#merchant-table")).to_contain_text("幸福<b>超市</b>")
    page.locator("#merchant-table a").filter(has_text="幸福<b>超市</b>").click()
    page.locator("#new-item").click()
    page.locator("#id_title").fill("理发八折券")
    page.locator("#id_item_type").select_option("discount")
    page.locator("#id_kind").select_option("hongde")
    page.locator("#id_price").fill("8")
    page.locator("#id_stock").fill("20")
    page.locator("#id_per_person").fill("1")
    page.locator("#id_valid_from").fill(timezone.localdate().isoformat())
    page.locator("#id_valid_until").fill((timezone.localdate() + timedelta(days=60)).isoformat())
    page.locator("#save-item").click()
    expect(page.locator(".alert-success")).to_contain_text("商品已保存")
    expect(page.locator("#item-table")).to_contain_text("理发八折券")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    snap(page, "points-merchant-desktop")

    page.goto("/points/manage/awards/")
    row = page.locator(f'[data-account="{ledger_account.pk}"]')
    row.locator('input[name="amount"]').fill("80")
    row.locator('input[name="reason"]').fill("见义勇为")
    row.get_by_role("button", name="奖励").click()
    expect(page.locator(".alert-info")).to_contain_text("需另一位工作人员审批")
    page.locator("[data-approve]").click()
    expect(page.locator(".alert-danger")).to_contain_text("需要另一位工作人员审批")
    snap(page, "points-awards-desktop")

    second = new_page(viewport=DESKTOP)
    login(second, "13900004444")
    second.goto("/points/manage/awards/")
    second.locator("[data-approve]").click()
    expect(second.locator(".alert-success")).to_contain_text("已审批")
    ledger_account.refresh_from_db()
    assert ledger_account.hongde == 80  # the form's first kind
