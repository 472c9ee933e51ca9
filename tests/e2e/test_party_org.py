"""Party organisations in a browser: a branch secretary on a laptop (1280 px) records a member by ID
number and sees the roster, which the system admin (who keeps the tree) cannot open; the member, on
a phone (390 px), opens the party home and registers with a community (双报到); the command screen
(1920×1080) shows the party strip."""

from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.party.models import Member, Registration
from civicgrid.party.testing import build_party
from civicgrid.people.testing import add_person, make_building, make_id_number
from civicgrid.testing import make_department, make_user

from .conftest import DESKTOP, PHONE, snap

WALL = {"width": 1920, "height": 1080}


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_secretary_records_a_member_who_registers_with_a_community(new_page, login, district, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    admin = make_user("管理员", Role.SYSTEM_ADMIN, district["D"], phone="13900003333")
    department = make_department(district["D"])
    party = build_party(district, admin, admin, department)
    house = make_building(district["S1C1G1M2"], code="PE").houses.first()
    number = make_id_number()
    add_person(admin, house, name="新党员", id_number=number, phone="13700007777")
    resident = make_user("新党员账号", Role.RESIDENT, district["S1C1"], phone="13700007777")
    party.branch_secretary.phone = "13900004444"
    party.branch_secretary.save(update_fields=["phone"])

    laptop = new_page(viewport=DESKTOP)
    login(laptop, "13900004444")
    laptop.goto("/party/")
    laptop.locator("#party-posts a").filter(has_text="G1网格党支部").first.click()
    laptop.locator("#org-members-link").click()
    laptop.locator("#id_id_number").fill(number)
    laptop.locator("#id_status").select_option("probationary")
    laptop.locator("#id_joined_on").fill("2026-07-01")
    laptop.get_by_role("button", name="登记").click()
    expect(laptop.locator("#member-name")).to_have_text("新党员")
    expect(laptop.locator("#member-history")).to_contain_text("发展入党")
    _fits(laptop)
    snap(laptop, "party-member-laptop")
    member = Member.objects.get(person__name="新党员")

    # The admin keeps the tree but the roster is not theirs to see.
    admin_page = new_page(viewport=DESKTOP)
    login(admin_page, "13900003333")
    admin_page.goto("/party/organisations/")
    expect(admin_page.locator("#org-table")).to_contain_text("G1网格党支部")
    response = admin_page.goto(f"/party/members/{member.pk}/")
    assert response.status == 404

    phone = new_page(viewport=PHONE)
    login(phone, "13700007777")
    phone.goto("/party/")
    expect(phone.locator("#party-member-card")).to_contain_text("G1网格党支部")
    phone.locator("#party-me-link").click()
    phone.locator("#id_community").select_option(str(district["S1C1"].pk))
    phone.locator("#id_note").fill("周末可参加志愿服务")
    phone.get_by_role("button", name="报到").click()
    expect(phone.locator("#my-registrations")).to_contain_text(district["S1C1"].name)
    _fits(phone)
    snap(phone, "party-me-phone")
    assert Registration.objects.filter(member=member, ended_at__isnull=True).count() == 1
    del resident


def test_command_screen_shows_the_party_strip(new_page, login, district, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    admin = make_user("管理员", Role.SYSTEM_ADMIN, district["D"])
    build_party(district, admin, admin, make_department(district["D"]))
    make_user("指挥员", Role.COMMAND_OPERATOR, district["D"], phone="13900005555")
    wall = new_page(viewport=WALL)
    login(wall, "13900005555")
    wall.goto("/dashboard/")
    expect(wall.locator("#party-strip")).to_contain_text("智慧党建")
    expect(wall.locator("#party-strip")).to_contain_text("派单已接")
    box = wall.locator("#party-strip").bounding_box()
    assert box["y"] + box["height"] <= WALL["height"]
    snap(wall, "party-strip-wall")
