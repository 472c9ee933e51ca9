"""Photos with a repair: the resident's with the report, the company's with the feedback, each
checked like any case's (content, size, pixels); a refused file refuses the whole step and writes
nothing; the photos show to the reporter and the company, never to another resident."""

import pytest
from django.urls import reverse

from civicgrid.cases.errors import CaseError
from civicgrid.cases.models import Attachment, Case, Status
from civicgrid.cases.tests.media_files import jpeg, png_bomb, upload
from civicgrid.property import actions
from civicgrid.property.models import Repair
from civicgrid.property.tests.conftest import report


def test_a_repair_reported_with_photos_keeps_them_on_its_report(world):
    repair = report(world, photos=[jpeg("漏水.jpg"), jpeg("水管.jpg")])
    photos = Attachment.objects.filter(case_id=repair.case_id)
    assert photos.count() == 2
    assert {p.event.type for p in photos} == {"reported"}
    assert all(p.visibility == "parties" for p in photos)  # a private house's repair


@pytest.mark.parametrize(
    "bad",
    [lambda: upload("假照片.jpg", b"not an image at all", "image/jpeg"), lambda: png_bomb()],
    ids=["not-an-image", "pixel-bomb"],
)
def test_a_bad_photo_refuses_the_report_and_writes_nothing(world, bad):
    with pytest.raises(CaseError):
        report(world, photos=[jpeg(), bad()])
    assert (Repair.objects.count(), Case.objects.count(), Attachment.objects.count()) == (0, 0, 0)


def test_the_company_feeds_back_with_photos_and_a_bad_one_changes_nothing(world):
    repair = report(world)
    staff = world.people.staff_a
    actions.take_repair(staff, repair.pk, version=Case.objects.get().version)
    version = Case.objects.get().version
    with pytest.raises(CaseError):
        actions.feedback_repair(staff, repair.pk, version=version, note="已更换水管", photos=[upload("x.jpg", b"x")])
    case = Case.objects.get()
    assert (case.status, case.version, Attachment.objects.count()) == (Status.HANDLING, version, 0)
    actions.feedback_repair(staff, repair.pk, version=version, note="已更换水管", photos=[jpeg("修好.jpg")])
    photo = Attachment.objects.get()
    assert photo.event.type == "fed_back" and photo.uploaded_by == staff


def test_the_pages_take_and_show_the_photos_to_the_parties_only(world, client):
    client.force_login(world.people.resident)
    response = client.post(
        reverse("property:repair_new"),
        {"category": actions.repair_categories()[0].pk, "description": "灯不亮", "place": "house", "photos": [jpeg()]},
    )
    repair = Repair.objects.get()
    assert response.status_code == 302
    photo = Attachment.objects.get()
    page = reverse("property:repair", args=[repair.pk])
    thumb = reverse("cases:attachment_thumb", args=[photo.pk])
    assert thumb in client.get(page).content.decode()
    client.force_login(world.people.staff_a)
    assert thumb in client.get(page).content.decode()
    assert client.get(reverse("cases:attachment", args=[photo.pk])).status_code == 200
    for outsider in (world.people.resident2, world.people.staff_b):
        client.force_login(outsider)
        assert client.get(page).status_code == 404
        assert client.get(reverse("cases:attachment", args=[photo.pk])).status_code == 404


def test_a_refused_photo_on_the_page_says_why_and_files_nothing(world, client):
    client.force_login(world.people.resident)
    response = client.post(
        reverse("property:repair_new"),
        {
            "category": actions.repair_categories()[0].pk,
            "description": "灯不亮",
            "place": "house",
            "photos": [upload("坏.jpg", b"garbage", "image/jpeg")],
        },
    )
    assert response.status_code == 200 and "不是有效的照片文件" in response.content.decode()
    assert (Repair.objects.count(), Case.objects.count()) == (0, 0)
