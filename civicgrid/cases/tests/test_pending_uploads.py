"""Files sent as soon as they are chosen (cases.pending, views.uploads) and attached to a report by
token: the same checks as a plain multipart report, owner-only previews, one use per token, expiry,
per-person limits, and the report pages keeping files, pin and text after a validation error."""

import io
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from civicgrid.cases import pending, uploads
from civicgrid.cases.models import Attachment, Case, PendingUpload, Source
from civicgrid.cases.tests.conftest import point_in
from civicgrid.cases.tests.media_files import OGG, WEBM, jpeg, png_bomb, random_bytes, upload
from civicgrid.core import jobs

from .test_resident_pages import _form, _login


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.CASES_ATTACHMENT_ROOT = tmp_path / "attachments"


def _files(settings):
    root = settings.CASES_ATTACHMENT_ROOT
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _send(client, file, kind="photo"):
    return client.post(reverse("cases:upload"), {"file": file, "kind": kind})


def _token(client, file=None, kind="photo"):
    response = _send(client, file or jpeg("road.jpg", gps=True), kind)
    assert response.status_code == 201, response.content
    return response.json()


# --- The endpoint ------------------------------------------------------------------------------


def test_upload_checks_stores_and_previews_to_its_owner_only(client, world, settings):
    answer = _token(_login(client, world.people.resident))
    assert set(answer) == {"token", "kind", "kind_label", "name", "size", "preview", "remove"}
    assert answer["kind"] == "photo" and answer["name"] == "road.jpg"
    row = PendingUpload.objects.get()
    assert row.owner == world.people.resident and row.token == answer["token"] and len(row.token) >= 32
    assert row.expires_at > timezone.now() + timedelta(hours=settings.CASES_PENDING_UPLOAD_HOURS - 1)
    assert _files(settings) == sorted([row.file, row.thumbnail])
    # What is stored is the cleaned copy: no EXIF (no GPS) survives.
    stored = (settings.CASES_ATTACHMENT_ROOT / row.file).read_bytes()
    assert not Image.open(io.BytesIO(stored)).getexif()
    preview = client.get(answer["preview"])
    assert preview.status_code == 200 and preview["Content-Type"] == "image/jpeg"
    assert preview["Cache-Control"].startswith("private")
    # Anyone else: as if it did not exist.
    client.force_login(world.people.resident2)
    assert client.get(answer["preview"]).status_code == 404
    assert client.post(answer["remove"]).status_code == 404
    assert PendingUpload.objects.count() == 1


@pytest.mark.parametrize(
    ("file", "kind", "message"),
    [
        (lambda: upload("x.jpg", random_bytes(), "image/jpeg"), "photo", "不是有效的照片文件"),
        (lambda: upload("x.jpg", b"<svg onload=alert(1)>", "image/jpeg"), "photo", "不是有效的照片文件"),
        (lambda: upload("v.mp4", random_bytes(), "video/mp4"), "video", "不是有效的视频文件"),
        (lambda: upload("a.ogg", b"MZ\x90\x00" + random_bytes(), "audio/ogg"), "audio", "不是有效的语音文件"),
        (lambda: png_bomb(), "photo", "像素过多"),
        (lambda: jpeg(), "document", "请选择照片、视频或语音文件"),
        (lambda: None, "photo", "没有收到文件"),
    ],
)
def test_refused_uploads_say_why_and_keep_nothing(client, world, settings, file, kind, message):
    made = file()
    data = {"kind": kind} if made is None else {"kind": kind, "file": made}
    response = _login(client, world.people.resident).post(reverse("cases:upload"), data)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not PendingUpload.objects.exists() and _files(settings) == []


def test_oversize_upload_is_refused(client, world, settings):
    settings.CASES_PHOTO_MAX_MB = 1
    big = upload("big.jpg", b"\xff\xd8\xff" + b"\x00" * (1024 * 1024), "image/jpeg")
    response = _send(_login(client, world.people.resident), big)
    assert response.status_code == 400 and "太大" in response.json()["error"]
    assert not PendingUpload.objects.exists() and _files(settings) == []


def test_video_and_voice_are_accepted_without_preview(client, world):
    _login(client, world.people.resident)
    video = _token(client, upload("v.webm", WEBM), "video")
    voice = _token(client, upload("voice.ogg", OGG), "audio")
    assert video["preview"] == voice["preview"] == ""
    assert set(PendingUpload.objects.values_list("kind", "content_type")) == {
        ("video", "video/webm"),
        ("audio", "audio/ogg"),
    }


def test_per_person_count_and_size_limits(client, world, settings):
    settings.CASES_PENDING_UPLOAD_MAX_COUNT = 2
    _login(client, world.people.resident)
    _token(client)
    _token(client)
    refused = _send(client, jpeg())
    assert refused.status_code == 400 and "尚未随上报提交" in refused.json()["error"]
    assert PendingUpload.objects.count() == 2
    # Another person has their own allowance; expired files do not count.
    _login(client, world.people.resident2)
    _token(client)
    PendingUpload.objects.filter(owner=world.people.resident).update(expires_at=timezone.now())
    _login(client, world.people.resident)
    _token(client)
    settings.CASES_PENDING_UPLOAD_MAX_MB = 0
    refused = _send(client, jpeg())
    assert refused.status_code == 400 and "合计不能超过 0 MB" in refused.json()["error"]


def test_anonymous_is_sent_to_log_in_and_nothing_is_kept(client, world):
    response = _send(client, jpeg())
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert client.get(reverse("cases:upload")).status_code == 302
    assert not PendingUpload.objects.exists()
    answer = _token(_login(client, world.people.resident))
    client.logout()
    assert client.get(answer["preview"]).status_code == 302
    assert client.post(answer["remove"]).status_code == 302
    assert PendingUpload.objects.count() == 1


def test_get_is_not_an_upload(client, world):
    assert _login(client, world.people.resident).get(reverse("cases:upload")).status_code == 405


def test_remove_deletes_the_row_and_its_files(client, world, settings, django_capture_on_commit_callbacks):
    answer = _token(_login(client, world.people.resident))
    assert len(_files(settings)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(answer["remove"])
    assert response.status_code == 200
    assert not PendingUpload.objects.exists() and _files(settings) == []
    assert client.post(answer["remove"]).status_code == 404


# --- Attaching by token ------------------------------------------------------------------------


def test_report_attaches_uploaded_files_by_token(client, world, settings):
    _login(client, world.people.resident)
    photo = _token(client)
    voice = _token(client, upload("voice.ogg", OGG), "audio")
    data = _form(world, upload=[photo["token"], voice["token"]], photos=[jpeg("plain.jpg")])
    response = client.post(reverse("cases:report"), data)
    assert response.status_code == 302
    case = Case.objects.get()
    kinds = sorted(case.attachments.values_list("kind", "original_name"))
    assert kinds == [("audio", "voice.ogg"), ("photo", "plain.jpg"), ("photo", "road.jpg")]
    assert not PendingUpload.objects.exists()
    item = case.attachments.get(original_name="road.jpg")
    assert item.event.seq == 1 and item.uploaded_by == world.people.resident
    assert (settings.CASES_ATTACHMENT_ROOT / item.file.name).exists()
    assert client.get(reverse("cases:attachment_thumb", args=[item.pk])).status_code == 200


def test_a_foreign_token_refuses_the_report_and_writes_nothing(client, world):
    theirs = _token(_login(client, world.people.resident2))
    _login(client, world.people.resident)
    response = client.post(reverse("cases:report"), _form(world, upload=[theirs["token"]]))
    assert response.status_code == 400
    assert "已失效或已经提交过" in response.content.decode()
    assert not Case.objects.exists() and not Attachment.objects.exists()
    assert PendingUpload.objects.get().owner == world.people.resident2
    assert theirs["token"] not in response.content.decode()  # not drawn on someone else's page


def test_a_token_is_used_once(client, world):
    mine = _token(_login(client, world.people.resident))
    first = client.post(reverse("cases:report"), _form(world, upload=[mine["token"]], submission_key="a" * 32))
    assert first.status_code == 302
    again = client.post(reverse("cases:report"), _form(world, upload=[mine["token"]], submission_key="b" * 32))
    assert again.status_code == 400 and "已失效或已经提交过" in again.content.decode()
    assert Case.objects.count() == 1 and Attachment.objects.count() == 1
    # The same form sent twice (same key) is the first report again, not an error.
    replay = client.post(reverse("cases:report"), _form(world, upload=[mine["token"]], submission_key="a" * 32))
    assert replay.status_code == 302 and Case.objects.count() == 1


def test_an_expired_token_is_refused_and_purged_with_its_files(client, world, settings):
    mine = _token(_login(client, world.people.resident))
    row = PendingUpload.objects.get()
    PendingUpload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(reverse("cases:report"), _form(world, upload=[mine["token"]]))
    assert response.status_code == 400 and "已失效或已经提交过" in response.content.decode()
    assert not Case.objects.exists()
    assert client.get(mine["preview"]).status_code == 404
    assert "purge_pending_uploads" in {job.name for job in jobs.schedule()}
    assert jobs.run("purge_pending_uploads") == 1
    assert not PendingUpload.objects.exists()
    assert row.file not in _files(settings) and row.thumbnail not in _files(settings)


def test_purge_keeps_live_uploads(world, settings):
    row = pending.store(world.people.resident, jpeg(), "photo")
    assert pending.purge_expired() == 0
    assert pending.purge_expired(now=row.expires_at) == 1
    assert _files(settings) == []


def test_photo_count_counts_tokens_and_plain_files_together(client, world, settings):
    settings.CASES_MAX_PHOTOS = 2
    _login(client, world.people.resident)
    tokens = [_token(client)["token"], _token(client)["token"]]
    response = client.post(reverse("cases:report"), _form(world, upload=tokens, photos=[jpeg()]))
    assert response.status_code == 400 and "照片最多 2 个" in response.content.decode()
    # Nothing filed; the plain file is kept with the others, so the person can remove one.
    assert not Case.objects.exists() and PendingUpload.objects.count() == 3


def test_malformed_tokens_are_ignored(client, world):
    _login(client, world.people.resident)
    response = client.post(reverse("cases:report"), _form(world, upload=["../../etc/passwd", "x" * 500, ""]))
    assert response.status_code == 302
    assert not Attachment.objects.exists()


# --- Keeping what was given after an error -----------------------------------------------------


def test_a_validation_error_keeps_uploaded_files_pin_and_text(client, world):
    _login(client, world.people.resident)
    photo = _token(client)
    data = _form(world, category="", upload=[photo["token"]], description="路灯不亮")
    response = client.post(reverse("cases:report"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "请选择问题类别" in page
    assert f'name="upload" value="{photo["token"]}"' in page
    assert f'src="{photo["preview"]}"' in page and photo["remove"] in page
    assert f'value="{data["lon"]}"' in page and f'value="{data["lat"]}"' in page
    assert "路灯不亮" in page and "幸福小区3号楼" in page
    fixed = client.post(reverse("cases:report"), dict(data, category=world.cats["S05001"].pk))
    assert fixed.status_code == 302
    assert Case.objects.get().attachments.get().original_name == "road.jpg"


def test_without_javascript_files_sent_with_a_failing_form_are_kept(client, world, settings):
    _login(client, world.people.resident)
    data = _form(world, lon="", lat="", photos=[jpeg("a.jpg"), upload("bad.jpg", random_bytes())])
    response = client.post(reverse("cases:report"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "只填地址无法确定位置" in page and "“bad.jpg”不是有效的照片文件" in page
    kept = PendingUpload.objects.get()
    assert kept.original_name == "a.jpg" and f'value="{kept.token}"' in page
    fixed = client.post(reverse("cases:report"), _form(world, upload=[kept.token]))
    assert fixed.status_code == 302
    assert list(Case.objects.get().attachments.values_list("original_name", flat=True)) == ["a.jpg"]


def test_quick_report_takes_an_uploaded_photo_and_keeps_it_after_an_error(client, world):
    _login(client, world.people.grid)
    photo = _token(client)
    missing = client.post(reverse("cases:quick_report"), {"upload": [photo["token"]], "description": "井盖缺失"})
    assert missing.status_code == 400
    page = missing.content.decode()
    assert "请选择问题类别" in page and photo["token"] in page and "井盖缺失" in page
    assert "请拍摄或选择一张照片" not in page
    done = client.post(reverse("cases:quick_report"), {"upload": [photo["token"]], "category": world.cats["S05001"].pk})
    assert done.status_code == 302
    case = Case.objects.get()
    assert case.source == Source.GRID_PHOTO and case.attachments.get().original_name == "road.jpg"
    # Someone else's photo is no photo.
    theirs = _token(_login(client, world.people.grid_neighbour))
    _login(client, world.people.grid)
    refused = client.post(
        reverse("cases:quick_report"), {"upload": [theirs["token"]], "category": world.cats["S05001"].pk}
    )
    assert refused.status_code == 400 and "请拍摄或选择一张照片" in refused.content.decode()
    assert Case.objects.count() == 1


def test_uploads_py_still_refuses_the_same_files(world):
    """The endpoint runs the checks of the plain path (one set of rules)."""
    with pytest.raises(uploads.UploadError):
        pending.store(world.people.resident, png_bomb(), "photo")


def test_staff_feedback_takes_photos_by_token_and_keeps_them_after_an_error(client, world):
    from civicgrid.cases.models import CaseEvent, Status
    from civicgrid.cases.tests.conftest import make_case

    case = make_case(world, Status.HANDLING)
    _login(client, world.people.grid)
    photo = _token(client, jpeg("done.jpg"))
    url = reverse("cases:staff_act", args=[case.number, "feedback"])
    missing = client.post(url, {"version": case.version, "text": "", "upload": [photo["token"]]})
    assert missing.status_code == 400
    page = missing.content.decode()
    assert f'name="upload" value="{photo["token"]}"' in page and 'data-upload-config="upload-config"' in page
    assert "uploads.js" in page
    done = client.post(url, {"version": case.version, "text": "已清理", "upload": [photo["token"]]})
    assert done.status_code == 302
    event = CaseEvent.objects.get(case=case, type="fed_back")
    assert Attachment.objects.get(case=case).event == event
    assert not PendingUpload.objects.exists()
    # The same token again, or someone else's: refused, nothing recorded.
    other = make_case(world, Status.HANDLING)
    theirs = _token(_login(client, world.people.grid_neighbour))
    _login(client, world.people.grid)
    url = reverse("cases:staff_act", args=[other.number, "feedback"])
    for token in (photo["token"], theirs["token"]):
        client.post(url, {"version": other.version, "text": "已清理", "upload": [token]})
        other.refresh_from_db()
        assert other.status == Status.HANDLING and Attachment.objects.count() == 1


# --- Two reports, one token, at the same moment (PostgreSQL row locks) ---------------------------


@pytest.mark.skipif(
    "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL row locks; SQLite serialises all writers with one database lock",
)
def test_the_same_token_in_two_reports_at_once_only_one_wins(transactional_db, world, monkeypatch, settings):
    from civicgrid.cases.tests.test_concurrency import race

    worker = world.people.grid
    token = pending.store(worker, jpeg("one.jpg"), "photo").token
    lon, lat = point_in(world.tree["S1C1G1M1"])

    def file_report(key):
        return uploads.report_with_attachments(
            worker,
            tokens=[token],
            category=world.cats["S05001"],
            description="井盖缺失",
            lon=lon,
            lat=lat,
            source=Source.GRID_PHOTO,
            submission_key=key,
        )

    results = race(monkeypatch, lambda: file_report("k" * 32), lambda: file_report("m" * 32))
    winners = [r for r in results if not isinstance(r, Exception)]
    losers = [r for r in results if isinstance(r, pending.PendingUploadGone)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert Case.objects.count() == 1 and Attachment.objects.get().case == winners[0].case
    assert not PendingUpload.objects.exists()
