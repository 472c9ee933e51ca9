"""Uploads are checked by content: images re-encoded without EXIF/GPS, containers sniffed, sizes
and counts limited, anything else refused with a clear message."""

import io

import pytest
from PIL import Image

from civicgrid.cases import uploads
from civicgrid.cases.models import Attachment, Case
from civicgrid.cases.tests.conftest import HOME, point_in
from civicgrid.cases.tests.media_files import (
    GPS_IFD,
    M4A,
    MP4,
    OGG,
    WAV,
    WEBM,
    gif_bytes,
    jpeg,
    jpeg_bytes,
    png,
    png_bomb,
    png_bomb_bytes,
    random_bytes,
    upload,
)


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.CASES_ATTACHMENT_ROOT = tmp_path / "attachments"


def test_jpeg_with_gps_is_stored_without_any_exif():
    original = jpeg_bytes(gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the upload has GPS
    checked = uploads.check_photo(upload("IMG_0001.JPG", original))
    stored = Image.open(io.BytesIO(checked.content))
    assert stored.format == "JPEG"
    assert not stored.getexif()
    assert not stored.getexif().get_ifd(GPS_IFD)
    assert b"Exif" not in checked.content[:200]
    assert checked.content_type == "image/jpeg"
    thumb = Image.open(io.BytesIO(uploads.thumbnail_bytes(checked.content)))
    assert thumb.format == "JPEG" and not thumb.getexif()


def test_exif_orientation_is_applied_before_stripping():
    checked = uploads.check_photo(upload("rotated.jpg", jpeg_bytes(size=(40, 20), orientation=6)))
    assert (checked.width, checked.height) == (20, 40)


def test_png_with_transparency_stays_png_and_thumbnail_is_small(settings):
    settings.CASES_THUMBNAIL_PX = 16
    checked = uploads.check_photo(png())
    assert checked.content_type == "image/png"
    thumb = Image.open(io.BytesIO(uploads.thumbnail_bytes(checked.content)))
    assert thumb.format == "PNG" and max(thumb.size) <= 16


@pytest.mark.parametrize(
    "data",
    [
        b"<?php system($_GET['c']); ?>",
        b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64,
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"MZ\x90\x00" + b"\x00" * 60,
    ],
)
def test_renamed_executable_or_markup_is_refused(data):
    with pytest.raises(uploads.UploadError) as error:
        uploads.check_photo(upload("photo.jpg", data, "image/jpeg"))
    assert "不是有效的照片文件" in error.value.message
    with pytest.raises(uploads.UploadError):
        uploads.check_media(upload("clip.mp4", data, "video/mp4"), "video")


def test_too_large_photo_is_refused(settings):
    settings.CASES_PHOTO_MAX_MB = 1
    big = upload("big.jpg", b"\xff\xd8\xff" + b"\x00" * (1024 * 1024 + 10), "image/jpeg")
    with pytest.raises(uploads.UploadError) as error:
        uploads.check_photo(big)
    assert "不能超过 1 MB" in error.value.message


def test_too_many_photos_are_refused():
    with pytest.raises(uploads.UploadError) as error:
        uploads.check_uploads(photos=[jpeg(f"p{i}.jpg") for i in range(10)])
    assert "最多 9 个" in error.value.message
    with pytest.raises(uploads.UploadError):
        uploads.check_uploads(videos=[upload("a.webm", WEBM), upload("b.webm", WEBM)])


@pytest.mark.parametrize(
    ("data", "kind", "content_type"),
    [
        (WEBM, "video", "video/webm"),
        (MP4, "video", "video/mp4"),
        (OGG, "video", "video/ogg"),
        (WEBM, "audio", "audio/webm"),
        (M4A, "audio", "audio/mp4"),
        (OGG, "audio", "audio/ogg"),
        (WAV, "audio", "audio/wav"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 20, "audio", "audio/mpeg"),
        (b"\xff\xfb\x90\x64" + b"\x00" * 20, "audio", "audio/mpeg"),  # MP3 frame without ID3
        (b"\xff\xf1\x50\x80\x02\x1f\xfc", "audio", "audio/aac"),  # AAC ADTS
    ],
)
def test_real_container_headers_are_accepted(data, kind, content_type):
    checked = uploads.check_media(upload("clip.bin", data + b"\x00" * 100), kind)
    assert checked.content_type == content_type


@pytest.mark.parametrize("prefix", [b"\x00\x01", b"\xff\xff\xff\xff", b"\xff\xfb\xf0\x00"])
def test_random_bytes_are_refused_as_media_and_photo(prefix):
    data = prefix + random_bytes()
    with pytest.raises(uploads.UploadError):
        uploads.check_media(upload("clip.webm", data), "video")
    with pytest.raises(uploads.UploadError):
        uploads.check_media(upload("voice.webm", data), "audio")
    with pytest.raises(uploads.UploadError):
        uploads.check_photo(upload("p.jpg", data))


def test_report_with_attachments_stores_clean_files_under_random_names(
    world, settings, django_capture_on_commit_callbacks
):
    lon, lat = point_in(world.tree[HOME])
    with django_capture_on_commit_callbacks() as after_commit:
        result = uploads.report_with_attachments(
            world.people.resident,
            photos=[jpeg("家门口.jpg", gps=True), png()],
            videos=[upload("v.webm", WEBM)],
            audios=[upload("voice.ogg", OGG)],
            category=world.cats["S05001"],
            description="路灯不亮",
            lon=lon,
            lat=lat,
        )
    # The thumbnails come after the commit (a background task), not in the report's transaction.
    assert not Attachment.objects.filter(case=result.case).exclude(thumbnail="").exists()
    for callback in after_commit:
        callback()
    rows = list(Attachment.objects.filter(case=result.case).order_by("pk"))
    assert [r.kind for r in rows] == ["photo", "photo", "video", "audio"]
    first = rows[0]
    assert first.original_name == "家门口.jpg" and first.event.seq == 1 and first.uploaded_by == world.people.resident
    assert "家门口" not in first.file.name and first.file.name.endswith(".jpg")
    path = settings.CASES_ATTACHMENT_ROOT / first.file.name
    assert path.exists()
    assert not Image.open(path).getexif()
    assert first.thumbnail.name and len(first.sha256) == 64
    assert rows[1].thumbnail.name.endswith("-thumb.png") and not rows[2].thumbnail and not rows[3].thumbnail
    assert max(Image.open(settings.CASES_ATTACHMENT_ROOT / first.thumbnail.name).size) <= settings.CASES_THUMBNAIL_PX


def test_a_lost_thumbnail_task_is_redriven_by_the_periodic_job(world, settings):
    lon, lat = point_in(world.tree[HOME])
    result = uploads.report_with_attachments(
        world.people.resident, photos=[jpeg("a.jpg")], category=world.cats["S05001"], description="路灯不亮",
        lon=lon, lat=lat,
    )  # fmt: skip
    photo = Attachment.objects.get(case=result.case)
    assert not photo.thumbnail  # the after-commit task never ran (the test's transaction never commits)
    assert uploads.make_missing_thumbnails() == 0  # too recent: its task may still be on its way
    assert uploads.make_missing_thumbnails(older_than=0) == 1
    photo.refresh_from_db()
    assert photo.thumbnail.name.endswith("-thumb.jpg")
    assert uploads.make_missing_thumbnails(older_than=0) == 0
    assert uploads.make_thumbnail(photo.pk) is False  # idempotent


def test_a_refused_file_creates_no_case_and_writes_nothing(world, settings):
    lon, lat = point_in(world.tree[HOME])
    with pytest.raises(uploads.UploadError):
        uploads.report_with_attachments(
            world.people.resident,
            photos=[jpeg(), upload("evil.jpg", b"<?php echo 1; ?>")],
            category=world.cats["S05001"],
            description="路灯不亮",
            lon=lon,
            lat=lat,
        )
    assert not Case.objects.exists() and not Attachment.objects.exists()
    root = settings.CASES_ATTACHMENT_ROOT
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


# --- Decompression bombs: refused from the header, before any pixel is decoded -------------------


def test_a_decompression_bomb_is_refused_from_its_header(settings):
    bomb = png_bomb()  # 10,000 × 10,000 pixels in 12 kB
    assert bomb.size < 20_000
    with pytest.raises(uploads.UploadError) as error:
        uploads.check_photo(bomb)
    assert "“bomb.png”像素过多" in error.value.message and "不能超过 40 百万像素" in error.value.message


def test_a_header_that_claims_too_many_pixels_is_refused_without_decoding():
    # Only the header is real: decoding it would fail as "not a valid photo". The pixel limit
    # answers first, so nothing was decoded.
    header_only = png_bomb_bytes(9_000, 9_000)[:60]  # the header and the start of a cut-off IDAT
    with pytest.raises(uploads.UploadError) as error:
        uploads.check_photo(upload("claims.png", header_only, "image/png"))
    assert "像素过多" in error.value.message


def test_the_pixel_limit_and_the_longest_side_are_settings(settings):
    settings.CASES_PHOTO_MAX_MEGAPIXELS = 1
    with pytest.raises(uploads.UploadError) as error:
        uploads.check_photo(png_bomb("wide.png", 1_100, 1_000))  # 1.1 Mpx: below Pillow's own limits
    assert "像素过多" in error.value.message and "1 百万像素" in error.value.message
    settings.CASES_PHOTO_MAX_MEGAPIXELS = 40
    settings.CASES_PHOTO_MAX_SIDE = 2_000
    with pytest.raises(uploads.UploadError) as error:
        uploads.check_photo(png_bomb("strip.png", 2_001, 10))
    assert "2000" in error.value.message
    assert uploads.check_photo(png_bomb("ok.png", 2_000, 10)).width == 2_000


def test_an_animation_with_too_many_frames_is_refused(settings):
    settings.CASES_PHOTO_MAX_FRAMES = 100
    assert uploads.check_photo(upload("ok.gif", gif_bytes(100), "image/gif")).kind == "photo"
    with pytest.raises(uploads.UploadError) as error:
        uploads.check_photo(upload("many.gif", gif_bytes(101), "image/gif"))
    assert "帧数过多" in error.value.message


def test_a_bomb_in_a_report_creates_nothing(world, settings):
    lon, lat = point_in(world.tree[HOME])
    with pytest.raises(uploads.UploadError):
        uploads.report_with_attachments(
            world.people.resident,
            photos=[jpeg(), png_bomb()],
            category=world.cats["S05001"],
            description="路灯不亮",
            lon=lon,
            lat=lat,
        )
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_video_and_voice_size_limits_still_apply(settings):
    settings.CASES_VIDEO_MAX_MB = 1
    settings.CASES_AUDIO_MAX_MB = 1
    big = b"\x00" * (1024 * 1024 + 1)
    with pytest.raises(uploads.UploadError) as error:
        uploads.check_media(upload("v.webm", WEBM + big), "video")
    assert "视频不能超过 1 MB" in error.value.message
    with pytest.raises(uploads.UploadError) as error:
        uploads.check_media(upload("a.ogg", OGG + big), "audio")
    assert "语音不能超过 1 MB" in error.value.message
