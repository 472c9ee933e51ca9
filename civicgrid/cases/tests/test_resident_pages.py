"""The resident's phone pages (我要上报, 我的上报), the grid worker's 随手拍 and the attachment view."""

import pytest
from django.urls import reverse

from civicgrid.cases.models import Attachment, Case, CaseParticipant, Evaluation, Source, Status
from civicgrid.cases.tests.conftest import HOME, accepted, make_case, point_in, report
from civicgrid.cases.tests.media_files import OGG, WEBM, jpeg, png_bomb, upload


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.CASES_ATTACHMENT_ROOT = tmp_path / "attachments"


def _login(client, user):
    client.force_login(user)
    return client


def _form(world, where=HOME, **extra):
    lon, lat = point_in(world.tree[where])
    data = {
        "category": world.cats["S05001"].pk,
        "description": "3号楼门口路灯坏了，晚上很黑。",
        "lon": f"{lon:.6f}",
        "lat": f"{lat:.6f}",
        "address": "幸福小区3号楼",
    }
    data.update(extra)
    return data


def test_report_page_offers_only_resident_categories(client, world):
    response = _login(client, world.people.resident).get(reverse("cases:report"))
    assert response.status_code == 200
    choices = {str(pk) for pk, _label in response.context["form"].fields["category"].choices if pk}
    assert str(world.cats["S05001"].pk) in choices
    assert str(world.cats["08006"].pk) not in choices
    assert b"report-map" in response.content and b"leaflet.js" in response.content


def test_report_happy_path_creates_case_with_attachments(client, world):
    data = _form(world, photos=[jpeg("a.jpg", gps=True), jpeg("b.jpg")], video=upload("v.webm", WEBM))
    data["audio"] = upload("voice.ogg", OGG)
    data["private"] = "on"
    response = _login(client, world.people.resident).post(reverse("cases:report"), data)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:my_report", args=[case.number]) + "?submitted=1"
    assert case.reporter == world.people.resident and case.source == Source.RESIDENT
    assert case.is_public is False and case.grid == world.tree["S1C1G1"]
    assert sorted(case.attachments.values_list("kind", flat=True)) == ["audio", "photo", "photo", "video"]
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert case.number in page.content.decode()
    assert len(page.context["photos"]) == 2


def test_a_resubmitted_report_files_one_case(client, world):
    """A retry after a lost response (or a double tap) sends the same form, with the same key."""
    page = _login(client, world.people.resident).get(reverse("cases:report"))
    key = page.context["form"]["submission_key"].value()
    assert len(key) == 32 and f'value="{key}"' in page.content.decode()
    first = client.post(reverse("cases:report"), _form(world, photos=[jpeg("a.jpg")], submission_key=key))
    again = client.post(reverse("cases:report"), _form(world, photos=[jpeg("a.jpg")], submission_key=key))
    case = Case.objects.get()
    assert first["Location"] == again["Location"] == reverse("cases:my_report", args=[case.number]) + "?submitted=1"
    assert case.attachments.count() == 1 and case.events.count() == 1
    assert "没有重复登记" in client.get(again["Location"]).content.decode()
    # Another form (a new key) is another report; another account's identical key is theirs.
    client.post(reverse("cases:report"), _form(world, submission_key="other-key"))
    _login(client, world.people.resident2).post(reverse("cases:report"), _form(world, submission_key=key))
    assert Case.objects.count() == 3
    assert client.get(reverse("cases:report")).context["form"]["submission_key"].value() != key


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"description": ""}, "请描述问题"),
        ({"category": ""}, "请选择问题类别"),
        ({"lon": "", "lat": "", "address": ""}, "请在地图上点选问题位置"),
        ({"lon": "", "lat": ""}, "只填地址无法确定位置"),
        ({"description": "路灯\x01坏了"}, "包含不可见的控制字符"),
        ({"address": "幸福\x0b小区"}, "包含不可见的控制字符"),
        ({"description": "路灯坏了\x7f"}, "包含不可见的控制字符"),
    ],
)
def test_bad_input_shows_errors_and_creates_nothing(client, world, change, message):
    response = _login(client, world.people.resident).post(reverse("cases:report"), _form(world, **change))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Case.objects.exists()


def test_renamed_executable_is_refused_with_a_clear_message(client, world):
    data = _form(world, photos=[upload("cat.jpg", b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "image/jpeg")])
    response = _login(client, world.people.resident).post(reverse("cases:report"), data)
    assert response.status_code == 400
    assert "不是有效的照片文件" in response.content.decode()
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_category_residents_may_not_choose_is_refused(client, world):
    response = _login(client, world.people.resident).post(
        reverse("cases:report"), _form(world, category=world.cats["08006"].pk)
    )
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_rate_limit_shows_a_clear_message(client, world, settings):
    settings.CASES_RESIDENT_REPORTS_PER_HOUR = 1
    _login(client, world.people.resident)
    assert client.post(reverse("cases:report"), _form(world)).status_code == 302
    response = client.post(reverse("cases:report"), _form(world))
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert Case.objects.count() == 1


def test_duplicate_prompt_offers_to_follow_the_existing_case(client, world):
    existing = accepted(world, report(world, user=world.people.resident2))
    _login(client, world.people.resident)
    response = client.post(reverse("cases:report"), _form(world), follow=True)
    content = response.content.decode()
    assert "附近已有相同问题，是否关注已有案件？" in content
    assert existing.number in content
    follow_url = reverse("cases:follow", args=[existing.number])
    assert follow_url in content
    client.post(follow_url, {"next": reverse("cases:my_reports")})
    assert CaseParticipant.objects.filter(
        case=existing, user=world.people.resident, role="follower", is_active=True
    ).exists()
    # Without ?submitted the prompt is not shown again.
    mine = Case.objects.exclude(pk=existing.pk).get()
    assert "附近已有相同问题" not in client.get(reverse("cases:my_report", args=[mine.number])).content.decode()


def test_my_reports_lists_own_cases_with_lights(client, world):
    mine = report(world)
    report(world, user=world.people.resident2)
    response = _login(client, world.people.resident).get(reverse("cases:my_reports"))
    assert [c.pk for c in response.context["cases"]] == [mine.pk]
    assert "cg-light-red" in response.content.decode()


def test_another_residents_private_report_is_404(client, world):
    private = report(world, user=world.people.resident2, is_public=False)
    public = report(world, user=world.people.resident2)
    _login(client, world.people.resident)
    assert client.get(reverse("cases:my_report", args=[private.number])).status_code == 404
    # Public cases are for the board, not for someone else's "my reports".
    assert client.get(reverse("cases:my_report", args=[public.number])).status_code == 404
    assert client.get(reverse("cases:my_report", args=["2099-999999"])).status_code == 404


def test_evaluate_and_reopen_from_my_report(client, world):
    case = make_case(world, Status.CLOSED)
    _login(client, world.people.resident)
    page = client.get(reverse("cases:my_report", args=[case.number]))
    assert page.context["evaluate_form"] is not None
    response = client.post(
        reverse("cases:evaluate", args=[case.number]), {"score": "2", "comment": "还是不亮", "version": case.version}
    )
    assert response.status_code == 302
    assert Evaluation.objects.get(case=case).score == 2
    page = client.get(reverse("cases:my_report", args=[case.number]))
    assert page.context["reopen_form"] is not None
    case.refresh_from_db()
    client.post(reverse("cases:reopen", args=[case.number]), {"reason": "灯还是不亮", "version": case.version})
    case.refresh_from_db()
    assert case.status == Status.HANDLING and case.reopen_count == 1


def test_another_resident_cannot_evaluate(client, world):
    case = make_case(world, Status.CLOSED)
    _login(client, world.people.resident2)
    response = client.post(reverse("cases:evaluate", args=[case.number]), {"score": "5", "version": case.version})
    assert response.status_code == 404
    assert not Evaluation.objects.exists()


def test_grid_worker_quick_report(client, world):
    _login(client, world.people.grid)
    assert client.get(reverse("cases:quick_report")).status_code == 200
    lon, lat = point_in(world.tree["S1C1G1M2"])
    response = client.post(
        reverse("cases:quick_report"),
        {"photo": jpeg(), "category": world.cats["08006"].pk, "lon": lon, "lat": lat},
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.source == Source.GRID_PHOTO and case.reporter == world.people.grid
    assert case.attachments.count() == 1


def test_quick_report_without_gps_uses_the_workers_grid(client, world):
    _login(client, world.people.grid)
    response = client.post(reverse("cases:quick_report"), {"photo": jpeg(), "category": world.cats["S05001"].pk})
    assert response.status_code == 302
    assert Case.objects.get().grid == world.tree["S1C1G1"]


def test_quick_report_needs_a_photo_and_a_grid_role(client, world):
    _login(client, world.people.grid)
    response = client.post(reverse("cases:quick_report"), {"category": world.cats["S05001"].pk})
    assert response.status_code == 400 and "请拍摄或选择一张照片" in response.content.decode()
    client.force_login(world.people.resident)
    assert client.get(reverse("cases:quick_report")).status_code == 404
    assert not Case.objects.exists()


def _case_with_photo(world, user=None, is_public=True):
    from civicgrid.cases import uploads

    lon, lat = point_in(world.tree[HOME])
    return uploads.report_with_attachments(
        user or world.people.resident,
        photos=[jpeg()],
        category=world.cats["S05001"],
        description="井盖缺失",
        lon=lon,
        lat=lat,
        is_public=is_public,
    ).case


def test_attachment_served_only_to_those_who_may_see_the_case(client, world):
    case = _case_with_photo(world, is_public=False)
    photo = case.attachments.get()
    url = reverse("cases:attachment", args=[photo.pk])
    thumb = reverse("cases:attachment_thumb", args=[photo.pk])
    _login(client, world.people.resident)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert client.get(thumb).status_code == 200
    # Staff in scope see it; a neighbour resident and a neighbouring grid worker do not.
    client.force_login(world.people.grid)
    assert client.get(url).status_code == 200
    for outsider in (world.people.resident2, world.people.grid_neighbour, world.people.community_neighbour):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    assert client.get(reverse("cases:attachment", args=[999999])).status_code == 404


def test_public_case_photo_is_visible_to_neighbours_on_the_board(client, world):
    case = accepted(world, _case_with_photo(world))
    photo = case.attachments.get()
    _login(client, world.people.resident2)
    assert client.get(reverse("cases:attachment", args=[photo.pk])).status_code == 200
    client.force_login(world.people.community_neighbour)
    assert client.get(reverse("cases:attachment", args=[photo.pk])).status_code == 404


def test_anonymous_is_sent_to_login(client, world):
    case = _case_with_photo(world)
    for url in (
        reverse("cases:report"),
        reverse("cases:my_reports"),
        reverse("cases:attachment", args=[case.attachments.get().pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_follow_a_case_out_of_reach_is_404(client, world):
    private = report(world, user=world.people.resident2, is_public=False)
    _login(client, world.people.resident)
    assert client.post(reverse("cases:follow", args=[private.number])).status_code == 404
    assert not CaseParticipant.objects.filter(role="follower").exists()


def test_a_decompression_bomb_photo_is_refused_on_the_report_form(client, world):
    data = _form(world, photos=[jpeg("a.jpg"), png_bomb("大图.png")])
    response = _login(client, world.people.resident).post(reverse("cases:report"), data)
    assert response.status_code == 400
    assert "“大图.png”像素过多" in response.content.decode()
    assert not Case.objects.exists() and not Attachment.objects.exists()
