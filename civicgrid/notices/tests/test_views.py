import pytest
from django.urls import reverse

from civicgrid.cases.tests.media_files import jpeg
from civicgrid.notices.models import Notice, NoticeRead, Status
from civicgrid.notices.tests.conftest import published, write

pytestmark = pytest.mark.django_db


def test_resident_reads_from_the_list_and_the_badge_drops(client, world):
    from civicgrid.notices import selectors

    notice = published(world, photos=[jpeg()], body="第一段<script>alert(1)</script>\n\n第二段")
    client.force_login(world.resident)
    page = client.get(reverse("notices:mine")).content.decode()
    assert notice.title in page and 'data-count="1"' in page
    page = client.get(reverse("notices:read", args=[notice.pk])).content.decode()
    assert "<p>第一段&lt;script&gt;alert(1)&lt;/script&gt;</p>" in page and "<p>第二段</p>" in page
    assert selectors.unread_count(world.resident) == 0
    photo = notice.files.get()
    response = client.get(reverse("notices:file", args=[photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_a_resident_of_another_community_gets_404(client, world):
    notice = published(world, photos=[jpeg()])
    client.force_login(world.stranger)
    assert client.get(reverse("notices:read", args=[notice.pk])).status_code == 404
    assert client.get(reverse("notices:file", args=[notice.files.get().pk])).status_code == 404
    assert notice.title not in client.get(reverse("notices:mine")).content.decode()
    assert not NoticeRead.objects.exists()
    # Nor a draft of their own community.
    draft = write(world, title="草稿")
    client.force_login(world.resident)
    assert client.get(reverse("notices:read", args=[draft.pk])).status_code == 404


def test_staff_write_publish_and_see_receipts(client, world):
    client.force_login(world.community)
    assert client.get(reverse("notices:add")).status_code == 200
    response = client.post(
        reverse("notices:add"),
        {
            "region": world.tree["S1C1"].pk,
            "kind": "news",
            "title": "邻里节",
            "body": "欢迎参加。",
            "audience_roles": ["resident"],
            "photos": [jpeg()],
        },
    )
    notice = Notice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("notices:manage", args=[notice.pk])
    assert notice.files.count() == 1
    response = client.post(reverse("notices:publish", args=[notice.pk]), {"version": notice.version})
    assert response.status_code == 302
    assert Notice.objects.get().status == Status.PUBLISHED
    page = client.get(reverse("notices:receipts", args=[notice.pk])).content.decode()
    assert 'id="count-audience">2<' in page and 'id="count-unread">2<' in page
    assert "r*******" in page  # masked: "resident"
    assert client.get(reverse("notices:staff_list") + "?kind=news").status_code == 200


@pytest.mark.parametrize(
    "data",
    [
        {"title": "标题\x1b", "body": "正文"},
        {"title": "标题", "body": ""},
        {"title": "标题", "body": "正文", "publish_at": "2001-01-01T08:00"},
        {"title": "标题", "body": "正文", "publish_at": "not a date"},
        {"title": "标题", "body": "正文", "kind": "x"},
    ],
)
def test_bad_form_answers_400_and_writes_nothing(client, world, data):
    client.force_login(world.community)
    payload = {"region": world.tree["S1C1"].pk, "kind": "notice", **data}
    response = client.post(reverse("notices:add"), payload)
    assert response.status_code == 400
    assert not Notice.objects.exists()


def test_staff_pages_are_404_out_of_scope_and_for_residents(client, world):
    notice = published(world)
    for user in (world.other_community, world.resident):
        client.force_login(user)
        for name in ("manage", "receipts", "edit"):
            assert client.get(reverse(f"notices:{name}", args=[notice.pk])).status_code == 404
        assert client.post(reverse("notices:withdraw", args=[notice.pk])).status_code == 404
    assert Notice.objects.get().status == Status.PUBLISHED
    client.force_login(world.resident)
    assert client.get(reverse("notices:staff_list")).status_code == 404
    assert client.get(reverse("notices:add")).status_code == 404
    client.force_login(world.operator)  # reads, does not write
    assert client.get(reverse("notices:manage", args=[notice.pk])).status_code == 200
    assert client.get(reverse("notices:add")).status_code == 404
    assert client.post(reverse("notices:withdraw", args=[notice.pk])).status_code == 404
    assert Notice.objects.get().status == Status.PUBLISHED
