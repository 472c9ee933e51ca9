"""Issue 12, failure 2 in a real browser: community staff merge resident B's private report into
resident A's with the case page's merge form; B, on the phone, then follows A's case through its
public version only — its status and category, never A's description, address or photo."""

import pytest
from playwright.sync_api import expect

from civicgrid.accounts.models import Role
from civicgrid.cases import uploads
from civicgrid.cases.categories import load_categories
from civicgrid.cases.models import RESIDENT_STATUS, Category, Status
from civicgrid.cases.tests.media_files import jpeg
from civicgrid.regions import locator
from civicgrid.testing import build_tree, make_user

from .conftest import PHONE, snap
from .test_case_loop import PC, do, sign_in

A_DESCRIPTION = "我家卫生间漏水到楼下（甲的私密描述）"
A_ADDRESS = "幸福小区7号楼2单元301室"


@pytest.fixture
def two_private_reports(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CASES_RESIDENT_REPORTS_PER_HOUR = 0
    settings.CASES_RESIDENT_REPORTS_PER_DAY = 0
    settings.CASES_ATTACHMENT_ROOT = tmp_path / "attachments"
    tree = build_tree()
    locator.invalidate()
    load_categories()
    people = {
        "a": make_user("居民甲", Role.RESIDENT, tree["S1C1"], phone="13700001111"),
        "b": make_user("居民乙", Role.RESIDENT, tree["S1C1"], phone="13700002222"),
        "community": make_user("社区刘洋", Role.COMMUNITY_STAFF, tree["S1C1"], phone="13900002222"),
    }
    node = tree["S1C1G1M1"]

    def private(user, description, address):
        return uploads.report_with_attachments(
            user,
            photos=[jpeg()],
            category=Category.objects.get(code="S05001"),
            description=description,
            address=address,
            lon=node.centroid_lon,
            lat=node.centroid_lat,
            is_public=False,
        ).case

    a = private(people["a"], A_DESCRIPTION, A_ADDRESS)
    b = private(people["b"], "楼上漏水，天花板发霉", "幸福小区7号楼2单元201室")
    return people, a, b


def test_the_merged_duplicates_reporter_sees_only_the_public_version(new_page, two_private_reports):
    people, a, b = two_private_reports
    photo = a.attachments.get()

    resident = new_page(viewport=PHONE)
    sign_in(resident, "居民乙")
    assert resident.goto(f"/cases/my/{a.number}/").status == 404

    staff = new_page(viewport=PC)
    sign_in(staff, "社区刘洋")
    staff.goto(f"/cases/staff/{b.number}/")
    do(staff, "merge", {"input[name=into]": a.number})
    b.refresh_from_db()
    assert b.status == Status.MERGED and b.merged_into_id == a.pk

    response = resident.goto(f"/cases/my/{a.number}/")
    assert response.status == 200
    expect(resident.locator("#follower-note")).to_be_visible()
    expect(resident.locator(".status-badge")).to_have_text(str(RESIDENT_STATUS[a.status]))
    content = resident.content()
    assert A_DESCRIPTION not in content and A_ADDRESS not in content
    assert f"/cases/attachments/{photo.pk}/" not in content
    assert resident.locator(".photo-grid img").count() == 0
    snap(resident, "cases-follower-public-version")
    # The staff page sends B back to the public version; the photo and the API stay closed.
    resident.goto(f"/cases/staff/{a.number}/")
    assert resident.url.endswith(f"/cases/my/{a.number}/")
    assert resident.request.get(f"/cases/attachments/{photo.pk}/").status == 404
    api = resident.request.get(f"/api/v1/cases/{a.number}/").json()
    assert api["description"] == "" and api["address"] == "" and api["lat"] is None

    # A still reads their own report in full, photo included.
    owner = new_page(viewport=PHONE)
    sign_in(owner, "居民甲")
    owner.goto(f"/cases/my/{a.number}/")
    expect(owner.locator(".case-description")).to_contain_text(A_DESCRIPTION)
    assert owner.request.get(f"/cases/attachments/{photo.pk}/").status == 200
