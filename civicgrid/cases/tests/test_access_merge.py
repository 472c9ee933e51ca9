"""Issue 12, failure 2: merging one resident's private report into another's must not let the first
resident read the second one's report. Resident A files a private case with a photo, resident B
another; community staff merge B's into A's (through the API and through the staff page). B then
follows A and sees only A's public version: no description, address, coordinates or photo of A,
on the resident page, the staff page, the API detail and the attachment view alike."""

import pytest
from django.urls import reverse

from civicgrid.cases import uploads
from civicgrid.cases.models import Case, CaseParticipant, Status
from civicgrid.cases.tests.conftest import HOME, fresh, point_in
from civicgrid.cases.tests.media_files import jpeg

pytestmark = pytest.mark.django_db

A_DESCRIPTION = "我家卫生间漏水到楼下，房东张三不管（甲的私密描述）"
A_ADDRESS = "幸福小区7号楼2单元301室"
B_DESCRIPTION = "楼上漏水，天花板发霉（乙的描述）"


def _private_report(world, user, description, address, offset=0.0):
    lon, lat = point_in(world.tree[HOME])
    return uploads.report_with_attachments(
        user,
        photos=[jpeg()],
        category=world.cats["S05001"],
        description=description,
        address=address,
        lon=lon + offset,
        lat=lat + offset,
        is_public=False,
    ).case


@pytest.fixture
def pair(world):
    a = _private_report(world, world.people.resident, A_DESCRIPTION, A_ADDRESS)
    b = _private_report(world, world.people.resident2, B_DESCRIPTION, "幸福小区7号楼2单元201室", offset=0.0001)
    return a, b


def _api(user):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _leaks(text, a):
    """The private details of A that appear in `text`."""
    found = [s for s in (A_DESCRIPTION, A_ADDRESS, f"{a.lon:.5f}", f"{a.lat:.5f}") if s in text]
    found += [f"/cases/attachments/{p.pk}/" for p in a.attachments.all() if f"/cases/attachments/{p.pk}/" in text]
    if a.reporter.name and f">{a.reporter.name}<" in text:
        found.append(a.reporter.name)
    return found


def _what_b_reads(client, world, a):
    """(page status, page leaks, staff page leaks, API status, API leaks, attachment statuses)."""
    client.force_login(world.people.resident2)
    page = client.get(reverse("cases:my_report", args=[a.number]), follow=True)
    staff_page = client.get(reverse("cases:staff_detail", args=[a.number]), follow=True)
    api = _api(world.people.resident2).get(f"/api/v1/cases/{a.number}/")
    files = []
    for photo in a.attachments.all():
        files.append(client.get(reverse("cases:attachment", args=[photo.pk])).status_code)
        files.append(client.get(reverse("cases:attachment_thumb", args=[photo.pk])).status_code)
    return {
        "page": page.status_code,
        "page_leaks": _leaks(page.content.decode(), a) if page.status_code == 200 else [],
        "staff_page_leaks": _leaks(staff_page.content.decode(), a) if staff_page.status_code == 200 else [],
        "api": api.status_code,
        "api_leaks": _leaks(api.content.decode(), a) if api.status_code == 200 else [],
        "files": files,
    }


def _before(client, world, a):
    seen = _what_b_reads(client, world, a)
    assert seen["page"] == 404 and seen["api"] == 404 and set(seen["files"]) == {404}
    assert seen["staff_page_leaks"] == []


def _check_after(client, world, a, b):
    assert fresh(b).status == Status.MERGED and fresh(b).merged_into_id == a.pk
    assert CaseParticipant.objects.filter(case=a, user=world.people.resident2, role="follower").exists()
    seen = _what_b_reads(client, world, a)
    assert seen["page_leaks"] == [], seen
    assert seen["staff_page_leaks"] == [], seen
    assert seen["api_leaks"] == [], seen
    assert set(seen["files"]) == {404}, seen
    # B follows A's progress through its public version: the status and the category.
    assert seen["page"] == 200 and seen["api"] == 200
    body = _api(world.people.resident2).get(f"/api/v1/cases/{a.number}/").json()
    assert body["status"] == a.status and body["category"]["code"] == "S05001"
    assert body["description"] == "" and body["address"] == "" and body["lon"] is None and body["lat"] is None
    assert body["reporter_name"] == "" and not body["is_reporter"]
    assert all(not event["attachments"] for event in body["timeline"])
    # The list of followed cases shows the same public version.
    listed = _api(world.people.resident2).get("/api/v1/cases/", {"mine": "following"})
    assert [row["number"] for row in listed.json()["results"]] == [a.number]
    assert _leaks(listed.content.decode(), a) == []


def test_merge_through_the_api_does_not_open_the_original_to_the_duplicates_reporter(client, world, pair):
    a, b = pair
    _before(client, world, a)
    response = _api(world.people.community).post(
        f"/api/v1/cases/{b.number}/actions/merge/", {"into": a.number, "version": b.version}, format="json"
    )
    assert response.status_code == 200, response.json()
    _check_after(client, world, a, b)


def test_merge_through_the_staff_page_does_not_open_the_original_either(client, world, pair):
    a, b = pair
    _before(client, world, a)
    client.force_login(world.people.community)
    response = client.post(
        reverse("cases:staff_act", args=[b.number, "merge"]), {"version": b.version, "into": a.number, "text": ""}
    )
    assert response.status_code == 302
    _check_after(client, world, a, b)


def test_the_original_reporter_still_reads_their_own_report_in_full(client, world, pair):
    a, b = pair
    _api(world.people.community).post(
        f"/api/v1/cases/{b.number}/actions/merge/", {"into": a.number, "version": b.version}, format="json"
    )
    client.force_login(world.people.resident)
    page = client.get(reverse("cases:my_report", args=[a.number])).content.decode()
    assert A_DESCRIPTION in page and A_ADDRESS in page
    for photo in a.attachments.all():
        assert client.get(reverse("cases:attachment", args=[photo.pk])).status_code == 200
    # …and B's report stays out of A's reach (a merge links B to A, never A to B).
    assert client.get(reverse("cases:my_report", args=[b.number])).status_code == 404
    for photo in b.attachments.all():
        assert client.get(reverse("cases:attachment", args=[photo.pk])).status_code == 404
    # Staff in scope read both in full.
    client.force_login(world.people.community)
    assert A_DESCRIPTION in client.get(reverse("cases:staff_detail", args=[a.number])).content.decode()
    assert Case.objects.get(pk=a.pk).attachments.count() == 1
