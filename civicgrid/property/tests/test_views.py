"""Pages: residents report, follow and rate; property staff take and feed back; fees and ratings.
Out of scope answers 404 and changes nothing; property staff never see ID numbers or full phones."""

import pytest
from django.urls import reverse

from civicgrid.cases.models import Case, CaseEvent, Status
from civicgrid.property import actions
from civicgrid.property.models import Bill, RatingPeriod, Repair
from civicgrid.property.tests.conftest import category, report


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_resident_reports_from_the_page(world, as_user):
    client = as_user(world.people.resident)
    assert client.get(reverse("property:home")).status_code == 200
    page = client.get(reverse("property:repair_new"))
    assert page.status_code == 200 and "水电维修" in page.content.decode()
    response = client.post(
        reverse("property:repair_new"),
        {"category": category().pk, "description": "灯不亮", "place": "house"},
    )
    repair = Repair.objects.get()
    assert response.status_code == 302 and response.url == reverse("property:repair", args=[repair.pk])
    assert client.get(response.url).status_code == 200


def test_bad_post_shows_the_message_and_writes_nothing(world, as_user):
    client = as_user(world.people.resident)
    response = client.post(reverse("property:repair_new"), {"category": "x", "description": "", "place": "house"})
    assert response.status_code == 200 and Repair.objects.count() == 0


def test_staff_page_shows_masked_phone_only(world, as_user):
    repair = report(world)
    client = as_user(world.people.staff_a)
    assert client.get(reverse("property:tasks")).status_code == 200
    body = client.get(reverse("property:repair", args=[repair.pk])).content.decode()
    assert "138****0001" in body and "13800000001" not in body
    assert "张三" not in body  # no names or ID numbers, only what the repair needs
    response = client.post(reverse("property:take", args=[repair.pk]), {"version": Case.objects.get().version})
    assert response.status_code == 302
    assert Case.objects.get().status == Status.HANDLING


@pytest.mark.parametrize("who", ["staff_b", "resident2", "resident_b", "community_b"])
def test_out_of_scope_repair_is_404_and_unchanged(world, as_user, who):
    repair = report(world)
    version = Case.objects.get().version
    events = CaseEvent.objects.count()
    client = as_user(getattr(world.people, who))
    assert client.get(reverse("property:repair", args=[repair.pk])).status_code == 404
    assert client.post(reverse("property:take", args=[repair.pk]), {"version": version}).status_code == 404
    assert (
        client.post(reverse("property:feedback", args=[repair.pk]), {"version": version, "note": "x"}).status_code
        == 404
    )
    assert client.post(reverse("property:rate", args=[repair.pk]), {"version": version, "score": 1}).status_code == 404
    assert Case.objects.get().version == version and CaseEvent.objects.count() == events


def test_tasks_page_is_only_for_property_staff(world, as_user):
    for user in (world.people.resident, world.people.community):
        assert as_user(user).get(reverse("property:tasks")).status_code == 404


def test_fees_pages_and_scope(world, as_user):
    bill = actions.save_bill(world.people.staff_a, house=world.houses_a[0], kind="property", period="2026", amount="9")
    client = as_user(world.people.staff_a)
    body = client.get(reverse("property:fees")).content.decode()
    assert "幸福小区" in body and "不收取任何费用" in body
    assert client.get(reverse("property:fee_template")).status_code == 200
    other = as_user(world.people.staff_b)
    assert "幸福小区" not in other.get(reverse("property:fees")).content.decode()
    assert other.post(reverse("property:bill_status", args=[bill.pk]), {"status": "paid"}).status_code == 404
    assert Bill.objects.get().status == "unpaid"
    assert as_user(world.people.resident).get(reverse("property:fees")).status_code == 404


def test_import_page_reports_rows(world, as_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from civicgrid.property.tests.test_bills import row, workbook

    client = as_user(world.people.staff_a)
    data = workbook(row(world.houses_a[0]), row(world.houses_a[1], amount="abc"))
    upload = SimpleUploadedFile("bills.xlsx", data)
    client.post(reverse("property:fee_import"), {"file": upload})
    body = client.get(reverse("property:fees")).content.decode()
    assert "第 3 行" in body and Bill.objects.count() == 0


def test_rating_pages(world, as_user):
    street = as_user(world.people.street)
    assert street.get(reverse("property:ratings")).status_code == 200
    response = street.post(
        reverse("property:ratings"),
        {
            "street": world.tree["S1"].pk,
            "name": "2026 年度",
            "street_weight": 50,
            "survey_weight": 30,
            "expert_weight": 20,
            "red_at": 90,
            "black_below": 60,
        },
    )
    period = RatingPeriod.objects.get()
    assert response.status_code == 302
    assert street.get(reverse("property:rating", args=[period.pk])).status_code == 200
    for user in (world.people.community, world.people.staff_a, world.people.resident):
        client = as_user(user)
        assert client.get(reverse("property:rating", args=[period.pk])).status_code == 404
        assert client.post(reverse("property:publish", args=[period.pk])).status_code == 404
    assert RatingPeriod.objects.get().status == "open"
    # Nothing published yet: the board is 404 for residents.
    assert as_user(world.people.resident).get(reverse("property:board")).status_code == 404


def test_compound_panels_apply_scope(world, rf):
    from civicgrid.core.panels import panels_for

    report(world)
    actions.save_bill(world.people.staff_a, house=world.houses_a[0], kind="property", period="2026", amount="9")
    for user, expected in (
        (world.people.staff_a, {"property.repairs", "property.fees"}),
        (world.people.community, {"property.repairs", "property.fees"}),
        (world.people.staff_b, set()),
        (world.people.community_b, set()),
        (world.people.resident, {"property.repairs"}),  # figures only: a resident of the compound
        (world.people.resident_b, set()),
    ):
        request = rf.get("/")
        request.user = user
        assert {p.name for p in panels_for("compound", request, world.compound_a)} == expected, user
